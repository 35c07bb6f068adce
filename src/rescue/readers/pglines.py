"""Lines of a byte stream with exact positions, and the quote state of SQL across lines.

``pieces`` reads in chunks and yields each line (without its ``\\n``) with the byte offset
of its first byte and its 1-based number. A line longer than ``window`` is not collected
here: it comes as several pieces flagged ``split`` (the last one flagged ``last``), cut
where no quote or escape can be split, so that the caller decides what to keep.

``scan`` carries the lexical state of a SQL statement from one piece to the next (inside a
'…' string, an E'…' string, a "…" identifier, a $tag$…$tag$ body or a /* comment */) and
tells whether the piece ends the statement with ``;`` outside all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

CHUNK = 1 << 20
WINDOW = 4 << 20
NORMAL, SQ, ESQ, ESQ_BS, DQ, DOLLAR, BLOCK = range(7)
_OPEN = re.compile(rb"""[Ee]'|'|"|\$(?:[A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*)?\$|--|/\*""")
_ESQ_STOP = re.compile(rb"['\\]")
_UNSAFE = frozenset(b"'\"$\\-*/Ee\r")

Piece = tuple[int, int, bytes, bool, bool]  # offset, line, data, last piece of its line, line split


def _safe_cut(buf: bytes, lo: int, hi: int) -> int:
    """A cut point in buf[lo:hi] that does not follow a byte that starts or escapes a token."""
    for cut in range(hi, max(lo + 1, hi - 256), -1):
        if buf[cut - 1] not in _UNSAFE:
            return cut
    return hi


def pieces(stream: BinaryIO, progress: Callable[[int], None] | None = None, chunk: int = CHUNK,
           window: int = WINDOW) -> Iterator[Piece]:
    done = base = 0  # base: stream offset of data[0]
    line, start = 1, 0  # number and offset of the current line
    pending: list[bytes] = []  # what was read of the current line (joined once, never re-copied)
    plen = 0
    split = False  # the current line is being handed on in pieces
    while data := stream.read(chunk):
        done += len(data)
        if progress is not None:
            progress(done)
        pos = 0
        while (nl := data.find(b"\n", pos)) >= 0:
            seg = data[pos:nl]
            if pending:
                seg = b"".join(pending) + seg
                pending, plen = [], 0
            yield start, line, seg, True, split
            split = False
            line, pos = line + 1, nl + 1
            start = base + pos
        if pos < len(data):
            pending.append(data[pos:])
            plen += len(data) - pos
            if plen > window:  # hand on all but a tail that could split a quote or an escape
                joined = b"".join(pending)
                cut = _safe_cut(joined, 0, len(joined))
                yield start, line, joined[:cut], False, True
                pending, plen, split = [joined[cut:]], len(joined) - cut, True
        base += len(data)
    if pending or split:
        yield start, line, b"".join(pending), True, split


def _ident_char(prev: bytes) -> bool:
    return bool(prev) and (prev.isalnum() or prev in (b"_", b"$") or prev[0] >= 0x80)


def _ends(code: bytes) -> bool | None:
    code = code.rstrip()
    return code.endswith(b";") if code else None


def scan(data: bytes, mode: int, tag: bytes, std_strings: bool) -> tuple[int, bytes, bool | None]:
    """(mode, dollar tag, ends the statement) after ``data``, starting in ``mode``.

    "Ends" is None when ``data`` has no code after its last quote or comment: the answer is
    then the one for the piece before (a line may be cut right after its ``;``)."""
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
                return mode, tag, _ends(data[seg:s])
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
    return mode, tag, _ends(data[seg:]) if mode == NORMAL else False
