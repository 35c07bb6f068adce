"""Imports every module that defines workflow tables, so that ``Base.metadata`` knows them all.

A new module with tables (releases, outcomes…) adds one import line here.
"""

from rescue.workflow import audit, outcomes, releases, sessions, users  # noqa: F401
