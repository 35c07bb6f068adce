"""phpBB threads, posts, forums and private messages (``phpbb_topics``, ``_posts``, ``_forums``,
``_privmsgs``, ``_privmsgs_to``)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import numpy as np

from rescue.synth.common import DAY, base36_ids, np_rng, uniform_block
from rescue.synth.compose import F_HOSTILE
from rescue.synth.events import plan_pms
from rescue.synth.phpbb_text import html, render
from rescue.synth.phrases_en import CATEGORIES
from rescue.synth.plan import PostPlanner
from rescue.synth.risk import HOSTILE

if TYPE_CHECKING:
    from rescue.synth.phpbb import PhpbbWriter

HOSTILE_TOPIC = 3  # topic index whose title carries a hostile payload


class Content:
    def __init__(self, w: PhpbbWriter) -> None:
        self.w = w
        self.planner = PostPlanner(w.world.seed, w.acc, w.pop, w.forums)
        self._titles: dict[int, str] = {}
        self.attach: list[tuple[int, int, int, int, int]] = []  # (post/msg id, topic id, in_message, acc, time)
        self.topic_attached: set[int] = set()
        self.n_posts = self.planner.total
        self.n_topics = 0
        self.n_files = 0

    def title(self, x: int) -> str:
        t = self._titles.get(x)
        if t is None:
            tp = self.planner.topics
            a, cat, pool = int(tp["starter"][x]), int(tp["cat"][x]), int(tp["pool"][x])
            raw = self.w.composer.subject(x + 1, a, CATEGORIES[cat], self.planner.pools[pool])
            if x == HOSTILE_TOPIC:
                raw += " " + HOSTILE[1]
            t = html(raw)
            if len(self._titles) > 200_000:
                self._titles.clear()
            self._titles[x] = t
        return t

    def posts(self) -> None:
        w, acc, planner, comp = self.w, self.w.acc, self.planner, self.w.composer
        table = w.name("posts")
        g = np_rng(w.world.seed, "post-ip", acc.spec.key)
        tp = planner.topics
        fill = w.tables[table].filler(
            "post_id", "topic_id", "forum_id", "poster_id", "poster_ip", "post_time", "enable_smilies", "enable_sig",
            "post_username", "post_subject", "post_text", "post_checksum", "post_attachment", "bbcode_bitfield",
            "bbcode_uid", "post_edit_time", "post_edit_user", "post_edit_count")
        spool = w.dump.spool(table)
        has_sig, md5, ip_of, poster = w.has_sig, hashlib.md5, w.ip, w.poster
        for sl in planner.slices():
            m = len(sl.post_id)
            u = g.random(m).tolist()
            edit = (g.random(m) < 0.03).tolist()
            blocks = uniform_block(comp.post_stream, sl.post_id).tolist()
            qi = np.flatnonzero(sl.quote_post)
            qblocks = dict(zip(qi.tolist(), uniform_block(comp.post_stream, sl.quote_post[qi]).tolist(), strict=True))
            uids = base36_ids(w.uid_base, sl.post_id)
            cols = (sl.post_id.tolist(), sl.author.tolist(), sl.time.tolist(), sl.topic.tolist(),
                    sl.is_start.tolist(), sl.flags.tolist(), sl.quote_post.tolist(), sl.quote_author.tolist(),
                    sl.quote_flags.tolist(), sl.attach.tolist())
            tcat, tpool, tforum = tp["cat"].tolist(), tp["pool"].tolist(), tp["forum"].tolist()
            pools = planner.pools
            for i, (pid, a, t, x, start, flags, qp, qa, qf, att) in enumerate(zip(*cols, strict=True)):
                quote = (qp, qa, qf) if qp else None
                body, plants = comp.post(pid, a, CATEGORIES[tcat[x]], pools[tpool[x]], flags, quote, blocks[i],
                                         qblocks.get(i))
                uid = uids[i]
                smilies = (pid * 2654435761) % 100 < 95
                text, bits = w.text(render(body, uid, newline="<br />", smilies=smilies, choice=pid))
                title = self.title(x)
                poster_id, uname, _colour = poster(a)
                if att:
                    self.attach.append((pid, x + 1, 0, a, t))
                    self.topic_attached.add(x)
                edited = edit[i]
                spool.add(fill(pid, x + 1, tforum[x], poster_id, ip_of(a, t, u[i]), t, int(smilies),
                               int(has_sig[a]), uname if poster_id == 1 else "", title if start else "Re: " + title,
                               text, md5(text.encode()).hexdigest(), int(att), bits, uid,
                               t + 60 + (pid * 7919) % DAY if edited else 0, poster_id if edited else 0, int(edited)))
                for pl in plants:
                    w.truth.plant(acc, pl, table, pid, "post_text")
                if flags & F_HOSTILE:
                    w.truth.hostile.append((acc.spec.key, table, pid, "post_text"))
            w.tick("posts", int(sl.post_id[-1]), planner.total)
        self.n_topics = tp.n

    def messages(self) -> None:
        w, acc, pop = self.w, self.w.acc, self.w.pop
        table = w.name("privmsgs")
        g = np_rng(w.world.seed, "pm-ip", acc.spec.key)
        total = round(acc.spec.pms_per_account * int(acc.active().sum()))
        for pm in plan_pms(w.world.seed, acc, pop):
            a, mid = pm.author, pm.msg_id
            lang = pop.text_lang(int(acc.person[a]))
            if any(pop.text_lang(int(acc.person[r])) != lang for r in pm.to):
                lang = "en"
            body, plants = w.composer.pm(mid, a, lang, pm.flags)
            uid = w.uid(2, mid)
            text, bits = w.text(render(body, uid, newline="\n", smilies=True, choice=mid))
            att = g.random() < 0.003
            if att:
                self.attach.append((mid, 0, 1, a, pm.time))
            w.add("privmsgs", msg_id=mid, root_level=pm.root, author_id=int(acc.user_id[a]),
                  author_ip=w.ip(a, pm.time, float(g.random())), message_time=pm.time,
                  message_subject=html(pm.subject), message_text=text, message_attachment=int(att),
                  bbcode_bitfield=bits, bbcode_uid=uid,
                  to_address=":".join(f"u_{int(acc.user_id[r])}" for r in pm.to), bcc_address="")
            fresh = pm.time > acc.spec.end - 14 * DAY
            for r in pm.to:
                new = int(fresh and g.random() < 0.6)
                w.add("privmsgs_to", msg_id=mid, user_id=int(acc.user_id[r]), author_id=int(acc.user_id[a]),
                      pm_new=new, pm_unread=new, folder_id=0)
            w.add("privmsgs_to", msg_id=mid, user_id=int(acc.user_id[a]), author_id=int(acc.user_id[a]),
                  pm_new=0, pm_unread=0, folder_id=-1)
            for pl in plants:
                w.truth.plant(acc, pl, table, mid, "message_text")
            if mid % 20000 == 0:
                w.tick("private messages", min(mid, total), total)
        w.tick("private messages", total, total)

    def topics_and_forums(self, locked: set[int]) -> None:
        w, tp = self.w, self.planner.topics
        n = tp.n
        cols = {f: tp[f].tolist() for f in tp.FIELDS}
        views = (np.asarray(cols["replies"]) * 7 + 11 + (np.arange(n) * 7919) % 97).tolist()
        forum_posts: dict[int, int] = {}
        forum_topics: dict[int, int] = {}
        forum_last: dict[int, tuple[int, int, int, str]] = {}  # forum -> (time, post id, acc, subject)
        announce = {f.forum_id for f in w.forums if f.topic == "announce"}
        if n > HOSTILE_TOPIC:
            w.truth.hostile.append((w.spec.key, w.name("topics"), HOSTILE_TOPIC + 1, "topic_title"))
        for x in range(n):
            first, starter, last_post = cols["first_post"][x], cols["starter"][x], cols["last_post"][x]
            la, lt, fid, reps = cols["last_author"][x], cols["last_time"][x], cols["forum"][x], cols["replies"][x]
            title = self.title(x)
            s_id, s_name, s_col = w.poster(starter)
            l_id, l_name, l_col = w.poster(la)
            last_subject = title if reps == 0 else "Re: " + title
            ttype = (2 if x % 2 == 0 else 1) if fid in announce else 0
            w.add("topics", topic_id=x + 1, forum_id=fid, topic_attachment=int(x in self.topic_attached),
                  topic_title=title, topic_poster=s_id, topic_time=cols["time"][x], topic_views=views[x],
                  topic_replies=reps, topic_replies_real=reps, topic_status=int(x in locked), topic_type=ttype,
                  topic_first_post_id=first, topic_first_poster_name=s_name, topic_first_poster_colour=s_col,
                  topic_last_post_id=last_post, topic_last_poster_id=l_id, topic_last_poster_name=l_name,
                  topic_last_poster_colour=l_col, topic_last_post_subject=last_subject, topic_last_post_time=lt,
                  topic_last_view_time=min(w.spec.end, lt + 3600))
            forum_posts[fid] = forum_posts.get(fid, 0) + reps + 1
            forum_topics[fid] = forum_topics.get(fid, 0) + 1
            if lt >= forum_last.get(fid, (0, 0, 0, ""))[0]:
                forum_last[fid] = (lt, last_post, la, last_subject)
        self._forums(forum_posts, forum_topics, forum_last)

    def _forums(self, posts: dict[int, int], topics: dict[int, int],
                last: dict[int, tuple[int, int, int, str]]) -> None:
        w = self.w
        bounds: dict[int, tuple[int, int]] = {}
        counter = 1
        for c in (f for f in w.forums if f.is_category):
            left = counter
            counter += 1
            for f in (f for f in w.forums if f.parent_id == c.forum_id):
                bounds[f.forum_id] = (counter, counter + 1)
                counter += 2
            bounds[c.forum_id] = (left, counter)
            counter += 1
        for f in w.forums:
            lt, lp, la, subj = last.get(f.forum_id, (0, 0, -1, ""))
            l_id, l_name, l_col = w.poster(la) if la >= 0 else (0, "", "")
            w.add("forums", forum_id=f.forum_id, parent_id=f.parent_id, left_id=bounds[f.forum_id][0],
                  right_id=bounds[f.forum_id][1], forum_name=html(f.name), forum_desc=html(f.desc),
                  forum_type=0 if f.is_category else 1, forum_posts=posts.get(f.forum_id, 0),
                  forum_topics=topics.get(f.forum_id, 0), forum_topics_real=topics.get(f.forum_id, 0),
                  forum_last_post_id=lp, forum_last_poster_id=l_id, forum_last_post_subject=subj,
                  forum_last_post_time=lt, forum_last_poster_name=l_name, forum_last_poster_colour=l_col)
