"""SMF 2.1.4 writer: one forum of the world as a mariadb-dump of the real Simple Machines Forum schema.

The DDL is SMF's install schema as shipped (``rescue/data/schemas/smf-2.1.sql``, InnoDB utf8mb4).
SMF conventions followed: the default member groups (1 Administrator, 2 Global Moderator, 4–8 post
groups), ``is_activated`` 1 / 0 and 11 for banned members, the time zone as a zone name, birth dates
``YYYY-MM-DD`` (``1004-01-01`` when not given), IPs packed in ``varbinary(16)``, text escaped with
``htmlspecialchars(ENT_QUOTES)`` and ``<br>`` line breaks, posts of deleted members with ``id_member``
0 and their old name, the default custom profile fields (``cust_loca``, ``cust_icq``, ``cust_skype``,
``cust_gender``) as ``themes`` rows, logins in ``member_logins`` and profile changes in ``log_actions``
with JSON ``extra``. :mod:`.smf_content` writes boards, topics, messages, PMs, logs, bans, attachments.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from rescue.synth.body import Plant, Quote, Segment
from rescue.synth.writers.base import MysqlForumWriter
from rescue.synth.writers.markup import bbcode, smf_escape
from rescue.synth.writers.neutral import Member, members, packed, plant_profile

SMF_VERSION = "2.1.4"
GROUPS = ((1, "Administrator", "#FF0000", -1, "5#iconadmin.png"), (2, "Global Moderator", "#0000FF", -1,
          "5#icongmod.png"), (3, "Moderator", "", -1, "5#iconmod.png"), (4, "Newbie", "", 0, "1#icon.png"),
          (5, "Jr. Member", "", 50, "2#icon.png"), (6, "Full Member", "", 100, "3#icon.png"),
          (7, "Sr. Member", "", 250, "4#icon.png"), (8, "Hero Member", "", 500, "5#icon.png"))
CUSTOM_FIELDS = (("cust_icq", "ICQ", "This is your ICQ number.", "text", 12, "regex~[1-9][0-9]{4,9}~i"),
                 ("cust_skype", "Skype", "Your Skype name", "text", 32, "nohtml"),
                 ("cust_loca", "Location", "Geographic location.", "text", 50, "nohtml"),
                 ("cust_gender", "Gender", "Your gender.", "radio", 255, "nohtml"))
THEME_FIELDS = {"icq": "cust_icq", "location": "cust_loca"}
LANGUAGES = {"de": "german", "fr": "french", "es": "spanish_es", "nl": "dutch", "it": "italian", "pl": "polish",
             "pt": "portuguese_pt"}


def quote_open(q: Quote) -> str:
    return f"[quote author={q.author} link=msg={q.post_id}]<br>"


def text(body: Iterable[Segment], choice: int) -> str:
    """A body as SMF stores it: escaped BBCode with ``<br>`` line breaks."""
    return bbcode(body, quote_open=quote_open, choice=choice, esc=smf_escape, newline="<br>")


class SmfWriter(MysqlForumWriter):
    """Writes one forum of a world to ``<out_dir>/smf.sql``."""

    software = "smf"
    version = SMF_VERSION
    schema = "smf-2.1"
    schema_prefix = "smf_"
    main_prefix = "smf_"

    def fill(self) -> None:
        from rescue.synth.writers.smf_content import SmfContent

        self.dump.auto_increment[self.name("members")] = int(self.acc.user_id.max()) + 1
        for gid, name, colour, min_posts, icons in GROUPS:
            self.add("membergroups", id_group=gid, group_name=name, description="", online_color=colour,
                     min_posts=min_posts, icons=icons, id_parent=-2)
        for i, (col, name, desc, kind, length, mask) in enumerate(CUSTOM_FIELDS, start=1):
            self.add("custom_fields", id_field=i, col_name=col, field_name=name, field_desc=desc, field_type=kind,
                     field_length=length, field_options="None,Male,Female" if kind == "radio" else "",
                     field_order=i, mask=mask, show_display=1, show_mlist=int(col == "cust_loca"),
                     enclose="", placement=0)
        content = SmfContent(self)
        newest = (0, "")
        n_members = 0
        for m in members(self):
            self._member(m)
            n_members += 1
            if not m.inactive:
                newest = (m.uid, self.acc.username[m.a])
        content.write()
        for name, value in sorted({"smfVersion": SMF_VERSION, "totalMembers": str(n_members),
                                   "totalMessages": str(content.planner.total),
                                   "totalTopics": str(content.planner.topics.n), "latestMember": str(newest[0]),
                                   "latestRealName": newest[1], "attachmentUploadDir": "attachments",
                                   "mostOnline": str(max(3, n_members // 40))}.items()):
            self.add("settings", variable=name, value=value)

    def _member(self, m: Member) -> None:
        acc, pop, prof = self.acc, self.pop, m.prof
        reg, last = int(acc.reg[m.a]), int(acc.last[m.a])
        posts = int(acc.n_posts[m.a])
        group = 1 if m.admin else (2 if m.staff else 0)
        post_group = next(g[0] for g in reversed(GROUPS) if 0 <= g[3] <= posts)
        sig = text(prof.signature, m.a)
        self.has_sig[m.a] = bool(sig)
        zone = pop.zone[m.person][0]
        d = datetime.fromtimestamp(int(pop.birth[m.person]), tz=UTC)
        last_ip = self.ip(m.a, last, m.rng.random()) if not m.inactive else ""
        activated = 0 if m.inactive else (11 if m.banned else 1)
        self.add(
            "members", id_member=m.uid, member_name=acc.username[m.a], date_registered=reg, posts=posts,
            id_group=group, lngfile=LANGUAGES.get(pop.lang[m.person], "english"),
            last_login=0 if m.inactive else last, real_name=acc.username[m.a], buddy_list="",
            passwd="$2y$10$" + m.secret.hex()[:53], email_address=acc.email[m.a],
            birthdate=f"{d.year:04d}-{d.month:02d}-{d.day:02d}" if m.show_birthday else "1004-01-01",
            website_title="", website_url=prof.website, signature=sig,
            member_ip=_packed(m.reg_ip), member_ip2=_packed(last_ip or m.reg_ip), is_activated=activated,
            validation_code=m.secret[24:29].hex()[:10] if m.inactive else "", additional_groups="",
            id_post_group=post_group, password_salt=m.secret[16:20].hex(), ignore_boards="", timezone=zone,
        )
        for field, col in sorted(THEME_FIELDS.items()):
            value = getattr(prof, field)
            if value:
                self.add("themes", id_member=m.uid, id_theme=1, variable=col, value=smf_escape(value))
        plant_profile(self, m, self.name("themes"), m.uid, THEME_FIELDS)
        plant_profile(self, m, self.name("members"), m.uid, {"signature": "signature"})
        self.truth.plant(acc, Plant("email", acc.email[m.a], m.a, "plain", "registration"), self.name("members"),
                         m.uid, "email_address")


def _packed(ip: str) -> bytes | None:
    return packed(ip) if ip else None
