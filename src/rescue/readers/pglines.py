"""Lines of a byte stream with exact positions, and the quote state of SQL across lines.

``pieces`` reads in chunks and yields each line (without its ``\\n``) with the byte offset
of its first byte and its 1-based number. A line longer than ``cap`` is never held whole:
it comes as several pieces flagged ``long`` (the last one flagged ``last``), cut where no
quote or escape can be split.

``scan`` carries the lexical state of a SQL statement from one piece to the next (inside a
'…' string, an E'…' string, a "…" identifier, a $tag$…$tag$ body or a /* comment */) and
tells whether the piece ends the statement with ``;`` outside all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

CHUNK = 1 << 20
NORMAL, SQ, ESQ, ESQ_BS, DQ, DOLLAR, BLOCK = range(7)
_OPEN = re.compile(rb"""[Ee]'|'|"|\$(?:[A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*)?\$|--|/\*""")
_ESQ_STOP = re.compile(rb"['\\]")
_UNSAFE = frozenset(b"'\"$\\-*/Ee\r")

Piece = tuple[int, int, bytes, bool, bool]  # offset, line, data, last piece of its line, long line


def _safe_cut(buf: bytes, lo: int, hi: int) -> int:
    """A cut point in buf[lo:hi] that does not follow a byte that starts or escapes a token."""
    for cut in range(hi, max(lo + 1, hi - 256), -1):
        if buf[cut - 1] not in _UNSAFE:
            return cut
    return hi


def pieces(stream: BinaryIO, cap: int, progress: Callable[[int], None] | None = None,
           chunk: int = CHUNK) -> Iterator[Piece]:
    buf = b""
    pos = base = done = 0  # base: stream offset of buf[0]
    line = 1
    eof = False

    def more() -> bytes:
        nonlocal done
        data = stream.read(chunk)
        done += len(data)
        if progress is not None:
            progress(done)
        return data

    while True:
        nl = buf.find(b"\n", pos)
        if nl >= 0:
            yield base + pos, line, buf[pos:nl], True, nl - pos > cap
            line += 1
            pos = nl + 1
            continue
        if len(buf) - pos > cap:
            start = base + pos
            while True:  # a long line: hand it on in pieces, never whole
                nl = buf.find(b"\n", pos)
                if nl >= 0:
                    yield start, line, buf[pos:nl], True, True
                    line += 1
                    pos = nl + 1
                    break
                data = b"" if eof else more()
                if not data:
                    eof = True
                    yield start, line, buf[pos:], True, True
                    buf, pos = b"", 0
                    break
                cut = _safe_cut(buf, pos, len(buf))
                if cut > pos:
                    yield start, line, buf[pos:cut], False, True
                base += cut
                buf, pos = buf[cut:] + data, 0
            continue
        if eof:
            if pos < len(buf):
                yield base + pos, line, buf[pos:], True, len(buf) - pos > cap
            return
        data = more()
        if not data:
            eof = True
            continue
        base += pos
        buf, pos = buf[pos:] + data, 0


def _ident_char(prev: bytes) -> bool:
    return bool(prev) and (prev.isalnum() or prev in (b"_", b"$") or prev[0] >= 0x80)


def scan(data: bytes, mode: int, tag: bytes, std_strings: bool) -> tuple[int, bytes, bool]:
    """(mode, dollar tag, ends the statement) after ``data``, starting in ``mode``."""
    i = seg = 0  # seg: start of the text outside quotes, for the final ';' test
    n = len(data)
    if mode == ESQ_BS:  # the previous line ended with a backslash inside E'…': it escaped the newline
        mode = ESQ
    while i < n:
        if mode == NORMAL:
            m = _OPEN.search(data, i)
            if m is None:
                break
            tok, s = m.group(), m.start()
            prev = data[s - 1:s]
            if tok == b"--":
                return mode, tag, data[seg:s].rstrip().endswith(b";")
            if tok == b"/*":
                mode = BLOCK
            elif tok == b'"':
                mode = DQ
            elif tok[:1] == b"$":
                if _ident_char(prev):
                    i = s + 1
                    continue
                mode, tag = DOLLAR, tok
            elif len(tok) == 2 and not _ident_char(prev):
                mode = ESQ
            else:
                mode = SQ if std_strings else ESQ
            i = m.end()
        elif mode in (SQ, DQ):
            q = b"'" if mode == SQ else b'"'
            j = data.find(q, i)
            if j < 0:
                break
            if data[j + 1:j + 2] == q:
                i = j + 2
                continue
            mode, i = NORMAL, j + 1
            seg = i
        elif mode == ESQ:
            m = _ESQ_STOP.search(data, i)
            if m is None:
                break
            j = m.start()
            if data[j:j + 1] == b"\\":
                if j + 1 >= n:
                    return ESQ_BS, tag, False
                i = j + 2
                continue
            if data[j + 1:j + 2] == b"'":
                i = j + 2
                continue
            mode, i = NORMAL, j + 1
            seg = i
        elif mode == DOLLAR:
            j = data.find(tag, i)
            if j < 0:
                break
            mode, i = NORMAL, j + len(tag)
            seg = i
        else:  # BLOCK
            j = data.find(b"*/", i)
            if j < 0:
                break
            mode, i = NORMAL, j + 2
            seg = i
    return mode, tag, mode == NORMAL and data[seg:].rstrip().endswith(b";")
