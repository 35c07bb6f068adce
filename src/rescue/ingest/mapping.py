"""Turning reader events into canonical rows: decoding, provenance, quarantine, conservation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rescue.adapters.base import MappingError, Recognition, TableMap
from rescue.ingest.compile import Compiled, compile_decode, compile_run
from rescue.readers.base import BadRow, ConnectionCharset, Event, RawRow, TableDef
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


@dataclass
class _Plan:
    """How the rows of one source table with one column list are mapped."""

    tc: TableCount
    tmap: TableMap | None  # None: a table the adapter does not use (counted as read, skipped)
    names: tuple[str, ...] | None = None  # None: the table's columns are unknown
    is_text: tuple[bool, ...] = ()
    latin1: bool = False
    compiled: Compiled | None = None


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
        self._plans: dict[tuple[str, tuple[str, ...] | None], _Plan] = {}
        self._recoded = False
        self._utf8 = self.charset.startswith("utf8")
        self._rows = 0
        for name, tmap in rec.tables.items():
            tc = self.counts.of(name)
            tc.status, tc.canonical = "mapped", tmap.primary_table
        for name in defs:
            self.counts.of(name)

    # -- events ---------------------------------------------------------------------------
    def feed(self, event: Event) -> None:
        if event.__class__ is RawRow:
            self._row(event)  # type: ignore[arg-type]
        elif isinstance(event, TableDef):
            if event.columns:
                self.defs[event.name] = event
                for key in [k for k in self._plans if k[0] == event.name]:
                    del self._plans[key]
            self.counts.of(event.name)
        elif isinstance(event, BadRow):
            self.counts.of(event.table).read += 1
            self._quarantine(event.table, event.offset, event.line, event.reason, event.raw)
        elif isinstance(event, ConnectionCharset):
            self.charset = event.charset
            self._utf8 = self.charset.startswith("utf8")
        elif isinstance(event, RawRow):
            self._row(event)

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
        table = ev.table
        plan = self._plans.get((table, ev.columns))
        if plan is None:
            plan = self._plans[(table, ev.columns)] = self._plan(table, ev.columns)
        tc = plan.tc
        tc.read += 1
        compiled = plan.compiled
        if compiled is None:
            if plan.tmap is not None:
                got = len(plan.names) if plan.names else 0
                self._quarantine(table, ev.offset, ev.line, f"row has {len(ev.values)} values, table declares "
                                 f"{got} columns", _render_raw(ev.values))
            return
        values = ev.values
        if len(values) != len(plan.is_text):
            self._quarantine(table, ev.offset, ev.line, f"row has {len(values)} values, table declares "
                             f"{len(plan.is_text)} columns", _render_raw(values))
            return
        try:
            if not self._utf8 or plan.latin1:
                raise UnicodeDecodeError("utf-8", b"", 0, 0, "slow path")
            dec = compiled.decode(values)
        except UnicodeDecodeError:
            self._recoded = False
            latin1 = plan.latin1
            dec = [self._decode(v, not t, latin1) for v, t in zip(values, plan.is_text, strict=True)]
            if self._recoded:
                tc.recoded += 1
        try:
            compiled.run(dec, ev.offset, ev.line)
        except (MappingError, ValueError, TypeError, KeyError, OverflowError, RecursionError) as exc:
            self._quarantine(table, ev.offset, ev.line, f"{type(exc).__name__}: {exc}"[:500], _render_raw(values))
            return
        tc.mapped += 1
        self._rows += 1
        if not self._rows & 1023:
            self.writer.check()

    def _plan(self, table: str, columns: tuple[str, ...] | None) -> _Plan:
        """Per table (and column list): names, which values are text, which must be integers."""
        tc = self.counts.of(table)
        tmap = self.rec.tables.get(table)
        if tmap is None:
            return _Plan(tc, None)
        tdef = self.defs.get(table)
        names = columns or (tdef.column_names if tdef else None)
        if names is None:
            return _Plan(tc, tmap)
        kinds = {c.name: c for c in tdef.columns} if tdef else {}
        is_text = tuple(not (n in kinds and kinds[n].is_binary) for n in names)
        int_idx = tuple(i for i, n in enumerate(names)
                        if n in kinds and kinds[n].sql_type.split("(")[0] in _INT_TYPES)
        latin1 = bool(tdef and tdef.charset and tdef.charset.startswith("latin1"))
        compiled = Compiled(compile_decode(is_text),
                            compile_run(tmap, table, names, int_idx, self.source_id, self.writer.columns))
        return _Plan(tc, tmap, names, is_text, latin1, compiled)


_INT_TYPES = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint"}
