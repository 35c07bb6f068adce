"""MyBB 1.8.37 writer: one forum of the world as a mariadb-dump of the real MyBB schema.

The DDL is MyBB's install schema as shipped (``rescue/data/schemas/mybb-1.8.sql``, MyISAM), with the
table encoding chosen at install set to utf8mb4. MyBB conventions followed: the default user groups
(2 registered, 3 super moderators, 4 administrators, 5 awaiting activation, 7 banned), one
``userfields`` row per member (fid1 location, fid2 bio, fid3 gender), IPs packed by ``inet_pton``
in ``varbinary(16)`` (raw bytes in the dump, as mariadb-dump writes them without ``--hex-blob``),
MyCode as typed, posts of deleted members with ``uid`` 0 and their old name, one private-message row
per mailbox copy (each recipient's in folder 1, the sender's in folder 2), spiders instead of bot
accounts. :mod:`.mybb_content` writes threads, posts, messages, logs, sessions, bans, attachments.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rescue.synth.body import Plant, Quote
from rescue.synth.world import BOTS
from rescue.synth.writers.base import MysqlForumWriter
from rescue.synth.writers.markup import bbcode
from rescue.synth.writers.neutral import Member, members, packed, plant_profile

MYBB_VERSION = "1.8.37"
GROUPS = ((1, "Guests", "{username}"), (2, "Registered", "{username}"),
          (3, "Super Moderators", '<span style="color: #CC00CC;"><strong>{username}</strong></span>'),
          (4, "Administrators", '<span style="color: green;"><strong><em>{username}</em></strong></span>'),
          (5, "Awaiting Activation", "{username}"),
          (6, "Moderators", '<span style="color: #CC00CC;"><strong>{username}</strong></span>'),
          (7, "Banned", '<s>{username}</s>'))
LANGUAGES = {"de": "deutsch_du", "fr": "french", "es": "espanol", "nl": "dutch", "it": "italiano", "pl": "polish",
             "pt": "portuguese_br"}
PROFILE = {"icq": "icq", "signature": "signature", "location": "fid1", "occupation": "fid2"}


def quote_open(q: Quote) -> str:
    return f"[quote='{q.author}' pid='{q.post_id}']\n"


class MybbWriter(MysqlForumWriter):
    """Writes one forum of a world to ``<out_dir>/mybb.sql``."""

    software = "mybb"
    version = MYBB_VERSION
    schema = "mybb-1.8"
    schema_prefix = "mybb_"
    main_prefix = "mybb_"

    def adjust_ddl(self, ddl: str) -> str:
        return ddl.replace("CHARSET=latin1 COLLATE=latin1_swedish_ci", "CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci")

    def fill(self) -> None:
        from rescue.synth.writers.mybb_content import MybbContent

        self._board()
        self.dump.auto_increment[self.name("users")] = int(self.acc.user_id.max()) + 1
        content = MybbContent(self)
        for m in members(self):
            self._member(m, int(content.planner.last_post_time[m.a]))
        content.write()
        self._settings(content.planner.total)

    def _board(self) -> None:
        for gid, title, style in GROUPS:
            self.add("usergroups", gid=gid, type=1, title=title, description="", namestyle=style,
                     disporder=gid, isbannedgroup=int(gid == 7), canview=int(gid not in (5, 7)),
                     cancp=int(gid == 4), issupermod=int(gid in (3, 4)), canusepms=int(gid > 1),
                     cansendpms=int(gid > 1))
        for i, (bname, agent, _ip) in enumerate(BOTS, start=1):
            self.add("spiders", sid=i, name=bname, useragent=agent.lower(), usergroup=1)

    def _settings(self, n_posts: int) -> None:
        spec = self.spec
        host = f"{spec.database.replace('_', '-')}.example.org"
        values = (("bbname", spec.title), ("bburl", f"https://{host}/forum"), ("homename", spec.title),
                  ("adminemail", f"admin@{host}"), ("cookiedomain", f".{host}"), ("uploadspath", "./uploads"))
        for i, (name, value) in enumerate(values, start=1):
            self.add("settings", sid=i, name=name, title=name, description="", optionscode="text", value=value,
                     disporder=i, gid=1, isdefault=0)
        self.add("datacache", title="version", cache=f'a:2:{{s:7:"version";s:6:"{MYBB_VERSION}";'
                                                    f's:12:"version_code";i:{MYBB_VERSION.replace(".", "")};}}')
        self.add("datacache", title="stats", cache=f'a:1:{{s:8:"numposts";i:{n_posts};}}')

    def _member(self, m: Member, last_post: int) -> None:
        acc, pop, prof = self.acc, self.pop, m.prof
        reg, last = int(acc.reg[m.a]), int(acc.last[m.a])
        group = 4 if m.admin else (3 if m.staff else (5 if m.inactive else (7 if m.banned else 2)))
        sig = bbcode(prof.signature, quote_open=quote_open, choice=m.a)
        self.has_sig[m.a] = bool(sig)
        _zone, off, dst = pop.zone[m.person]
        b = pop.birth[m.person]
        d = datetime.fromtimestamp(int(b), tz=UTC)
        last_ip = packed(self.ip(m.a, last, m.rng.random())) if not m.inactive else b""
        self.add(
            "users", uid=m.uid, username=acc.username[m.a], password=m.secret[:16].hex(),
            salt=m.secret[16:20].hex(), loginkey=m.secret[:25].hex()[:50], email=acc.email[m.a],
            postnum=int(acc.n_posts[m.a]), usergroup=group, additionalgroups="", displaygroup=0, usertitle="",
            regdate=reg, lastactive=0 if m.inactive else last, lastvisit=0 if m.inactive else last,
            lastpost=last_post, website=prof.website, icq=prof.icq,
            birthday=f"{d.day}-{d.month}-{d.year}" if m.show_birthday else "", signature=sig,
            allownotices=1, receivepms=1, pmnotice=1, showimages=1, showvideos=1, showsigs=1, showavatars=1,
            showquickreply=1, showredirect=1, timezone=f"{off:g}", dst=int(dst), buddylist="", ignorelist="",
            pmfolders="0**$%%$1**$%%$2**$%%$3**$%%$4**", notepad="", regip=packed(m.reg_ip), lastip=last_ip,
            language=LANGUAGES.get(pop.lang[m.person], ""), usernotes="",
        )
        self.add("userfields", ufid=m.uid, fid1=prof.location,
                 fid2=f"Occupation: {prof.occupation}" if prof.occupation else "", fid3="")
        plant_profile(self, m, self.name("users"), m.uid, {k: v for k, v in PROFILE.items() if v[:3] != "fid"})
        plant_profile(self, m, self.name("userfields"), m.uid, {k: v for k, v in PROFILE.items() if v[:3] == "fid"})
        self.truth.plant(acc, Plant("email", acc.email[m.a], m.a, "plain", "registration"), self.name("users"),
                         m.uid, "email")
