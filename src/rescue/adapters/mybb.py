"""MyBB 1.6 / 1.8: source tables and how they map (facts: shared/reference/forum-schemas.md).

MyBB keeps ONE ROW PER MAILBOX COPY of a private message. Every copy is kept in
``mailbox_copies``; the copies of one message (same sender, time, subject and body) become one
``messages`` row whose id is the lowest ``pmid`` of the group, and the recipients' copies
become ``message_recipients``; the message row and its IP event are taken from one copy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from rescue.adapters import fields as f
from rescue.adapters.base import Adapter, Emit, Field, Row, TableMap, id_of, int_of, nonempty, text_of
from rescue.readers.base import TableDef
from rescue.text.times import php_unserialize

PM_FOLDERS = {0: "none", 1: "inbox", 2: "sent", 3: "drafts", 4: "trash"}
STAFF_GROUPS = ("Administrators", "Super Moderators", "Moderators")
USER_PROFILE = {"icq": "icq", "skype": "skype", "google": "google", "msn": "msn", "aim": "aim", "yahoo": "yahoo"}
USERFIELDS = {"fid1": "location", "fid2": "bio", "fid3": "gender"}


def _pm_group(r: Row) -> str:
    """Copies of one message share sender, time, subject and body."""
    digest = hashlib.sha1(((text_of(r.get("subject")) or "") + "\0" + (text_of(r.get("message")) or ""))
                          .encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"g:{text_of(r.get('fromid'))}:{text_of(r.get('dateline'))}:{digest}"


def _is_sender_copy(r: Row) -> bool:
    return r.get("uid") == r.get("fromid") and (int_of(r.get("folder")) or 0) in (2, 3)


def _pm_kind(r: Row) -> str:
    raw = r.get("recipients")
    try:
        data = php_unserialize(raw) if raw else None
    except ValueError:
        return "to"
    if isinstance(data, dict):
        bcc = data.get("bcc")
        values = bcc.values() if isinstance(bcc, dict) else bcc if isinstance(bcc, list) else []
        if text_of(r.get("uid")) in {text_of(v) for v in values}:
            return "bcc"
    return "to"


def _folder(r: Row) -> str:
    folder = int_of(r.get("folder")) or 0
    return PM_FOLDERS.get(folder, f"custom:{folder}")


def _visible_deleted(col: str) -> f.Getter:
    """MyBB 1.8 soft delete: visible = -1."""
    return lambda r: int_of(r.get(col)) == -1


_bday_raw, _bday = f.birthday("birthday", "mybb")
_post_body = f.markup("message", "bbcode")
_pm_body = f.markup("message", "bbcode")
_sig = f.markup("signature", "bbcode")

USERS = TableMap(
    suffix="users", key=("uid",), requires=frozenset({"uid", "username", "email", "regdate", "usergroup"}),
    emits=(
        Emit("accounts", {
            "account_id": f.ident_keep_zero("uid"), "username": f.html("username"), "email": f.opt_text("email"),
            "registered_at": f.unix("regdate"), "registration_ip": f.ip("regip"),
            "last_visit_at": f.unix("lastvisit"), "birthday_raw": _bday_raw, "birth_date": _bday,
            "timezone": f.hours_offset("timezone", "dst"), "language": f.opt_text("language"),
            "website": f.opt_text("website"), "signature_text": lambda r: _sig(r).text or None,
            "group_id": f.ident("usergroup"), "rank_id": f.const(None), "rank_title": f.opt_html("usertitle"),
            "post_count": f.integer("postnum"), "user_type": f.const("member"), "is_guest": f.const(False),
            "is_bot": f.const(False), "is_staff": f.const(False),
            "is_banned": lambda r: int_of(r.get("usergroup")) == 7,
            "is_inactive": lambda r: int_of(r.get("usergroup")) == 5, "is_deleted": f.const(False),
        }),
        Emit("ip_events", {"account_id": f.ident_keep_zero("uid"), "ip": f.ip("regip"), "seen_at": f.unix("regdate"),
                           "kind": f.const("registration"), "ref_id": f.ident_keep_zero("uid")},
             when=lambda r: f.ip("regip")(r) is not None),
        Emit("ip_events", {"account_id": f.ident_keep_zero("uid"), "ip": f.ip("lastip"),
                           "seen_at": f.unix("lastactive"), "kind": f.const("last"),
                           "ref_id": f.ident_keep_zero("uid")},
             when=lambda r: f.ip("lastip")(r) is not None),
        Emit("profile_fields", {}, many=f.named_fields(USER_PROFILE, "uid")),
    ),
)

USERFIELDS_MAP = TableMap(
    suffix="userfields", key=("ufid",), requires=frozenset({"ufid"}),
    emits=(Emit("profile_fields", {}, many=f.named_fields(USERFIELDS, "ufid", only=False)),),
    primary="profile_fields",
)

USERGROUPS = TableMap(
    suffix="usergroups", key=("gid",), requires=frozenset({"gid", "title"}),
    emits=(Emit("groups", {"group_id": f.ident("gid"), "name": f.html("title"),
                           "kind": lambda r: "default" if int_of(r.get("type")) == 1 else "custom"}),),
)

FORUMS = TableMap(
    suffix="forums", key=("fid",), requires=frozenset({"fid", "name", "type", "pid"}),
    emits=(Emit("forums", {"forum_id": f.ident("fid"), "parent_id": f.ident("pid"), "name": f.html("name"),
                           "description": f.opt_html("description"),
                           "kind": lambda r: {"c": "category", "f": "forum"}.get(
                               text_of(r.get("type")) or "", "other")}),),
)

THREADS = TableMap(
    suffix="threads", key=("tid",), requires=frozenset({"tid", "fid", "subject", "uid", "dateline"}),
    emits=(Emit("threads", {"thread_id": f.ident("tid"), "forum_id": f.ident("fid"), "title": f.html("subject"),
                            "account_id": f.ident_keep_zero("uid"), "created_at": f.unix("dateline"),
                            "first_post_id": f.ident("firstpost"), "is_deleted": _visible_deleted("visible")}),),
)

POSTS = TableMap(
    suffix="posts", key=("pid",), requires=frozenset({"pid", "tid", "uid", "dateline", "message", "ipaddress"}),
    emits=(
        Emit("posts", {"post_id": f.ident("pid"), "thread_id": f.ident("tid"), "forum_id": f.ident("fid"),
                       "account_id": f.ident_keep_zero("uid"),
                       "guest_name": lambda r: nonempty(r.get("username")) if not id_of(r.get("uid")) else None,
                       "posted_at": f.unix("dateline"), "ip": f.ip("ipaddress"), "subject": f.html("subject"),
                       "body_raw": "message", "body_text": f.body_text(_post_body), "markup": f.const("mycode"),
                       "is_deleted": _visible_deleted("visible")}),
        Emit("ip_events", {"account_id": f.ident_keep_zero("uid"), "ip": f.ip("ipaddress"),
                           "seen_at": f.unix("dateline"), "kind": f.const("post"), "ref_id": f.ident("pid")},
             when=lambda r: f.ip("ipaddress")(r) is not None),
        Emit("quotes", {}, many=f.quotes_of(_post_body, "post", "pid")),
    ),
)

PRIVATEMESSAGES = TableMap(
    suffix="privatemessages", key=("pmid",),
    requires=frozenset({"pmid", "uid", "toid", "fromid", "folder", "message", "dateline"}),
    primary="mailbox_copies",
    emits=(
        Emit("mailbox_copies", {"message_id": _pm_group, "account_id": f.ident_keep_zero("uid"), "folder": _folder,
                                "is_sender_copy": _is_sender_copy}),
        Emit("message_recipients", {"message_id": _pm_group, "account_id": f.ident_keep_zero("uid"), "kind": _pm_kind,
                                    "folder": _folder, "is_deleted": lambda r: int_of(r.get("folder")) == 4},
             when=lambda r: not _is_sender_copy(r) and (int_of(r.get("folder")) or 0) != 3),
        Emit("messages", {"message_id": _pm_group, "sender_account_id": f.ident_keep_zero("fromid"),
                          "sent_at": f.unix("dateline"), "ip": f.ip("ipaddress"), "subject": f.html("subject"),
                          "body_raw": "message", "body_text": f.body_text(_pm_body), "markup": f.const("mycode"),
                          "to_raw": f.opt_text("recipients"), "bcc_raw": f.const(None),
                          "is_deleted": f.const(False)}),
        Emit("quotes", {}, many=f.quotes_of(_pm_body, "message", _pm_group)),
    ),
)

SESSIONS = TableMap(
    suffix="sessions", key=("sid",), requires=frozenset({"sid", "uid", "ip", "time"}),
    emits=(Emit("ip_events", {"account_id": f.ident_keep_zero("uid"), "ip": f.ip("ip"), "seen_at": f.unix("time"),
                              "kind": f.const("session"), "ref_id": f.text("sid"),
                              "user_agent": f.opt_text("useragent")}),),
)


def _log(kind: str, suffix: str, key: tuple[str, ...], op_col: str, extra: dict[str, Field]) -> TableMap:
    fields: dict[str, Field] = {
        "log_id": lambda r: ":".join(text_of(r.get(k)) or "" for k in key), "account_id": f.ident_keep_zero("uid"),
        "kind": f.const(kind), "ip": f.ip("ipaddress"), "logged_at": f.unix("dateline"),
        "operation": f.text(op_col), "data": f.opt_text("data"), **extra}
    return TableMap(
        suffix=suffix, key=key, requires=frozenset({"uid", "dateline", "ipaddress"}),
        emits=(Emit("moderation_log", fields),
               Emit("ip_events", {"account_id": f.ident_keep_zero("uid"), "ip": f.ip("ipaddress"),
                                  "seen_at": f.unix("dateline"), "kind": f.const(kind + "_log"),
                                  "ref_id": fields["log_id"]},
                    when=lambda r: f.ip("ipaddress")(r) is not None)))


ADMINLOG = _log("admin", "adminlog", ("uid", "dateline", "module", "action"), "action", {})
MODERATORLOG = _log("moderator", "moderatorlog", ("uid", "dateline", "tid", "pid"), "action",
                    {"forum_id": f.ident("fid"), "thread_id": f.ident("tid")})

BANNED = TableMap(
    suffix="banned", key=("uid",), requires=frozenset({"uid", "dateline", "reason"}),
    emits=(Emit("bans", {"ban_id": f.ident("uid"), "account_id": f.ident("uid"), "reason": f.opt_html("reason"),
                         "banned_at": f.unix("dateline"), "ends_at": f.unix("lifted")}),),
)

BANFILTERS = TableMap(
    suffix="banfilters", key=("fid",), requires=frozenset({"fid", "filter", "type"}),
    emits=(Emit("bans", {"ban_id": lambda r: "filter:" + (text_of(r.get("fid")) or ""),
                         "ip": lambda r: nonempty(r.get("filter")) if int_of(r.get("type")) == 1 else None,
                         "email": lambda r: nonempty(r.get("filter")) if int_of(r.get("type")) == 3 else None,
                         "reason": lambda r: "username filter: " + (text_of(r.get("filter")) or "")
                         if int_of(r.get("type")) == 2 else None,
                         "banned_at": f.unix("dateline")}),),
)

WARNINGS = TableMap(
    suffix="warnings", key=("wid",), requires=frozenset({"wid", "uid", "dateline", "issuedby"}),
    emits=(Emit("moderation_log", {"log_id": lambda r: "warning:" + (text_of(r.get("wid")) or ""),
                                   "account_id": f.ident("issuedby"), "kind": f.const("warning"),
                                   "logged_at": f.unix("dateline"), "operation": f.const("WARNING"),
                                   "data": f.opt_html("title"), "thread_id": f.ident("tid"),
                                   "target_account_id": f.ident("uid")}),),
)

ATTACHMENTS = TableMap(
    suffix="attachments", key=("aid",), requires=frozenset({"aid", "pid", "uid", "filename", "attachname"}),
    emits=(Emit("attachments", {"attachment_id": f.ident("aid"), "account_id": f.ident_keep_zero("uid"),
                                "post_id": f.ident("pid"), "message_id": f.const(None), "filename": f.html("filename"),
                                "stored_name": "attachname", "extension": lambda r: _ext(text_of(r.get("filename"))),
                                "mimetype": f.opt_text("filetype"), "filesize": f.integer("filesize"),
                                "created_at": f.unix("dateuploaded"), "sha256": f.const(None)}),),
)


def _ext(name: str | None) -> str | None:
    return name.rsplit(".", 1)[1].lower() if name and "." in name else None


def detect_version(prefix: str, defs: Mapping[str, TableDef]) -> str:
    users = defs.get(prefix + "users")
    cols = set(users.column_names) if users else set()
    if "longregip" in cols:
        return "1.6"
    return "1.8" if "skype" in cols else "1.x"


FINALIZE = (
    # One message per group of mailbox copies, numbered by its lowest pmid.
    """CREATE OR REPLACE TEMP TABLE _pm_ids AS SELECT message_id AS g, min(CAST(prov_key AS BIGINT))::VARCHAR AS id
       FROM mailbox_copies WHERE source_id = ? AND message_id LIKE 'g:%' GROUP BY message_id""",
    """UPDATE mailbox_copies SET message_id = i.id FROM _pm_ids i WHERE source_id = ? AND message_id = i.g""",
    """UPDATE message_recipients SET message_id = i.id FROM _pm_ids i WHERE source_id = ? AND message_id = i.g""",
    """UPDATE messages SET message_id = i.id FROM _pm_ids i WHERE source_id = ? AND message_id = i.g""",
    """UPDATE quotes SET container_id = i.id FROM _pm_ids i WHERE source_id = ? AND container = 'message'
       AND container_id = i.g""",
    # keep one message row per group (the copy with the lowest pmid), and that copy's quotes
    """DELETE FROM messages WHERE source_id = ? AND rowid NOT IN (
       SELECT arg_min(rowid, CAST(prov_key AS BIGINT)) FROM messages WHERE source_id = ? GROUP BY message_id)""",
    """DELETE FROM quotes WHERE source_id = ? AND container = 'message' AND prov_table LIKE '%privatemessages'
       AND prov_key NOT IN (SELECT prov_key FROM messages WHERE source_id = ?)""",
    """INSERT INTO ip_events SELECT source_id, sender_account_id, ip, sent_at, 'message', message_id, NULL,
       prov_table, prov_key, prov_offset, prov_line FROM messages WHERE source_id = ? AND ip IS NOT NULL""",
    """DROP TABLE _pm_ids""",
    """UPDATE accounts SET group_name = g.name FROM groups g
       WHERE accounts.source_id = ? AND g.source_id = accounts.source_id AND g.group_id = accounts.group_id""",
    """UPDATE accounts SET is_staff = TRUE WHERE source_id = ? AND group_name IN ('Administrators',
       'Super Moderators', 'Moderators')""",
    # no usergroups rows: MyBB's default ids (3 super moderators, 4 administrators, 6 moderators)
    """UPDATE accounts SET is_staff = TRUE WHERE source_id = ? AND group_name IS NULL
       AND group_id IN ('3', '4', '6')""",
    """UPDATE accounts SET is_banned = TRUE WHERE source_id = ? AND (group_name = 'Banned' OR account_id IN
       (SELECT account_id FROM bans WHERE bans.source_id = accounts.source_id AND account_id IS NOT NULL))""",
    """UPDATE accounts SET location = p.value FROM profile_fields p WHERE accounts.source_id = ?
       AND p.source_id = accounts.source_id AND p.account_id = accounts.account_id AND p.field = 'location'""",
)

ADAPTER = Adapter(
    software="mybb",
    signature=frozenset({"users", "posts", "threads", "forums", "privatemessages", "usergroups", "userfields"}),
    tables=(USERS, USERFIELDS_MAP, USERGROUPS, FORUMS, THREADS, POSTS, PRIVATEMESSAGES, SESSIONS, ADMINLOG,
            MODERATORLOG, BANNED, BANFILTERS, WARNINGS, ATTACHMENTS),
    detect_version=detect_version,
    finalize_sql=FINALIZE,
    markup="mycode",
    birthday_style="mybb",
)
