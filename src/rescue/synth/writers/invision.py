"""Invision Community 4.7 writer: one forum of the world as a mariadb-dump of its tables (``invision_schema``).

Invision conventions followed: no table prefix (``ob_`` for the other forum); groups, forums and profile
fields named only in language strings (``core_sys_lang_words``: ``core_group_<id>``, ``forums_forum_<id>``,
``core_pfield_<id>``); groups 1 validating, 2 guests, 3 members, 4 administrators (``g_access_cp``),
6 moderators; ICQ, Jabber, MSN, location and occupation as custom profile fields
(``core_pfields_content.field_<id>``); HTML bodies with ``blockquote.ipsQuote`` quotes; conversations
(``core_message_topics``, ``core_message_posts`` with the sender's IP, ``core_message_topic_user_map`` with
the starter); one ``core_members_known_ip_addresses`` row per member and address (last seen); bans
as ``temp_ban`` and ``core_banfilters``; posts of deleted members with ``author_id`` 0.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import UTC, datetime

from rescue.synth.body import Plant, Quote, Segment
from rescue.synth.events import visits
from rescue.synth.mysqldump import encode, sql_tuple
from rescue.synth.plan import PostPlanner
from rescue.synth.writers.base import MysqlForumWriter
from rescue.synth.writers.invision_schema import invision_ddl
from rescue.synth.writers.markup import html_body
from rescue.synth.writers.neutral import Conversation, Member, bans, conversations, files, members, topics
from rescue.synth.writers.posts import HOSTILE_TOPIC, Post, PostRows, write_posts

IPS_VERSION = "4.7.16"
GROUPS = ((1, "Validating", 0), (2, "Guests", 0), (3, "Members", 0), (4, "Administrators", 1), (6, "Moderators", 0))
PFIELDS = (("icq", "ICQ"), ("jabber", "Jabber"), ("msn", "MSN"), ("location", "Location"),
           ("occupation", "Occupation"))  # field_1 … field_5


def seo(name: str) -> str:
    s = "".join(ch.lower() if ch.isalnum() else "-" for ch in name)
    return "-".join(p for p in s.split("-") if p)


class InvisionPosts(PostRows):
    def __init__(self, w: InvisionWriter, pools: list[str]) -> None:
        super().__init__(w, pools)
        self.iw = w
        self.fill = w.tables[w.name("forums_posts")].filler(
            "pid", "append_edit", "edit_time", "author_id", "author_name", "ip_address", "post_date", "post",
            "queued", "topic_id", "new_topic", "post_key")

    def row(self, p: Post) -> bytes:
        uid, name = self.iw.shown(p.author)
        edit = p.time + 3600 if p.edited else None
        return encode(sql_tuple(self.fill(p.post_id, int(p.edited), edit, uid, name, p.ip, p.time,
                                          self.iw.text(p.body), 0, p.topic + 1, int(p.is_start),
                                          f"{(p.post_id * 2654435761) & 0xFFFFFFFF:08x}" * 4)))


class InvisionWriter(MysqlForumWriter):
    """Writes one forum of a world to ``<out_dir>/invision.sql``."""

    software = "invision"
    version = IPS_VERSION
    main_prefix = ""

    def ddl(self) -> list[str]:
        return invision_ddl(self.prefix)

    def text(self, body: Iterable[Segment]) -> str:
        uids = self.acc.user_id

        def block(q: Quote, inner: str) -> str:
            name = html.escape(q.author)
            return (f'<blockquote class="ipsQuote" data-ipsquote="" data-ipsquote-contentapp="forums" '
                    f'data-ipsquote-contentclass="forums_Topic" data-ipsquote-contentcommentid="{q.post_id}" '
                    f'data-ipsquote-contenttype="forums" data-ipsquote-userid="{int(uids[q.account])}" '
                    f'data-ipsquote-username="{name}"><div class="ipsQuote_citation">{name} said:</div>'
                    f'<div class="ipsQuote_contents">{inner}</div></blockquote>')

        return html_body(body, quote_block=block)

    def word(self, key: str, value: str) -> None:
        self._words += 1
        self.add("core_sys_lang_words", word_id=self._words, lang_id=1, word_app="core" if key.startswith("core")
                 else "forums", word_key=key, word_default=value, word_default_version="107684")

    def fill(self) -> None:
        self.planner = PostPlanner(self.world.seed, self.acc, self.pop, self.forums)
        self.attach: list[tuple[int, int, int, int, int]] = []
        self._words = 0
        for gid, name, cp in GROUPS:
            self.add("core_groups", g_id=gid, g_view_board=int(gid != 1), g_use_pm=int(gid > 2), g_access_cp=cp,
                     g_is_supmod=int(gid in (4, 6)), g_max_messages=50)
            self.word(f"core_group_{gid}", name)
        for i, (_key, name) in enumerate(PFIELDS, start=1):
            self.add("core_pfields_data", pf_id=i, pf_type="Text", pf_member_edit=1, pf_position=i, pf_group_id=1)
            self.word(f"core_pfield_{i}", name)
        for m in members(self):
            self._member(m)
        self._posts()
        self._messages()
        self._topics_and_forums()
        self._known_ips()
        self._bans()
        self._attachments()

    def _member(self, m: Member) -> None:
        acc, pop, prof = self.acc, self.pop, m.prof
        reg, last = int(acc.reg[m.a]), int(acc.last[m.a])
        b = datetime.fromtimestamp(int(pop.birth[m.person]), tz=UTC)
        sig = self.text(prof.signature) if prof.signature else ""
        group = 4 if m.admin else (6 if m.staff else (1 if m.inactive else 3))
        self.add(
            "core_members", member_id=m.uid, name=acc.username[m.a], member_group_id=group, email=acc.email[m.a],
            joined=reg, ip_address=m.reg_ip, language=1, bday_day=b.day if m.show_birthday else None,
            bday_month=b.month if m.show_birthday else None, bday_year=b.year if m.show_birthday else None,
            last_visit=last, last_activity=last, temp_ban=-1 if m.banned else 0, mgroup_others="",
            members_seo_name=seo(acc.username[m.a]), members_pass_hash="$2y$10$" + m.secret.hex()[:53],
            members_pass_salt=m.secret[:11].hex(), signature=sig, timezone=pop.zone[m.person][0],
            member_posts=int(acc.n_posts[m.a]), member_last_post=int(self.planner.last_post_time[m.a]) or None,
        )
        values = {f"field_{i}": getattr(prof, key) or None for i, (key, _n) in enumerate(PFIELDS, start=1)}
        self.add("core_pfields_content", member_id=m.uid, **values)
        cols = {key: f"field_{i}" for i, (key, _n) in enumerate(PFIELDS, start=1)}
        for name, plant in prof.plants:
            if name in cols:
                self.truth.plant(acc, plant, self.name("core_pfields_content"), m.uid, cols[name])
            elif name == "signature":
                self.truth.plant(acc, plant, self.name("core_members"), m.uid, "signature")
        self.truth.plant(acc, Plant("email", acc.email[m.a], m.a, "plain", "registration"), self.name("core_members"),
                         m.uid, "email")

    def _posts(self) -> None:
        self.attach = write_posts(self, InvisionPosts(self, self.planner.pools), self.planner,
                                  self.name("forums_posts"), "post", self.spool_rows("forums_posts"))

    def _messages(self) -> None:
        acc, uids = self.acc, self.acc.user_id.tolist()
        convs: dict[int, Conversation] = {}
        table = self.name("core_message_posts")
        for out, conv in conversations(self, convs):
            pm, a = out.pm, out.pm.author
            self.add("core_message_posts", msg_id=pm.msg_id, msg_topic_id=conv.number, msg_date=pm.time,
                     msg_post=self.text(out.body), msg_author_id=uids[a], msg_ip_address=out.ip,
                     msg_is_first_post=int(pm.msg_id == conv.first))
            for pl in out.plants:
                self.truth.plant(acc, pl, table, pm.msg_id, "msg_post")
        n = 0
        for c, conv in convs.items():
            last = conv.last[0]
            self.add("core_message_topics", mt_id=c, mt_date=conv.start, mt_title=conv.title,
                     mt_starter_id=uids[conv.starter], mt_start_time=conv.start, mt_last_post_time=last,
                     mt_to_count=len(conv.people) - 1, mt_to_member_id=uids[conv.people[1]] if len(conv.people) > 1
                     else 0, mt_replies=conv.messages - 1, mt_first_msg_id=conv.first)
            for r in conv.people:
                n += 1
                self.add("core_message_topic_user_map", map_id=n, map_user_id=uids[r], map_topic_id=c,
                         map_read_time=last, map_user_active=1, map_is_starter=int(r == conv.starter),
                         map_last_topic_reply=last)

    def _topics_and_forums(self) -> None:
        tp = self.planner.topics
        renderer = InvisionPosts(self, self.planner.pools)
        if tp.n > HOSTILE_TOPIC:
            self.truth.hostile.append((self.spec.key, self.name("forums_topics"), HOSTILE_TOPIC + 1, "title"))
        stats: dict[int, list[int]] = {}
        last_names: dict[int, tuple[str, str]] = {}
        for t in topics(tp):
            title = html.escape(renderer.title(t.index, t.starter, int(tp["cat"][t.index]), int(tp["pool"][t.index])))
            s_uid, s_name = self.shown(t.starter)
            l_uid, l_name = self.shown(t.last_author)
            self.add("forums_topics", tid=t.index + 1, title=title, state="open", posts=t.replies, starter_id=s_uid,
                     start_date=t.time, last_poster_id=l_uid, last_post=t.last_time, starter_name=s_name,
                     last_poster_name=l_name, views=t.views, forum_id=t.forum, approved=1,
                     topic_firstpost=t.first_post, title_seo=seo(title), last_real_post=t.last_time)
            s = stats.setdefault(t.forum, [0, 0, 0, 0, 0])
            s[0] += 1
            s[1] += t.replies + 1
            if t.last_time >= s[2]:
                s[2:] = [t.last_time, l_uid, t.index + 1]
                last_names[t.forum] = (l_name, title)
        for order, f in enumerate(self.forums, start=1):
            s = stats.get(f.forum_id, [0, 0, 0, 0, 0])
            poster, title = last_names.get(f.forum_id, ("", ""))
            self.add("forums_forums", id=f.forum_id, topics=s[0], posts=s[1], last_post=s[2], last_poster_id=s[3],
                     last_poster_name=poster, name_seo=seo(f.name), position=order,
                     parent_id=f.parent_id if f.parent_id else -1, last_title=title or None, last_id=s[4] or None,
                     sub_can_post=int(not f.is_category))
            self.word(f"forums_forum_{f.forum_id}", f.name)
            self.word(f"forums_forum_{f.forum_id}_desc", f.desc)

    def _known_ips(self) -> None:
        uids, seen = self.acc.user_id.tolist(), self.truth.seen_ip
        last: dict[tuple[int, str], int] = {}
        for v in visits(self.world.seed, self.acc, self.pop, self.net):
            seen(self.acc, v.account, v.ip)
            key = (uids[v.account], v.ip)
            last[key] = max(last.get(key, 0), v.end)
        for (uid, ip), t in sorted(last.items()):
            self.add("core_members_known_ip_addresses", member_id=uid, ip_address=ip, last_seen=t)

    def _bans(self) -> None:
        n = 0
        for b in bans(self):
            for kind, content in (("email", self.acc.email[b.a] if b.email else ""), ("ip", b.ip)):
                if content:
                    n += 1
                    self.add("core_banfilters", ban_id=n, ban_type=kind, ban_content=content, ban_date=b.start,
                             ban_reason=b.reason)
                    if kind == "email":
                        self.truth.plant(self.acc, Plant("email", content, b.a, "plain", "ban"),
                                         self.name("core_banfilters"), n, "ban_content")

    def _attachments(self) -> None:
        for f in files(self, self.attach):
            d = datetime.fromtimestamp(f.time, tz=UTC)
            location = f"monthly_{d.year:04d}_{d.month:02d}/{f.md5[:8]}_{f.real_name}"
            self.save_file(location, f.data)
            self.add("core_attachments", attach_id=f.attach_id, attach_ext=f.extension, attach_file=f.real_name,
                     attach_location=location, attach_is_image=int(f.extension == "png"), attach_hits=f.downloads,
                     attach_date=f.time, attach_member_id=self.shown(f.account)[0], attach_filesize=f.size)
            self.add("core_attachments_map", attachment_id=f.attach_id, location_key="forums_Forums", id1=f.topic,
                     id2=f.ref)
