"""Plan the posts of a forum: who posts when, in which thread, quoting whom, planting what.

All posts of the forum are first drawn as (time, author) pairs packed in one sorted int64
array (8 bytes per post). They are then planned and handed to the writer in slices, in
chronological order (post ids increase with time, as in a real board): thread starts, the
thread each reply goes to (recent threads of the same language pool are favoured), the
previous post of the thread (for quotes) and the plant flags. Only per-thread state is kept
between slices, so memory stays flat whatever the number of posts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rescue.synth.accounts import ForumAccounts
from rescue.synth.common import np_rng
from rescue.synth.compose import F_HOSTILE, F_RISK, F_SELECTOR
from rescue.synth.forums import ForumDef
from rescue.synth.people import Population
from rescue.synth.phrases_en import CATEGORIES

SHIFT = 22  # author index bits in the packed key (4M accounts)
I64 = npt.NDArray[np.int64]
RISK_POST_RATE = np.asarray([0.0, 0.004, 0.01, 0.025])


@dataclass(frozen=True, slots=True)
class PostSlice:
    post_id: I64
    author: I64
    time: I64
    topic: I64  # topic index (topic_id - 1)
    is_start: npt.NDArray[np.bool_]
    flags: I64
    quote_post: I64  # post id quoted, 0 = none
    quote_author: I64
    quote_flags: I64
    attach: npt.NDArray[np.bool_]


class Topics:
    """Growing per-thread arrays."""

    FIELDS = ("first_post", "starter", "time", "forum", "cat", "pool", "last_post", "last_author",
              "last_time", "last_flags", "replies")

    def __init__(self) -> None:
        self.n = 0
        self.a: dict[str, I64] = {f: np.zeros(1024, dtype=np.int64) for f in self.FIELDS}

    def grow(self, k: int) -> None:
        need = self.n + k
        cap = len(self.a["time"])
        if need > cap:
            new = max(need, cap * 2)
            for f, arr in self.a.items():
                ext = np.zeros(new, dtype=np.int64)
                ext[:cap] = arr
                self.a[f] = ext
        self.n = need

    def __getitem__(self, f: str) -> I64:
        return self.a[f][: self.n]


class _Starts:
    """Positions and topic indices of thread starts of one pool, growing without copying each slice."""

    def __init__(self) -> None:
        self.n = 0
        self.pos = np.zeros(256, dtype=np.int64)
        self.top = np.zeros(256, dtype=np.int64)

    def extend(self, pos: I64, top: I64) -> None:
        need = self.n + len(pos)
        if need > len(self.pos):
            cap = max(need, 2 * len(self.pos))
            self.pos = np.concatenate([self.pos[: self.n], np.zeros(cap - self.n, dtype=np.int64)])
            self.top = np.concatenate([self.top[: self.n], np.zeros(cap - self.n, dtype=np.int64)])
        self.pos[self.n:need] = pos
        self.top[self.n:need] = top
        self.n = need


class PostPlanner:
    def __init__(self, seed: int, acc: ForumAccounts, pop: Population, forums: tuple[ForumDef, ...]) -> None:
        self.acc, self.pop, self.forums = acc, pop, forums
        self.g = np_rng(seed, "posts", acc.spec.key)
        g, start = self.g, acc.spec.start
        author = np.repeat(np.arange(acc.n, dtype=np.int64), acc.n_posts)
        t = acc.reg[author] + (g.random(len(author)) * (acc.last - acc.reg)[author]).astype(np.int64)
        self.last_post_time = np.zeros(acc.n, dtype=np.int64)
        np.maximum.at(self.last_post_time, author, t)
        key = ((t - start) << SHIFT) | author
        del author, t
        key.sort()
        self.key = key
        self.total = len(key)
        self.pools = ["en", *sorted({f.lang for f in forums if not f.is_category and f.lang != "en"})]
        pool_of = {lang: i for i, lang in enumerate(self.pools)}
        self.person_pool = np.asarray([pool_of.get(pop.text_lang(p), 0) for p in range(pop.n)], dtype=np.int64)
        self.topics = Topics()
        self._starts = [_Starts() for _ in self.pools]  # thread starts per language pool
        self.hostile = {self.total // 7, self.total // 2, (5 * self.total) // 6}
        self._pool_forums = [[f for f in forums if not f.is_category and f.lang == lang] for lang in self.pools]
        self.cat_of = {c: i for i, c in enumerate(CATEGORIES)}

    def slices(self, size: int = 50_000) -> Iterator[PostSlice]:
        for lo in range(0, self.total, size):
            yield self._slice(lo, min(self.total, lo + size))

    def _slice(self, lo: int, hi: int) -> PostSlice:
        g, acc, m = self.g, self.acc, hi - lo
        k = self.key[lo:hi]
        author = k & ((1 << SHIFT) - 1)
        t = (k >> SHIFT) + acc.spec.start
        pos = np.arange(lo, hi, dtype=np.int64)
        person = acc.person[author]
        pool = np.where(g.random(m) < 0.35, self.person_pool[person], 0)
        is_start = g.random(m) < 0.09
        for q in range(len(self.pools)):
            if not self._starts[q].n:
                first = np.flatnonzero(pool == q)
                if len(first):
                    is_start[first[0]] = True
        flags = np.where(g.random(m) < self.pop.chatty[person], F_SELECTOR, 0).astype(np.int64)
        tier = self.pop.risk[person]
        flags |= np.where(g.random(m) < RISK_POST_RATE[tier], F_RISK, 0)
        for hp in self.hostile:
            if lo <= hp < hi:
                flags[hp - lo] |= F_HOSTILE
        topic = np.full(m, -1, dtype=np.int64)
        new = np.flatnonzero(is_start)
        t0 = self.topics.n
        self.topics.grow(len(new))
        topic[new] = t0 + np.arange(len(new))
        self._new_topics(new, t0, author, t, pool)
        for q in range(len(self.pools)):
            sel = new[pool[new] == q]
            self._starts[q].extend(pos[sel], topic[sel])
            rep = np.flatnonzero((pool == q) & ~is_start)
            if not len(rep):
                continue
            s_pos, s_top = self._starts[q].pos[: self._starts[q].n], self._starts[q].top[: self._starts[q].n]
            h = np.searchsorted(s_pos, pos[rep], side="left")
            back = np.floor(g.exponential(20.0, len(rep))).astype(np.int64)
            uni = g.random(len(rep)) < 0.08
            back[uni] = (g.random(int(uni.sum())) * h[uni]).astype(np.int64)
            topic[rep] = s_top[h - 1 - np.minimum(back, h - 1)]
        return self._link(lo, author, t, pos, topic, is_start, flags)

    def _new_topics(self, new: I64, t0: int, author: I64, t: I64, pool: I64) -> None:
        tp, g = self.topics, self.g
        for j, i in enumerate(new.tolist()):
            a, q = int(author[i]), int(pool[i])
            p = int(self.acc.person[a])
            interests = self.pop.interests[p]
            forums = self._pool_forums[q]
            u = g.random()
            if q:
                f = forums[0]
            elif self.acc.role[a] > 0 and u < 0.15:
                f = next(x for x in forums if x.topic == "announce")
            else:
                fav = [x for x in forums if x.topic in {CATEGORIES[int(c)] for c in interests}]
                pick = fav if (fav and u < 0.7) else [x for x in forums if x.topic != "announce"]
                f = pick[int(g.random() * len(pick))]
            cat = self.cat_of.get(f.topic, int(interests[int(g.random() * 3)]))
            x = t0 + j
            tp.a["starter"][x], tp.a["time"][x], tp.a["forum"][x] = a, t[i], f.forum_id
            tp.a["cat"][x], tp.a["pool"][x] = cat, q
            tp.a["last_post"][x] = 0

    def _link(self, lo: int, author: I64, t: I64, pos: I64, topic: I64, is_start: npt.NDArray[np.bool_],
              flags: I64) -> PostSlice:
        g, tp, m = self.g, self.topics, len(pos)
        tp.a["first_post"][topic[is_start]] = pos[is_start] + 1
        order = np.lexsort((pos, topic))
        ts = topic[order]
        same = np.zeros(m, dtype=np.bool_)
        same[1:] = ts[1:] == ts[:-1]
        prev_post = np.where(same, np.r_[0, pos[order][:-1] + 1], tp.a["last_post"][ts])
        prev_author = np.where(same, np.r_[0, author[order][:-1]], tp.a["last_author"][ts])
        prev_flags = np.where(same, np.r_[0, flags[order][:-1]], tp.a["last_flags"][ts])
        last = np.ones(m, dtype=np.bool_)
        last[:-1] = ts[1:] != ts[:-1]
        lo_idx = order[last]
        tp.a["last_post"][ts[last]] = pos[lo_idx] + 1
        tp.a["last_author"][ts[last]] = author[lo_idx]
        tp.a["last_time"][ts[last]] = t[lo_idx]
        tp.a["last_flags"][ts[last]] = flags[lo_idx]
        np.add.at(tp.a["replies"], topic[~is_start], 1)
        qp = np.zeros(m, dtype=np.int64)
        qa = np.zeros(m, dtype=np.int64)
        qf = np.zeros(m, dtype=np.int64)
        qp[order], qa[order], qf[order] = prev_post, prev_author, prev_flags
        u = g.random(m)
        want = ~is_start & (qp > 0) & (qa != author) & ((u < 0.12) | (((qf & F_SELECTOR) > 0) & (u < 0.5)))
        qp[~want] = 0
        attach = g.random(m) < 0.007
        return PostSlice(post_id=pos + 1, author=author, time=t, topic=topic, is_start=is_start, flags=flags,
                         quote_post=qp, quote_author=qa, quote_flags=qf, attach=attach)
