"""Statements other than row data: a comment-aware statement lexer and the DDL we parse.

``read_statement`` turns the next statement into its *effective text*: ordinary comments
become a blank, the body of a conditional comment (``/*!40101 … */``) is kept as SQL, and
quoted tokens are kept verbatim. An INSERT stops at the ``(`` after ``VALUES`` so that
its rows can be streamed.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .base import Column
from .mysqldump_buffer import DumpBuffer, UnexpectedEOF
from .mysqldump_tokens import decode_identifier

END_DELIMITER, END_VALUES, END_EOF, END_LIMIT = range(4)

_S = rb"[ \t\r\n]"
_NAME = rb"(?:`(?:[^`]|``)*+`|\"(?:[^\"]|\"\")*+\"|[A-Za-z0-9_$\x80-\xff]++)"
_QNAME = _NAME + _S + rb"*+(?:\." + _S + rb"*+" + _NAME + rb")?"
_INSERT_PREFIX = (rb"(?i:INSERT|REPLACE)(?:" + _S + rb"++(?i:IGNORE|LOW_PRIORITY|DELAYED|HIGH_PRIORITY))*+"
                  + _S + rb"++(?:(?i:INTO)" + _S + rb"++)?(" + _QNAME + rb")" + _S + rb"*+"
                  + rb"(?:\(((?:[^()'\"`]++|`(?:[^`]|``)*+`)*+)\)" + _S + rb"*+)?(?i:VALUES?)" + _S + rb"*+")
# At a statement start in the raw buffer (fast path) and on lexed effective text.
INSERT_HEAD = re.compile(_INSERT_PREFIX + rb"\(")
_INSERT_TEXT = re.compile(_S + rb"*+" + _INSERT_PREFIX + rb"\Z")
_INSERT_LOOSE = re.compile(rb"(?i)(?:INTO|INSERT|REPLACE)" + _S + rb"++(" + _QNAME + rb")")
_IDENT = re.compile(rb"`(?:[^`]|``)*+`|\"(?:[^\"]|\"\")*+\"|[^\s,`\"().]++")
_INSERT_START = re.compile(rb"(?i)" + _S + rb"*+(?:INSERT|REPLACE)(?![A-Za-z0-9_$])")
_VALUES_TAIL = re.compile(rb"(?i)(?<![A-Za-z0-9_$`])VALUES?" + _S + rb"*+\Z")

COND_START = re.compile(rb"/\*M?!\d{0,6}")  # version: 5 digits (MySQL), 6 (MariaDB)
_CREATE_TABLE = re.compile(
    rb"(?i)" + _S + rb"*+CREATE" + _S + rb"++(?:OR" + _S + rb"++REPLACE" + _S + rb"++)?(?:TEMPORARY"
    + _S + rb"++)?TABLE" + _S + rb"++(?:IF" + _S + rb"++NOT" + _S + rb"++EXISTS" + _S + rb"++)?("
    + _QNAME + rb")" + _S + rb"*+(\()?")
_DDL_TOKEN = re.compile(rb"'(?:[^'\\]++|\\.|'')*+'|\"(?:[^\"\\]++|\\.|\"\")*+\"|`(?:[^`]++|``)*+`"
                        rb"|[(),]|[^'\"`(),]++|.", re.S)
_COLUMN = re.compile(
    _S + rb"*+(" + _NAME + rb")" + _S + rb"++([A-Za-z][A-Za-z0-9_]*+)(?:" + _S
    + rb"*+\(((?:'(?:[^'\\]|\\.|'')*+'|[^()'])*+)\))?((?:" + _S + rb"++(?i:unsigned|signed|zerofill))*+)",
    re.S)
_NOT_COLUMN = {b"KEY", b"INDEX", b"PRIMARY", b"UNIQUE", b"CONSTRAINT", b"FULLTEXT", b"SPATIAL",
               b"FOREIGN", b"CHECK", b"PERIOD", b"VECTOR"}
_CHARSET = re.compile(rb"(?i)(?:CHARSET|CHARACTER" + _S + rb"++SET)" + _S + rb"*+=?" + _S
                      + rb"*+['\"]?([A-Za-z0-9_]++)")
_SET_NAMES = re.compile(rb"(?i)" + _S + rb"*+SET" + _S + rb"++NAMES" + _S + rb"++['\"`]?([A-Za-z0-9_]++)")
_FIRST_WORD = re.compile(rb"[ \t\r\n(]*+([A-Za-z_]++)")
_OBJECT = re.compile(rb"(?i)(?<![A-Za-z0-9_$`])(TABLE|DATABASE|SCHEMA|VIEW|TRIGGER|PROCEDURE|FUNCTION"
                     rb"|EVENT|INDEX|SEQUENCE|USER|ROLE|SERVER|TABLESPACE)(?![A-Za-z0-9_$])")


@dataclass(frozen=True, slots=True)
class Statement:
    text: bytes  # effective text, at most ``cap`` bytes
    end: int  # END_DELIMITER, END_VALUES (buffer at the first row's '('), END_EOF, END_LIMIT
    truncated: bool  # text was cut at ``cap``


@functools.lru_cache(maxsize=16)
def _plain(delimiter: bytes) -> re.Pattern[bytes]:
    return re.compile(b"[^" + re.escape(b"'\"`/*-#(" + delimiter[:1]) + b"]++")


def is_line_comment(buf: bytes, pos: int) -> bool:
    """``--`` starts a comment only when followed by a blank or control byte (or the end)."""
    return buf.startswith(b"--", pos) and (pos + 2 >= len(buf) or buf[pos + 2] <= 0x20)


def is_sandbox(buf: bytes, m: re.Match[bytes]) -> bool:
    """``/*M!999999\\- enable the sandbox mode */``: a client command, not SQL."""
    return buf.startswith(b"\\", m.end())


def read_statement(b: DumpBuffer, delimiter: bytes, cap: int, limit: int) -> Statement:
    """Lex one statement from ``b.pos``: through its delimiter, or up to an INSERT's rows."""
    plain = _plain(delimiter)
    start = b.offset()
    out = bytearray()
    truncated = in_cond = False
    is_insert: bool | None = None
    while True:
        if b.ensure(16) == 0:
            return Statement(bytes(out), END_EOF, truncated)
        if b.offset() - start > limit:
            return Statement(bytes(out), END_LIMIT, truncated)
        buf, pos = b.buf, b.pos
        m = plain.match(buf, pos)
        c = buf[pos]
        if m is not None:
            piece = m[0]
            b.pos = m.end()
        elif c in b"'\"`":
            try:
                body, _ = b.scan_quoted(cap)
            except UnexpectedEOF:
                return Statement(bytes(out), END_EOF, truncated)
            truncated |= body is None
            piece = bytes((c,)) + (body or b"") + bytes((c,))
        elif buf.startswith(delimiter, pos):
            b.pos += len(delimiter)
            return Statement(bytes(out), END_DELIMITER, truncated)
        elif buf.startswith(b"/*", pos):
            cm = COND_START.match(buf, pos)
            piece = b" "
            if cm is not None and not is_sandbox(buf, cm):
                in_cond = True
                b.pos = cm.end()
            else:
                b.pos = pos + 2
                if not b.skip_past(b"*/"):
                    return Statement(bytes(out), END_EOF, truncated)
        elif in_cond and buf.startswith(b"*/", pos):
            in_cond = False
            b.pos += 2
            piece = b" "
        elif c == 0x23 or is_line_comment(buf, pos):
            b.skip_past(b"\n")
            piece = b"\n"
        else:
            if c == 0x28:
                if is_insert is None:
                    is_insert = _INSERT_START.match(out) is not None
                if is_insert and _VALUES_TAIL.search(out, max(0, len(out) - 64)):
                    return Statement(bytes(out), END_VALUES, truncated)
            piece = buf[pos:pos + 1]
            b.pos += 1
        if len(out) + len(piece) <= cap:
            out += piece
        else:
            truncated = True


def _last_name(qname: bytes) -> str:
    parts = _IDENT.findall(qname)
    return decode_identifier(parts[-1]) if parts else ""


def insert_target(qname: bytes, columns: bytes | None) -> tuple[str, tuple[str, ...] | None]:
    """Table name and (for ``--complete-insert``) column names of an INSERT head."""
    cols = None if columns is None else tuple(decode_identifier(c) for c in _IDENT.findall(columns))
    return _last_name(qname), cols


def insert_target_text(text: bytes) -> tuple[str, tuple[str, ...] | None]:
    """Same as ``insert_target`` for lexed effective text ending just before the rows."""
    m = _INSERT_TEXT.match(text)
    if m is not None:
        return insert_target(m[1], m[2])
    loose = _INSERT_LOOSE.search(text)
    return (_last_name(loose[1]) if loose else ""), None


def statement_kind(text: bytes) -> str:
    """``DROP``, ``LOCK``, ``CREATE TABLE``, ``CREATE VIEW`` …: how a statement is counted."""
    m = _FIRST_WORD.match(text)
    if m is None:
        return "OTHER"
    word = m[1].upper().decode("ascii")
    if word in ("CREATE", "DROP", "ALTER"):
        obj = _OBJECT.search(text, m.end(), m.end() + 512)
        if obj is not None:
            return f"{word} {obj[1].upper().decode('ascii')}"
    return word


def set_names(text: bytes) -> str | None:
    m = _SET_NAMES.match(text)
    return m[1].decode("ascii").lower() if m else None


def create_table_name(text: bytes) -> str | None:
    m = _CREATE_TABLE.match(text)
    return None if m is None else _last_name(m[1])


def parse_create_table(text: bytes) -> tuple[str, tuple[Column, ...], str | None] | None:
    """Name, columns (key and constraint lines skipped) and default charset of a CREATE TABLE."""
    m = _CREATE_TABLE.match(text)
    if m is None:
        return None
    name = _last_name(m[1])
    if m[2] is None:  # CREATE TABLE … LIKE / AS SELECT: no column list
        return name, (), _charset(text, m.end())
    depth, parts, cur, end = 1, [], bytearray(), -1
    for tok in _DDL_TOKEN.finditer(text, m.end()):
        t = tok[0]
        if t == b"(":
            depth += 1
        elif t == b")":
            depth -= 1
            if depth == 0:
                end = tok.end()
                break
        elif t == b"," and depth == 1:
            parts.append(bytes(cur))
            cur.clear()
            continue
        cur += t
    if end < 0:
        return None
    parts.append(bytes(cur))
    columns = tuple(c for c in map(_column, parts) if c is not None)
    return name, columns, _charset(text, end)


def _column(part: bytes) -> Column | None:
    m = _COLUMN.match(part)
    if m is None or m[1].upper() in _NOT_COLUMN:
        return None
    sql_type = m[2].decode("ascii").lower()
    if m[3] is not None:
        sql_type += "(" + _text(m[3]) + ")"
    for mod in m[4].split():
        sql_type += " " + mod.decode("ascii").lower()
    return Column(decode_identifier(m[1]), sql_type)


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _charset(text: bytes, pos: int) -> str | None:
    m = _CHARSET.search(text, pos)
    return m[1].decode("ascii").lower() if m else None
