"""The world's events of one forum, drawn once and in the same order for every software writer.

Members (with their profile and registration address), private messages (with body, address,
attachment and unread flags), logged actions, visits, bans and attachment files: a writer of
MyBB, SMF, Discourse… walks these and stores them its own way. (The phpBB writer predates this
module and draws the same things inline, in the same order.)
"""

from __future__ import annotations

import hashlib
import ipaddress
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from rescue.synth.accounts import ADMIN, BANNED, DELETED, FOUNDER, INACTIVE, MODERATOR, NEWLY
from rescue.synth.body import Body, Plant
from rescue.synth.common import DAY, fast_rng, np_rng, py_rng
from rescue.synth.compose import Profile
from rescue.synth.countries import COUNTRIES
from rescue.synth.events import LogEvent, Pm, log_events, plan_pms
from rescue.synth.plan import Topics
from rescue.synth.png import generated_image

if TYPE_CHECKING:
    from rescue.synth.writers.base import ForumWriter

BAN_REASONS = ("Spam", "Repeated rule violations", "Multiple accounts", "Advertising", "Abusive behaviour")
PNG_NAMES = ("IMG_{n:04d}.png", "garden.png", "screenshot.png", "cake.png", "new_shed.png", "view.png",
             "DSC{n:05d}.png", "bike.png")
TXT_NAMES = ("recipe.txt", "notes.txt", "setup.txt", "packing_list.txt", "playlist.txt")


@dataclass(frozen=True, slots=True)
class Member:
    a: int  # account index
    uid: int  # the forum's user id
    person: int
    role: int
    inactive: bool
    banned: bool
    newly: bool  # registered in the last 45 days with fewer than 3 posts
    reg_ip: str
    show_birthday: bool
    secret: bytes  # 32 bytes for password hashes, salts and keys
    prof: Profile
    rng: random.Random  # the member's own stream, for software-specific choices

    @property
    def staff(self) -> bool:
        return self.role in (ADMIN, FOUNDER, MODERATOR)

    @property
    def admin(self) -> bool:
        return self.role in (ADMIN, FOUNDER)


def members(w: ForumWriter) -> Iterator[Member]:
    """Every account of the forum in user-id order; the truth gets each one (deleted ones are not yielded)."""
    acc = w.acc
    for a in sorted(range(acc.n), key=lambda x: int(acc.user_id[x])):
        prof = w.composer.profile(a)
        flags, role = int(acc.flags[a]), int(acc.role[a])
        inactive = bool(flags & INACTIVE)
        newly = not inactive and role == 0 and w.spec.end - int(acc.reg[a]) < 45 * DAY and acc.n_posts[a] < 3
        if newly and not flags & DELETED:
            acc.flags[a] |= NEWLY
        w.truth.account(w.truth.account_row(acc, a, prof.location, prof.location_truth))
        if flags & DELETED:
            continue
        rng = fast_rng(w.uid_base ^ 0xACC, a)
        secret = hashlib.sha256(f"{w.uid_base}:{a}".encode()).digest()
        reg_ip = w.ip(a, int(acc.reg[a]), rng.random())
        yield Member(a, int(acc.user_id[a]), int(acc.person[a]), role, inactive, bool(flags & BANNED), bool(newly),
                     reg_ip, rng.random() < 0.4, secret, prof, rng)


def plant_profile(w: ForumWriter, m: Member, table: str, row: int | str, columns: dict[str, str]) -> None:
    """Tell the truth about the profile fields written (``columns``: profile field → column)."""
    for name, plant in m.prof.plants:
        col = columns.get(name)
        if col:
            w.truth.plant(w.acc, plant, table, row, col)


@dataclass(frozen=True, slots=True)
class PmOut:
    pm: Pm
    lang: str
    body: Body
    plants: list[Plant]
    attach: bool
    ip: str
    unread: tuple[bool, ...]  # per recipient


def messages(w: ForumWriter) -> Iterator[PmOut]:
    acc, pop = w.acc, w.pop
    g = np_rng(w.world.seed, "pm-ip", acc.spec.key)
    for pm in plan_pms(w.world.seed, acc, pop):
        a = pm.author
        lang = pop.text_lang(int(acc.person[a]))
        if any(pop.text_lang(int(acc.person[r])) != lang for r in pm.to):
            lang = "en"
        body, plants = w.composer.pm(pm.msg_id, a, lang, pm.flags)
        att = bool(g.random() < 0.003)
        ip = w.ip(a, pm.time, float(g.random()))
        fresh = pm.time > acc.spec.end - 14 * DAY
        unread = tuple(bool(fresh and g.random() < 0.6) for _ in pm.to)
        yield PmOut(pm, lang, body, plants, att, ip, unread)


@dataclass
class Conversation:
    """A private conversation (XenForo, Invision, Discourse): a first message and its replies."""

    number: int  # 1, 2, … in order of their first message
    title: str
    starter: int  # account index
    start: int
    first: int  # message id of the first message
    people: list[int] = field(default_factory=list)  # starter first, then every recipient (account indices)
    messages: int = 0
    last: tuple[int, int, int] = (0, 0, 0)  # (time, message id, account) of the last message


def conversations(w: ForumWriter, found: dict[int, Conversation]) -> Iterator[tuple[PmOut, Conversation]]:
    """Messages with the conversation each belongs to (a reply joins its first message's); ``found`` fills up
    with every conversation by number."""
    conv_of: dict[int, Conversation] = {}
    for out in messages(w):
        pm, a = out.pm, out.pm.author
        conv = conv_of.get(pm.root) if pm.root else None
        if conv is None:
            conv = Conversation(len(found) + 1, pm.subject, a, pm.time, pm.msg_id, [a])
            found[conv.number] = conv
        conv_of[pm.msg_id] = conv
        conv.people.extend(r for r in (a, *pm.to) if r not in conv.people)
        conv.messages += 1
        conv.last = (pm.time, pm.msg_id, a)
        yield out, conv


@dataclass(frozen=True, slots=True)
class TopicOut:
    index: int  # topic id - 1
    first_post: int
    starter: int  # account index
    time: int
    forum: int
    last_post: int
    last_author: int
    last_time: int
    replies: int
    views: int


def topics(tp: Topics) -> Iterator[TopicOut]:
    for x in range(tp.n):
        if x % 65536 == 0:  # a block of columns as Python lists at a time
            cols = {f: tp[f][x:x + 65536].tolist() for f in tp.FIELDS}
            views = (np.asarray(cols["replies"]) * 7 + 11 + (np.arange(x, x + len(cols["replies"])) * 7919)
                     % 97).tolist()
        k = x % 65536
        yield TopicOut(x, cols["first_post"][k], cols["starter"][k], cols["time"][k], cols["forum"][k],
                       cols["last_post"][k], cols["last_author"][k], cols["last_time"][k], cols["replies"][k],
                       views[k])


@dataclass(frozen=True, slots=True)
class LogOut:
    log_id: int
    ev: LogEvent
    ip: str


def logs(w: ForumWriter, n_topics: int, topic_times: list[int]) -> Iterator[LogOut]:
    """Logged actions (actor -1: the system, from a guest address)."""
    rng = py_rng(w.world.seed, "activity", w.spec.key)
    for log_id, ev in enumerate(log_events(w.world.seed, w.acc, w.pop, n_topics, topic_times), start=1):
        ip = w.ip(ev.actor, ev.time, rng.random()) if ev.actor >= 0 else guest_ip(w, rng)
        yield LogOut(log_id, ev, ip)


def guest_ip(w: ForumWriter, rng: random.Random) -> str:
    cc = COUNTRIES[rng.randrange(len(COUNTRIES))].code
    return w.world.geo.draw_v4(rng, cc)


@dataclass(frozen=True, slots=True)
class BanOut:
    a: int
    start: int
    end: int  # 0: permanent
    reason: str
    email: bool  # the registration address is banned too
    ip: str  # the address banned too, or ""


def bans(w: ForumWriter, rng: random.Random | None = None) -> Iterator[BanOut]:
    """Bans of banned members, in user-id order (``rng``: the stream to draw from, by default the forum's own)."""
    acc = w.acc
    rng = rng or py_rng(w.world.seed, "bans", w.spec.key)
    for a in sorted(range(acc.n), key=lambda x: int(acc.user_id[x])):
        if not acc.flags[a] & BANNED or acc.flags[a] & DELETED:
            continue
        start = int(acc.last[a]) + 60
        end = 0 if rng.random() < 0.7 else start + 30 * DAY
        reason = rng.choice(BAN_REASONS)
        email = rng.random() < 0.4
        ip = w.ip(a, int(acc.last[a]), rng.random()) if rng.random() < 0.3 else ""
        yield BanOut(a, start, end, reason, email, ip)


@dataclass(frozen=True, slots=True)
class FileOut:
    attach_id: int
    ref: int  # post id (or message id when in_message)
    topic: int  # topic id (0 for a message)
    in_message: bool
    account: int
    time: int
    real_name: str
    extension: str
    mimetype: str
    data: bytes  # the file (empty when files are not written)
    size: int
    md5: str  # of the attachment's identity, for stored names
    downloads: int


def files(w: ForumWriter, attach: list[tuple[int, int, int, int, int]],
          rng: random.Random | None = None) -> Iterator[FileOut]:
    """Attachment files of posts/messages ``attach`` = [(ref, topic id, in_message, account, time)]; ``rng``
    draws the file names (by default the forum's own stream)."""
    if w.files_dir is not None and w.files_dir.exists():  # never leave files of an earlier world next to this one
        shutil.rmtree(w.files_dir)
    g = np_rng(w.world.seed, "files", w.spec.key)
    rng = rng or py_rng(w.world.seed, "file-names", w.spec.key)
    for attach_id, (ref, topic, in_msg, a, t) in enumerate(attach, start=1):
        md5 = hashlib.md5(f"{w.world.seed}:{w.spec.key}:{attach_id}".encode()).hexdigest()
        if g.random() < 0.8:
            real = rng.choice(PNG_NAMES).format(n=rng.randrange(1, 9999))
            data = generated_image(g) if w.files_dir is not None else b""
            size = len(data) or int(g.integers(3000, 60000))
            ext, mime = "png", "image/png"
        else:
            real = rng.choice(TXT_NAMES)
            data = "\n".join(w.world.pools.sentence(rng, "en", "cooking") for _ in range(6)).encode()
            size, ext, mime = len(data), "txt", "text/plain"
        yield FileOut(attach_id, ref, topic, bool(in_msg), a, t, real, ext, mime,
                      data if w.files_dir is not None else b"", size, md5, int(g.integers(0, 40)))


def packed(ip: str) -> bytes:
    """An address as ``inet_pton`` packs it (MyBB, SMF 2.1, XenForo ``varbinary(16)``); empty stays empty."""
    return ipaddress.ip_address(ip).packed if ip else b""


def staff_colour(role: int) -> str:
    return "AA0000" if role in (ADMIN, FOUNDER) else ("00AA00" if role == MODERATOR else "")
