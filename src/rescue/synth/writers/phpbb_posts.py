"""Render planned post slices into ``phpbb_posts`` rows (the slices and workers: :mod:`.posts`)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from rescue.synth.common import DAY, base36_ids
from rescue.synth.mysqldump import sql_tuple
from rescue.synth.writers.phpbb_text import html, render
from rescue.synth.writers.posts import HOSTILE_TOPIC, Post, PostRows, SliceJob, raw_title

if TYPE_CHECKING:
    from rescue.synth.writers.phpbb import PhpbbWriter

__all__ = ["HOSTILE_TOPIC", "PostRenderer", "topic_title"]


class PostRenderer(PostRows):
    """``phpbb_posts`` rows: BBCode with the post's uid, HTML-escaped text, checksums, edit marks."""

    def __init__(self, w: PhpbbWriter, pools: list[str]) -> None:
        super().__init__(w, pools)
        self.pw = w
        self.fill = w.tables[w.name("posts")].filler(
            "post_id", "topic_id", "forum_id", "poster_id", "poster_ip", "post_time", "enable_smilies", "enable_sig",
            "post_username", "post_subject", "post_text", "post_checksum", "post_attachment", "bbcode_bitfield",
            "bbcode_uid", "post_edit_time", "post_edit_user", "post_edit_count")
        self._uids: dict[int, str] = {}

    def prepare(self, job: SliceJob) -> None:
        ids = job.posts.post_id
        self._uids = dict(zip(ids.tolist(), base36_ids(self.w.uid_base, ids), strict=True))

    def row(self, p: Post) -> bytes:
        w, pid, t = self.pw, p.post_id, p.time
        uid = self._uids[pid]
        smilies = (pid * 2654435761) % 100 < 95
        text, bits = w.text(render(p.body, uid, newline="<br />", smilies=smilies, choice=pid))
        title = html(p.title)
        poster_id, uname, _colour = w.poster(p.author)
        edit = p.edited
        return sql_tuple(self.fill(
            pid, p.topic + 1, p.forum, poster_id, p.ip, t, int(smilies), int(w.has_sig[p.author]),
            uname if poster_id == 1 else "", title if p.is_start else "Re: " + title, text,
            hashlib.md5(text.encode()).hexdigest(), int(p.attach), bits, uid,
            t + 60 + (pid * 7919) % DAY if edit else 0, poster_id if edit else 0, int(edit))).encode()


def topic_title(w: PhpbbWriter, x: int, starter: int, cat: str, lang: str) -> str:
    return html(raw_title(w, x, starter, cat, lang))
