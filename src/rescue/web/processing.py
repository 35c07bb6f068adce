"""Writes to the processing log on behalf of the workbench (one entry per consultation, alteration,
disclosure, search, export and logon)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rescue.web.state import AppState
from rescue.workflow import audit


def log(st: AppState, actor: str, action: str, object_kind: str, object_id: str = "", *,
        country: str | None = None, justification: str = "", recipients: Iterable[str] = (),
        details: dict[str, Any] | None = None) -> int:
    with st.workflow.session() as s:
        entry = audit.append(s, actor=actor, action=action, object_kind=object_kind, object_id=object_id,
                             country=country, justification=justification, recipients=recipients,
                             details=details)
        return entry.seq
