"""Discourse writer: one forum of the world as a ``pg_dump`` (plain format) of Discourse's PostgreSQL tables.

Discourse conventions followed: the ``system`` (-1) and ``discobot`` (-2) users, e-mails in
``user_emails``, location/website/bio in ``user_profiles``, trust levels, suspensions
(``suspended_till``), ``inet`` addresses (last and registration address on ``users``, every login in
``user_auth_token_logs``; posts carry none), Markdown as typed in ``raw`` with rendered HTML in
``cooked``, quotes as ``[quote="name, post:N, topic:T"]``. A private message is a topic of archetype
``private_message`` whose posts are the messages and whose ``topic_allowed_users`` are its
participants; replies go to the conversation's topic. Posts of deleted members have no ``user_id``.
Discourse has no ICQ, Jabber or signature fields: those are not written (nor planted).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import ClassVar

from rescue.synth.accounts import DELETED, ForumAccounts
from rescue.synth.body import Body, Plant, Quote
from rescue.synth.common import DAY
from rescue.synth.events import visits
from rescue.synth.pgdump import PgDumpWriter, PgTable, PgValue, copy_line, timestamp
from rescue.synth.plan import PostPlanner
from rescue.synth.truth import Truth
from rescue.synth.world import Progress, World
from rescue.synth.writers.base import ForumWriter
from rescue.synth.writers.discourse_schema import TABLES
from rescue.synth.writers.markup import cooked, markdown
from rescue.synth.writers.neutral import (
    Conversation,
    Member,
    bans,
    conversations,
    files,
    logs,
    members,
    topics,
)
from rescue.synth.writers.posts import HOSTILE_TOPIC, Post, PostRows, SliceResult, write_posts

SUSPEND_USER = 10  # UserHistory.actions[:suspend_user]
FOREVER = "3000-01-01 00:00:00"  # what Discourse writes for a suspension without end


def slug(name: str) -> str:
    s = "".join(ch.lower() if ch.isalnum() else "-" for ch in name)
    return "-".join(p for p in s.split("-") if p) or "topic"


class DiscoursePosts(PostRows):
    def __init__(self, w: DiscourseWriter, pools: list[str]) -> None:
        super().__init__(w, pools)
        self.dw = w
        self.fill = w.table("posts").filler(
            "id", "user_id", "topic_id", "post_number", "raw", "cooked", "created_at", "updated_at",
            "reply_to_post_number", "quote_count", "reads", "sort_order", "last_editor_id", "last_version_at",
            "reply_to_user_id", "word_count", "version", "self_edits")

    def row(self, p: Post) -> bytes:
        uid = self.dw.user(p.author)
        raw, html = self.dw.render(p.body, p.post_id, p.topic + 1, p.number)
        edit = p.time + 60 + (p.post_id * 7919) % DAY if p.edited else 0
        q_uid = self.dw.user(p.quote_author) if p.quote_post else None
        return copy_line(self.fill(
            p.post_id, uid, p.topic + 1, p.number, raw, html, timestamp(p.time), timestamp(edit or p.time),
            p.number - 1 if p.quote_post else None, int(bool(p.quote_post)), 1 + p.post_id % 40, p.number, uid,
            timestamp(edit or p.time), q_uid, len(raw.split()), 2 if p.edited else 1, int(p.edited)))


class DiscourseWriter(ForumWriter):
    """Writes one forum of a world to ``<out_dir>/discourse.sql`` (pg_dump plain)."""

    software = "discourse"
    version = "3.2"
    owner: ClassVar[str] = "discourse"
    prefixed = False

    def __init__(self, world: World, acc: ForumAccounts, out_dir: Path, truth: Truth, *, files: bool,
                 progress: Progress | None, workers: int = 1) -> None:
        super().__init__(world, acc, out_dir, truth, files=files, progress=progress, workers=workers)
        self.dump: PgDumpWriter = PgDumpWriter(self.path, acc.spec.database, list(TABLES), self.tmpdir, self.owner)
        self.planner = PostPlanner(world.seed, acc, world.pop, self.forums)
        self.attach: list[tuple[int, int, int, int, int]] = []
        self._ids: dict[str, int] = {}

    def table(self, name: str) -> PgTable:
        return self.dump.tables[name]

    def add(self, table: str, **values: PgValue) -> None:
        t = self.dump.tables[table]
        self.dump.add(table, t.filler(*values)(*values.values()))

    def next_id(self, table: str) -> int:
        self._ids[table] = self._ids.get(table, 0) + 1
        return self._ids[table]

    def user(self, a: int) -> int | None:
        """The user id a post shows; posts of deleted members have none."""
        return None if self.acc.flags[a] & DELETED else int(self.acc.user_id[a])

    def render(self, body: Body, choice: int, topic: int, number: int) -> tuple[str, str]:
        def open_quote(q: Quote) -> str:
            return f'[quote="{q.author}, post:{number - 1}, topic:{topic}"]'

        def attrs(q: Quote) -> str:
            return f'data-username="{escape(q.author)}" data-post="{number - 1}" data-topic="{topic}"'

        return markdown(body, quote_open=open_quote, choice=choice), cooked(body, quote_attrs=attrs)

    def fill(self) -> None:
        self._system_users()
        for m in members(self):
            self._member(m)
        self._categories()
        self._posts()
        self._topics()
        self._messages()
        self._logins()
        self._logs_and_bans()
        self._uploads()

    def _system_users(self) -> None:
        start = timestamp(self.spec.start)
        for uid, name in ((-1, "system"), (-2, "discobot")):
            self.add("users", id=uid, username=name, username_lower=name, name=name, created_at=start,
                     updated_at=start, active=True, admin=uid == -1, moderator=uid == -1, trust_level=4,
                     approved=True, first_seen_at=start)
            self.truth.account((self.spec.key, uid, "", name, "bot", "", "", "", "", 0, "", ""))

    def _member(self, m: Member) -> None:
        acc, pop, prof = self.acc, self.pop, m.prof
        reg, last = int(acc.reg[m.a]), int(acc.last[m.a])
        posts = int(acc.n_posts[m.a])
        d = datetime.fromtimestamp(int(pop.birth[m.person]), tz=UTC)
        last_ip = self.ip(m.a, last, m.rng.random()) if not m.inactive else None
        ban_end = int(acc.last[m.a]) + 60
        self.add(
            "users", id=m.uid, username=acc.username[m.a], created_at=timestamp(reg), updated_at=timestamp(last),
            last_posted_at=timestamp(int(self.planner.last_post_time[m.a])) if posts else None,
            password_hash=m.secret.hex(), salt=m.secret[:16].hex(), active=not m.inactive,
            username_lower=acc.username[m.a].lower(), last_seen_at=None if m.inactive else timestamp(last),
            admin=m.admin, trust_level=0 if m.inactive else (4 if m.admin else min(3, 1 + posts // 30)),
            approved=True, suspended_at=timestamp(ban_end) if m.banned else None,
            suspended_till=FOREVER if m.banned else None,
            date_of_birth=f"1904-{d.month:02d}-{d.day:02d}" if m.show_birthday else None, ip_address=last_ip,
            moderator=m.staff and not m.admin, locale=pop.lang[m.person], registration_ip_address=m.reg_ip,
            first_seen_at=timestamp(reg), password_algorithm="$pbkdf2-sha256$i=600000,l=32$",
        )
        eid = self.next_id("user_emails")
        self.add("user_emails", id=eid, user_id=m.uid, email=acc.email[m.a], primary=True, created_at=timestamp(reg),
                 updated_at=timestamp(reg), normalized_email=acc.email[m.a].lower())
        self.truth.plant(acc, Plant("email", acc.email[m.a], m.a, "plain", "registration"), "user_emails", eid,
                         "email")
        bio = f"Occupation: {prof.occupation}" if prof.occupation else None
        self.add("user_profiles", user_id=m.uid, location=prof.location or None, website=prof.website or None,
                 bio_raw=bio, bio_cooked=f"<p>{escape(bio)}</p>" if bio else None)
        for field, plant in prof.plants:
            if field in ("location", "occupation"):
                self.truth.plant(acc, plant, "user_profiles", m.uid, "location" if field == "location" else "bio_raw")

    def _categories(self) -> None:
        start = timestamp(self.spec.start)
        for pos, f in enumerate(self.forums):
            self.add("categories", id=f.forum_id, name=f.name[:50], created_at=start, updated_at=start, user_id=-1,
                     slug=slug(f.name), description=f.desc or None, position=pos,
                     parent_category_id=f.parent_id or None)

    def _posts(self) -> None:
        def sink(res: SliceResult) -> None:
            for row in res.rows:
                self.dump.add_line("posts", row, res.last_id)

        self.attach = write_posts(self, DiscoursePosts(self, self.planner.pools), self.planner, "posts", "raw", sink)

    def _topics(self) -> None:
        tp = self.planner.topics
        renderer = DiscoursePosts(self, self.planner.pools)
        if tp.n > HOSTILE_TOPIC:
            self.truth.hostile.append((self.spec.key, "topics", HOSTILE_TOPIC + 1, "title"))
        for t in topics(tp):
            title = renderer.title(t.index, t.starter, int(tp["cat"][t.index]), int(tp["pool"][t.index]))
            self.add("topics", id=t.index + 1, title=title, last_posted_at=timestamp(t.last_time),
                     created_at=timestamp(t.time), updated_at=timestamp(t.last_time), views=t.views,
                     posts_count=t.replies + 1, user_id=self.user(t.starter),
                     last_post_user_id=self.user(t.last_author) or -1, reply_count=t.replies,
                     highest_post_number=t.replies + 1, category_id=t.forum, bumped_at=timestamp(t.last_time),
                     archetype="regular", slug=slug(title), participant_count=1, fancy_title=escape(title))

    def _messages(self) -> None:
        """Each conversation is a topic of archetype ``private_message``, numbered after the forum's topics."""
        acc, uids = self.acc, self.acc.user_id.tolist()
        post_id, base = self.planner.total, self.planner.topics.n
        fill = self.dump.tables["posts"].filler("id", "user_id", "topic_id", "post_number", "raw", "cooked",
                                               "created_at", "updated_at", "reads", "sort_order", "last_editor_id",
                                               "last_version_at", "word_count")
        convs: dict[int, Conversation] = {}
        for out, conv in conversations(self, convs):
            pm, a, t, number = out.pm, out.pm.author, base + conv.number, conv.messages
            post_id += 1
            raw, html = self.render(out.body, pm.msg_id, t, number)
            self.dump.add_line("posts", copy_line(fill(
                post_id, uids[a], t, number, raw, html, timestamp(pm.time), timestamp(pm.time), 1, number,
                uids[a], timestamp(pm.time), len(raw.split()))), post_id)
            for pl in out.plants:
                self.truth.plant(acc, pl, "posts", post_id, "raw")
        for c, conv in convs.items():
            last_time, _msg, last_author = conv.last
            n, title = conv.messages, conv.title
            self.add("topics", id=base + c, title=title, last_posted_at=timestamp(last_time),
                     created_at=timestamp(conv.start), updated_at=timestamp(last_time), posts_count=n,
                     user_id=uids[conv.starter], last_post_user_id=uids[last_author], reply_count=n - 1,
                     highest_post_number=n, category_id=None, bumped_at=timestamp(last_time),
                     archetype="private_message", subtype="user_to_user", slug=slug(title),
                     participant_count=len(conv.people), fancy_title=escape(title))
            for r in conv.people:
                self.add("topic_allowed_users", id=self.next_id("topic_allowed_users"), user_id=uids[r],
                         topic_id=base + c, created_at=timestamp(conv.start), updated_at=timestamp(conv.start))

    def _logins(self) -> None:
        acc = self.acc
        uids, seen = acc.user_id.tolist(), self.truth.seen_ip
        fill = self.dump.tables["user_auth_token_logs"].filler("id", "action", "user_auth_token_id", "user_id",
                                                                "client_ip", "user_agent", "created_at", "path")
        for n, v in enumerate(visits(self.world.seed, acc, self.pop, self.net), start=1):
            seen(acc, v.account, v.ip)
            self.dump.add("user_auth_token_logs", fill(n, "generate", n, uids[v.account], v.ip, v.browser,
                                                       timestamp(v.start), "/session"))

    def _logs_and_bans(self) -> None:
        uids = self.acc.user_id.tolist()
        tp = self.planner.topics
        for lg in logs(self, tp.n, tp["time"].tolist()):
            ev = lg.ev
            if ev.kind == "ban_user" and ev.actor >= 0:
                self.add("user_histories", id=self.next_id("user_histories"), action=SUSPEND_USER,
                         acting_user_id=uids[ev.actor], target_user_id=uids[ev.target], details="Suspended by staff",
                         created_at=timestamp(ev.time), updated_at=timestamp(ev.time), ip_address=lg.ip)
        for b in bans(self):
            if b.ip:
                self.add("screened_ip_addresses", id=self.next_id("screened_ip_addresses"), ip_address=b.ip,
                         action_type=1, created_at=timestamp(b.start), updated_at=timestamp(b.start))

    def _uploads(self) -> None:
        for f in files(self, self.attach):
            sha1 = hashlib.sha1(f.data or f.md5.encode()).hexdigest()
            url = f"/uploads/default/original/1X/{sha1}.{f.extension}"
            self.save_file(f"original/1X/{sha1}.{f.extension}", f.data)
            uid = self.user(f.account) or -1
            self.add("uploads", id=f.attach_id, user_id=uid, original_filename=f.real_name, filesize=f.size,
                     url=url, created_at=timestamp(f.time), updated_at=timestamp(f.time), sha1=sha1,
                     extension=f.extension, original_sha1=sha1)
            self.add("upload_references", id=f.attach_id, upload_id=f.attach_id, target_type="Post",
                     target_id=f.ref, created_at=timestamp(f.time), updated_at=timestamp(f.time))
