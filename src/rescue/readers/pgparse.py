"""The parser of pg_dump's plain output: a byte stream in, reader events out.

The stream is read in chunks and cut into lines with their exact byte offset and number.
Outside a statement, ``--`` comments and psql meta-commands (``\\restrict KEY``) are skipped;
a statement runs until a line ends with ``;`` outside any quote (single, ``E''``, double,
``$tag$``), so literal newlines inside INSERT strings are handled. After ``COPY … FROM
stdin;`` every line up to ``\\.`` is one row. Values follow the column types of ``CREATE
TABLE``: integers → int, numeric/float → str literal, boolean → 1/0, bytea → bytes, anything
else (text, inet, timestamps, arrays) → the bytes of its text form in the dump's client
encoding; a column without a known type keeps its text bytes. Rows: ``offset`` is the byte
of the COPY line's start or of the INSERT tuple's ``(``. A line or statement longer than
the cap becomes a ``BadRow`` without being held in memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

from rescue.readers import pgtext as t
from rescue.readers.base import (
    BadRow,
    Column,
    ConnectionCharset,
    DumpStructure,
    Event,
    RawRow,
    ReadStats,
    TableDef,
    Value,
)
from rescue.readers.pglines import CHUNK, NORMAL, WINDOW, pieces, scan

VALUE_CAP = 256 << 20
RAW_KEEP = 64 << 10
_COPY = re.compile(rb"COPY\s+(" + t.QNAME + rb")\s*(?:\(((?:\"(?:[^\"]|\"\")*\"|[^)\"])*)\))?\s*FROM\s+stdin",
                   re.I | re.S)
_INSERT = re.compile(rb"INSERT\s+INTO\s+(" + t.QNAME + rb")\s*(?:\(((?:\"(?:[^\"]|\"\")*\"|[^)\"])*)\)\s*)?"
                     rb"(?:OVERRIDING\s+\w+\s+VALUE\s+)?VALUES\s*", re.I | re.S)
_SET = re.compile(rb"SET\s+(client_encoding|standard_conforming_strings)\s*(?:=|TO)\s*'?([^';\s]*)", re.I)


def pg_charset(name: str) -> str:
    """A PostgreSQL encoding name as the charset name the adapters decode with."""
    n = name.strip().lower()
    if n in ("utf8", "unicode"):
        return "utf8mb4"
    if n == "sql_ascii":  # no encoding at all: bytes as the application wrote them
        return "latin1"
    return "cp" + n[3:] if n.startswith("win") else n


class _Acc:
    """The bytes of one row or statement, up to the cap; past it only the first bytes are kept."""

    __slots__ = ("cap", "line", "offset", "over", "parts", "size")

    def __init__(self, cap: int, offset: int, line: int) -> None:
        self.cap, self.offset, self.line = cap, offset, line
        self.parts: list[bytes] = []
        self.size = 0
        self.over = False

    def add(self, data: bytes, new_line: bool) -> None:
        if new_line:
            data = b"\n" + data
        if self.over:
            if len(self.parts[0]) < RAW_KEEP:
                self.parts[0] += data[:RAW_KEEP - len(self.parts[0])]
            return
        self.size += len(data)
        if self.size > self.cap:
            head = bytearray()
            for part in (*self.parts, data):
                head += part[:RAW_KEEP - len(head)]
                if len(head) >= RAW_KEEP:
                    break
            self.parts, self.over = [bytes(head)], True
        else:
            self.parts.append(data)


class _Copy:
    __slots__ = ("columns", "kinds", "table")

    def __init__(self, table: str, columns: tuple[str, ...], kinds: list[str | None]) -> None:
        self.table, self.columns, self.kinds = table, columns, kinds


class PgDumpParser:
    """Turns the bytes of a plain pg_dump into events (``rows=False``: structure only)."""

    def __init__(self, name: str = "<stream>", *, rows: bool = True, cap: int = VALUE_CAP, chunk: int = CHUNK,
                 window: int = WINDOW) -> None:
        self.name, self.rows, self.cap, self.chunk, self.window = name, rows, cap, chunk, window
        self.structure = DumpStructure()
        self.stats = ReadStats()
        self.std_strings = True
        self._kind_cache: dict[tuple[str, tuple[str, ...]], list[str | None]] = {}

    def events(self, stream: BinaryIO, progress: Callable[[int], None] | None = None) -> Iterator[Event]:
        copy: _Copy | None = None
        row: _Acc | None = None  # a COPY row that arrives in pieces
        stmt: _Acc | None = None  # the statement being read
        keep = skip = new_line = ends = False
        mode, tag = NORMAL, b""
        for off, ln, data, last, split in pieces(stream, self._progress(progress), self.chunk, self.window):
            if copy is not None:
                if split:
                    row = row or _Acc(self.cap, off, ln)
                    row.add(data, False)
                    if not last:
                        continue
                    data, over, row = b"".join(row.parts), row.over, None
                    if over:
                        yield BadRow(copy.table, off, ln, f"row longer than {self.cap} bytes", data)
                        continue
                data = data[:-1] if data.endswith(b"\r") else data
                if len(data) > self.cap:
                    yield BadRow(copy.table, off, ln, f"row longer than {self.cap} bytes", data[:RAW_KEEP])
                elif data == b"\\.":
                    copy = None
                elif self.rows:
                    yield self._copy_row(copy, off, ln, data)
                continue
            if stmt is None:
                if skip:  # the rest of a long comment line
                    skip = not last
                    continue
                head = data.lstrip()
                if not head or head.startswith((b"--", b"\\")):
                    skip = not last
                    continue  # blank line, comment, psql meta-command (\restrict, \connect)
                stmt, mode, tag, ends = _Acc(self.cap, off, ln), NORMAL, b"", False
                keep = self.rows or not head[:6].upper().startswith(b"INSERT")
                stmt.add(data, False)
            elif keep:
                stmt.add(data, new_line)
            mode, tag, got = scan(data, mode, tag, self.std_strings)
            ends = ends if got is None else got
            new_line = last
            if last and ends:
                self.stats.statements += 1
                text, over, start, line0, stmt = b"".join(stmt.parts), stmt.over, stmt.offset, stmt.line, None
                if over:
                    yield from self._too_long(text, start, line0)
                    continue
                for ev in self._statement(text, start, line0):
                    if isinstance(ev, _Copy):
                        copy = ev
                    else:
                        yield ev
        if stmt is not None and (stmt.over or b"".join(stmt.parts).lstrip()[:6].upper() == b"INSERT"):
            yield from self._too_long(b"".join(stmt.parts)[:RAW_KEEP], stmt.offset, stmt.line, "truncated statement")

    def _progress(self, progress: Callable[[int], None] | None) -> Callable[[int], None]:
        def report(done: int) -> None:
            self.structure.bytes_scanned = done
            if progress is not None:
                progress(done)

        return report

    def _too_long(self, head: bytes, base: int, line: int, why: str = "") -> Iterator[Event]:
        m = _INSERT.match(head.lstrip())
        if m is not None:
            lead = len(head) - len(head.lstrip())
            self.structure.insert_tables.add(t.table_name(m.group(1)))
            yield BadRow(t.table_name(m.group(1)), base + lead, line,
                         why or f"statement longer than {self.cap} bytes", head[:RAW_KEEP])

    # -- statements ----------------------------------------------------------------------
    def _statement(self, stmt: bytes, base: int, line: int) -> Iterator[Event | _Copy]:
        body = stmt.lstrip()
        lead = len(stmt) - len(body)
        word = body[:7].upper()
        if word.startswith(b"COPY"):
            m = _COPY.match(body)
            if m is not None:
                yield from self._start_copy(m, base + lead, line)
                return
        elif word.startswith(b"INSERT"):
            m = _INSERT.match(body)
            if m is not None:
                yield from self._insert(m, body, base + lead, line)
                return
        elif word.startswith(b"CREATE"):
            got = t.parse_create_table(body)
            if got is not None:
                name, cols, parents = got
                inherited = tuple(c for p in parents for c in self._def_columns(p) if c.name not in
                                  {x.name for x in cols})
                tdef = TableDef(name, inherited + cols, None, base + lead, line)
                self.structure.defs[name] = tdef
                self._kind_cache.clear()
                yield tdef
                return
        elif word.startswith(b"SET"):
            m = _SET.match(body)
            if m is not None:
                value = m.group(2).decode("ascii", "replace")
                if m.group(1).lower() == b"client_encoding":
                    self.structure.charset = pg_charset(value)
                    yield ConnectionCharset(self.structure.charset)
                else:
                    self.std_strings = value.lower() != "off"
                return
        kind = " ".join(body[:40].decode("ascii", "replace").split()[:2]).upper()
        self.stats.skipped_statements[kind] = self.stats.skipped_statements.get(kind, 0) + 1

    def _def_columns(self, table: str) -> tuple[Column, ...]:
        tdef = self.structure.defs.get(table)
        return tdef.columns if tdef else ()

    def _known(self, table: str, cols: tuple[str, ...] | None, offset: int, line: int) -> Iterator[TableDef]:
        """Remember a table that has rows; a data-only dump's column list stands in for its DDL."""
        self.structure.insert_tables.add(table)
        if cols and table not in self.structure.defs:
            tdef = TableDef(table, tuple(Column(c, "") for c in cols), None, offset, line)
            self.structure.defs[table] = tdef
            self._kind_cache.clear()
            yield tdef

    def _kinds(self, table: str, names: tuple[str, ...]) -> list[str | None]:
        got = self._kind_cache.get((table, names))
        if got is None:
            kinds = t.column_kinds(self._def_columns(table))
            got = self._kind_cache[(table, names)] = [kinds.get(n) for n in names]
        return got

    def _start_copy(self, m: re.Match[bytes], offset: int, line: int) -> Iterator[Event | _Copy]:
        table = t.table_name(m.group(1))
        cols = t.column_list(m.group(2)) if m.group(2) is not None else tuple(
            c.name for c in self._def_columns(table))
        yield from self._known(table, cols, offset, line)
        yield _Copy(table, cols, self._kinds(table, cols))

    def _copy_row(self, copy: _Copy, offset: int, line: int, data: bytes) -> Event:
        fields = t.parse_copy_line(data)
        if copy.columns and len(fields) != len(copy.columns):
            return BadRow(copy.table, offset, line,
                          f"row has {len(fields)} fields, COPY names {len(copy.columns)} columns", data[:RAW_KEEP])
        values: list[Value] = []
        for i, (f, kind) in enumerate(zip(fields, copy.kinds or [None] * len(fields), strict=True)):
            try:
                values.append(f if f is None or kind is None else t.convert_text(kind, f))
            except ValueError as exc:
                return BadRow(copy.table, offset, line, f"column {copy.columns[i]}: {exc}"[:300], data[:RAW_KEEP])
        return RawRow(copy.table, tuple(values), offset, line, copy.columns or None)

    def _insert(self, m: re.Match[bytes], body: bytes, offset: int, line: int) -> Iterator[Event]:
        table = t.table_name(m.group(1))
        cols = t.column_list(m.group(2)) if m.group(2) is not None else None
        yield from self._known(table, cols, offset, line)
        if not self.rows:
            return
        names = cols or tuple(c.name for c in self._def_columns(table))
        kinds = self._kinds(table, names)
        at, at_line = 0, line
        try:
            for start, tokens in t.iter_tuples(body, m.end(), std_strings=self.std_strings):
                at_line += body.count(b"\n", at, start)
                at = start
                if names and len(tokens) != len(names):
                    yield BadRow(table, offset + start, at_line,
                                 f"row has {len(tokens)} values, table declares {len(names)} columns",
                                 body[start:start + RAW_KEEP])
                    continue
                try:
                    values = tuple(t.convert_token(k, tok) for k, tok in zip(kinds or [None] * len(tokens), tokens,
                                                                             strict=True))
                except ValueError as exc:
                    yield BadRow(table, offset + start, at_line, f"bad value: {exc}"[:300],
                                 body[start:start + RAW_KEEP])
                    continue
                yield RawRow(table, values, offset + start, at_line, cols)
        except t.ValuesError as exc:
            at_line += body.count(b"\n", at, exc.row_start)
            yield BadRow(table, offset + exc.row_start, at_line, f"{exc} at byte {offset + exc.pos}",
                         body[exc.row_start:exc.row_start + RAW_KEEP])


def iter_pgdump(stream: BinaryIO, name: str = "<stream>", *, cap: int = VALUE_CAP,
                progress: Callable[[int], None] | None = None) -> Iterator[Event]:
    """Every event of a plain pg_dump stream (already decompressed)."""
    return PgDumpParser(name, cap=cap).events(stream, progress)


def scan_pgdump(stream: BinaryIO, name: str = "<stream>") -> DumpStructure:
    """The fast pass: table definitions, COPY/INSERT column lists, client encoding."""
    parser = PgDumpParser(name, rows=False)
    for _ in parser.events(stream):
        pass
    return parser.structure
