"""Declarative adapters: which source tables a forum software has and how rows map.

An adapter is data: a list of ``TableMap`` (a source table recognised by its suffix and
required columns, the native key, and one or more ``Emit`` into canonical tables) plus SQL run
once the source is loaded (resolving names in lookup tables, flags). The ingest pipeline does
the rest: decoding, provenance, quarantine and the conservation count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rescue.readers.base import TableDef


class MappingError(ValueError):
    """A row cannot be mapped; the message becomes its quarantine reason."""


class Row(dict[str, Any]):
    """One source row: column name → value (text decoded, binary kept as bytes).

    ``memo`` caches work shared by several emits of the same row (e.g. parsed markup); it is
    created on first use so that building a row stays a C-level ``dict`` construction.
    """

    @property
    def memo(self) -> dict[str, Any]:
        m: dict[str, Any] | None = self.__dict__.get("_memo")
        if m is None:
            m = self.__dict__["_memo"] = {}
        return m


# A field is the name of a source column (copied, numbers turned into text) or a function.
Field = str | Callable[[Row], Any]


@dataclass(frozen=True)
class Emit:
    """One canonical row produced from a source row (when ``when`` holds)."""

    table: str
    fields: Mapping[str, Field]
    when: Callable[[Row], bool] | None = None
    many: Callable[[Row], Iterable[Mapping[str, Any]]] | None = None  # several rows (e.g. quotes)


@dataclass(frozen=True)
class TableMap:
    suffix: str  # table name without the forum's prefix, e.g. "users"
    key: tuple[str, ...]  # the native key columns (provenance)
    requires: frozenset[str]  # columns that must exist for this map to apply
    emits: tuple[Emit, ...]
    primary: str = ""  # the canonical table a row of this source table counts as mapped to

    @property
    def primary_table(self) -> str:
        return self.primary or self.emits[0].table


@dataclass(frozen=True)
class Recognition:
    software: str
    version: str
    prefix: str
    score: float  # share of signature tables found with their required columns
    tables: dict[str, TableMap]  # full source table name → map


@dataclass(frozen=True)
class Adapter:
    software: str
    signature: frozenset[str]  # table suffixes whose joint presence identifies the software
    tables: tuple[TableMap, ...]
    detect_version: Callable[[str, Mapping[str, TableDef]], str]
    finalize_sql: tuple[str, ...] = ()  # run after all rows are written; every ? is the source_id
    markup: str = "bbcode"
    birthday_style: str = "iso"
    options: Mapping[str, Any] = field(default_factory=dict)

    def recognise(self, defs: Mapping[str, TableDef], min_score: float = 0.6) -> Recognition | None:
        """Find the prefix under which this software's signature tables exist."""
        best: Recognition | None = None
        prefixes = {name[: -len(suf)] for name in defs for suf in self.signature if name.endswith(suf)}
        for prefix in sorted(prefixes):
            found = 0
            for suf in self.signature:
                tdef = defs.get(prefix + suf)
                tmap = next((t for t in self.tables if t.suffix == suf), None)
                if tdef is None:
                    continue
                if tmap is None or tmap.requires <= set(tdef.column_names):
                    found += 1
            score = found / len(self.signature)
            if score < min_score or found == 0:
                continue
            mapped: dict[str, TableMap] = {}
            for tmap in self.tables:
                tdef = defs.get(prefix + tmap.suffix)
                if tdef is not None and tmap.requires <= set(tdef.column_names):
                    mapped.setdefault(prefix + tmap.suffix, tmap)
            cand = Recognition(self.software, self.detect_version(prefix, defs), prefix, score, mapped)
            if best is None or cand.score > best.score:
                best = cand
        return best


def text_of(value: Any) -> str | None:
    """A source value as text: numbers become their decimal text, empty stays empty."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def nonempty(value: Any) -> str | None:
    s = text_of(value)
    if s is None:
        return None
    s = s.strip()
    return s or None


def int_of(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError as exc:
        raise MappingError(f"not an integer: {str(value)[:40]!r}") from exc


def id_of(value: Any) -> str | None:
    """A native id as text; ``0`` and empty become None (no such row)."""
    v = int_of(value) if not isinstance(value, str) or value.strip().lstrip("-").isdigit() else value
    if v is None or v == 0:
        return None
    return str(v)
