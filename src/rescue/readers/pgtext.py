"""The lexical rules of pg_dump's plain output: COPY text rows, SQL literals, identifiers, types.

Kept apart from the reader (``pgdump``) so that each rule can be tested on its own. Nothing
here decodes text: string values stay ``bytes`` in the dump's client encoding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rescue.readers.base import Column, Value

# -- identifiers ---------------------------------------------------------------------------
_IDENT = rb'(?:"(?:[^"]|"")*"|[^\s.,()"]+)'
QNAME = _IDENT + rb"(?:\s*\.\s*" + _IDENT + rb")*"
_IDENT_RE = re.compile(_IDENT)


def unquote_ident(raw: bytes) -> str:
    raw = raw.strip()
    if raw.startswith(b'"') and raw.endswith(b'"') and len(raw) >= 2:
        return raw[1:-1].replace(b'""', b'"').decode("utf-8", "replace")
    return raw.decode("utf-8", "replace").lower()


def table_name(qname: bytes) -> str:
    """``public.users`` → ``users``; ``"Some Schema"."T"`` → ``T`` (the schema is dropped)."""
    return unquote_ident(_IDENT_RE.findall(qname)[-1])


def column_list(raw: bytes) -> tuple[str, ...]:
    return tuple(unquote_ident(p) for p in _IDENT_RE.findall(raw))


# -- COPY text format ----------------------------------------------------------------------
_COPY_ESC = re.compile(rb"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))", re.S)
_SIMPLE = {b"b": b"\b", b"f": b"\f", b"n": b"\n", b"r": b"\r", b"t": b"\t", b"v": b"\v"}


def _copy_sub(m: re.Match[bytes]) -> bytes:
    octal, hexa, other = m.groups()
    if octal is not None:
        return bytes([int(octal, 8) & 0xFF])
    if hexa is not None:
        return bytes([int(hexa, 16)])
    return _SIMPLE.get(other, other)


def unescape_copy(field: bytes) -> bytes:
    """One field of a COPY text row, its backslash escapes resolved."""
    return _COPY_ESC.sub(_copy_sub, field) if b"\\" in field else field


def parse_copy_line(line: bytes) -> list[bytes | None]:
    """A COPY text row (without its newline) → its fields; ``\\N`` is NULL."""
    return [None if f == b"\\N" else unescape_copy(f) for f in line.split(b"\t")]


# -- SQL string literals -------------------------------------------------------------------
_E_ESC = re.compile(rb"''|\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))",
                    re.S)


def _e_sub(m: re.Match[bytes]) -> bytes:
    if m.group(0) == b"''":
        return b"'"
    octal, hexa, u4, u8, other = m.groups()
    if octal is not None:
        return bytes([int(octal, 8) & 0xFF])
    if hexa is not None:
        return bytes([int(hexa, 16)])
    if u4 is not None or u8 is not None:
        return chr(int(u4 or u8, 16)).encode("utf-8", "surrogatepass")
    return _SIMPLE.get(other, other) if other != b"v" else b"v"


def unescape_estring(body: bytes) -> bytes:
    """The body of ``E'…'`` (or of ``'…'`` with standard_conforming_strings off)."""
    return _E_ESC.sub(_e_sub, body) if b"\\" in body or b"'" in body else body


def decode_bytea(text: bytes) -> bytes:
    """bytea's text form: hex (``\\x0a0b``) or the old escape format (``\\012``, ``\\\\``)."""
    if text.startswith(b"\\x"):
        return bytes.fromhex(text[2:].decode("ascii"))
    return re.sub(rb"\\(\\|[0-7]{3})", lambda m: b"\\" if m.group(1) == b"\\" else bytes([int(m.group(1), 8)]),
                  text)


# -- INSERT … VALUES -----------------------------------------------------------------------
# A token: ("s", bytes) quoted string, ("n", bytes) bare number, ("b", b"t"/b"f") boolean,
# ("x", bytes) bit string, or None for NULL / DEFAULT.
Token = tuple[str, bytes] | None

_VAL_TAIL = rb"""
  | [Ee]'(?P<esq>[^'\\]*(?:(?:\\.|'')[^'\\]*)*)'
  | (?P<num>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)
  | (?P<kw>NULL|DEFAULT|true|false)\b
  | [BbXx]'(?P<bits>[0-9A-Fa-f]*)'
)\s*(?P<sep>[,)])"""
_VALUE_STD = re.compile(rb"\s*(?:'(?P<sq>[^']*(?:''[^']*)*)'" + _VAL_TAIL, re.X | re.S | re.I)
_VALUE_ESC = re.compile(rb"\s*(?:'(?P<sqe>[^'\\]*(?:(?:\\.|'')[^'\\]*)*)'" + _VAL_TAIL, re.X | re.S | re.I)
_NEXT_TUPLE = re.compile(rb"\s*(?:(,)\s*\(|(?:ON\s+CONFLICT\s+DO\s+NOTHING\s*)?;\s*$)", re.S | re.I)


class ValuesError(ValueError):
    """VALUES that cannot be tokenised: ``pos`` where it failed, ``row_start`` the row's ``(``."""

    def __init__(self, message: str, pos: int, row_start: int) -> None:
        super().__init__(message)
        self.pos = pos
        self.row_start = row_start


def iter_tuples(stmt: bytes, pos: int, *, std_strings: bool = True) -> Iterator[tuple[int, list[Token]]]:
    """The tuples of ``VALUES (…), (…);`` starting at ``pos`` (the first ``(``): (index of ``(``, tokens)."""
    value_re = _VALUE_STD if std_strings else _VALUE_ESC
    while True:
        if stmt[pos:pos + 1] != b"(":
            raise ValuesError("expected '(' at the start of a row", pos, pos)
        start, pos = pos, pos + 1
        tokens: list[Token] = []
        while True:
            m = value_re.match(stmt, pos)
            if m is None:
                if not tokens and re.match(rb"\s*\)", stmt[pos:pos + 64]):
                    pos = stmt.index(b")", pos) + 1
                    break
                raise ValuesError("unreadable value", pos, start)
            tokens.append(_token(m, std_strings))
            pos = m.end()
            if m.group("sep") == b")":
                break
        yield start, tokens
        nxt = _NEXT_TUPLE.match(stmt, pos)
        if nxt is None:
            raise ValuesError("unexpected text after a row", pos, pos)
        if nxt.group(1) is None:
            return
        pos = nxt.end() - 1


def _token(m: re.Match[bytes], std_strings: bool) -> Token:
    g = m.groupdict()
    if std_strings and g["sq"] is not None:
        return ("s", g["sq"].replace(b"''", b"'"))
    if not std_strings and g["sqe"] is not None:
        return ("s", unescape_estring(g["sqe"]))
    if g["esq"] is not None:
        return ("s", unescape_estring(g["esq"]))
    if g["num"] is not None:
        return ("n", g["num"])
    if g["bits"] is not None:
        return ("x", g["bits"])
    kw = g["kw"].lower()
    if kw in (b"true", b"false"):
        return ("b", b"t" if kw == b"true" else b"f")
    return None


# -- types ---------------------------------------------------------------------------------
_INT = {"smallint", "integer", "bigint", "int", "int2", "int4", "int8", "smallserial", "serial", "bigserial",
        "serial2", "serial4", "serial8", "oid"}
_NUM = {"numeric", "decimal", "real", "double precision", "float", "float4", "float8"}


def type_kind(sql_type: str) -> str:
    """How a column's text form becomes a value: int, num, bool, bytea or text."""
    if sql_type.endswith("]"):
        return "text"
    base = re.sub(r"\(.*?\)", "", sql_type).strip()
    if base in _INT:
        return "int"
    if base in _NUM:
        return "num"
    if base in ("boolean", "bool"):
        return "bool"
    return "bytea" if base == "bytea" else "text"


def convert_text(kind: str, text: bytes) -> Value:
    """A value's text form (COPY field, or the content of an INSERT literal) as a Value."""
    if kind == "int":
        return int(text)
    if kind == "num":
        return text.decode("ascii")
    if kind == "bool":
        return 1 if text.lower() in (b"t", b"true", b"1", b"y", b"yes", b"on") else 0
    if kind == "bytea":
        return decode_bytea(text)
    return text


def convert_token(kind: str | None, tok: Token) -> Value:
    if tok is None:
        return None
    tag, text = tok
    if kind is not None:
        return convert_text(kind, text)
    if tag == "n":
        return int(text) if text.lstrip(b"+-").isdigit() else text.decode("ascii")
    if tag == "b":
        return 1 if text == b"t" else 0
    return text


def column_kinds(columns: tuple[Column, ...]) -> dict[str, str]:
    return {c.name: type_kind(c.sql_type) for c in columns if c.sql_type}


# -- CREATE TABLE --------------------------------------------------------------------------
_CREATE = re.compile(rb"CREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:(?:TEMPORARY|TEMP|UNLOGGED|FOREIGN)\s+)?TABLE\s+"
                     rb"(?:IF\s+NOT\s+EXISTS\s+)?(" + QNAME + rb")\s*\(", re.I)
_DDL_TOK = re.compile(rb"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[(),]")
_COLSTOP = re.compile(rb"\s+(?:NOT\s+NULL|NULL|DEFAULT|COLLATE|CONSTRAINT|CHECK|GENERATED|REFERENCES"
                      rb"|PRIMARY\s+KEY|UNIQUE)\b", re.I)
_NOT_COLUMN = re.compile(rb"(?:CONSTRAINT|CHECK|PRIMARY|UNIQUE|FOREIGN|EXCLUDE|LIKE)\b", re.I)
_INHERITS = re.compile(rb"\s*INHERITS\s*\(([^)]*)\)", re.I)


def parse_create_table(stmt: bytes) -> tuple[str, tuple[Column, ...], tuple[str, ...]] | None:
    """``CREATE TABLE s.t (…)`` → (t, columns with lower-case types, parent tables of INHERITS)."""
    m = _CREATE.match(stmt)
    if m is None:
        return None
    depth, start, end = 1, m.end(), -1
    parts: list[bytes] = []
    for tok in _DDL_TOK.finditer(stmt, m.end()):
        c = tok.group()
        if c == b"(":
            depth += 1
        elif c == b")":
            depth -= 1
            if depth == 0:
                parts.append(stmt[start:tok.start()])
                end = tok.end()
                break
        elif c == b"," and depth == 1:
            parts.append(stmt[start:tok.start()])
            start = tok.end()
    if end < 0:
        return None
    cols: list[Column] = []
    for part in parts:
        part = part.strip()
        name_m = _IDENT_RE.match(part)
        if not part or name_m is None or _NOT_COLUMN.match(part):
            continue
        rest = part[name_m.end():]
        stop = _COLSTOP.search(rest)
        sql_type = (rest[:stop.start()] if stop else rest).decode("utf-8", "replace")
        cols.append(Column(unquote_ident(name_m.group()), " ".join(sql_type.lower().split())))
    inh = _INHERITS.match(stmt, end)
    parents = tuple(table_name(p) for p in inh.group(1).split(b",")) if inh else ()
    return table_name(m.group(1)), tuple(cols), parents
