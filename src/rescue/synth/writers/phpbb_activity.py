"""phpBB sessions, login attempts, moderation/admin/user logs, bans and attachments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rescue.synth.body import Plant
from rescue.synth.common import DAY, py_rng
from rescue.synth.countries import COUNTRIES, HOSTING_ASNS
from rescue.synth.events import BROWSERS, LogEvent, log_events, visits
from rescue.synth.world import BOTS
from rescue.synth.writers.neutral import BAN_REASONS, bans, files
from rescue.synth.writers.phpbb_text import php_serialize, username_clean

if TYPE_CHECKING:
    from rescue.synth.writers.phpbb import PhpbbWriter
    from rescue.synth.writers.phpbb_content import Content

LOG_TYPES = {"admin_auth": (0, "LOG_ADMIN_AUTH_SUCCESS"), "user_active": (0, "LOG_USER_ACTIVE"),
             "ban_user": (0, "LOG_BAN_USER"), "email_change": (3, "LOG_USER_UPDATE_EMAIL"),
             "new_password": (3, "LOG_USER_NEW_PASSWORD"), "lock": (1, "LOG_LOCK"), "move": (1, "LOG_MOVE"),
             "edit": (1, "LOG_POST_EDITED"), "error_email": (2, "LOG_ERROR_EMAIL")}
PAGES = ("index.php", "viewforum.php?f={f}", "viewtopic.php?f={f}&t={t}", "viewtopic.php?f={f}&t={t}&start=15",
         "ucp.php?i=pm&folder=inbox", "memberlist.php", "search.php?search_id=newposts",
         "posting.php?mode=reply&f={f}&t={t}", "ucp.php?i=profile")


class Activity:
    def __init__(self, w: PhpbbWriter, content: Content) -> None:
        self.w, self.content = w, content
        self.locked: set[int] = set()
        self.rng = py_rng(w.world.seed, "activity", w.spec.key)

    def logs(self) -> None:
        w, acc, c = self.w, self.w.acc, self.content
        tp = c.planner.topics
        events = log_events(w.world.seed, acc, w.pop, tp.n, tp["time"].tolist())
        table = w.name("log")
        forum_names = {f.forum_id: f.name for f in w.forums}
        for log_id, ev in enumerate(events, start=1):
            ltype, op = LOG_TYPES[ev.kind]
            actor = int(acc.user_id[ev.actor]) if ev.actor >= 0 else 1
            ip = w.ip(ev.actor, ev.time, self.rng.random()) if ev.actor >= 0 else self._guest_ip()
            forum_id = int(tp["forum"][ev.topic]) if ev.topic >= 0 else 0
            data = self._data(ev, forum_names)
            if ev.kind == "lock":
                self.locked.add(ev.topic)
            w.add("log", log_id=log_id, log_type=ltype, user_id=actor, forum_id=forum_id,
                  topic_id=ev.topic + 1 if ev.topic >= 0 else 0,
                  reportee_id=int(acc.user_id[ev.target]) if ev.target >= 0 and ltype == 3 else 0,
                  log_ip=ip, log_time=ev.time, log_operation=op, log_data=data)
            if ev.kind == "email_change":
                w.truth.plant(acc, Plant("email", ev.old_email, ev.target, "plain", "log-old-address"), table,
                              log_id, "log_data")
                w.truth.plant(acc, Plant("email", acc.email[ev.target], ev.target, "plain", "log-new-address"),
                              table, log_id, "log_data")

    def _data(self, ev: LogEvent, forum_names: dict[int, str]) -> str:
        acc, c = self.w.acc, self.content
        if ev.kind in ("admin_auth",):
            return ""
        if ev.kind == "user_active":
            return php_serialize([acc.username[ev.target]])
        if ev.kind == "ban_user":
            return php_serialize([self.rng.choice(BAN_REASONS), acc.username[ev.target]])
        if ev.kind == "email_change":
            return php_serialize([acc.username[ev.target], ev.old_email, acc.email[ev.target]])
        if ev.kind == "new_password":
            return php_serialize([acc.username[ev.target]])
        if ev.kind == "lock":
            return php_serialize([c.title(ev.topic)])
        if ev.kind == "move":
            names = list(forum_names.values())
            return php_serialize([self.rng.choice(names), self.rng.choice(names)])
        if ev.kind == "edit":
            starter = int(c.planner.topics["starter"][ev.topic])
            return php_serialize([c.title(ev.topic), acc.username[starter]])
        return php_serialize(["<strong>EMAIL/SMTP</strong><br /><em>/ucp.php</em><br /><br />"
                              "Could not connect to smtp host : 110 : Connection timed out<br />"])

    def _guest_ip(self) -> str:
        cc = COUNTRIES[self.rng.randrange(len(COUNTRIES))].code
        return self.w.world.geo.draw_v4(self.rng, cc)

    def sessions(self) -> None:
        w, acc, rng = self.w, self.w.acc, self.rng
        n_topics = max(1, self.content.n_topics)
        fids = [f.forum_id for f in w.forums if not f.is_category]
        step = max(1, acc.n // 50)
        table = w.name("sessions")
        spool = w.dump.spool(table)
        fill = w.tables[table].filler("session_id", "session_user_id", "session_last_visit", "session_start",
                                      "session_time", "session_ip", "session_browser", "session_page",
                                      "session_viewonline", "session_autologin", "session_admin")
        uids, roles, seen, random = acc.user_id.tolist(), acc.role.tolist(), w.truth.seen_ip, rng.random
        for v in visits(w.world.seed, acc, w.pop, w.net):
            a = v.account
            if a % step == 0 and v.previous == 0:
                w.tick("sessions", a, acc.n)
            seen(acc, a, v.ip)
            page = PAGES[int(random() * len(PAGES))]
            if "{" in page:
                page = page.format(f=fids[int(random() * len(fids))], t=1 + int(random() * n_topics))
            spool.add(fill(f"{rng.getrandbits(128):032x}", uids[a], v.previous, v.start, v.end, v.ip,
                           v.browser[:150], page, int(random() > 0.05), int(random() < 0.3),
                           int(roles[a] > 0 and random() < 0.05)))
            if v.failed_login:
                self._failed_login(a, v.start - 30, v.ip, v.browser)
        w.tick("sessions", acc.n, acc.n)
        for _ in range(max(20, acc.n // 25)):
            t = rng.randrange(w.spec.start, w.spec.end)
            w.add("sessions", session_id=f"{rng.getrandbits(128):032x}", session_user_id=1, session_start=t,
                  session_time=t + rng.randrange(5, 900), session_ip=self._guest_ip(),
                  session_browser=rng.choice(BROWSERS)[:150], session_page=rng.choice(PAGES[:3]).format(
                      f=rng.choice(fids), t=rng.randrange(1, n_topics + 1)))
        for i, (_name, agent, ip) in enumerate(BOTS, start=1):
            for _ in range(rng.randrange(2, 8)):
                t = rng.randrange(w.spec.end - 30 * DAY, w.spec.end)
                w.add("sessions", session_id=f"{rng.getrandbits(128):032x}", session_user_id=2 + i,
                      session_start=t, session_time=t + rng.randrange(1, 60), session_ip=ip,
                      session_browser=f"Mozilla/5.0 (compatible; {agent}; +http://www.example.com/bot.html)",
                      session_page=f"viewtopic.php?t={rng.randrange(1, n_topics + 1)}")
        self._brute_force()

    def _failed_login(self, a: int, t: int, ip: str, ua: str) -> None:
        w, acc, rng = self.w, self.w.acc, self.rng
        typed = acc.username[a] if rng.random() < 0.7 else acc.username[a].lower() + rng.choice(("1", "x", ""))
        w.add("login_attempts", attempt_ip=ip, attempt_browser=ua[:150], attempt_time=t,
              user_id=int(acc.user_id[a]) if typed == acc.username[a] else 0, username=typed,
              username_clean=username_clean(typed))

    def _brute_force(self) -> None:
        w, acc, rng = self.w, self.w.acc, self.rng
        for _ in range(max(3, acc.n // 200)):
            ip, _cc = w.world.geo.draw_asn(rng, rng.choice(HOSTING_ASNS))
            typed = rng.choice(("admin", "administrator", "test", "root", "webmaster", "guest"))
            w.add("login_attempts", attempt_ip=ip, attempt_browser="python-requests/2.25.1",
                  attempt_time=rng.randrange(w.spec.start, w.spec.end), user_id=0, username=typed,
                  username_clean=typed)

    def bans(self) -> None:
        w, acc = self.w, self.w.acc
        table = w.name("banlist")
        ban_id = 0
        for b in bans(w, self.rng):
            ban_id += 1
            w.add("banlist", ban_id=ban_id, ban_userid=int(acc.user_id[b.a]), ban_start=b.start, ban_end=b.end,
                  ban_reason=b.reason)
            if b.email:
                ban_id += 1
                w.add("banlist", ban_id=ban_id, ban_email=acc.email[b.a], ban_start=b.start, ban_end=b.end,
                      ban_reason=b.reason)
                w.truth.plant(acc, Plant("email", acc.email[b.a], b.a, "plain", "ban"), table, ban_id, "ban_email")
            if b.ip:
                ban_id += 1
                w.add("banlist", ban_id=ban_id, ban_ip=b.ip, ban_start=b.start, ban_end=b.end, ban_reason=b.reason)

    def attachments(self) -> None:
        w = self.w
        for f in files(w, self.content.attach, self.rng):
            poster = w.poster(f.account)[0] if not f.in_message else int(w.acc.user_id[f.account])
            physical = f"{poster}_{f.md5}"
            w.save_file(physical, f.data)
            w.add("attachments", attach_id=f.attach_id, post_msg_id=f.ref, topic_id=f.topic,
                  in_message=int(f.in_message), poster_id=poster, is_orphan=0, physical_filename=physical,
                  real_filename=f.real_name, download_count=f.downloads, attach_comment="", extension=f.extension,
                  mimetype=f.mimetype, filesize=f.size, filetime=f.time)
        self.content.n_files = len(self.content.attach)
