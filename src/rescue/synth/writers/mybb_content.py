"""MyBB threads, posts, forums, private messages, logs, sessions, bans and attachments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rescue.synth.body import Plant
from rescue.synth.common import DAY, py_rng
from rescue.synth.events import BROWSERS, visits
from rescue.synth.mysqldump import encode, sql_tuple
from rescue.synth.plan import PostPlanner
from rescue.synth.world import BOTS
from rescue.synth.writers.markup import bbcode
from rescue.synth.writers.mybb import quote_open
from rescue.synth.writers.neutral import bans, files, guest_ip, logs, messages, packed, topics
from rescue.synth.writers.phpbb_text import php_serialize
from rescue.synth.writers.posts import HOSTILE_TOPIC, Post, PostRows, write_posts

if TYPE_CHECKING:
    from rescue.synth.writers.mybb import MybbWriter

# log event → (table, module or action, action)
ADMIN_ACTIONS = {"admin_auth": ("home", "index"), "user_active": ("user-users", "activate"),
                 "ban_user": ("user-banning", "add")}
MOD_ACTIONS = {"lock": "Thread Closed", "move": "Thread Moved", "edit": "Edited Post"}
PAGES = ("/forum/index.php", "/forum/forumdisplay.php?fid={f}", "/forum/showthread.php?tid={t}",
         "/forum/private.php", "/forum/member.php?action=profile", "/forum/search.php?action=getnew",
         "/forum/newreply.php?tid={t}", "/forum/usercp.php")


class MybbPosts(PostRows):
    def __init__(self, w: MybbWriter, pools: list[str]) -> None:
        super().__init__(w, pools)
        self.mw = w
        self.fill = w.tables[w.name("posts")].filler(
            "pid", "tid", "replyto", "fid", "subject", "uid", "username", "dateline", "message", "ipaddress",
            "includesig", "smilieoff", "edituid", "edittime", "visible")

    def row(self, p: Post) -> bytes:
        uid, name = self.mw.shown(p.author)
        body = bbcode(p.body, quote_open=quote_open, choice=p.post_id)
        subject = p.title if p.is_start else "RE: " + p.title
        replyto = 0 if p.is_start else p.first_post
        edit = p.time + 60 + (p.post_id * 7919) % DAY if p.edited else 0
        return encode(sql_tuple(self.fill(
            p.post_id, p.topic + 1, replyto, p.forum, subject[:120], uid, name, p.time, body, packed(p.ip),
            int(bool(self.w.has_sig[p.author])), 0, uid if p.edited else 0, edit, 1)))


class MybbContent:
    def __init__(self, w: MybbWriter) -> None:
        self.w = w
        self.planner = PostPlanner(w.world.seed, w.acc, w.pop, w.forums)
        self.attach: list[tuple[int, int, int, int, int]] = []
        self.locked: set[int] = set()
        self.rng = py_rng(w.world.seed, "mybb", w.spec.key)

    def write(self) -> None:
        self.posts()
        self.messages()
        self.logs()
        self.threads_and_forums()
        self.sessions()
        self.bans()
        self.attachments()

    def posts(self) -> None:
        w = self.w
        self.attach = write_posts(w, MybbPosts(w, self.planner.pools), self.planner, w.name("posts"), "message",
                                  w.spool_rows("posts"))

    def messages(self) -> None:
        w, acc = self.w, self.w.acc
        table = w.name("privatemessages")
        fill = w.tables[table].filler("pmid", "uid", "toid", "fromid", "recipients", "folder", "subject", "message",
                                      "dateline", "status", "statustime", "includesig", "readtime", "ipaddress")
        spool = w.dump.spool(table)
        uids = acc.user_id.tolist()
        pmid = 0
        for out in messages(w):
            pm, a = out.pm, out.pm.author
            body = bbcode(out.body, quote_open=quote_open, choice=pm.msg_id)
            to = "".join(f'i:{i};s:{len(str(uids[r]))}:"{uids[r]}";' for i, r in enumerate(pm.to))
            recipients = f'a:1:{{s:2:"to";a:{len(pm.to)}:{{{to}}}}}'
            ip, sig = packed(out.ip), int(bool(w.has_sig[a]))
            first = pmid + 1
            for r, unread in zip(pm.to, out.unread, strict=True):
                pmid += 1
                read = 0 if unread else min(w.spec.end, pm.time + 600 + pmid % DAY)
                spool.add(fill(pmid, uids[r], uids[r], uids[a], recipients, 1, pm.subject[:120], body, pm.time,
                               0 if unread else 1, read, sig, read, ip))
            pmid += 1
            spool.add(fill(pmid, uids[a], uids[pm.to[0]] if len(pm.to) == 1 else 0, uids[a], recipients, 2,
                           pm.subject[:120], body, pm.time, 1, pm.time, sig, 0, ip))
            for pl in out.plants:
                w.truth.plant(acc, pl, table, first, "message")
            if pm.msg_id % 20000 == 0:
                w.tick("private messages", pm.msg_id, pm.msg_id)

    def logs(self) -> None:
        w, acc = self.w, self.w.acc
        tp = self.planner.topics
        uids = acc.user_id.tolist()
        for lg in logs(w, tp.n, tp["time"].tolist()):
            ev = lg.ev
            if ev.kind == "lock":
                self.locked.add(ev.topic)
            if ev.kind in ADMIN_ACTIONS and ev.actor >= 0:
                module, action = ADMIN_ACTIONS[ev.kind]
                data = php_serialize([str(uids[ev.target]), acc.username[ev.target]]) if ev.target >= 0 else ""
                w.add("adminlog", uid=uids[ev.actor], ipaddress=packed(lg.ip), dateline=ev.time, module=module,
                      action=action, data=data)
            elif ev.kind in MOD_ACTIONS and ev.actor >= 0:
                x = ev.topic
                fid = int(tp["forum"][x])
                data = php_serialize([str(fid), str(x + 1)])
                w.add("moderatorlog", uid=uids[ev.actor], dateline=ev.time, fid=fid, tid=x + 1,
                      pid=int(tp["first_post"][x]) if ev.kind == "edit" else 0, action=MOD_ACTIONS[ev.kind],
                      data=data, ipaddress=packed(lg.ip))

    def threads_and_forums(self) -> None:
        w, tp = self.w, self.planner.topics
        posts: dict[int, int] = {}
        threads: dict[int, int] = {}
        last: dict[int, tuple[int, int, int, str]] = {}  # forum -> (time, tid, account, subject)
        announce = {f.forum_id for f in w.forums if f.topic == "announce"}
        renderer = MybbPosts(w, self.planner.pools)
        if tp.n > HOSTILE_TOPIC:
            w.truth.hostile.append((w.spec.key, w.name("threads"), HOSTILE_TOPIC + 1, "subject"))
        attached: dict[int, int] = {}
        for _ref, tid, _m, _a, _t in self.attach:
            attached[tid] = attached.get(tid, 0) + 1
        for t in topics(tp):
            title = renderer.title(t.index, t.starter, int(tp["cat"][t.index]), int(tp["pool"][t.index]))
            s_uid, s_name = w.shown(t.starter)
            l_uid, l_name = w.shown(t.last_author)
            w.add("threads", tid=t.index + 1, fid=t.forum, subject=title[:120], uid=s_uid, username=s_name,
                  dateline=t.time, firstpost=t.first_post, lastpost=t.last_time, lastposter=l_name,
                  lastposteruid=l_uid, views=t.views, replies=t.replies, closed="1" if t.index in self.locked else "",
                  sticky=int(t.forum in announce and t.index % 2 == 0), notes="", visible=1,
                  attachmentcount=attached.get(t.index + 1, 0))
            posts[t.forum] = posts.get(t.forum, 0) + t.replies + 1
            threads[t.forum] = threads.get(t.forum, 0) + 1
            if t.last_time >= last.get(t.forum, (0, 0, 0, ""))[0]:
                last[t.forum] = (t.last_time, t.index + 1, t.last_author, title)
        for order, f in enumerate(w.forums, start=1):
            lt, tid, la, subj = last.get(f.forum_id, (0, 0, -1, ""))
            l_uid, l_name = w.shown(la) if la >= 0 else (0, "")
            parents = f"{f.parent_id},{f.forum_id}" if f.parent_id else str(f.forum_id)
            w.add("forums", fid=f.forum_id, name=f.name, description=f.desc, type="c" if f.is_category else "f",
                  pid=f.parent_id, parentlist=parents, disporder=order, active=1, open=1,
                  threads=threads.get(f.forum_id, 0), posts=posts.get(f.forum_id, 0), lastpost=lt,
                  lastposter=l_name, lastposteruid=l_uid, lastposttid=tid, lastpostsubject=subj[:120], rules="",
                  allowmycode=1, allowsmilies=1, allowimgcode=1, allowvideocode=1, allowpicons=1, allowtratings=1,
                  usepostcounts=1, usethreadcounts=1, showinjump=1)

    def sessions(self) -> None:
        w, acc, rng = self.w, self.w.acc, self.rng
        n_topics = max(1, self.planner.topics.n)
        fids = [f.forum_id for f in w.forums if not f.is_category]
        table = w.name("sessions")
        spool = w.dump.spool(table)
        fill = w.tables[table].filler("sid", "uid", "ip", "time", "location", "useragent", "location1", "location2")
        uids, seen, random = acc.user_id.tolist(), w.truth.seen_ip, rng.random
        for v in visits(w.world.seed, acc, w.pop, w.net):
            seen(acc, v.account, v.ip)
            page = PAGES[int(random() * len(PAGES))]
            f, t = fids[int(random() * len(fids))], 1 + int(random() * n_topics)
            spool.add(fill(f"{rng.getrandbits(128):032x}", uids[v.account], packed(v.ip), v.end, page.format(f=f, t=t),
                           v.browser[:200], f if "fid" in page else 0, t if "tid" in page else 0))
        for _ in range(max(20, acc.n // 25)):
            t = rng.randrange(w.spec.start, w.spec.end)
            spool.add(fill(f"{rng.getrandbits(128):032x}", 0, packed(guest_ip(w, rng)), t, PAGES[0],
                           rng.choice(BROWSERS), 0, 0))
        for i, (_name, agent, ip) in enumerate(BOTS, start=1):
            t = rng.randrange(w.spec.end - DAY, w.spec.end)
            spool.add(fill(f"bot={i}", 0, packed(ip), t, f"/forum/showthread.php?tid={rng.randrange(1, n_topics + 1)}",
                           f"Mozilla/5.0 (compatible; {agent}; +http://www.example.com/bot.html)", 0, 0))

    def bans(self) -> None:
        w, acc = self.w, self.w.acc
        filt = 0
        for b in bans(w):
            uid = int(acc.user_id[b.a])
            w.add("banned", uid=uid, gid=7, oldgroup=2, oldadditionalgroups="", olddisplaygroup=0, admin=2,
                  dateline=b.start, bantime="perm" if b.end == 0 else "0-1-0", lifted=b.end, reason=b.reason)
            if b.email:
                filt += 1
                w.add("banfilters", fid=filt, filter=acc.email[b.a], type=3, dateline=b.start)
                w.truth.plant(acc, Plant("email", acc.email[b.a], b.a, "plain", "ban"), w.name("banfilters"), filt,
                              "filter")
            if b.ip:
                filt += 1
                w.add("banfilters", fid=filt, filter=b.ip, type=1, dateline=b.start)

    def attachments(self) -> None:
        w = self.w
        for f in files(w, self.attach):
            uid = w.shown(f.account)[0]
            d = datetime.fromtimestamp(f.time, tz=UTC)
            stored = f"{d.year:04d}{d.month:02d}/post_{uid}_{f.time}_{f.md5}.attach"
            w.save_file(stored, f.data)
            w.add("attachments", aid=f.attach_id, pid=f.ref, uid=uid, filename=f.real_name, filetype=f.mimetype,
                  filesize=f.size, attachname=stored, downloads=f.downloads, dateuploaded=f.time, visible=1)
