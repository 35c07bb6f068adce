"""A sliding window over a binary stream: fixed-size reads, exact offsets and line numbers.

Only the unconsumed tail is kept when more is read, so memory stays at about one chunk
plus whatever a caller collects on purpose (one value, bounded by its own limit).
"""

from __future__ import annotations

import re
from typing import BinaryIO

from .mysqldump_tokens import QUOTED_BODY, WS_RUN


class UnexpectedEOF(Exception):
    """The stream ended inside a token (string, comment) that needs a closing delimiter."""


class DumpBuffer:
    __slots__ = ("base", "buf", "chunk", "eof", "line", "lpos", "pos", "rec", "rec_from", "rec_start", "stream")
    RECORD_CAP = 4096  # bytes kept of a recorded stretch (the raw text of a BadRow)

    def __init__(self, stream: BinaryIO, chunk: int = 1 << 20) -> None:
        self.stream = stream
        self.chunk = max(1, chunk)
        self.buf = b""
        self.pos = 0  # next unconsumed byte, index into buf
        self.base = 0  # stream offset of buf[0]
        self.eof = False
        self.line = 1  # line number of buf[lpos]
        self.lpos = 0
        self.rec_start = -1  # stream offset whose bytes are being recorded (see record())
        self.rec_from = 0  # next offset to record
        self.rec: list[bytes] = []

    def fill(self, at_least: int = 0) -> bool:
        """Read one more chunk (or ``at_least`` bytes), dropping the bytes before ``pos``.

        False at EOF.
        """
        if self.eof:
            return False
        data = self.stream.read(max(self.chunk, at_least))
        if not data:
            self.eof = True
            return False
        pos = self.pos
        if pos:
            self._keep_recorded(pos)
            self.line_at(pos)
            self.lpos = 0
            self.base += pos
            self.buf = self.buf[pos:] + data
            self.pos = 0
        else:
            self.buf += data
        return True

    def record(self, start: int) -> None:
        """Keep the first bytes from stream offset ``start`` even once the window moves past them."""
        if self.rec_start != start:
            self.rec_start, self.rec_from, self.rec = start, start, []

    def recorded(self, start: int, end: int, cap: int) -> bytes:
        """Stream bytes ``start:end`` (at most ``cap``), from the window and what was recorded."""
        cap = min(cap, max(0, end - start))
        if self.rec_start == start:
            tail = self.buf[max(0, self.rec_from - self.base):end - self.base]
            return b"".join([*self.rec, tail])[:cap]
        i = start - self.base
        return self.buf[i:i + cap] if i >= 0 else b""

    def _keep_recorded(self, drop: int) -> None:
        """Before ``buf[:drop]`` is dropped: save the part being recorded."""
        if self.rec_start < 0:
            return
        kept = sum(map(len, self.rec))
        lo = self.rec_from - self.base
        if kept < self.RECORD_CAP and lo < drop:
            self.rec.append(self.buf[lo:min(drop, lo + self.RECORD_CAP - kept)])
        self.rec_from = max(self.rec_from, self.base + drop)

    def ensure(self, n: int) -> int:
        """Read until ``n`` bytes are available after ``pos`` (or EOF); return what is available."""
        while (missing := n - len(self.buf) + self.pos) > 0 and self.fill(missing):
            pass
        return len(self.buf) - self.pos

    def line_at(self, i: int) -> int:
        """1-based line of ``buf[i]``; ``i`` must not go backwards between calls."""
        if i > self.lpos:
            self.line += self.buf.count(b"\n", self.lpos, i)
            self.lpos = i
        return self.line

    def offset(self, i: int | None = None) -> int:
        return self.base + (self.pos if i is None else i)

    def skip_ws(self) -> bool:
        """Skip blanks; False if the stream ends first."""
        while True:
            m = WS_RUN.match(self.buf, self.pos)
            self.pos = m.end() if m else self.pos
            if self.pos < len(self.buf):
                return True
            if not self.fill():
                return False

    def skip_past(self, token: bytes) -> bool:
        """Consume through the next ``token``; False (everything consumed) if there is none."""
        while True:
            i = self.buf.find(token, self.pos)
            if i >= 0:
                self.pos = i + len(token)
                return True
            self.pos = max(self.pos, len(self.buf) - len(token) + 1)
            if not self.fill():
                self.pos = len(self.buf)
                return False

    def take_until(self, token: bytes, cap: int) -> tuple[bytes, bool]:
        """Bytes up to ``token`` (not consumed), at most ``cap`` kept; found flag."""
        kept: list[bytes] = []
        size = 0
        while True:
            i = self.buf.find(token, self.pos)
            end = i if i >= 0 else max(self.pos, len(self.buf) - len(token) + 1)
            if size < cap:
                kept.append(self.buf[self.pos:min(end, self.pos + cap - size)])
                size += len(kept[-1])
            self.pos = end
            if i >= 0:
                return b"".join(kept), True
            if not self.fill():
                return b"".join(kept), False

    def scan_quoted(self, limit: int) -> tuple[bytes | None, int]:
        """Consume a quoted token starting at ``pos``; return its raw body and body size.

        The body is ``None`` when larger than ``limit``: it is then skipped without being
        kept. Raises ``UnexpectedEOF`` if the closing quote never comes.
        """
        quote = self.buf[self.pos]
        body_re = QUOTED_BODY[quote]
        self.pos += 1
        parts: list[bytes] = []
        size = 0
        while True:
            buf = self.buf
            m = body_re.match(buf, self.pos)
            end = m.end() if m else self.pos
            n = len(buf)
            closed = end < n and buf[end] == quote and (end + 1 < n or self.eof)
            if size <= limit:
                parts.append(buf[self.pos:end])
            size += end - self.pos
            if size > limit:
                parts = []
            self.pos = end
            if closed:
                self.pos = end + 1
                return (b"".join(parts) if size <= limit else None), size
            if not self.fill():
                if end < len(self.buf) and self.buf[end] == quote:
                    continue  # a quote as the very last byte: closes the token now that EOF is known
                self.pos = len(self.buf)
                raise UnexpectedEOF

    def scan_run(self, run: re.Pattern[bytes], limit: int) -> tuple[bytes | None, int]:
        """Consume a run of bytes matched by ``run`` (e.g. hex digits) across reads."""
        parts: list[bytes] = []
        size = 0
        while True:
            m = run.match(self.buf, self.pos)
            end = m.end() if m else self.pos
            if size <= limit:
                parts.append(self.buf[self.pos:end])
            size += end - self.pos
            if size > limit:
                parts = []
            self.pos = end
            if end < len(self.buf) or not self.fill():
                return (b"".join(parts) if size <= limit else None), size
