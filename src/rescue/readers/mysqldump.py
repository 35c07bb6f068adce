"""Streaming reader for mysqldump / mariadb-dump output.

Reads fixed-size chunks and never holds a whole line or statement: a table written as one
line of gigabytes streams row by row. Rows come out as ``RawRow`` with the exact byte
offset and 1-based line of their opening parenthesis; quoted strings stay ``bytes``.

Bad input: a malformed row becomes a ``BadRow`` and reading resumes at the next row or
statement; a value over ``max_value_bytes`` makes its row a ``BadRow`` without being
buffered; a dump cut short ends with a ``BadRow`` for the unfinished row (stats.truncated);
text that is not a dump at all raises ``DumpSyntaxError`` before the first statement.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ..errors import DumpSyntaxError
from .base import BadRow, ConnectionCharset, Event, ReadStats, TableDef
from .mysqldump_buffer import DumpBuffer
from .mysqldump_rows import RowReader
from .mysqldump_sql import (
    COND_START,
    END_DELIMITER,
    END_EOF,
    END_LIMIT,
    END_VALUES,
    INSERT_HEAD,
    Statement,
    create_table_name,
    insert_target,
    insert_target_text,
    is_line_comment,
    is_sandbox,
    parse_create_table,
    read_statement,
    set_names,
    statement_kind,
)

CHUNK_SIZE = 1 << 20
RAW_CAP = 4096  # bytes of raw text kept in a BadRow
TEXT_CAP = 1 << 20  # effective text kept of a statement that is not row data
_NO_LIMIT = 1 << 62
_LOOKAHEAD = 4096  # bytes in hand at a statement start (an INSERT head is parsed from them)
_WORD = re.compile(rb"[A-Za-z_]++")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_KNOWN = frozenset((
    b"ALTER", b"ANALYZE", b"BEGIN", b"CALL", b"CHANGE", b"CHECK", b"COMMIT", b"CREATE", b"DEALLOCATE",
    b"DECLARE", b"DELETE", b"DELIMITER", b"DO", b"DROP", b"EXECUTE", b"FLUSH", b"GRANT", b"HANDLER",
    b"INSERT", b"LOCK", b"OPTIMIZE", b"PREPARE", b"RELEASE", b"RENAME", b"REPAIR", b"REPLACE", b"RESET",
    b"REVOKE", b"ROLLBACK", b"SAVEPOINT", b"SELECT", b"SET", b"SHOW", b"START", b"STOP", b"TRUNCATE",
    b"UNLOCK", b"UPDATE", b"USE", b"XA"))
_MYSQL_HEAD = re.compile(
    rb"^-- (?:MySQL|MariaDB) dump|^-- phpMyAdmin SQL Dump|^/\*M?!\d{5,6} |^(?:CREATE TABLE|INSERT INTO"
    rb"|REPLACE INTO|INSERT IGNORE INTO|LOCK TABLES|DROP TABLE IF EXISTS) `", re.M | re.I)
_PG_HEAD = re.compile(rb"PostgreSQL database dump|^COPY [^\n]* FROM stdin;|^\\(?:restrict|connect) ", re.M)


def looks_like_mysqldump(head: bytes) -> bool:
    """True if the first bytes of a (decompressed) file look like mysqldump/mariadb-dump output."""
    if _PG_HEAD.search(head):
        return False
    return _MYSQL_HEAD.search(head.removeprefix(b"\xef\xbb\xbf")) is not None


@dataclass
class MysqldumpStats(ReadStats):
    rows: int = 0
    bad_rows: int = 0
    tables: int = 0
    insert_statements: int = 0
    truncated: bool = False  # the dump ended inside a statement


def iter_mysqldump(stream: BinaryIO, name: str, *, max_value_bytes: int = 256 << 20,
                   max_statement_bytes: int | None = None, chunk_size: int = CHUNK_SIZE,
                   stats: MysqldumpStats | None = None) -> Iterator[Event]:
    """Events of a mysqldump stream; ``name`` is used in error messages (usually the path)."""
    reader = MysqldumpParser(stream, name, max_value_bytes=max_value_bytes,
                             max_statement_bytes=max_statement_bytes, chunk_size=chunk_size, stats=stats)
    return iter(reader)


class MysqldumpParser:
    """Iterate to get the events; ``stats`` is filled as reading goes on."""

    def __init__(self, stream: BinaryIO, name: str, *, max_value_bytes: int = 256 << 20,
                 max_statement_bytes: int | None = None, chunk_size: int = CHUNK_SIZE,
                 stats: MysqldumpStats | None = None) -> None:
        self.name = name
        self.b = DumpBuffer(stream, chunk_size)
        self.stats = stats if stats is not None else MysqldumpStats()
        self.max_statement = _NO_LIMIT if max_statement_bytes is None else max_statement_bytes
        self.rows = RowReader(self.b, self.stats, max_value_bytes, RAW_CAP)
        self.delimiter = b";"
        self.recognised = False  # seen a statement that only a SQL dump would contain

    def __iter__(self) -> Iterator[Event]:
        try:
            yield from self._statements()
        finally:
            self.stats.bytes_read = self.b.base + len(self.b.buf)

    def _error(self, message: str, offset: int, line: int) -> DumpSyntaxError:
        return DumpSyntaxError(self.name, message, offset=offset, line=line)

    def _statements(self) -> Iterator[Event]:
        b, st = self.b, self.stats
        if b.ensure(3) and b.buf.startswith(b"\xef\xbb\xbf"):
            b.pos = 3
        while self._skip_trivia():
            b.ensure(_LOOKAHEAD)
            start = b.pos
            off, line = b.offset(start), b.line_at(start)
            buf = b.buf
            if buf[start] == 0x3B or buf.startswith(self.delimiter, start):  # empty statement
                b.pos += 1 if buf[start] == 0x3B else len(self.delimiter)
                continue
            w = _WORD.match(buf, start)
            word = w[0].upper() if w else b""
            if word in (b"INSERT", b"REPLACE") and (h := INSERT_HEAD.match(buf, start)) is not None:
                st.statements += 1
                b.pos = h.end() - 1
                table, columns = insert_target(h[1], h[2])
                self._begin_insert()
                yield from self.rows.read(table, columns, off + self.max_statement, self.name)
                if self.rows.done:
                    return
                continue
            if word == b"DELIMITER":
                yield from self._delimiter(off, line)
                continue
            if word == b"COPY" or (buf.startswith(b"\\", start) and not self.recognised):
                raise self._error("PostgreSQL COPY block or psql command: this is a pg_dump file", off, line)
            if word not in _KNOWN and not (buf[start] == 0x2F and not word):
                yield from self._garbage(off, line, buf[start:start + 32])
                continue
            stmt = read_statement(b, self.delimiter, TEXT_CAP, self.max_statement)
            st.statements += 1
            if stmt.end == END_VALUES:
                table, columns = insert_target_text(stmt.text)
                self._begin_insert()
                yield from self.rows.read(table, columns, off + self.max_statement, self.name)
            else:
                yield from self._statement(stmt, off, line)
            if self.rows.done:
                return

    def _begin_insert(self) -> None:
        self.recognised = True
        self.stats.insert_statements += 1

    def _statement(self, stmt: Statement, off: int, line: int) -> Iterator[Event]:
        kind = statement_kind(stmt.text)
        if stmt.end == END_LIMIT:
            raise self._error(f"{kind} statement longer than max_statement_bytes", off, line)
        if stmt.end == END_EOF:
            if not self.recognised:
                raise self._error(f"unexpected end of file inside a {kind} statement: not a MySQL dump?",
                                  off, line)
            self.stats.truncated = True
            self.stats.bad_rows += 1
            table = (create_table_name(stmt.text) or "") if kind == "CREATE TABLE" else ""
            yield BadRow(table, off, line, f"unexpected end of file inside {kind} statement",
                         stmt.text[:RAW_CAP])
            self.rows.done = True
            return
        assert stmt.end == END_DELIMITER
        if not self.recognised:
            if _CONTROL.search(stmt.text):
                raise self._error(f"control bytes in the first {kind} statement: not a MySQL dump", off, line)
            self.recognised = True
        if kind == "CREATE TABLE":
            parsed = parse_create_table(stmt.text)
            if parsed is not None and parsed[1] and not stmt.truncated:
                self.stats.tables += 1
                yield TableDef(parsed[0], parsed[1], parsed[2], off, line)
                return
            if parsed is None or stmt.truncated:
                self.stats.bad_rows += 1
                yield BadRow(parsed[0] if parsed else "", off, line, "unparseable CREATE TABLE statement",
                             stmt.text[:RAW_CAP])
                return
        elif kind == "SET" and (charset := set_names(stmt.text)) is not None:
            yield ConnectionCharset(charset)
            return
        skipped = self.stats.skipped_statements
        skipped[kind] = skipped.get(kind, 0) + 1

    def _skip_trivia(self) -> bool:
        """Skip blanks and comments before a statement (not conditional ones); False at EOF."""
        b = self.b
        while True:
            if not b.skip_ws():
                return False
            b.ensure(16)
            buf, pos = b.buf, b.pos
            if buf[pos] == 0x23 or is_line_comment(buf, pos):
                b.skip_past(b"\n")
                continue
            if not buf.startswith(b"/*", pos):
                return True
            cm = COND_START.match(buf, pos)
            if cm is not None and not is_sandbox(buf, cm):
                return True
            off, line = b.offset(pos), b.line_at(pos)
            b.pos = pos + 2
            if not b.skip_past(b"*/"):
                if not self.recognised:
                    raise self._error("unterminated /* comment: not a MySQL dump?", off, line)
                self.stats.truncated = True
                return False

    def _delimiter(self, off: int, line: int) -> Iterator[Event]:
        """``DELIMITER ;;`` (a mysql client command, ends at the line end)."""
        b = self.b
        b.pos += len(b"DELIMITER")
        rest, _ = b.take_until(b"\n", 256)
        words = rest.split()
        if not words:
            yield from self._garbage(off, line, b"DELIMITER" + rest)
            return
        self.delimiter = words[0]
        self.stats.statements += 1
        skipped = self.stats.skipped_statements
        skipped["DELIMITER"] = skipped.get("DELIMITER", 0) + 1

    def _garbage(self, off: int, line: int, preview: bytes) -> Iterator[Event]:
        """Text that starts no statement: an error at the start, else a BadRow for the line."""
        if not self.recognised:
            raise self._error(f"not a MySQL/MariaDB dump: unexpected {preview[:32]!r}", off, line)
        raw, _ = self.b.take_until(b"\n", RAW_CAP)
        self.b.skip_past(b"\n")
        self.stats.bad_rows += 1
        yield BadRow("", off, line, "unrecognised text between statements", raw)
