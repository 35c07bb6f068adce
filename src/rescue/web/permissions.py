"""Who may do what: the one table of areas × roles, and a user's need-to-know scope.

Every route declares its area through ``deps.need(area)``; the matrix test enumerates ``app.routes``
and fails on a route without one. A liaison officer's scope is the set of persons released to their
country (``release_persons`` of released versions); everyone else's scope is the whole operation.
"""

from __future__ import annotations

from dataclasses import dataclass

AREAS: dict[str, frozenset[str]] = {
    "dashboard": frozenset({"admin", "analyst", "reviewer", "liaison", "auditor"}),
    "suspects": frozenset({"admin", "analyst", "reviewer", "liaison"}),
    "search": frozenset({"admin", "analyst"}),
    "packages.read": frozenset({"admin", "analyst", "reviewer", "liaison"}),
    # as the package workflow (rescue.package.release) allows; it also enforces four eyes (not the drafter)
    "packages.approve": frozenset({"reviewer", "admin"}),
    "packages.release": frozenset({"reviewer", "admin", "analyst"}),
    "outcomes.read": frozenset({"admin", "analyst", "reviewer", "liaison", "auditor"}),
    "outcomes.write": frozenset({"liaison", "admin"}),
    "audit": frozenset({"auditor", "admin"}),
    "account": frozenset({"admin", "analyst", "reviewer", "liaison", "auditor"}),  # own session, logout
}


@dataclass(frozen=True)
class Viewer:
    """The user behind a request, with what they may see."""

    username: str
    role: str
    country: str | None
    session_digest: str
    csrf_token: str
    persons: frozenset[str] | None  # None: every person of the operation; else only these

    @property
    def scoped(self) -> bool:
        return self.persons is not None

    def may(self, area: str) -> bool:
        return self.role in AREAS[area]

    def sees(self, person_id: str) -> bool:
        return self.persons is None or person_id in self.persons

    def countries(self) -> frozenset[str] | None:
        """Package countries this viewer may see (None: all)."""
        if self.role == "liaison":
            return frozenset({self.country or ""})
        return None
