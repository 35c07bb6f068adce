"""vBulletin 3.8 / 4.x (facts: shared/reference/forum-schemas.md). The table prefix is free (often
none). Private messages: one ``pmtext`` row per message and one ``pm`` row per mailbox copy,
the sender's own copy in folder -1. 4.x keeps attachment files in ``filedata``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from rescue.adapters import fields as f
from rescue.adapters.base import Adapter, Emit, Row, TableMap, id_of, int_of, nonempty, text_of
from rescue.readers.base import TableDef
from rescue.text.times import php_unserialize

PROFILE = {"icq": "icq", "aim": "aim", "yahoo": "yahoo", "msn": "msn", "skype": "skype"}
USERFIELDS = {"field1": "biography", "field2": "location", "field3": "interests", "field4": "occupation"}

_bday_raw, _bday = f.birthday("birthday", "vbulletin")
_post_body = f.markup("pagetext", "bbcode")
_pm_body = f.markup("message", "bbcode")
_sig = f.markup("signature", "bbcode")


def _touser_bcc(r: Row) -> str | None:
    raw = r.get("touserarray")
    if not raw:
        return None
    try:
        data = php_unserialize(raw)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("bcc"), dict):
        return ":".join(str(k) for k in data["bcc"])
    return None


def _is_sender_copy(r: Row) -> bool:
    return int_of(r.get("folderid")) == -1


USER = TableMap(
    suffix="user", key=("userid",), requires=frozenset({"userid", "username", "email", "joindate", "usergroupid"}),
    emits=(
        Emit("accounts", {
            "account_id": f.ident_keep_zero("userid"), "username": f.html("username"), "email": f.opt_text("email"),
            "registered_at": f.unix("joindate"), "registration_ip": f.ip("ipaddress"),
            "last_visit_at": f.unix("lastvisit"), "birthday_raw": _bday_raw, "birth_date": _bday,
            "timezone": f.hours_offset("timezoneoffset"), "website": f.opt_text("homepage"),
            "group_id": f.ident("usergroupid"), "rank_title": f.opt_html("usertitle"),
            "post_count": f.integer("posts"), "user_type": f.const("member"), "is_guest": f.const(False),
            "is_bot": f.const(False), "is_staff": f.const(False),
            "is_banned": lambda r: int_of(r.get("usergroupid")) == 8,
            "is_inactive": lambda r: int_of(r.get("usergroupid")) in (3, 4), "is_deleted": f.const(False),
        }),
        Emit("ip_events", {"account_id": f.ident_keep_zero("userid"), "ip": f.ip("ipaddress"),
                           "seen_at": f.unix("joindate"), "kind": f.const("registration"),
                           "ref_id": f.ident_keep_zero("userid")},
             when=lambda r: f.ip("ipaddress")(r) is not None),
        Emit("profile_fields", {}, many=f.named_fields(PROFILE, "userid")),
    ),
)

USERFIELD = TableMap(
    suffix="userfield", key=("userid",), requires=frozenset({"userid"}),
    emits=(Emit("profile_fields", {}, many=f.named_fields(USERFIELDS, "userid", only=False)),),
    primary="profile_fields",
)


def _signature(r: Row) -> Iterator[Mapping[str, Any]]:
    text = _sig(r).text
    if text:
        yield {"account_id": id_of(r.get("userid")), "field": "signature", "value": text}


USERTEXTFIELD = TableMap(
    suffix="usertextfield", key=("userid",), requires=frozenset({"userid", "signature"}),
    emits=(Emit("profile_fields", {}, many=_signature),), primary="profile_fields",
)

USERGROUP = TableMap(
    suffix="usergroup", key=("usergroupid",), requires=frozenset({"usergroupid", "title"}),
    emits=(Emit("groups", {"group_id": f.ident("usergroupid"), "name": f.html("title"), "kind": f.const("group")}),),
)

FORUM = TableMap(
    suffix="forum", key=("forumid",), requires=frozenset({"forumid", "parentid", "title"}),
    emits=(Emit("forums", {"forum_id": f.ident("forumid"), "parent_id": lambda r: id_of(r.get("parentid"))
                           if (int_of(r.get("parentid")) or 0) > 0 else None,
                           "name": f.html("title"), "description": f.opt_html("description"),
                           "kind": f.const("forum")}),),
)

THREAD = TableMap(
    suffix="thread", key=("threadid",), requires=frozenset({"threadid", "forumid", "title", "postuserid", "dateline"}),
    emits=(Emit("threads", {"thread_id": f.ident("threadid"), "forum_id": f.ident("forumid"), "title": f.html("title"),
                            "account_id": f.ident_keep_zero("postuserid"), "created_at": f.unix("dateline"),
                            "first_post_id": f.ident("firstpostid"),
                            "is_deleted": lambda r: int_of(r.get("visible")) == 2}),),
)

POST = TableMap(
    suffix="post", key=("postid",), requires=frozenset({"postid", "threadid", "userid", "dateline", "pagetext"}),
    emits=(
        Emit("posts", {"post_id": f.ident("postid"), "thread_id": f.ident("threadid"),
                       "account_id": f.ident_keep_zero("userid"),
                       "guest_name": lambda r: nonempty(r.get("username")) if not id_of(r.get("userid")) else None,
                       "posted_at": f.unix("dateline"), "ip": f.ip("ipaddress"), "subject": f.html("title"),
                       "body_raw": "pagetext", "body_text": f.body_text(_post_body), "markup": f.const("vbcode"),
                       "is_deleted": lambda r: int_of(r.get("visible")) == 2}),
        Emit("ip_events", {"account_id": f.ident_keep_zero("userid"), "ip": f.ip("ipaddress"),
                           "seen_at": f.unix("dateline"), "kind": f.const("post"), "ref_id": f.ident("postid")},
             when=lambda r: f.ip("ipaddress")(r) is not None),
        Emit("quotes", {}, many=f.quotes_of(_post_body, "post", "postid")),
    ),
)

PMTEXT = TableMap(
    suffix="pmtext", key=("pmtextid",), requires=frozenset({"pmtextid", "fromuserid", "message", "dateline"}),
    emits=(
        Emit("messages", {"message_id": f.ident("pmtextid"), "sender_account_id": f.ident_keep_zero("fromuserid"),
                          "sent_at": f.unix("dateline"), "ip": f.const(None), "subject": f.html("title"),
                          "body_raw": "message", "body_text": f.body_text(_pm_body), "markup": f.const("vbcode"),
                          "to_raw": f.opt_text("touserarray"), "bcc_raw": _touser_bcc, "is_deleted": f.const(False)}),
        Emit("quotes", {}, many=f.quotes_of(_pm_body, "message", "pmtextid")),
    ),
)

PM = TableMap(
    suffix="pm", key=("pmid",), requires=frozenset({"pmid", "pmtextid", "userid", "folderid"}),
    emits=(
        Emit("message_recipients", {"message_id": f.ident("pmtextid"), "account_id": f.ident_keep_zero("userid"),
                                    "kind": f.const("to"), "folder": lambda r: f"folder:{text_of(r.get('folderid'))}",
                                    "is_deleted": f.const(False)},
             when=lambda r: not _is_sender_copy(r)),
        Emit("mailbox_copies", {"message_id": f.ident("pmtextid"), "account_id": f.ident_keep_zero("userid"),
                                "folder": f.const("sent"), "is_sender_copy": f.const(True)},
             when=_is_sender_copy),
    ),
)

SESSION = TableMap(
    suffix="session", key=("sessionhash",), requires=frozenset({"sessionhash", "userid", "host", "lastactivity"}),
    emits=(Emit("ip_events", {"account_id": f.ident_keep_zero("userid"), "ip": f.ip("host"),
                              "seen_at": f.unix("lastactivity"), "kind": f.const("session"),
                              "ref_id": f.text("sessionhash"), "user_agent": f.opt_text("useragent")}),),
)


def _log(kind: str, suffix: str, key: str) -> TableMap:
    return TableMap(
        suffix=suffix, key=(key,), requires=frozenset({key, "userid", "dateline", "ipaddress"}),
        emits=(Emit("moderation_log", {"log_id": f.ident(key), "account_id": f.ident_keep_zero("userid"),
                                       "kind": f.const(kind), "ip": f.ip("ipaddress"), "logged_at": f.unix("dateline"),
                                       "operation": lambda r: text_of(r.get("action")) or text_of(r.get("type")),
                                       "data": f.opt_text("extra"), "forum_id": f.ident("forumid"),
                                       "thread_id": f.ident("threadid")}),
               Emit("ip_events", {"account_id": f.ident_keep_zero("userid"), "ip": f.ip("ipaddress"),
                                  "seen_at": f.unix("dateline"), "kind": f.const(kind + "_log"),
                                  "ref_id": f.ident(key)},
                    when=lambda r: f.ip("ipaddress")(r) is not None)))


MODERATORLOG = _log("moderator", "moderatorlog", "moderatorlogid")
ADMINLOG = _log("admin", "adminlog", "adminlogid")

USERBAN = TableMap(
    suffix="userban", key=("userid",), requires=frozenset({"userid", "bandate", "liftdate"}),
    emits=(Emit("bans", {"ban_id": f.ident("userid"), "account_id": f.ident("userid"), "reason": f.opt_html("reason"),
                         "banned_at": f.unix("bandate"), "ends_at": f.unix("liftdate")}),),
)

STRIKES = TableMap(
    suffix="strikes", key=("striketime", "strikeip", "username"), requires=frozenset({"striketime", "strikeip"}),
    emits=(Emit("ip_events", {"account_id": f.const(None), "ip": f.ip("strikeip"), "seen_at": f.unix("striketime"),
                              "kind": f.const("login_attempt"), "ref_id": f.opt_text("username")}),),
)

ATTACHMENT = TableMap(
    suffix="attachment", key=("attachmentid",), requires=frozenset({"attachmentid", "userid", "filename", "dateline"}),
    emits=(Emit("attachments", {
        "attachment_id": f.ident("attachmentid"), "account_id": f.ident_keep_zero("userid"),
        "post_id": lambda r: id_of(r.get("postid")) if "postid" in r else id_of(r.get("contentid")),
        "message_id": f.const(None), "filename": f.html("filename"),
        "stored_name": lambda r: f"filedata:{text_of(r.get('filedataid'))}" if r.get("filedataid") else None,
        "extension": lambda r: (text_of(r.get("extension")) or "").lower() or None, "mimetype": f.const(None),
        "filesize": lambda r: int_of(r.get("filesize")) if r.get("filesize") is not None else None,
        "created_at": f.unix("dateline"), "sha256": f.const(None)}),),
)

def _filedata_note(r: Row) -> str:
    return f"{text_of(r.get('extension'))} file, {text_of(r.get('filesize'))} bytes, md5 {text_of(r.get('filehash'))}"


FILEDATA = TableMap(
    suffix="filedata", key=("filedataid",), requires=frozenset({"filedataid", "userid", "filesize", "extension"}),
    emits=(Emit("moderation_log", {"log_id": lambda r: "filedata:" + (text_of(r.get("filedataid")) or ""),
                                   "account_id": f.ident_keep_zero("userid"), "kind": f.const("filedata"),
                                   "logged_at": f.unix("dateline"), "operation": f.const("UPLOAD"),
                                   "data": _filedata_note}),),
)


def detect_version(prefix: str, defs: Mapping[str, TableDef]) -> str:
    if prefix + "filedata" in defs:
        return "4.x"
    if prefix + "node" in defs:
        return "5.x"
    return "3.8"


FINALIZE = (
    """UPDATE accounts SET group_name = g.name FROM groups g
       WHERE accounts.source_id = ? AND g.source_id = accounts.source_id AND g.group_id = accounts.group_id""",
    # default groups: 5 super moderators, 6 administrators, 7 moderators; 8 banned
    """UPDATE accounts SET is_staff = TRUE WHERE source_id = ? AND group_id IN ('5', '6', '7')""",
    """UPDATE accounts SET is_banned = TRUE WHERE source_id = ? AND account_id IN
       (SELECT account_id FROM bans WHERE bans.source_id = accounts.source_id AND account_id IS NOT NULL)""",
    """UPDATE accounts SET location = p.value FROM profile_fields p WHERE accounts.source_id = ?
       AND p.source_id = accounts.source_id AND p.account_id = accounts.account_id AND p.field = 'location'""",
    """UPDATE accounts SET occupation = p.value FROM profile_fields p WHERE accounts.source_id = ?
       AND p.source_id = accounts.source_id AND p.account_id = accounts.account_id AND p.field = 'occupation'""",
    """UPDATE accounts SET signature_text = p.value FROM profile_fields p WHERE accounts.source_id = ?
       AND p.source_id = accounts.source_id AND p.account_id = accounts.account_id AND p.field = 'signature'""",
    """UPDATE message_recipients SET kind = 'bcc' FROM messages m WHERE message_recipients.source_id = ?
       AND m.source_id = message_recipients.source_id AND m.message_id = message_recipients.message_id
       AND list_contains(string_split(coalesce(m.bcc_raw, ''), ':'), message_recipients.account_id)""",
    """UPDATE posts SET forum_id = t.forum_id FROM threads t WHERE posts.source_id = ?
       AND t.source_id = posts.source_id AND t.thread_id = posts.thread_id""",
)

ADAPTER = Adapter(
    software="vbulletin",
    signature=frozenset({"user", "post", "thread", "forum", "pmtext", "pm", "usergroup"}),
    tables=(USER, USERFIELD, USERTEXTFIELD, USERGROUP, FORUM, THREAD, POST, PMTEXT, PM, SESSION, MODERATORLOG,
            ADMINLOG, USERBAN, STRIKES, ATTACHMENT, FILEDATA),
    detect_version=detect_version,
    finalize_sql=FINALIZE,
    markup="vbcode",
    birthday_style="vbulletin",
)
