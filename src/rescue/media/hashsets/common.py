"""The shape every importer produces: one SetRow per hash entry, with the category kept with its scheme."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rescue.media.safety import MediaError

_HEX = re.compile(r"[0-9a-fA-F]+")
LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64, "pdq": 64}


@dataclass
class SetRow:
    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None
    pdq: str | None = None
    category: str | None = None
    scheme: str | None = None
    series: str | None = None
    victim_identified: bool | None = None
    offender_identified: bool | None = None
    is_distributed: bool | None = None
    record_json: str | None = None

    def has_hash(self) -> bool:
        return any((self.md5, self.sha1, self.sha256, self.pdq))


class SetFormatError(MediaError):
    def __init__(self, path: object, where: str, message: str) -> None:
        super().__init__(f"{path}:{where}: {message}")


def hexhash(value: object, kind: str) -> str | None:
    """A lower-case hex hash of the right length, None for empty, ValueError for anything else."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if len(text) != LENGTHS[kind] or not _HEX.fullmatch(text):
        raise ValueError(f"not a {kind} hash: {text[:80]!r}")
    return text.lower()


def flag(value: object) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y"):
        return True
    if text in ("0", "false", "no", "n"):
        return False
    return None


@dataclass
class Parsed:
    rows: Iterable[SetRow]  # a list, or an iterator (VICS: header and skips are known once it is exhausted)
    header_json: str | None
    scheme: str | None
    skipped: int = 0
    first_skip: str | None = None

    def skip(self, where: str, reason: str) -> None:
        self.skipped += 1
        if self.first_skip is None:
            self.first_skip = f"{where}: {reason}"
