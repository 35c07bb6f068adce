"""The rows of one ``INSERT … VALUES (…),(…);`` statement, streamed.

Hot path, over the buffer in hand: a quoted string is delimited with ``bytes.find`` (its
closing quote is the first one not escaped by an odd run of backslashes nor doubled), any
other value by one anchored regex match that includes the separator after it. Whenever
that stops — a token cut by the end of the buffer, a value bigger than the buffer, or
malformed input — one value is read by the slow path (``mysqldump_slow``), which refills
as needed, streams long values in pieces and tells garbage apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..errors import DumpSyntaxError
from .base import BadRow, Event, RawRow, Value
from .mysqldump_buffer import DumpBuffer, UnexpectedEOF
from .mysqldump_slow import (
    COMMA,
    END,
    NEXT_ROW,
    ROW_GARBAGE,
    Garbage,
    preview,
    resync,
    slow_sep,
    slow_value,
    too_big,
)
from .mysqldump_tokens import (
    K_HEX,
    K_INT,
    K_NULL,
    K_STR,
    RARE,
    ROW_SEP,
    VALUE_SEP,
    hex_bytes,
    unescape,
)

if TYPE_CHECKING:
    from .mysqldump import MysqldumpStats

FastValues = Callable[[bytes, int, list[Value], int], tuple[int, int]]
fast_values: FastValues | None
try:  # the common values in C (same values, same stops); without the extension, Python alone
    from ._rowscan import values as fast_values
except ImportError:
    fast_values = None


class RowReader:
    def __init__(self, b: DumpBuffer, stats: MysqldumpStats, max_value: int, raw_cap: int) -> None:
        self.b, self.stats, self.max_value, self.raw_cap = b, stats, max_value, raw_cap
        self.done = False  # the dump ended inside a statement: stop reading
        self.fast = fast_values

    def _too_big(self, size: int, hexed: bool = False) -> str:
        return too_big(size, self.max_value, hexed)

    def read(self, table: str, cols: tuple[str, ...] | None, limit: int, name: str) -> Iterator[Event]:
        """Rows from ``b.pos`` (at the first row's '(') through the closing ``;``."""
        b, st, maxv, maxh = self.b, self.stats, self.max_value, 2 * self.max_value
        unesc, value_sep, row_sep, fast = unescape, VALUE_SEP.match, ROW_SEP.match, self.fast
        assert (K_INT, K_STR, K_NULL, K_HEX) == (1, 2, 3, 4)
        row_idx = b.pos
        row_off, row_line = b.offset(row_idx), b.line_at(row_idx)
        b.pos += 1
        vals: list[Value] = []
        bad: str | None = None
        while True:
            buf, base, pos, line, lpos = b.buf, b.base, b.pos, b.line, b.lpos
            n, find, ap = len(buf), buf.find, vals.append
            ended = False
            while pos < n:
                c = 0
                if fast is not None:  # values up to the end of the row, or to one it leaves to Python
                    pos, c = fast(buf, pos, vals, maxv)
                    if not c and pos >= n:
                        break
                if not c:
                    if buf[pos] == 0x27:  # a quoted string: its closing quote is found in C
                        j = find(b"'", pos + 1)
                        while 0 < j < n - 1:
                            if buf[j - 1] == 0x5C:  # an odd run of backslashes escapes the quote
                                i = j - 2
                                while buf[i] == 0x5C:
                                    i -= 1
                                if (j - i) & 1 == 0:
                                    j = find(b"'", j + 1)
                                    continue
                            if buf[j + 1] != 0x27:
                                break
                            j = find(b"'", j + 2)  # a doubled quote ''
                        else:
                            break  # the string runs past the buffer: slow path
                        c = buf[j + 1]
                        if c == COMMA:
                            end = j + 2
                        elif (m := row_sep(buf, j + 1)) is not None:
                            end = m.end()
                            c = buf[end - 1]
                        else:
                            break
                        if j - pos - 1 > maxv:
                            bad = self._too_big(j - pos - 1)
                            ap(None)
                        else:
                            v = buf[pos + 1:j]
                            ap(unesc(v) if b"\\" in v or b"'" in v else v)
                        pos = end
                        if c == COMMA:
                            continue
                    else:
                        m = value_sep(buf, pos)
                        if m is None:
                            break
                        k = m.lastindex  # literal kinds, faster: K_INT=1, K_STR=2, K_NULL=3, K_HEX=4
                        if k == 1:
                            ap(int(m[1]))
                        elif k == 3:
                            ap(None)
                        elif k == 4:
                            v = m[4]
                            if len(v) > maxh:
                                bad = self._too_big(len(v), True)
                            ap(hex_bytes(v) if len(v) <= maxh else None)
                        elif k == 2:  # a string after blanks or an introducer
                            v = m[2]
                            if len(v) > maxv:
                                bad = self._too_big(len(v))
                            ap(None if len(v) > maxv else unesc(v) if b"\\" in v or b"'" in v else v)
                        else:
                            assert k is not None
                            ap(RARE[k](m[k]))
                        pos = m.end()
                        c = buf[pos - 1]
                        if c == COMMA:
                            continue
                if bad is None:
                    st.rows += 1
                    yield RawRow(table, tuple(vals), row_off, row_line, cols)
                else:
                    yield self._bad(table, row_off, row_line, bad, base + pos - (c == NEXT_ROW))
                    bad = None
                vals = []
                ap = vals.append
                if base + pos > limit:
                    raise DumpSyntaxError(name, "INSERT statement longer than max_statement_bytes",
                                          offset=base + pos, line=line)
                if c == END:
                    ended = True
                    break
                row_idx = pos - 1
                row_off = base + row_idx
                line += buf.count(b"\n", lpos, row_idx)
                row_line, lpos = line, row_idx
            b.pos, b.line, b.lpos = pos, line, lpos
            if ended:
                return
            # Slow path: one value (and its separator) that the hot loop could not take.
            b.record(row_off)  # the row may now outlive the buffer: keep its start for a BadRow
            try:
                value, problem = slow_value(b, maxv)
                sep = slow_sep(b)
            except UnexpectedEOF:
                st.truncated = self.done = True
                yield self._bad(table, row_off, row_line, f"unexpected end of file inside a row of table "
                                f"`{table}`", b.offset())
                return
            except Garbage as g:
                sep = resync(b)
                yield self._bad(table, row_off, row_line, g.reason, b.offset() - (sep == NEXT_ROW))
            else:
                vals.append(value)
                bad = bad or problem
                if sep == COMMA:
                    continue
                if bad is None:
                    st.rows += 1
                    yield RawRow(table, tuple(vals), row_off, row_line, cols)
                else:
                    yield self._bad(table, row_off, row_line, bad, b.offset())
                if sep == ROW_GARBAGE:
                    at, line = b.offset(), b.line_at(b.pos)
                    reason = "expected ',' or ';' after a row, found " + preview(b.buf, b.pos)
                    b.record(at)
                    sep = resync(b)
                    yield self._bad(table, at, line, reason, b.offset() - (sep == NEXT_ROW))
            vals, bad = [], None
            if sep == NEXT_ROW:
                row_idx = b.pos - 1
                row_off, row_line = b.offset(row_idx), b.line_at(row_idx)
                continue
            if sep != END:  # end of file after a complete row, or no resync point left
                st.truncated = self.done = True
            return

    def _bad(self, table: str, off: int, line: int, reason: str, end: int) -> BadRow:
        """A BadRow whose raw text is the stream from ``off`` to ``end``, capped."""
        self.stats.bad_rows += 1
        return BadRow(table, off, line, reason, self.b.recorded(off, end, self.raw_cap))
