"""The slow path of the row reader: one value at a time, across buffer refills.

Used where the hot loop stops: a token cut by the end of the buffer, a value longer than
the buffer (streamed in pieces, dropped once over the size limit), or malformed input
(raised as ``Garbage`` with a reason; ``resync`` then finds the next row or statement end).
"""

from __future__ import annotations

import re

from .base import Value
from .mysqldump_buffer import DumpBuffer, UnexpectedEOF
from .mysqldump_tokens import BITS_FULL, HEX_RUN, INTRODUCER, RESYNC, SHORT_VALUE, bits_int, hex_bytes, unescape

COMMA, NEXT_ROW, END = 0x2C, 0x28, 0x3B  # separator kinds, by their last byte
ROW_EOF, ROW_GARBAGE = -1, -2  # a row closed by ')' and then the end of file / something odd


class Garbage(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def preview(buf: bytes, pos: int) -> str:
    return repr(buf[pos:pos + 24]) if pos < len(buf) else "end of file"


def too_big(size: int, limit: int, hexed: bool = False) -> str:
    what = f"hex literal of {size // 2} bytes" if hexed else f"string value of {size} bytes"
    return f"{what} exceeds max_value_bytes={limit}"


def slow_value(b: DumpBuffer, maxv: int) -> tuple[Value, str | None]:
    """One value at ``b.pos``, reading more as needed; (value, reason it is unusable)."""
    if not b.skip_ws():
        raise UnexpectedEOF
    b.ensure(64)
    buf, pos = b.buf, b.pos
    intro = buf[pos] == 0x5F  # _charset introducer: _binary '…', _utf8mb4 0x…
    if intro:
        m = _complete_match(b, INTRODUCER)
        if m is None:
            raise Garbage(f"bad character set introducer {preview(b.buf, b.pos)}")
        if m.end() >= len(b.buf):
            raise UnexpectedEOF
        b.pos = m.end()
        b.ensure(64)
        buf, pos = b.buf, b.pos
    c, nxt = buf[pos], (buf[pos + 1] if pos + 1 < len(buf) else -1)
    if c == 0x27 or (c in b"nN" and nxt == 0x27 and not intro):
        if c != 0x27:
            b.pos += 1
        body, size = b.scan_quoted(maxv)
        if body is None:
            return None, too_big(size, maxv)
        return (unescape(body) if b"\\" in body or b"'" in body else body), None
    if c in b"xXbB" and nxt == 0x27 and not (intro and c in b"bB"):
        b.pos += 1
        body, size = b.scan_quoted(maxv * 2)
        if c in b"bB":
            if body is None or not BITS_FULL.fullmatch(body):
                raise Garbage(f"bad bit literal at {preview(buf, pos)}")
            return bits_int(body), None
        if body is None:
            return None, too_big(size, maxv, True)
        if not HEX_RUN.fullmatch(body):
            raise Garbage(f"bad hex literal at {preview(buf, pos)}")
        return hex_bytes(body), None
    if c == 0x30 and nxt == 0x78:  # 0x…
        b.pos += 2
        body, size = b.scan_run(HEX_RUN, maxv * 2)
        if size == 0:
            raise Garbage(f"empty hex literal at {preview(buf, pos)}")
        return (None, too_big(size, maxv, True)) if body is None else (hex_bytes(body), None)
    if intro:
        raise Garbage(f"introducer not followed by a string at {preview(buf, pos)}")
    m = _complete_match(b, SHORT_VALUE)
    if m is None:
        raise Garbage(f"unexpected {preview(b.buf, b.pos)} in the values of a row")
    b.pos = m.end()
    kind = m.lastgroup
    if kind == "int":
        return int(m["int"]), None
    if kind == "null":
        return None, None
    if kind == "num":
        return m["num"].decode("ascii"), None
    return bits_int(m["bits"]), None


def _complete_match(b: DumpBuffer, pattern: re.Pattern[bytes]) -> re.Match[bytes] | None:
    """Match at ``b.pos`` with enough lookahead that the match cannot go on in unread bytes."""
    need = 64
    while True:
        b.ensure(need)
        m = pattern.match(b.buf, b.pos)
        if m is None or m.end() < len(b.buf) or b.eof or need > 1 << 20:
            return m
        need *= 2


def slow_sep(b: DumpBuffer) -> int:
    """The separator after a value: COMMA, NEXT_ROW, END, ROW_EOF or ROW_GARBAGE."""
    if not b.skip_ws():
        raise UnexpectedEOF
    c = b.buf[b.pos]
    if c == COMMA:
        b.pos += 1
        return COMMA
    if c != 0x29:
        raise Garbage(f"expected ',' or ')' after a value, found {preview(b.buf, b.pos)}")
    b.pos += 1
    if not b.skip_ws():
        return ROW_EOF
    c = b.buf[b.pos]
    if c == END:
        b.pos += 1
        return END
    if c == COMMA:
        b.pos += 1
        if not b.skip_ws():
            return ROW_EOF
        if b.buf[b.pos] == NEXT_ROW:
            b.pos += 1
            return NEXT_ROW
    return ROW_GARBAGE


def resync(b: DumpBuffer) -> int:
    """Skip to after the next '),(' (NEXT_ROW) or ');' (END); ROW_EOF if there is none."""
    while True:
        m = RESYNC.search(b.buf, b.pos)
        if m is not None:
            b.pos = m.end()
            return b.buf[m.end() - 1]
        b.pos = max(b.pos, len(b.buf) - 256)
        if not b.fill():
            b.pos = len(b.buf)
            return ROW_EOF
