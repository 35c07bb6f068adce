"""Render planned post slices into ``phpbb_posts`` rows (the slices and workers: :mod:`.posts`)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import numpy as np

from rescue.synth.common import DAY, base36_ids, uniform_block
from rescue.synth.compose import F_HOSTILE
from rescue.synth.mysqldump import sql_tuple
from rescue.synth.phrases_en import CATEGORIES
from rescue.synth.writers.phpbb_text import html, render
from rescue.synth.writers.posts import HOSTILE_TOPIC, SliceJob, SliceResult, raw_title

if TYPE_CHECKING:
    from rescue.synth.writers.phpbb import PhpbbWriter

__all__ = ["HOSTILE_TOPIC", "PostRenderer", "topic_title"]


class PostRenderer:
    def __init__(self, w: PhpbbWriter, pools: list[str]) -> None:
        self.w, self.pools = w, pools
        self.fill = w.tables[w.name("posts")].filler(
            "post_id", "topic_id", "forum_id", "poster_id", "poster_ip", "post_time", "enable_smilies", "enable_sig",
            "post_username", "post_subject", "post_text", "post_checksum", "post_attachment", "bbcode_bitfield",
            "bbcode_uid", "post_edit_time", "post_edit_user", "post_edit_count")
        self.tracked = set(w.truth.tracked.get(w.spec.key, {}))
        self._titles: dict[int, str] = {}

    def title(self, x: int, starter: int, cat: int, pool: int) -> str:
        t = self._titles.get(x)
        if t is None:
            t = topic_title(self.w, x, starter, CATEGORIES[cat], self.pools[pool])
            if len(self._titles) > 100_000:
                self._titles.clear()
            self._titles[x] = t
        return t

    def render(self, job: SliceJob) -> SliceResult:
        w, sl = self.w, job.posts
        comp, net, acc = w.composer, w.net, w.acc
        blocks = uniform_block(comp.post_stream, sl.post_id)
        qi = np.flatnonzero(sl.quote_post)
        qblocks = dict(zip(qi.tolist(), uniform_block(comp.post_stream, sl.quote_post[qi]).tolist(), strict=True))
        uids = base36_ids(w.uid_base, sl.post_id)
        res = SliceResult([], int(sl.post_id[-1]), [], [], [], [])
        has_sig, separate, person, fill, tracked = w.has_sig, w.separate, acc.person, self.fill, self.tracked
        cols = (sl.post_id.tolist(), sl.author.tolist(), sl.time.tolist(), sl.topic.tolist(), sl.is_start.tolist(),
                sl.flags.tolist(), sl.quote_post.tolist(), sl.quote_author.tolist(), sl.quote_flags.tolist(),
                sl.attach.tolist(), job.t_cat.tolist(), job.t_pool.tolist(), job.t_forum.tolist(),
                job.t_starter.tolist(), job.u_ip.tolist(), job.edited.tolist())
        for i, (pid, a, t, x, start, flags, qp, qa, qf, att, cat, pool, forum, starter, u, edit) in enumerate(
                zip(*cols, strict=True)):
            body, plants = comp.post(pid, a, CATEGORIES[cat], self.pools[pool], flags, (qp, qa, qf) if qp else None,
                                     blocks[i].tolist(), qblocks.get(i))
            uid = uids[i]
            smilies = (pid * 2654435761) % 100 < 95
            r = render(body, uid, newline="<br />", smilies=smilies, choice=pid)
            text, bits = w.text(r)
            title = self.title(x, starter, cat, pool)
            poster_id, uname, _colour = w.poster(a)
            ip = net.ip_at(int(person[a]), t, u, 0.7 if separate[a] else 0.0)
            if a in tracked:
                res.seen.append((a, ip))
            if att:
                res.attach.append((pid, x + 1, 0, a, t))
            res.rows.append(sql_tuple(fill(
                pid, x + 1, forum, poster_id, ip, t, int(smilies), int(has_sig[a]), uname if poster_id == 1 else "",
                title if start else "Re: " + title, text, hashlib.md5(text.encode()).hexdigest(), int(att), bits,
                uid, t + 60 + (pid * 7919) % DAY if edit else 0, poster_id if edit else 0, int(edit))).encode())
            res.plants.extend((pid, pl) for pl in plants)
            if flags & F_HOSTILE:
                res.hostile.append(pid)
        return res


def topic_title(w: PhpbbWriter, x: int, starter: int, cat: str, lang: str) -> str:
    return html(raw_title(w, x, starter, cat, lang))
