"""A fast first look at a SQL dump: its table definitions, without tokenising the rows.

The adapter is chosen from the structure of the whole dump before any row is mapped. This
scan reads the (decompressed) stream in large chunks and only parses the statements that
start a line with ``CREATE TABLE``, ``INSERT INTO `t` (cols)`` (data-only dumps) or
``SET NAMES``; in a mysqldump file a line break inside a string is always escaped, so a line
start is always outside a value.

The same pass records the dump's *layout* for parallel mapping: where INSERT statements
start (byte offset and line, at most one every ``Layout.spacing`` bytes), and the statements
that change how later rows are read (``CREATE TABLE``, ``SET NAMES``, ``DELIMITER``). The
layout is a guess — a line start inside a multi-line comment or string looks the same — which
the parallel path verifies before it trusts it (see :mod:`rescue.ingest.partition`).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from rescue.readers.base import Column, DumpStructure, TableDef
from rescue.readers.containers import open_source
from rescue.readers.mysqldump import iter_mysqldump

CHUNK = 8 << 20
MAX_DDL = 1 << 20
SPACING = 256 << 10  # at most one INSERT start recorded per this many bytes
_START = re.compile(rb"\n(CREATE TABLE|INSERT(?: IGNORE)? INTO|REPLACE INTO|/\*!\d{0,6} ?SET NAMES|SET NAMES"
                    rb"|DELIMITER[ \t])", re.IGNORECASE)
_INSERT_COLS = re.compile(rb"\s*`?([^`\s(]+)`?\s*\(([^)]*)\)\s*VALUES", re.IGNORECASE)
_NAMES = re.compile(rb"\s*([A-Za-z0-9_]+)")
_ANY_NAMES = re.compile(rb"(?i)SET[ \t\r\n]+NAMES[ \t\r\n]+['\"`]?([A-Za-z0-9_]+)")


@dataclass
class Layout:
    """Where statements start in a dump (offsets in the decompressed stream, 1-based lines)."""

    spacing: int = SPACING
    inserts: list[tuple[int, int, str]] = field(default_factory=list)  # (offset, line, table)
    creates: list[tuple[int, TableDef]] = field(default_factory=list)
    charsets: list[tuple[int, str]] = field(default_factory=list)  # SET NAMES, any version comment
    delimiters: list[tuple[int, bytes]] = field(default_factory=list)
    size: int = 0


def scan_mysqldump(path: Path) -> DumpStructure:
    return scan_layout(path)[0]


def scan_layout(path: Path, spacing: int | None = None) -> tuple[DumpStructure, Layout]:
    out = DumpStructure()
    layout = Layout(SPACING if spacing is None else spacing)
    carry = b"\n"  # a virtual line break before the first byte, so that it counts as a line start
    base = -1  # stream offset of carry[0]
    line = 0  # line number of carry[0]
    with open_source(path) as stream:
        while True:
            chunk = stream.read(CHUNK)
            buf = carry + chunk
            eof = not chunk
            pos = 0
            counted = 0  # line is the line of buf[counted]
            for m in _START.finditer(buf):
                start = m.start(1)
                if start < pos:
                    continue
                is_ddl = buf[start:start + 6].upper() == b"CREATE"
                end = buf.find(b";\n", start, start + MAX_DDL) if is_ddl else min(len(buf), start + 65536)
                if (end < 0 or end >= len(buf) - 1) and not eof and len(buf) - start < MAX_DDL:
                    pos = start - 1  # the statement continues in the next chunk: keep its line break
                    break
                line += buf.count(b"\n", counted, start)
                counted = start
                stmt = buf[start:] if end < 0 else buf[start:end + 1]
                _take(stmt[:MAX_DDL], base + start, line, out, layout)
                pos = start + (len(stmt) if is_ddl else 1)
            else:
                pos = len(buf)
            if eof:
                out.bytes_scanned = layout.size = base + len(buf)
                break
            # keep an unfinished statement (or the last line start) for the next round
            keep_from = pos if pos < len(buf) else max(len(buf) - 64, 0)
            if len(buf) - keep_from > MAX_DDL:
                keep_from = len(buf) - 64
            line += buf.count(b"\n", counted, keep_from)
            base += keep_from
            carry = buf[keep_from:]
    return out, layout


def _take(stmt: bytes, offset: int, line: int, out: DumpStructure, layout: Layout) -> None:
    head = stmt[:32].upper()
    if head.startswith(b"CREATE TABLE"):
        for ev in iter_mysqldump(io.BytesIO(stmt[:MAX_DDL]), "<ddl>"):
            if isinstance(ev, TableDef):
                out.defs[ev.name] = TableDef(ev.name, ev.columns, ev.charset, offset, ev.line)
                layout.creates.append((offset, out.defs[ev.name]))
        return
    if head.startswith(b"DELIMITER"):
        words = stmt[9:].split(b"\n", 1)[0].split()
        if words:
            layout.delimiters.append((offset, words[0]))
        return
    if b"SET NAMES" in head:
        any_m = _ANY_NAMES.search(stmt, 0, 64)
        if any_m:
            layout.charsets.append((offset, any_m.group(1).decode("ascii").lower()))
        if head.startswith((b"/*!40101 SET NAMES", b"SET NAMES")):
            m = _NAMES.match(stmt[stmt.upper().index(b"SET NAMES") + 9:])
            if m:
                out.charset = m.group(1).decode("ascii").lower()
        return
    # INSERT … INTO `t` [(cols)] VALUES: remember the table; learn columns of data-only dumps
    rest = stmt[len(head.split(b"INTO")[0]) + 4:] if b"INTO" in head else stmt
    m = _INSERT_COLS.match(rest[:65536])
    name_m = re.match(rb"\s*`?([^`\s(]+)`?", rest)
    if name_m:
        name = name_m.group(1).decode("utf-8", "replace")
        out.insert_tables.add(name)
        if not layout.inserts or offset - layout.inserts[-1][0] >= layout.spacing:
            layout.inserts.append((offset, line, name))
        if m and name not in out.defs:
            cols = [c.strip().strip(b"`").decode("utf-8", "replace") for c in m.group(2).split(b",")]
            out.defs[name] = TableDef(name, tuple(Column(c, "") for c in cols), None, offset, 0)
