"""SMF categories, boards, topics, messages, personal messages, logs, logins, bans and attachments."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from rescue.synth.body import Plant
from rescue.synth.common import DAY
from rescue.synth.events import visits
from rescue.synth.mysqldump import encode, sql_tuple
from rescue.synth.plan import PostPlanner
from rescue.synth.writers.markup import smf_escape
from rescue.synth.writers.neutral import bans, files, logs, messages, packed, topics
from rescue.synth.writers.posts import HOSTILE_TOPIC, Post, PostRows, write_posts
from rescue.synth.writers.smf import text

if TYPE_CHECKING:
    from rescue.synth.writers.smf import SmfWriter

LOG_KINDS = {"lock": 1, "move": 1, "edit": 1, "ban_user": 1, "user_active": 3, "email_change": 2}
ACTIONS = {"lock": "lock", "move": "move", "edit": "modify", "ban_user": "ban", "user_active": "approve_member",
           "email_change": "email_address"}


class SmfPosts(PostRows):
    def __init__(self, w: SmfWriter, pools: list[str]) -> None:
        super().__init__(w, pools)
        self.sw = w
        self.fill = w.tables[w.name("messages")].filler(
            "id_msg", "id_topic", "id_board", "poster_time", "id_member", "id_msg_modified", "subject", "poster_name",
            "poster_email", "poster_ip", "smileys_enabled", "modified_time", "modified_name", "body")

    def row(self, p: Post) -> bytes:
        w = self.sw
        uid, name = w.shown(p.author)
        title = smf_escape(p.title)
        edit = p.time + 60 + (p.post_id * 7919) % DAY if p.edited else 0
        return encode(sql_tuple(self.fill(
            p.post_id, p.topic + 1, p.forum, p.time, uid, p.post_id, title if p.is_start else "Re: " + title, name,
            w.acc.email[p.author], packed(p.ip), int((p.post_id * 2654435761) % 100 < 95), edit,
            name if p.edited else "", text(p.body, p.post_id))))


class SmfContent:
    def __init__(self, w: SmfWriter) -> None:
        self.w = w
        self.planner = PostPlanner(w.world.seed, w.acc, w.pop, w.forums)
        self.attach: list[tuple[int, int, int, int, int]] = []
        self.locked: set[int] = set()

    def write(self) -> None:
        self.posts()
        self.messages()
        self.logs()
        self.topics_and_boards()
        self.logins()
        self.bans()
        self.attachments()

    def posts(self) -> None:
        w = self.w
        self.attach = write_posts(w, SmfPosts(w, self.planner.pools), self.planner, w.name("messages"), "body",
                                  w.spool_rows("messages"))

    def messages(self) -> None:
        w, acc = self.w, self.w.acc
        table, to_table = w.name("personal_messages"), w.name("pm_recipients")
        pms, boxes = w.dump.spool(table), w.dump.spool(to_table)
        fill = w.tables[table].filler("id_pm", "id_pm_head", "id_member_from", "from_name", "msgtime", "subject",
                                      "body")
        to_fill = w.tables[to_table].filler("id_pm", "id_member", "bcc", "is_read", "is_new", "in_inbox")
        uids = acc.user_id.tolist()
        for out in messages(w):
            pm, a = out.pm, out.pm.author
            pms.add(fill(pm.msg_id, pm.root or pm.msg_id, uids[a], acc.username[a], pm.time,
                         smf_escape(pm.subject), text(out.body, pm.msg_id)))
            for r, unread in zip(pm.to, out.unread, strict=True):
                boxes.add(to_fill(pm.msg_id, uids[r], 0, 0 if unread else 1, int(unread), 1))
            for pl in out.plants:
                w.truth.plant(acc, pl, table, pm.msg_id, "body")

    def logs(self) -> None:
        w, acc = self.w, self.w.acc
        tp = self.planner.topics
        uids = acc.user_id.tolist()
        table = w.name("log_actions")
        n = 0
        for lg in logs(w, tp.n, tp["time"].tolist()):
            ev = lg.ev
            if ev.kind == "lock":
                self.locked.add(ev.topic)
            if ev.kind == "admin_auth" and ev.actor >= 0:  # a login of an administrator
                w.add("member_logins", id_member=uids[ev.actor], time=ev.time, ip=packed(lg.ip), ip2=packed(lg.ip))
                continue
            if ev.kind not in LOG_KINDS or ev.actor < 0:
                continue
            board = int(tp["forum"][ev.topic]) if ev.topic >= 0 else 0
            extra: dict[str, int | str] = {}
            msg = int(tp["first_post"][ev.topic]) if ev.kind == "edit" else 0
            if ev.topic >= 0:
                extra["topic"], extra["board"] = ev.topic + 1, board
                if msg:
                    extra["message"] = msg
            if ev.target >= 0:
                extra["member"] = uids[ev.target]
            if ev.kind == "email_change":
                extra = {"previous": ev.old_email, "new": acc.email[ev.target], "applicator": uids[ev.actor],
                         "member_affected": uids[ev.target]}
            n += 1
            w.add("log_actions", id_action=n, id_log=LOG_KINDS[ev.kind], log_time=ev.time, id_member=uids[ev.actor],
                  ip=packed(lg.ip), action=ACTIONS[ev.kind], id_board=board, id_topic=ev.topic + 1,
                  id_msg=msg, extra=json.dumps(extra, separators=(",", ":")))
            if ev.kind == "email_change":
                w.truth.plant(acc, Plant("email", ev.old_email, ev.target, "plain", "log-old-address"), table, n,
                              "extra")
                w.truth.plant(acc, Plant("email", acc.email[ev.target], ev.target, "plain", "log-new-address"),
                              table, n, "extra")

    def topics_and_boards(self) -> None:
        w, tp = self.w, self.planner.topics
        posts: dict[int, int] = {}
        n_topics: dict[int, int] = {}
        last: dict[int, tuple[int, int]] = {}  # board -> (time, message id)
        announce = {f.forum_id for f in w.forums if f.topic == "announce"}
        if tp.n > HOSTILE_TOPIC:
            w.truth.hostile.append((w.spec.key, w.name("messages"), int(tp["first_post"][HOSTILE_TOPIC]), "subject"))
        uids = w.acc.user_id.tolist()
        for t in topics(tp):
            s_uid = w.shown(t.starter)[0]
            w.add("topics", id_topic=t.index + 1, is_sticky=int(t.forum in announce and t.index % 2 == 0),
                  id_board=t.forum, id_first_msg=t.first_post, id_last_msg=t.last_post, id_member_started=s_uid,
                  id_member_updated=w.shown(t.last_author)[0] if uids else 0, num_replies=t.replies,
                  num_views=t.views, locked=int(t.index in self.locked), approved=1)
            posts[t.forum] = posts.get(t.forum, 0) + t.replies + 1
            n_topics[t.forum] = n_topics.get(t.forum, 0) + 1
            if t.last_time >= last.get(t.forum, (0, 0))[0]:
                last[t.forum] = (t.last_time, t.last_post)
        cat = 0
        for order, f in enumerate(w.forums, start=1):
            if f.is_category:
                cat += 1
                w.add("categories", id_cat=cat, cat_order=cat, name=smf_escape(f.name), description="")
                continue
            w.add("boards", id_board=f.forum_id, id_cat=cat, board_order=order, id_last_msg=last.get(
                f.forum_id, (0, 0))[1], id_msg_updated=last.get(f.forum_id, (0, 0))[1], name=smf_escape(f.name),
                description=smf_escape(f.desc), num_topics=n_topics.get(f.forum_id, 0),
                num_posts=posts.get(f.forum_id, 0), count_posts=0)

    def logins(self) -> None:
        w, acc = self.w, self.w.acc
        spool = w.dump.spool(w.name("member_logins"))
        fill = w.tables[w.name("member_logins")].filler("id_member", "time", "ip", "ip2")
        uids, seen = acc.user_id.tolist(), w.truth.seen_ip
        for v in visits(w.world.seed, acc, w.pop, w.net):
            seen(acc, v.account, v.ip)
            ip = packed(v.ip)
            spool.add(fill(uids[v.account], v.start, ip, ip))

    def bans(self) -> None:
        w, acc = self.w, self.w.acc
        item = 0
        for group, b in enumerate(bans(w), start=1):
            uid = int(acc.user_id[b.a])
            w.add("ban_groups", id_ban_group=group, name=f"ban_{uid}"[:20], ban_time=b.start,
                  expire_time=b.end or None, cannot_access=1, reason=smf_escape(b.reason), notes="")
            item += 1
            w.add("ban_items", id_ban=item, id_ban_group=group, id_member=uid)
            if b.email:
                item += 1
                w.add("ban_items", id_ban=item, id_ban_group=group, email_address=acc.email[b.a])
                w.truth.plant(acc, Plant("email", acc.email[b.a], b.a, "plain", "ban"), w.name("ban_items"), item,
                              "email_address")
            if b.ip:
                item += 1
                w.add("ban_items", id_ban=item, id_ban_group=group, ip_low=packed(b.ip), ip_high=packed(b.ip))

    def attachments(self) -> None:
        w = self.w
        for f in files(w, self.attach):
            file_hash = hashlib.sha1(f.md5.encode()).hexdigest()
            w.save_file(f"{f.attach_id}_{file_hash}.dat", f.data)
            w.add("attachments", id_attach=f.attach_id, id_msg=f.ref, id_member=0, id_folder=1, filename=f.real_name,
                  file_hash=file_hash, fileext=f.extension, size=f.size, downloads=f.downloads, mime_type=f.mimetype,
                  approved=1)
