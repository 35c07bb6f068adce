"""Cutting a plain mysqldump into parts that can be mapped at the same time, and checking the cut.

A part starts at an INSERT statement at a line start (from the structure scan's layout) and
ends where the next part starts. To read a part on its own, a worker needs the reader's and
mapper's state at its start: the statement delimiter, the connection charset and the table
definitions declared so far. The layout predicts that state; each worker reports the state it
actually ended in, and whether it ended between two statements. The parts are exact — every
row with the same values, offset, line, quarantine reason and count as one sequential read —
when, for every part after the first, the previous part ended cleanly and its end state is
the predicted start state (by induction from the first part, which starts at byte 0 in the
initial state). :func:`follows` checks exactly that; on a mismatch the caller reads the
source sequentially instead.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import TypeVar

from rescue.ingest.scan import Layout
from rescue.readers.base import Column

# name → (columns, charset) of the tables declared (with columns) before a position
DeclaredDefs = tuple[tuple[str, tuple[Column, ...], str | None], ...]

MIN_PART = 1 << 20
MAX_PART = 32 << 20
PARTS_PER_WORKER = 4  # parts per worker in what is left to cut


@dataclass(frozen=True)
class State:
    """What reading from a statement start depends on besides the bytes that follow."""

    delimiter: bytes
    charset: str  # the mapper's connection charset
    declared: DeclaredDefs  # definitions seen so far in the stream, the last one per table, by name
    recognised: bool  # the reader has seen a statement only a SQL dump would contain


@dataclass(frozen=True)
class Part:
    index: int
    start: int  # byte offset of the first statement (0 for the first part)
    end: int  # byte offset where the next part starts (the size of the source for the last)
    line: int  # 1-based line of ``start``
    state: State  # predicted state at ``start``
    final: bool  # the last part: it may end inside a statement (a truncated dump)


@dataclass(frozen=True)
class PartEnd:
    """How a worker's read of a part ended."""

    state: State
    clean: bool  # between two statements (not inside a statement, a string or a comment)


def declare(declared: DeclaredDefs, name: str, columns: tuple[Column, ...], charset: str | None) -> DeclaredDefs:
    """``declared`` after a CREATE TABLE with columns (kept sorted by name, one entry per table)."""
    kept = {n: (c, cs) for n, c, cs in declared}
    kept[name] = (columns, charset)
    return tuple((n, c, cs) for n, (c, cs) in sorted(kept.items()))


def plan_parts(layout: Layout, initial_charset: str, workers: int) -> list[Part]:
    """Parts that shrink towards the end of the dump (each about the rest divided among the
    workers a few times over), so that the workers finish together."""
    size = layout.size
    first_insert = layout.inserts[0][0] if layout.inserts else size
    bounds = [(0, 1)]  # (offset, line) of each part's start
    for offset, line, _table in layout.inserts:
        start = bounds[-1][0]
        target = min(MAX_PART, max(MIN_PART, (size - start) // max(1, workers * PARTS_PER_WORKER)))
        if offset > first_insert and offset - start >= target and size - offset >= MIN_PART // 2 \
                and _delimiter_at(layout, offset) == b";":
            bounds.append((offset, line))
    parts: list[Part] = []
    for i, (start, line) in enumerate(bounds):
        final = i + 1 == len(bounds)
        end = size if final else bounds[i + 1][0]
        parts.append(Part(i, start, end, line, predict(layout, start, initial_charset), final))
    return parts


def predict(layout: Layout, offset: int, initial_charset: str) -> State:
    """The state at ``offset`` as the layout tells it."""
    if offset == 0:
        return State(b";", initial_charset, (), False)
    declared: DeclaredDefs = ()
    for at, tdef in layout.creates:
        if at >= offset:
            break
        if tdef.columns:
            declared = declare(declared, tdef.name, tdef.columns, tdef.charset)
    charset = _last_before(layout.charsets, offset) or initial_charset
    return State(_delimiter_at(layout, offset), charset, declared, True)


def follows(part: Part, before: PartEnd | None) -> bool:
    """True if ``part`` was read from the state the part before it ended in (``before``)."""
    if before is None:
        return part.start == 0
    return before.clean and before.state == part.state


def _delimiter_at(layout: Layout, offset: int) -> bytes:
    got = _last_before(layout.delimiters, offset)
    return got if got is not None else b";"


_T = TypeVar("_T")


def _last_before(events: list[tuple[int, _T]], offset: int) -> _T | None:
    i = bisect_left(events, offset, key=lambda e: e[0])
    return events[i - 1][1] if i else None
