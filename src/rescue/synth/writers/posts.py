"""Render planned post slices into dump rows, here or in forked worker processes (any software).

Rendering a post is a pure function of the world and the slice (bodies come from counter-based
random numbers), so slices can be rendered by several processes and the rows appended in slice
order: the dump is byte-identical whatever the number of workers. :class:`PostRows` does the
software-neutral part (body, plants, address, title) and asks its subclass for the row.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from rescue.synth.body import Body, Plant
from rescue.synth.common import np_rng, uniform_block
from rescue.synth.compose import F_HOSTILE
from rescue.synth.phrases_en import CATEGORIES
from rescue.synth.plan import PostPlanner, PostSlice
from rescue.synth.risk import HOSTILE

if TYPE_CHECKING:
    from rescue.synth.writers.base import ForumWriter

HOSTILE_TOPIC = 3  # topic index whose title carries a hostile payload
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class SliceJob:
    posts: PostSlice
    t_cat: I64  # per post: its topic's category, language pool, forum and starter
    t_pool: I64
    t_forum: I64
    t_starter: I64
    u_ip: npt.NDArray[np.float64]
    edited: npt.NDArray[np.bool_]
    t_first: I64  # the first post id of each post's topic
    number: I64  # each post's number in its topic (1 = the first post)


@dataclass(frozen=True, slots=True)
class SliceResult:
    rows: list[bytes]
    last_id: int
    plants: list[tuple[int, Plant]]  # (post id, plant)
    hostile: list[int]
    attach: list[tuple[int, int, int, int, int]]  # (post id, topic id, 0, account, time)
    seen: list[tuple[int, str]]  # (account, ip) of accounts the truth tracks
    side: list[bytes] = field(default_factory=list)  # rows of another table a writer emits per post


def post_jobs(w: ForumWriter, planner: PostPlanner) -> Iterator[SliceJob]:
    """The planner's slices with what rendering needs of their topics (drawn in slice order)."""
    g = np_rng(w.world.seed, "post-ip", w.spec.key)
    tp = planner.topics
    seen = np.zeros(1024, dtype=np.int64)  # posts per topic so far
    for sl in planner.slices():
        m = len(sl.post_id)
        if len(seen) < tp.n:
            seen = np.concatenate([seen, np.zeros(max(tp.n, 2 * len(seen)) - len(seen), dtype=np.int64)])
        order = np.argsort(sl.topic, kind="stable")  # posts are in time order: rank them within their topic
        ts = sl.topic[order]
        heads = np.r_[0, np.flatnonzero(ts[1:] != ts[:-1]) + 1]
        rank = np.arange(m) - np.repeat(heads, np.diff(np.r_[heads, m]))
        number = np.empty(m, dtype=np.int64)
        number[order] = seen[ts] + rank + 1
        np.add.at(seen, sl.topic, 1)
        yield SliceJob(sl, tp["cat"][sl.topic], tp["pool"][sl.topic], tp["forum"][sl.topic],
                       tp["starter"][sl.topic], g.random(m), g.random(m) < 0.03, tp["first_post"][sl.topic], number)


def raw_title(w: ForumWriter, x: int, starter: int, cat: str, lang: str) -> str:
    """The title of topic index ``x`` as its starter typed it (one topic carries a hostile payload)."""
    raw = w.composer.subject(x + 1, starter, cat, lang)
    if x == HOSTILE_TOPIC:
        raw += " " + HOSTILE[1]
    return raw


@dataclass(frozen=True, slots=True)
class Post:
    """One post as the world made it, before any software's storage format."""

    post_id: int
    author: int  # account index
    time: int
    topic: int  # topic index (topic id - 1)
    is_start: bool
    forum: int
    title: str  # the topic's raw title
    body: Body
    ip: str
    attach: bool
    edited: bool
    quote_post: int  # post id quoted (0: none)
    quote_author: int
    first_post: int  # of the topic
    number: int  # in the topic


class PostRows:
    """Renders slices of posts; a subclass turns each :class:`Post` into the bytes of its dump row."""

    def __init__(self, w: ForumWriter, pools: list[str]) -> None:
        self.w, self.pools = w, pools
        self.tracked = set(w.truth.tracked.get(w.spec.key, {}))
        self._titles: dict[int, str] = {}
        self.side: list[bytes] = []  # what :meth:`row` emits for another table, moved into the slice's result

    def title(self, x: int, starter: int, cat: int, pool: int) -> str:
        t = self._titles.get(x)
        if t is None:
            t = raw_title(self.w, x, starter, CATEGORIES[cat], self.pools[pool])
            if len(self._titles) > 100_000:
                self._titles.clear()
            self._titles[x] = t
        return t

    def row(self, p: Post) -> bytes:
        raise NotImplementedError

    def prepare(self, job: SliceJob) -> None:
        """Per-slice work of a subclass before its rows (e.g. ids computed for the whole slice at once)."""

    def render(self, job: SliceJob) -> SliceResult:
        self.prepare(job)
        w, sl = self.w, job.posts
        comp, net, acc = w.composer, w.net, w.acc
        blocks = uniform_block(comp.post_stream, sl.post_id)
        qi = np.flatnonzero(sl.quote_post)
        qblocks = dict(zip(qi.tolist(), uniform_block(comp.post_stream, sl.quote_post[qi]).tolist(), strict=True))
        res = SliceResult([], int(sl.post_id[-1]), [], [], [], [])
        separate, person, tracked = w.separate, acc.person, self.tracked
        cols = (sl.post_id.tolist(), sl.author.tolist(), sl.time.tolist(), sl.topic.tolist(), sl.is_start.tolist(),
                sl.flags.tolist(), sl.quote_post.tolist(), sl.quote_author.tolist(), sl.quote_flags.tolist(),
                sl.attach.tolist(), job.t_cat.tolist(), job.t_pool.tolist(), job.t_forum.tolist(),
                job.t_starter.tolist(), job.u_ip.tolist(), job.edited.tolist(), job.t_first.tolist(),
                job.number.tolist())
        for i, (pid, a, t, x, start, flags, qp, qa, qf, att, cat, pool, forum, starter, u, edit, first,
                num) in enumerate(zip(*cols, strict=True)):
            body, plants = comp.post(pid, a, CATEGORIES[cat], self.pools[pool], flags, (qp, qa, qf) if qp else None,
                                     blocks[i].tolist(), qblocks.get(i))
            ip = net.ip_at(int(person[a]), t, u, 0.7 if separate[a] else 0.0)
            if a in tracked:
                res.seen.append((a, ip))
            if att:
                res.attach.append((pid, x + 1, 0, a, t))
            res.rows.append(self.row(Post(pid, a, t, x, bool(start), forum, self.title(x, starter, cat, pool), body,
                                          ip, bool(att), bool(edit), qp, qa, first, num)))
            res.plants.extend((pid, pl) for pl in plants)
            if flags & F_HOSTILE:
                res.hostile.append(pid)
        res.side.extend(self.side)
        self.side.clear()
        return res


class Renderer(Protocol):
    def render(self, job: SliceJob) -> SliceResult: ...


_RENDERER: Renderer | None = None


def _work(job: SliceJob) -> SliceResult:
    assert _RENDERER is not None
    return _RENDERER.render(job)


Attach = tuple[int, int, int, int, int]  # (post id, topic id, 0, account, time)


def write_posts(w: ForumWriter, renderer: Renderer, planner: PostPlanner, table: str, column: str,
                sink: Callable[[SliceResult], None]) -> list[Attach]:
    """Render every post of ``planner`` in order; ``sink`` stores each slice's rows; the truth learns where
    selectors were planted (``table``.``column``), the addresses tracked accounts used and the hostile rows.
    Returns the attachments of the posts."""
    acc, truth = w.acc, w.truth
    attach: list[Attach] = []
    for res in render_slices(renderer, post_jobs(w, planner), w.workers):
        sink(res)
        for pid, pl in res.plants:
            truth.plant(acc, pl, table, pid, column)
        for a, ip in res.seen:
            truth.seen_ip(acc, a, ip)
        truth.hostile.extend((acc.spec.key, table, pid, column) for pid in res.hostile)
        attach.extend(res.attach)
        w.tick("posts", res.last_id, planner.total)
    return attach


def render_slices(renderer: Renderer, jobs: Iterable[SliceJob], workers: int) -> Iterator[SliceResult]:
    """Results in slice order; with ``workers`` > 1 rendered by forked processes, two jobs ahead each."""
    global _RENDERER
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(renderer.render, jobs)
        return
    _RENDERER = renderer
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pending: deque[multiprocessing.pool.AsyncResult[SliceResult]] = deque()
            for job in jobs:
                pending.append(pool.apply_async(_work, (job,)))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        _RENDERER = None
