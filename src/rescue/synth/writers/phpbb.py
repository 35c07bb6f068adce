"""phpBB 3.0.14 writer: one forum of the world as a mariadb-dump of the real phpBB schema.

This module holds the writer and the tables that describe the board and its members (config,
groups, ranks, bots, languages, users, user_group); :mod:`.phpbb_content` writes
threads, posts and private messages, :mod:`.phpbb_activity` sessions, logs, bans and attachments.
The DDL is the shipped install schema ``rescue/data/schemas/phpbb-3.0.sql``.
"""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

from rescue.synth.accounts import ADMIN, DELETED, FOUNDER, INACTIVE, MODERATOR, NEWLY
from rescue.synth.body import Plant
from rescue.synth.common import DAY, fast_rng
from rescue.synth.mysqldump import Lit
from rescue.synth.world import BOTS
from rescue.synth.writers.base import MysqlForumWriter
from rescue.synth.writers.phpbb_activity import Activity
from rescue.synth.writers.phpbb_content import Content
from rescue.synth.writers.phpbb_text import (
    Rendered,
    birthday,
    bitfield,
    email_hash,
    password_hash,
    render,
    username_clean,
)

PHPBB30_VERSION = "3.0.14"

GROUPS = (("GUESTS", "", 0), ("REGISTERED", "", 0), ("REGISTERED_COPPA", "", 0),
          ("GLOBAL_MODERATORS", "00AA00", 1), ("ADMINISTRATORS", "AA0000", 1), ("BOTS", "9E8DA7", 0),
          ("NEWLY_REGISTERED", "", 0))
RANKS = (("Site Admin", 0, 1), ("New member", 0, 0), ("Member", 25, 0), ("Regular", 100, 0),
         ("Old hand", 500, 0), ("Moderator", 0, 1))
LANGS = (("en", "British English"), ("de", "German"), ("fr", "French"), ("es", "Spanish"), ("nl", "Dutch"),
         ("it", "Italian"), ("pl", "Polish"), ("pt_br", "Brazilian Portuguese"))
PROFILE_FIELDS = {"icq": "user_icq", "jabber": "user_jabber", "msn": "user_msnm", "signature": "user_sig",
                  "occupation": "user_occ", "location": "user_from"}


class PhpbbWriter(MysqlForumWriter):
    """Writes one forum of a world to ``<out_dir>/phpbb.sql``."""

    software = "phpbb"
    version = PHPBB30_VERSION
    schema = "phpbb-3.0"
    schema_prefix = "phpbb_"
    main_prefix = "phpbb_"

    def poster(self, a: int) -> tuple[int, str, str]:
        """(user_id, username, colour) as phpBB shows an account; deleted members post as guest 1."""
        if self.acc.flags[a] & DELETED:
            return 1, self.acc.username[a], ""
        return int(self.acc.user_id[a]), self.acc.username[a], self.colour(a)

    def colour(self, a: int) -> str:
        r = int(self.acc.role[a])
        return "AA0000" if r in (ADMIN, FOUNDER) else ("00AA00" if r == MODERATOR else "")

    def text(self, rendered: Rendered) -> tuple[str, str]:
        return "".join(rendered.text), bitfield(sorted(rendered.bits))

    # -- the whole dump ----------------------------------------------------------------------------

    def fill(self) -> None:
        self._board()
        # AUTO_INCREMENT remembers ids of members deleted since (phpBB never reuses them).
        self.dump.auto_increment[self.name("users")] = int(self.acc.user_id.max()) + 1
        content = Content(self)
        self._users(content.planner.last_post_time)
        content.posts()
        content.messages()
        activity = Activity(self, content)
        activity.logs()
        content.topics_and_forums(activity.locked)
        activity.sessions()
        activity.bans()
        activity.attachments()
        self._config(content)

    def _board(self) -> None:
        for i, (gname, colour, legend) in enumerate(GROUPS, start=1):
            self.add("groups", group_id=i, group_type=3, group_founder_manage=int(gname == "ADMINISTRATORS"),
                     group_name=gname, group_colour=colour, group_legend=legend,
                     group_receive_pm=int(i in (4, 5)), group_max_recipients=5)
        for i, (title, rmin, special) in enumerate(RANKS, start=1):
            self.add("ranks", rank_id=i, rank_title=title, rank_min=rmin, rank_special=special)
        for i, (iso, english) in enumerate(LANGS, start=1):
            self.add("lang", lang_id=i, lang_iso=iso, lang_dir=iso, lang_english_name=english,
                     lang_local_name=english, lang_author="phpBB Group")
        for i, (bname, agent, _ip) in enumerate(BOTS, start=1):
            self.add("bots", bot_id=i, bot_active=1, bot_name=bname, user_id=2 + i, bot_agent=agent, bot_ip="")

    def _config(self, content: Content) -> None:
        acc, spec = self.acc, self.spec
        host = f"{spec.database.replace('_', '-')}.example.org"
        members = [a for a in range(acc.n) if not acc.flags[a] & (DELETED | INACTIVE)]
        newest = max(members, key=lambda a: int(acc.user_id[a]))
        values = {
            "allow_emailreuse": "0", "board_contact": f"contact@{host}",
            "board_email": f"noreply@{host}", "board_startdate": str(spec.start),
            "board_timezone": "0", "cookie_name": f"phpbb3_{spec.database[:5]}", "default_dateformat": "D M d, Y g:i a",
            "default_lang": "en", "max_post_chars": "60000", "newest_user_colour": self.colour(newest),
            "newest_user_id": str(int(acc.user_id[newest])), "newest_username": acc.username[newest],
            "num_files": str(content.n_files), "num_posts": str(content.n_posts), "num_topics": str(content.n_topics),
            "num_users": str(len(members)), "record_online_date": str(spec.end - 40 * DAY),
            "record_online_users": str(max(3, len(members) // 40)), "script_path": "/forum",
            "server_name": host, "site_desc": "A friendly community", "sitename": spec.title,
            "upload_path": "files", "version": PHPBB30_VERSION,
        }
        dynamic = {"newest_user_colour", "newest_user_id", "newest_username", "num_files", "num_posts",
                   "num_topics", "num_users", "record_online_date", "record_online_users"}
        for k in sorted(values):
            self.add("config", config_name=k, config_value=values[k], is_dynamic=int(k in dynamic))

    def _users(self, last_post: npt.NDArray[np.int64]) -> None:
        acc, spec = self.acc, self.spec
        self.add("users", user_id=1, user_type=2, group_id=1, user_regdate=spec.start, username="Anonymous",
                 username_clean="anonymous", user_lang="en", user_style=1, user_allow_massemail=0, user_new=0)
        self.add("user_group", group_id=1, user_id=1, group_leader=0, user_pending=0)
        self.truth.account((spec.key, 1, "", "Anonymous", "guest", "", "", "", "", 0, "", ""))
        order = sorted(range(acc.n), key=lambda a: int(acc.user_id[a]))
        founder = [a for a in order if acc.role[a] == FOUNDER]
        rest = [a for a in order if acc.role[a] != FOUNDER]
        self._member(founder[0], last_post)
        for i, (bname, _agent, _ip) in enumerate(BOTS, start=1):
            self.add("users", user_id=2 + i, user_type=2, group_id=6, user_regdate=spec.start, username=bname,
                     username_clean=username_clean(bname), user_lang="en", user_style=1, user_colour="9E8DA7",
                     user_allow_massemail=0, user_new=0)
            self.add("user_group", group_id=6, user_id=2 + i, group_leader=0, user_pending=0)
            self.truth.account((spec.key, 2 + i, "", bname, "bot", "", "", "", "", 0, "", ""))
        for k, a in enumerate(rest):
            self._member(a, last_post)
            if k % 20000 == 0:
                self.tick("users", k, len(rest))
        self.tick("users", len(rest), len(rest))

    def _member(self, a: int, last_post: npt.NDArray[np.int64]) -> None:
        acc, pop = self.acc, self.pop
        prof = self.composer.profile(a)
        self.truth.account(self.truth.account_row(acc, a, prof.location, prof.location_truth))
        if acc.flags[a] & DELETED:
            return
        p, uid_num = int(acc.person[a]), int(acc.user_id[a])
        rng = fast_rng(self.uid_base ^ 0xACC, a)
        secret = hashlib.sha256(f"{self.uid_base}:{a}".encode()).digest()
        role, flags = int(acc.role[a]), int(acc.flags[a])
        reg, last = int(acc.reg[a]), int(acc.last[a])
        inactive = bool(flags & INACTIVE)
        newly = not inactive and role == 0 and self.spec.end - reg < 45 * DAY and acc.n_posts[a] < 3
        if newly:
            acc.flags[a] |= NEWLY
        group = 5 if role in (ADMIN, FOUNDER) else (4 if role == MODERATOR else (7 if newly else 2))
        sig_uid = self.uid(1, a)
        sig, sig_bits = self.text(render(prof.signature, sig_uid, newline="<br />", smilies=True, choice=a))
        self.has_sig[a] = bool(sig)
        _zone, off, dst = pop.zone[p]
        self.add(
            "users", user_id=uid_num, user_type=3 if role == FOUNDER else (1 if inactive else 0), group_id=group,
            user_ip=self.ip(a, reg, rng.random()), user_regdate=reg, username=acc.username[a],
            username_clean=username_clean(acc.username[a]), user_password=password_hash(secret),
            user_passchg=reg, user_email=acc.email[a], user_email_hash=email_hash(acc.email[a]),
            user_birthday=birthday(int(pop.birth[p])) if rng.random() < 0.4 else "",
            user_lastvisit=0 if inactive else last, user_lastmark=0 if inactive else last,
            user_lastpost_time=int(last_post[a]),
            user_lastpage="" if inactive else rng.choice(("index.php", "ucp.php", "search.php?search_id=newposts")),
            user_inactive_reason=1 if inactive else 0, user_inactive_time=reg if inactive else 0,
            user_posts=int(acc.n_posts[a]), user_lang=self._lang(p), user_timezone=Lit(f"{off:.2f}"),
            user_dst=int(dst), user_dateformat="D M d, Y g:i a", user_style=1,
            user_rank=1 if role in (ADMIN, FOUNDER) else (6 if role == MODERATOR else 0), user_colour=self.colour(a),
            user_sig=sig, user_sig_bbcode_uid=sig_uid if sig else "", user_sig_bbcode_bitfield=sig_bits,
            user_from=prof.location, user_icq=prof.icq, user_msnm=prof.msn, user_jabber=prof.jabber,
            user_website=prof.website, user_occ=prof.occupation, user_interests=prof.interests,
            user_actkey=secret[24:29].hex().upper() if inactive else "",
            user_form_salt=secret[16:24].hex(), user_new=int(newly),
        )
        for field, plant in prof.plants:
            self.truth.plant(acc, plant, self.name("users"), uid_num, PROFILE_FIELDS[field])
        self.truth.plant(acc, Plant("email", acc.email[a], a, "plain", "registration"), self.name("users"),
                         uid_num, "user_email")
        groups = [(2, 0)] + ([(4, 0), (5, int(role == FOUNDER))] if role in (ADMIN, FOUNDER) else [])
        groups += [(4, 0)] if role == MODERATOR else []
        groups += [(7, 0)] if newly else []
        for gid, leader in groups:
            self.add("user_group", group_id=gid, user_id=uid_num, group_leader=leader, user_pending=0)

    def _lang(self, p: int) -> str:
        lang = self.pop.lang[p]
        if lang == "pt" and self.pop.locale[p] == "pt_BR":
            return "pt_br"
        return lang if lang in {x for x, _ in LANGS} else "en"
