"""phpBB threads, posts, forums and private messages (``phpbb_topics``, ``_posts``, ``_forums``,
``_privmsgs``, ``_privmsgs_to``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from rescue.synth.common import DAY, np_rng
from rescue.synth.events import plan_pms
from rescue.synth.phrases_en import CATEGORIES
from rescue.synth.plan import PostPlanner
from rescue.synth.writers.phpbb_posts import HOSTILE_TOPIC, PostRenderer, topic_title
from rescue.synth.writers.phpbb_text import html, render
from rescue.synth.writers.posts import write_posts

if TYPE_CHECKING:
    from rescue.synth.writers.phpbb import PhpbbWriter

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
            t = topic_title(self.w, x, int(tp["starter"][x]), CATEGORIES[int(tp["cat"][x])],
                            self.planner.pools[int(tp["pool"][x])])
            if len(self._titles) > 100_000:
                self._titles.clear()
            self._titles[x] = t
        return t

    def posts(self) -> None:
        w = self.w
        self.attach.extend(write_posts(w, PostRenderer(w, self.planner.pools), self.planner, w.name("posts"),
                                       "post_text", w.spool_rows("posts")))
        self.topic_attached.update(t - 1 for _p, t, _m, _a, _t in self.attach)
        self.n_topics = self.planner.topics.n

    def messages(self) -> None:
        w, acc, pop = self.w, self.w.acc, self.w.pop
        table = w.name("privmsgs")
        g = np_rng(w.world.seed, "pm-ip", acc.spec.key)
        total = round(acc.spec.pms_per_account * int(acc.active().sum()))
        to_table = w.name("privmsgs_to")
        msg_fill = w.tables[table].filler(
            "msg_id", "root_level", "author_id", "author_ip", "message_time", "message_subject", "message_text",
            "message_attachment", "bbcode_bitfield", "bbcode_uid", "to_address", "bcc_address")
        to_fill = w.tables[to_table].filler("msg_id", "user_id", "author_id", "pm_new", "pm_unread", "folder_id")
        msgs, boxes = w.dump.spool(table), w.dump.spool(to_table)
        uids = acc.user_id.tolist()
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
            msgs.add(msg_fill(mid, pm.root, uids[a], w.ip(a, pm.time, float(g.random())), pm.time, html(pm.subject),
                              text, int(att), bits, uid, ":".join(f"u_{uids[r]}" for r in pm.to), ""))
            fresh = pm.time > acc.spec.end - 14 * DAY
            for r in pm.to:
                new = int(fresh and g.random() < 0.6)
                boxes.add(to_fill(mid, uids[r], uids[a], new, new, 0))
            boxes.add(to_fill(mid, uids[a], uids[a], 0, 0, -1))
            for pl in plants:
                w.truth.plant(acc, pl, table, mid, "message_text")
            if mid % 20000 == 0:
                w.tick("private messages", min(mid, total), total)
        w.tick("private messages", total, total)

    def topics_and_forums(self, locked: set[int]) -> None:
        w, tp = self.w, self.planner.topics
        n = tp.n
        forum_posts: dict[int, int] = {}
        forum_topics: dict[int, int] = {}
        forum_last: dict[int, tuple[int, int, int, str]] = {}  # forum -> (time, post id, acc, subject)
        announce = {f.forum_id for f in w.forums if f.topic == "announce"}
        if n > HOSTILE_TOPIC:
            w.truth.hostile.append((w.spec.key, w.name("topics"), HOSTILE_TOPIC + 1, "topic_title"))
        for x in range(n):
            if x % 65536 == 0:  # a block of columns as Python lists at a time
                cols = {f: tp[f][x:x + 65536].tolist() for f in tp.FIELDS}
                views = (np.asarray(cols["replies"]) * 7 + 11 + (np.arange(x, x + len(cols["replies"])) * 7919)
                         % 97).tolist()
            k = x % 65536
            first, starter, last_post = cols["first_post"][k], cols["starter"][k], cols["last_post"][k]
            la, lt, fid, reps = cols["last_author"][k], cols["last_time"][k], cols["forum"][k], cols["replies"][k]
            title = self.title(x)
            s_id, s_name, s_col = w.poster(starter)
            l_id, l_name, l_col = w.poster(la)
            last_subject = title if reps == 0 else "Re: " + title
            ttype = (2 if x % 2 == 0 else 1) if fid in announce else 0
            w.add("topics", topic_id=x + 1, forum_id=fid, topic_attachment=int(x in self.topic_attached),
                  topic_title=title, topic_poster=s_id, topic_time=cols["time"][k], topic_views=views[k],
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
