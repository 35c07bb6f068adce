"""Turning reader events into canonical rows: decoding, provenance, quarantine, conservation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rescue.adapters.base import Emit, MappingError, Recognition, Row, TableMap, text_of
from rescue.readers.base import BadRow, ConnectionCharset, Event, RawRow, TableDef
from rescue.store import schema
from rescue.store.duck import BatchWriter
from rescue.text.charset import decode_text, repair_mojibake

RAW_CAP = 64 << 10  # bytes of a quarantined row kept verbatim


@dataclass
class TableCount:
    canonical: str = ""
    status: str = "skipped"
    read: int = 0
    mapped: int = 0
    quarantined: int = 0
    recoded: int = 0  # rows with text that was not valid in the declared charset (decoded as cp1252)


@dataclass
class Conservation:
    tables: dict[str, TableCount] = field(default_factory=dict)

    def of(self, table: str) -> TableCount:
        tc = self.tables.get(table)
        if tc is None:
            tc = self.tables[table] = TableCount()
        return tc

    @property
    def read(self) -> int:
        return sum(t.read for t in self.tables.values())

    @property
    def mapped(self) -> int:
        return sum(t.mapped for t in self.tables.values())

    @property
    def quarantined(self) -> int:
        return sum(t.quarantined for t in self.tables.values())

    @property
    def skipped(self) -> int:
        return sum(t.read for t in self.tables.values() if t.status == "skipped")

    def holds(self) -> bool:
        return all(t.read == t.mapped + t.quarantined for t in self.tables.values() if t.status != "skipped")


def _render_raw(values: Iterable[Any]) -> bytes:
    parts: list[bytes] = []
    for v in values:
        if v is None:
            parts.append(b"NULL")
        elif isinstance(v, bytes):
            parts.append(b"'" + v.replace(b"\\", b"\\\\").replace(b"'", b"\\'") + b"'")
        else:
            parts.append(str(v).encode())
    return (b"(" + b",".join(parts) + b")")[:RAW_CAP]


class RowMapper:
    """Maps the events of one source into the writer; counts every row into exactly one bin."""

    def __init__(self, source_id: str, rec: Recognition, defs: dict[str, TableDef], writer: BatchWriter,
                 *, connection_charset: str = "utf8mb4") -> None:
        self.source_id = source_id
        self.rec = rec
        self.defs = dict(defs)
        self.writer = writer
        self.charset = connection_charset
        self.counts = Conservation()
        self._kind_cache: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self._recoded = False
        self._data_cols = {t: [c for c in schema.column_names(t)[1:] if not c.startswith("prov_")]
                           for t in schema.TABLES if t not in schema.NO_PROV}
        for name, tmap in rec.tables.items():
            tc = self.counts.of(name)
            tc.status, tc.canonical = "mapped", tmap.primary_table
        for name in defs:
            self.counts.of(name)

    # -- events ---------------------------------------------------------------------------
    def feed(self, event: Event) -> None:
        if isinstance(event, RawRow):
            self._row(event)
        elif isinstance(event, TableDef):
            self.defs[event.name] = event
            self.counts.of(event.name)
        elif isinstance(event, BadRow):
            self.counts.of(event.table).read += 1
            self._quarantine(event.table, event.offset, event.line, event.reason, event.raw)
        elif isinstance(event, ConnectionCharset):
            self.charset = event.charset

    def _quarantine(self, table: str, offset: int, line: int, reason: str, raw: bytes) -> None:
        tc = self.counts.of(table)
        if tc.status == "skipped" and table in self.rec.tables:
            tc.status = "mapped"
        tc.quarantined += 1
        self.writer.add("quarantine", (self.source_id, table, f"{table} line {line} byte {offset}", reason,
                                       raw[:RAW_CAP], offset, line))

    def _decode(self, value: Any, binary: bool, latin1_table: bool) -> Any:
        if not isinstance(value, bytes) or binary:
            return value
        try:
            s = value.decode("utf-8") if self.charset.startswith("utf8") else decode_text(value, self.charset)
        except UnicodeDecodeError:
            # Not valid in the declared charset: the commonest cause is latin1/cp1252 text in a
            # utf8 dump. Decode losslessly (cp1252, else latin-1, both total on bytes) and count it.
            self._recoded = True
            try:
                return value.decode("cp1252")
            except UnicodeDecodeError:
                return value.decode("latin-1")
        if latin1_table and not s.isascii():
            s = repair_mojibake(s)
        return s

    def _row(self, ev: RawRow) -> None:
        tc = self.counts.of(ev.table)
        tc.read += 1
        tmap = self.rec.tables.get(ev.table)
        if tmap is None:
            return
        tdef = self.defs.get(ev.table)
        names = ev.columns or (tdef.column_names if tdef else None)
        if names is None or len(names) != len(ev.values):
            got = len(names) if names else 0
            self._quarantine(ev.table, ev.offset, ev.line,
                             f"row has {len(ev.values)} values, table declares {got} columns",
                             _render_raw(ev.values))
            return
        binary, integers = self._kinds(ev.table, tdef)
        latin1 = bool(tdef and tdef.charset and tdef.charset.startswith("latin1"))
        self._recoded = False
        row = Row((n, self._decode(v, n in binary, latin1)) for n, v in zip(names, ev.values, strict=True))
        if self._recoded:
            tc.recoded += 1
        try:
            for n in integers:
                v = row.get(n)
                if v is not None and not isinstance(v, int):
                    row[n] = _as_int(n, v)
            out = list(self._emit(tmap, row))
        except (MappingError, ValueError, TypeError, KeyError, OverflowError, RecursionError) as exc:
            self._quarantine(ev.table, ev.offset, ev.line, f"{type(exc).__name__}: {exc}"[:500],
                             _render_raw(ev.values))
            return
        key = ":".join(text_of(row.get(k)) or "" for k in tmap.key)
        for table, values in out:
            cols = self._data_cols[table]
            self.writer.add(table, (self.source_id, *[values.get(c) for c in cols], ev.table, key, ev.offset,
                                    ev.line))
        tc.mapped += 1

    def _kinds(self, table: str, tdef: TableDef | None) -> tuple[frozenset[str], frozenset[str]]:
        got = self._kind_cache.get(table)
        if got is None:
            cols = tdef.columns if tdef else ()
            got = (frozenset(c.name for c in cols if c.is_binary),
                   frozenset(c.name for c in cols if c.sql_type.split("(")[0] in _INT_TYPES))
            self._kind_cache[table] = got
        return got

    @staticmethod
    def _emit(tmap: TableMap, row: Row) -> Iterable[tuple[str, dict[str, Any]]]:
        for emit in tmap.emits:
            if emit.when is not None and not emit.when(row):
                continue
            if emit.many is not None:
                for d in emit.many(row):
                    yield emit.table, dict(d)
                continue
            yield emit.table, _fields(emit, row)


_INT_TYPES = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint"}


def _as_int(col: str, value: Any) -> int:
    try:
        return int(value.decode() if isinstance(value, bytes) else value)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MappingError(f"column {col} is an integer column but holds {str(value)[:40]!r}") from exc


def _fields(emit: Emit, row: Row) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col, spec in emit.fields.items():
        out[col] = text_of(row.get(spec)) if isinstance(spec, str) else spec(row)
    return out
