"""Adapters: one declarative spec per forum software, all in one registry."""

from __future__ import annotations

from collections.abc import Mapping

from rescue.adapters.base import Adapter, Recognition
from rescue.adapters.discourse import ADAPTER as DISCOURSE
from rescue.adapters.invision import ADAPTER as INVISION
from rescue.adapters.mybb import ADAPTER as MYBB
from rescue.adapters.phpbb import ADAPTER as PHPBB
from rescue.adapters.smf import ADAPTER as SMF
from rescue.adapters.vbulletin import ADAPTER as VBULLETIN
from rescue.adapters.xenforo import ADAPTER as XENFORO
from rescue.errors import AdapterError
from rescue.readers.base import TableDef

REGISTRY: dict[str, Adapter] = {a.software: a for a in (PHPBB, MYBB, SMF, DISCOURSE, VBULLETIN, XENFORO, INVISION)}


def recognise(defs: Mapping[str, TableDef], *, software: str = "auto", path: str = "",
              min_score: float | None = None) -> tuple[Adapter, Recognition]:
    """Pick the adapter whose signature tables the source holds (by structure, never by name).

    Automatic recognition needs 60 % of an adapter's signature tables; when the user names the
    software, one of them is enough (a partial dump or a subset of tables).
    """
    if software != "auto":
        adapter = REGISTRY.get(software)
        if adapter is None:
            raise AdapterError(path, f"unknown software {software!r} (known: {', '.join(sorted(REGISTRY))}, "
                                     "generic)")
        rec = adapter.recognise(defs, 0.0 if min_score is None else min_score)
        if rec is None:
            raise AdapterError(path, f"the source does not have the tables of {software} "
                                     f"(needs {', '.join(sorted(adapter.signature))})")
        return adapter, rec
    floor = 0.6 if min_score is None else min_score
    found = [(a, r) for a in REGISTRY.values() if (r := a.recognise(defs, floor)) is not None]
    if not found:
        names = ", ".join(sorted(defs)[:8]) + ("…" if len(defs) > 8 else "")
        raise AdapterError(path, f"no adapter recognises these tables ({len(defs)} tables: {names}); "
                                 "try --software generic to map them by column names")
    found.sort(key=lambda ar: (-ar[1].score, ar[0].software))
    return found[0]
