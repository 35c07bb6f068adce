"""A fast first look at a SQL dump: its table definitions, without tokenising the rows.

The adapter is chosen from the structure of the whole dump before any row is mapped. This
scan reads the (decompressed) stream in large chunks and only parses the statements that
start a line with ``CREATE TABLE``, ``INSERT INTO `t` (cols)`` (data-only dumps) or
``SET NAMES``; in a mysqldump file a line break inside a string is always escaped, so a line
start is always outside a value.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from rescue.readers.base import Column, DumpStructure, TableDef
from rescue.readers.containers import open_source
from rescue.readers.mysqldump import iter_mysqldump

CHUNK = 8 << 20
MAX_DDL = 1 << 20
_START = re.compile(rb"(?:^|\n)(CREATE TABLE|INSERT(?: IGNORE)? INTO|REPLACE INTO|/\*!40101 SET NAMES|SET NAMES)",
                    re.IGNORECASE)
_INSERT_COLS = re.compile(rb"\s*`?([^`\s(]+)`?\s*\(([^)]*)\)\s*VALUES", re.IGNORECASE)
_NAMES = re.compile(rb"\s*([A-Za-z0-9_]+)")


def scan_mysqldump(path: Path) -> DumpStructure:
    out = DumpStructure()
    carry = b""
    base = 0  # stream offset of carry[0]
    with open_source(path) as stream:
        while True:
            chunk = stream.read(CHUNK)
            buf = carry + chunk
            eof = not chunk
            pos = 0
            for m in _START.finditer(buf):
                start = m.start(1)
                if start < pos:
                    continue
                is_ddl = buf[start:start + 6].upper() == b"CREATE"
                end = buf.find(b";\n", start, start + MAX_DDL) if is_ddl else min(len(buf), start + 65536)
                if (end < 0 or end >= len(buf) - 1) and not eof and len(buf) - start < MAX_DDL:
                    pos = start  # the statement continues in the next chunk
                    break
                stmt = buf[start:] if end < 0 else buf[start:end + 1]
                _take(stmt[:MAX_DDL], base + start, out)
                pos = start + (len(stmt) if is_ddl else 1)
            else:
                pos = len(buf)
            if eof:
                out.bytes_scanned = base + len(buf)
                break
            # keep an unfinished statement (or the last line start) for the next round
            keep_from = pos if pos < len(buf) else max(len(buf) - 64, 0)
            if len(buf) - keep_from > MAX_DDL:
                keep_from = len(buf) - 64
            base += keep_from
            carry = buf[keep_from:]
    return out


def _take(stmt: bytes, offset: int, out: DumpStructure) -> None:
    head = stmt[:32].upper()
    if head.startswith(b"CREATE TABLE"):
        for ev in iter_mysqldump(io.BytesIO(stmt[:MAX_DDL]), "<ddl>"):
            if isinstance(ev, TableDef):
                out.defs[ev.name] = TableDef(ev.name, ev.columns, ev.charset, offset, ev.line)
        return
    if b"SET NAMES" in head:
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
        if m and name not in out.defs:
            cols = [c.strip().strip(b"`").decode("utf-8", "replace") for c in m.group(2).split(b",")]
            out.defs[name] = TableDef(name, tuple(Column(c, "") for c in cols), None, offset, 0)
