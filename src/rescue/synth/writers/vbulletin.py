"""vBulletin 4.2 writer: one forum of the world as a mariadb-dump of vBulletin's tables (``vbulletin_schema``).

vBulletin conventions followed: no table prefix (``ob_`` for the other forum), default user groups (2
registered, 3 awaiting e-mail confirmation, 5 super moderators, 6 administrators, 8 banned), text IPs,
``birthday`` as ``mm-dd-yyyy``, ``timezoneoffset`` in hours, ICQ/MSN on ``user``, biography, location,
interests and occupation in ``userfield`` field1–field4, the signature in ``usertextfield``, raw BBCode with
entity-encoded titles and names, quotes ``[QUOTE=Name;postid]``, one ``pmtext`` per message with a ``pm``
row per mailbox (the sender's own copy in folder -1), ``touserarray`` PHP-serialized, failed logins in
``strikes``, attachments as ``attachment`` + ``filedata`` with the file in the database (4.x default).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

from rescue.synth.body import Plant, Quote, Segment
from rescue.synth.common import py_rng
from rescue.synth.events import visits
from rescue.synth.mysqldump import encode, sql_tuple
from rescue.synth.plan import PostPlanner
from rescue.synth.writers.base import MysqlForumWriter
from rescue.synth.writers.markup import bbcode, smf_escape
from rescue.synth.writers.neutral import Member, bans, files, logs, members, messages, topics
from rescue.synth.writers.posts import HOSTILE_TOPIC, Post, PostRows, write_posts
from rescue.synth.writers.vbulletin_schema import vbulletin_ddl

VB_VERSION = "4.2.5"
GROUPS = ((1, "Unregistered / Not Logged In", "Guest"), (2, "Registered Users", ""),
          (3, "Users Awaiting Email Confirmation", ""), (4, "(COPPA) Users Awaiting Moderation", ""),
          (5, "Super Moderators", "Super Moderator"), (6, "Administrators", "Administrator"),
          (7, "Moderators", "Moderator"), (8, "Banned Users", "Banned"))
USERFIELDS = {"location": "field2", "occupation": "field4"}
ADMIN_ACTIONS = {"admin_auth": ("index.php", "login"), "user_active": ("user.php", "moderate"),
                 "ban_user": ("banning.php", "dobanuser")}
MOD_ACTIONS = {"lock": (2, "closed_thread"), "move": (4, "moved_thread_to_x"), "edit": (16, "edited_post")}
POST_CONTENT_TYPE = 1


def entities(s: str) -> str:
    """vBulletin's ``htmlspecialchars_uni`` for titles and names."""
    return smf_escape(s).replace("&#039;", "&#39;")


def quote(q: Quote) -> str:
    return f"[QUOTE={q.author};{q.post_id}]"


def text(body: Iterable[Segment], choice: int) -> str:
    return bbcode(body, quote_open=quote, choice=choice).replace("[/quote]", "[/QUOTE]")


def php_array(items: dict[int, str]) -> str:
    inner = "".join(f'i:{k};s:{len(v.encode())}:"{v}";' for k, v in items.items())
    return f"a:{len(items)}:{{{inner}}}"


class VbulletinPosts(PostRows):
    def __init__(self, w: VbulletinWriter, pools: list[str]) -> None:
        super().__init__(w, pools)
        self.vw = w
        self.fill = w.tables[w.name("post")].filler(
            "postid", "threadid", "parentid", "username", "userid", "title", "dateline", "pagetext", "allowsmilie",
            "showsignature", "ipaddress", "visible", "attach")

    def row(self, p: Post) -> bytes:
        uid, name = self.vw.shown(p.author)
        return encode(sql_tuple(self.fill(
            p.post_id, p.topic + 1, 0 if p.is_start else (p.quote_post or p.first_post), entities(name), uid,
            entities(p.title) if p.is_start else "", p.time, text(p.body, p.post_id), 1,
            int(bool(self.w.has_sig[p.author])), p.ip, 1, int(p.attach))))


class VbulletinWriter(MysqlForumWriter):
    """Writes one forum of a world to ``<out_dir>/vbulletin.sql``."""

    software = "vbulletin"
    version = VB_VERSION
    main_prefix = ""

    def ddl(self) -> list[str]:
        return vbulletin_ddl(self.prefix)

    def fill(self) -> None:
        self.planner = PostPlanner(self.world.seed, self.acc, self.pop, self.forums)
        self.attach: list[tuple[int, int, int, int, int]] = []
        self.locked: set[int] = set()
        self.rng = py_rng(self.world.seed, "vbulletin", self.spec.key)
        for gid, title, user_title in GROUPS:
            self.add("usergroup", usergroupid=gid, title=title, description="", usertitle=user_title,
                     opentag="", closetag="")
        self.add("setting", varname="templateversion", grouptitle="version", value=VB_VERSION,
                 defaultvalue=VB_VERSION, optioncode="", product="vbulletin")
        self.add("setting", varname="bbtitle", grouptitle="general", value=self.spec.title, defaultvalue="",
                 optioncode="", product="vbulletin")
        for m in members(self):
            self._member(m)
        self._posts()
        self._messages()
        self._logs()
        self._threads_and_forums()
        self._sessions()
        self._bans()
        self._attachments()

    def _member(self, m: Member) -> None:
        acc, pop, prof = self.acc, self.pop, m.prof
        reg, last = int(acc.reg[m.a]), int(acc.last[m.a])
        group = 6 if m.admin else (5 if m.staff else (3 if m.inactive else (8 if m.banned else 2)))
        b = datetime.fromtimestamp(int(pop.birth[m.person]), tz=UTC)
        sig = text(prof.signature, m.a)
        self.has_sig[m.a] = bool(sig)
        off = pop.zone[m.person][1]
        self.add(
            "user", userid=m.uid, usergroupid=group, username=entities(acc.username[m.a]),
            password=hashlib.md5(m.secret).hexdigest(), passworddate=datetime.fromtimestamp(reg, tz=UTC).strftime(
                "%Y-%m-%d"), email=acc.email[m.a], homepage=prof.website, icq=prof.icq, msn=prof.msn,
            showbirthday=2 if m.show_birthday else 0, joindate=reg, lastvisit=last, lastactivity=last,
            posts=int(acc.n_posts[m.a]), timezoneoffset=f"{off:g}",
            birthday=f"{b.month:02d}-{b.day:02d}-{b.year:04d}" if m.show_birthday else "",
            birthday_search=f"{b.year:04d}-{b.month:02d}-{b.day:02d}" if m.show_birthday else "0000-00-00",
            ipaddress=m.reg_ip, languageid=1, salt=m.secret[:15].hex()[:30],
        )
        self.add("userfield", userid=m.uid, temp="", field1="", field2=prof.location, field3=prof.interests,
                 field4=prof.occupation)
        self.add("usertextfield", userid=m.uid, subfolders="", pmfolders="", buddylist="", ignorelist="", signature=sig,
                 searchprefs="", rank="")
        for field, plant in prof.plants:
            if field in ("icq", "msn"):
                self.truth.plant(acc, plant, self.name("user"), m.uid, field)
            elif field in USERFIELDS:
                self.truth.plant(acc, plant, self.name("userfield"), m.uid, USERFIELDS[field])
            elif field == "signature":
                self.truth.plant(acc, plant, self.name("usertextfield"), m.uid, "signature")
        self.truth.plant(acc, Plant("email", acc.email[m.a], m.a, "plain", "registration"), self.name("user"), m.uid,
                         "email")

    def _posts(self) -> None:
        self.attach = write_posts(self, VbulletinPosts(self, self.planner.pools), self.planner, self.name("post"),
                                  "pagetext", self.spool_rows("post"))

    def _messages(self) -> None:
        acc, uids = self.acc, self.acc.user_id.tolist()
        table = self.name("pmtext")
        first_pm: dict[int, int] = {}
        pmid = 0
        for out in messages(self):
            pm, a = out.pm, out.pm.author
            to = {uids[r]: entities(acc.username[r]) for r in pm.to}
            inner = php_array(to)
            self.add("pmtext", pmtextid=pm.msg_id, fromuserid=uids[a], fromusername=entities(acc.username[a]),
                     title=entities(pm.subject), message=text(out.body, pm.msg_id),
                     touserarray=f'a:1:{{s:2:"cc";{inner}}}', dateline=pm.time, showsignature=int(self.has_sig[a]),
                     allowsmilie=1)
            parent = first_pm.get(pm.root, 0) if pm.root else 0
            for r, unread in zip(pm.to, out.unread, strict=True):
                pmid += 1
                self.add("pm", pmid=pmid, pmtextid=pm.msg_id, userid=uids[r], folderid=0, messageread=int(not unread),
                         parentpmid=parent)
            pmid += 1
            self.add("pm", pmid=pmid, pmtextid=pm.msg_id, userid=uids[a], folderid=-1, messageread=1,
                     parentpmid=parent)
            first_pm.setdefault(pm.root or pm.msg_id, pmid)
            for pl in out.plants:
                self.truth.plant(acc, pl, table, pm.msg_id, "message")

    def _logs(self) -> None:
        tp, uids = self.planner.topics, self.acc.user_id.tolist()
        admin_id = mod_id = 0
        for lg in logs(self, tp.n, tp["time"].tolist()):
            ev = lg.ev
            if ev.actor < 0:
                continue
            if ev.kind == "lock":
                self.locked.add(ev.topic)
            if ev.kind in ADMIN_ACTIONS:
                script, action = ADMIN_ACTIONS[ev.kind]
                admin_id += 1
                self.add("adminlog", adminlogid=admin_id, userid=uids[ev.actor], dateline=ev.time, script=script,
                         action=action, extrainfo=f"userid = {uids[ev.target]}" if ev.target >= 0 else "",
                         ipaddress=lg.ip)
            elif ev.kind in MOD_ACTIONS:
                kind, action = MOD_ACTIONS[ev.kind]
                mod_id += 1
                x = ev.topic
                self.add("moderatorlog", moderatorlogid=mod_id, dateline=ev.time, userid=uids[ev.actor],
                         forumid=int(tp["forum"][x]), threadid=x + 1,
                         postid=int(tp["first_post"][x]) if ev.kind == "edit" else 0, action=action, type=kind,
                         ipaddress=lg.ip, product="vbulletin")

    def _threads_and_forums(self) -> None:
        tp = self.planner.topics
        renderer = VbulletinPosts(self, self.planner.pools)
        if tp.n > HOSTILE_TOPIC:
            self.truth.hostile.append((self.spec.key, self.name("thread"), HOSTILE_TOPIC + 1, "title"))
        stats: dict[int, list[int]] = {}  # forum -> [threads, replies, last time, last post, last user, thread]
        last_names: dict[int, tuple[str, str]] = {}
        for t in topics(tp):
            title = entities(renderer.title(t.index, t.starter, int(tp["cat"][t.index]), int(tp["pool"][t.index])))
            s_uid, s_name = self.shown(t.starter)
            l_uid, l_name = self.shown(t.last_author)
            self.add("thread", threadid=t.index + 1, title=title, firstpostid=t.first_post, lastpostid=t.last_post,
                     lastpost=t.last_time, forumid=t.forum, open=int(t.index not in self.locked),
                     replycount=t.replies, postusername=entities(s_name), postuserid=s_uid,
                     lastposter=entities(l_name), lastposterid=l_uid, dateline=t.time, views=t.views, visible=1,
                     taglist=None, keywords=None)
            s = stats.setdefault(t.forum, [0, 0, 0, 0, 0, 0])
            s[0] += 1
            s[1] += t.replies + 1
            if t.last_time >= s[2]:
                s[2:] = [t.last_time, t.last_post, l_uid, t.index + 1]
                last_names[t.forum] = (entities(l_name), title)
        for order, f in enumerate(self.forums, start=1):
            s = stats.get(f.forum_id, [0, 0, 0, 0, 0, 0])
            poster, thread = last_names.get(f.forum_id, ("", ""))
            parents = f"{f.forum_id},{f.parent_id},-1" if f.parent_id else f"{f.forum_id},-1"
            self.add("forum", forumid=f.forum_id, title=entities(f.name), title_clean=f.name,
                     description=entities(f.desc), description_clean=f.desc, options=89799 if f.is_category else 97087,
                     displayorder=order, replycount=s[1], lastpost=s[2], lastposter=poster, lastposterid=s[4],
                     lastpostid=s[3], lastthread=thread, lastthreadid=s[5], threadcount=s[0],
                     parentid=f.parent_id or -1, parentlist=parents, childlist=f"{f.forum_id},-1")

    def _sessions(self) -> None:
        acc, rng = self.acc, self.rng
        uids, seen = acc.user_id.tolist(), self.truth.seen_ip
        fill = self.tables[self.name("session")].filler("sessionhash", "userid", "host", "idhash", "lastactivity",
                                                        "location", "useragent", "languageid", "loggedin")
        spool = self.dump.spool(self.name("session"))
        for v in visits(self.world.seed, acc, self.pop, self.net):
            seen(acc, v.account, v.ip)
            spool.add(fill(f"{rng.getrandbits(128):032x}", uids[v.account], v.ip, f"{rng.getrandbits(128):032x}",
                           v.end, "/forum.php", v.browser[:100], 1, 1))
            if v.failed_login:
                self.add("strikes", striketime=v.start - 30, strikeip=v.ip, username=entities(acc.username[v.account]))

    def _bans(self) -> None:
        for b in bans(self):
            self.add("userban", userid=int(self.acc.user_id[b.a]), usergroupid=2, adminid=2, bandate=b.start,
                     liftdate=b.end, reason=entities(b.reason))

    def _attachments(self) -> None:
        for f in files(self, self.attach):
            uid = self.shown(f.account)[0]
            self.add("filedata", filedataid=f.attach_id, userid=uid, dateline=f.time, filedata=f.data or None,
                     filesize=f.size, extension=f.extension, refcount=1, filehash=hashlib.md5(f.data).hexdigest()
                     if f.data else f.md5)
            self.add("attachment", attachmentid=f.attach_id, contenttypeid=POST_CONTENT_TYPE, contentid=f.ref,
                     userid=uid, dateline=f.time, filedataid=f.attach_id, counter=f.downloads,
                     filename=entities(f.real_name), caption=None, settings=None, displayorder=1)
