"""XenForo 2.2 writer: one forum of the world as a mariadb-dump of XenForo's tables (``xenforo_schema``).

XenForo conventions followed: every address is a row of ``xf_ip`` (``user``/``register``,
``user``/``login``, ``post``/``insert``, ``conversation_message``/``insert``; packed ``varbinary(16)``)
that posts and conversation messages point to by ``ip_id``; user groups 1–4 (unregistered,
registered, administrative, moderating) with staff in ``secondary_group_ids``; ``user_state`` and
``is_banned``; the time zone as a zone name; the birthday in ``dob_day``/``dob_month``/``dob_year``;
ICQ, Jabber and MSN as custom user fields (``xf_user_field_value``); BBCode as typed, quotes
``[QUOTE="Name, post: 5, member: 3"]``; conversations (master, messages, recipients incl. the
starter) for private messages; posts of deleted members with ``user_id`` 0.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from rescue.synth.body import Plant, Quote, Segment
from rescue.synth.common import DAY
from rescue.synth.events import visits
from rescue.synth.mysqldump import encode, sql_tuple
from rescue.synth.plan import PostPlanner
from rescue.synth.writers.base import MysqlForumWriter
from rescue.synth.writers.markup import bbcode
from rescue.synth.writers.neutral import (
    Conversation,
    Member,
    bans,
    conversations,
    files,
    logs,
    members,
    packed,
    topics,
)
from rescue.synth.writers.posts import HOSTILE_TOPIC, Post, PostRows, write_posts
from rescue.synth.writers.xenforo_schema import xenforo_ddl

XF_VERSION = "2.2.13"
GROUPS = ((1, "Unregistered / Unconfirmed", ""), (2, "Registered", ""), (3, "Administrative", "Administrator"),
          (4, "Moderating", "Moderator"))
FIELDS = {"icq": "icq", "jabber": "jabber", "msn": "msn"}  # profile field -> xf_user_field id
MOD_ACTIONS = {"lock": ("thread", "lock"), "move": ("thread", "move"), "edit": ("post", "edit")}


class XenforoPosts(PostRows):
    def __init__(self, w: XenforoWriter, pools: list[str]) -> None:
        super().__init__(w, pools)
        self.xw = w
        self.fill = w.tables[w.name("post")].filler(
            "post_id", "thread_id", "user_id", "username", "post_date", "message", "ip_id", "position",
            "last_edit_date", "last_edit_user_id", "edit_count", "reaction_users")
        self.ip_fill = w.tables[w.name("ip")].filler("ip_id", "user_id", "content_type", "content_id", "action", "ip",
                                                     "log_date")

    def row(self, p: Post) -> bytes:
        w = self.xw
        uid, name = w.shown(p.author)
        ip_id = w.post_ip_base + p.post_id
        self.side.append(encode(sql_tuple(self.ip_fill(ip_id, uid, "post", p.post_id, "insert", packed(p.ip),
                                                       p.time))))
        edit = p.time + 60 + (p.post_id * 7919) % DAY if p.edited else 0
        return encode(sql_tuple(self.fill(p.post_id, p.topic + 1, uid, name, p.time, w.text(p.body, p.post_id), ip_id,
                                          p.number - 1, edit, uid if p.edited else 0, int(p.edited), "[]")))


class XenforoWriter(MysqlForumWriter):
    """Writes one forum of a world to ``<out_dir>/xenforo.sql``."""

    software = "xenforo"
    version = XF_VERSION
    main_prefix = "xf_"

    def ddl(self) -> list[str]:
        return xenforo_ddl(self.prefix)

    def text(self, body: Iterable[Segment], choice: int) -> str:
        uids = self.acc.user_id

        def quote(q: Quote) -> str:
            return f'[QUOTE="{q.author}, post: {q.post_id}, member: {int(uids[q.account])}"]\n'

        return bbcode(body, quote_open=quote, choice=choice)

    def fill(self) -> None:
        self.planner = PostPlanner(self.world.seed, self.acc, self.pop, self.forums)
        self.n_ip = 0
        self.attach: list[tuple[int, int, int, int, int]] = []
        self.locked: set[int] = set()
        self.add("addon", addon_id="XF", title="XenForo", version_string=XF_VERSION,
                 version_id=int(XF_VERSION.replace(".", "")) * 10 + 70, active=1)
        for gid, title, user_title in GROUPS:
            self.add("user_group", user_group_id=gid, title=title, display_style_priority=gid * 100 if gid > 2 else 0,
                     username_css="", user_title=user_title)
        for i, fid in enumerate(("icq", "jabber", "msn", "skype"), start=1):
            self.add("user_field", field_id=fid, display_group="contact", display_order=i * 10, field_choices="",
                     match_params="", max_length=100, display_template="")
        for m in members(self):
            self._member(m)
        self.post_ip_base = self.n_ip
        self._posts()
        self.n_ip += self.planner.total
        self._conversations()
        self._logins()
        self._logs()
        self._threads_and_nodes()
        self._bans()
        self._attachments()

    def ip_row(self, user_id: int, content_type: str, content_id: int, action: str, ip: str, t: int) -> int:
        self.n_ip += 1
        self.add("ip", ip_id=self.n_ip, user_id=user_id, content_type=content_type, content_id=content_id,
                 action=action, ip=packed(ip), log_date=t)
        return self.n_ip

    def _member(self, m: Member) -> None:
        acc, pop, prof = self.acc, self.pop, m.prof
        reg, last = int(acc.reg[m.a]), int(acc.last[m.a])
        self.ip_row(m.uid, "user", m.uid, "register", m.reg_ip, reg)
        sig = self.text(prof.signature, m.a)
        self.has_sig[m.a] = bool(sig)
        b = datetime.fromtimestamp(int(pop.birth[m.person]), tz=UTC)
        secondary = "3" if m.admin else ("4" if m.staff else "")
        self.add(
            "user", user_id=m.uid, username=acc.username[m.a], email=acc.email[m.a], language_id=1, style_id=0,
            timezone=pop.zone[m.person][0], user_group_id=1 if m.inactive else 2, secondary_group_ids=secondary,
            display_style_group_id=3 if m.admin else (4 if m.staff else 2), permission_combination_id=2,
            message_count=int(acc.n_posts[m.a]), register_date=reg, last_activity=reg if m.inactive else last,
            user_state="email_confirm" if m.inactive else "valid", is_moderator=int(m.staff and not m.admin),
            is_admin=int(m.admin), is_banned=int(m.banned), is_staff=int(m.staff), secret_key=m.secret,
            privacy_policy_accepted=reg, terms_accepted=reg,
        )
        custom = {FIELDS[f]: getattr(prof, f) for f in FIELDS if getattr(prof, f)}
        self.add("user_profile", user_id=m.uid, dob_day=b.day if m.show_birthday else 0,
                 dob_month=b.month if m.show_birthday else 0, dob_year=b.year if m.show_birthday else 0,
                 signature=sig, website=prof.website, location=prof.location[:50], following="", ignored="",
                 about=f"Occupation: {prof.occupation}" if prof.occupation else "",
                 custom_fields=json.dumps(custom, separators=(",", ":")), connected_accounts="[]")
        for field_id, value in sorted(custom.items()):
            self.add("user_field_value", user_id=m.uid, field_id=field_id, field_value=value)
        for name, plant in prof.plants:
            if name in FIELDS:
                self.truth.plant(acc, plant, self.name("user_field_value"), m.uid, FIELDS[name])
            elif name in ("signature", "location", "occupation"):
                col = {"occupation": "about"}.get(name, name)
                self.truth.plant(acc, plant, self.name("user_profile"), m.uid, col)
        self.truth.plant(acc, Plant("email", acc.email[m.a], m.a, "plain", "registration"), self.name("user"), m.uid,
                         "email")

    def _posts(self) -> None:
        self.attach = write_posts(self, XenforoPosts(self, self.planner.pools), self.planner, self.name("post"),
                                  "message", self.spool_rows("post", side="ip"))

    def _conversations(self) -> None:
        acc, uids = self.acc, self.acc.user_id.tolist()
        convs: dict[int, Conversation] = {}
        table = self.name("conversation_message")
        for out, conv in conversations(self, convs):
            pm, a = out.pm, out.pm.author
            ip_id = self.ip_row(uids[a], "conversation_message", pm.msg_id, "insert", out.ip, pm.time)
            self.add("conversation_message", message_id=pm.msg_id, conversation_id=conv.number, message_date=pm.time,
                     user_id=uids[a], username=acc.username[a], message=self.text(out.body, pm.msg_id), ip_id=ip_id,
                     reaction_users="[]")
            for pl in out.plants:
                self.truth.plant(acc, pl, table, pm.msg_id, "message")
        for c, conv in convs.items():
            last_time, last_id, last_author = conv.last
            recipients = {str(uids[r]): {"user_id": uids[r], "username": acc.username[r]} for r in conv.people}
            self.add("conversation_master", conversation_id=c, title=conv.title[:150], user_id=uids[conv.starter],
                     username=acc.username[conv.starter], start_date=conv.start, reply_count=conv.messages - 1,
                     recipient_count=len(conv.people), first_message_id=conv.first, last_message_date=last_time,
                     last_message_id=last_id, last_message_user_id=uids[last_author],
                     last_message_username=acc.username[last_author],
                     recipients=json.dumps(recipients, separators=(",", ":")))
            for r in conv.people:
                self.add("conversation_recipient", conversation_id=c, user_id=uids[r], last_read_date=last_time)

    def _logins(self) -> None:
        uids, seen = self.acc.user_id.tolist(), self.truth.seen_ip
        for v in visits(self.world.seed, self.acc, self.pop, self.net):
            seen(self.acc, v.account, v.ip)
            self.ip_row(uids[v.account], "user", uids[v.account], "login", v.ip, v.start)

    def _logs(self) -> None:
        tp, uids = self.planner.topics, self.acc.user_id.tolist()
        for n, lg in enumerate((x for x in logs(self, tp.n, tp["time"].tolist()) if x.ev.kind in MOD_ACTIONS
                                and x.ev.actor >= 0), start=1):
            ev = lg.ev
            kind, action = MOD_ACTIONS[ev.kind]
            starter = int(tp["starter"][ev.topic])
            if ev.kind == "lock":
                self.locked.add(ev.topic)
            content = ev.topic + 1 if kind == "thread" else int(tp["first_post"][ev.topic])
            self.add("moderator_log", moderator_log_id=n, log_date=ev.time, user_id=uids[ev.actor],
                     ip_address=packed(lg.ip), content_type=kind, content_id=content,
                     content_user_id=self.shown(starter)[0], content_username=self.acc.username[starter],
                     content_url="", discussion_content_type="thread", discussion_content_id=ev.topic + 1,
                     action=action, action_params="[]")

    def _threads_and_nodes(self) -> None:
        tp = self.planner.topics
        renderer = XenforoPosts(self, self.planner.pools)
        if tp.n > HOSTILE_TOPIC:
            self.truth.hostile.append((self.spec.key, self.name("thread"), HOSTILE_TOPIC + 1, "title"))
        stats: dict[int, list[int]] = {}  # node -> [threads, posts, last date, last post, last user, thread]
        names: dict[int, tuple[str, str]] = {}
        for t in topics(tp):
            title = renderer.title(t.index, t.starter, int(tp["cat"][t.index]), int(tp["pool"][t.index]))
            s_uid, s_name = self.shown(t.starter)
            l_uid, l_name = self.shown(t.last_author)
            self.add("thread", thread_id=t.index + 1, node_id=t.forum, title=title[:150], reply_count=t.replies,
                     view_count=t.views, user_id=s_uid, username=s_name, post_date=t.time,
                     discussion_open=int(t.index not in self.locked), discussion_type="discussion",
                     first_post_id=t.first_post, last_post_date=t.last_time, last_post_id=t.last_post,
                     last_post_user_id=l_uid, last_post_username=l_name, tags="", custom_fields="", type_data="")
            s = stats.setdefault(t.forum, [0, 0, 0, 0, 0, 0])
            s[0] += 1
            s[1] += t.replies + 1
            if t.last_time >= s[2]:
                s[2:] = [t.last_time, t.last_post, l_uid, t.index + 1]
                names[t.forum] = (l_name, title[:150])
        lft = 0
        for order, f in enumerate(self.forums, start=1):
            lft += 1
            self.add("node", node_id=f.forum_id, title=f.name[:50], description=f.desc, node_name=None,
                     node_type_id="Category" if f.is_category else "Forum", parent_node_id=f.parent_id,
                     display_order=order * 10, lft=lft, rgt=lft + 1, depth=1 if f.parent_id else 0)
            lft += 1
            if not f.is_category:
                s = stats.get(f.forum_id, [0, 0, 0, 0, 0, 0])
                user, title = names.get(f.forum_id, ("", ""))
                self.add("forum", node_id=f.forum_id, discussion_count=s[0], message_count=s[1], last_post_id=s[3],
                         last_post_date=s[2], last_post_user_id=s[4], last_post_username=user, last_thread_id=s[5],
                         last_thread_title=title)

    def _bans(self) -> None:
        for b in bans(self):
            uid = int(self.acc.user_id[b.a])
            self.add("user_ban", user_id=uid, ban_user_id=2, ban_date=b.start, end_date=b.end, user_reason=b.reason)
            if b.email:
                self.add("ban_email", banned_email=self.acc.email[b.a], create_user_id=2, create_date=b.start,
                         reason=b.reason)

    def _attachments(self) -> None:
        for f in files(self, self.attach):
            uid = self.shown(f.account)[0]
            self.save_file(f"attachments/{f.attach_id // 1000}/{f.attach_id}-{f.md5}.data", f.data)
            self.add("attachment_data", data_id=f.attach_id, user_id=uid, upload_date=f.time, filename=f.real_name,
                     file_size=f.size, file_hash=f.md5, attach_count=1)
            self.add("attachment", attachment_id=f.attach_id, data_id=f.attach_id, content_type="post",
                     content_id=f.ref, attach_date=f.time, view_count=f.downloads)
