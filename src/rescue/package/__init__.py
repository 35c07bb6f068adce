"""Per-country intelligence packages: graded reports, handling codes, four eyes, register (docs/package.md).

Stable API for the workbench and other tools:

- ``build_drafts(op_root, *, by, countries=None, ...) -> BuildResult``
- ``list_releases(op_root, country=None) -> list[ReleaseInfo]``
- ``approve(op_root, country, version, by) -> ReleaseInfo``
- ``release(op_root, country, version, by, recipients, *, justification="") -> ReleaseInfo``
- ``register(op_root) -> list[dict]`` — the dissemination register
- workflow tables ``releases``, ``release_persons``, ``disseminations`` (rescue.workflow.releases)
"""

from rescue.package.build import BuildResult, Draft, build_drafts
from rescue.package.marking import HANDLING, TLP, Marking
from rescue.package.release import (
    ReleaseError,
    ReleaseInfo,
    approve,
    list_releases,
    parse_ref,
    register,
    release,
)

__all__ = [
    "HANDLING",
    "TLP",
    "BuildResult",
    "Draft",
    "Marking",
    "ReleaseError",
    "ReleaseInfo",
    "approve",
    "build_drafts",
    "list_releases",
    "parse_ref",
    "register",
    "release",
]
