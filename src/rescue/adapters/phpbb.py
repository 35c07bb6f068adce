"""phpBB 3.0 – 3.3: source tables and how they map (facts: shared/reference/forum-schemas.md)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from rescue.adapters import fields as f
from rescue.adapters.base import Adapter, Emit, Row, TableMap, id_of, int_of, nonempty, text_of
from rescue.readers.base import TableDef

# user_type: 0 normal, 1 inactive, 2 ignore (guest and bots), 3 founder. user_id 1 = ANONYMOUS.
USER_TYPES = {0: "normal", 1: "inactive", 2: "ignore", 3: "founder"}
# privmsgs_to.folder_id: inbox 0, sent -1, outbox -2, none -3, hold -4; >0 custom folders.
PM_FOLDERS = {0: "inbox", -1: "sent", -2: "outbox", -3: "none", -4: "hold"}
PROFILE_30 = ("user_icq", "user_aim", "user_yim", "user_msnm", "user_jabber")
PROFILE_31_SKIP = {"user_id", "pf_phpbb_location", "pf_phpbb_occupation", "pf_phpbb_interests",
                   "pf_phpbb_website"}


def _user_type(r: Row) -> int:
    return int_of(r.get("user_type")) or 0


def _is_guest(r: Row) -> bool:
    return int_of(r.get("user_id")) == 1


def _profile_30(r: Row) -> Iterator[Mapping[str, Any]]:
    uid = id_of(r.get("user_id"))
    for col in PROFILE_30:
        val = nonempty(r.get(col))
        if val is not None:
            yield {"account_id": uid, "field": col.removeprefix("user_"), "value": val}


def _profile_31(r: Row) -> Iterator[Mapping[str, Any]]:
    uid = id_of(r.get("user_id"))
    for col, value in r.items():
        if col in PROFILE_31_SKIP:
            continue
        val = nonempty(value)
        if val is not None:
            yield {"account_id": uid, "field": col.removeprefix("pf_phpbb_").removeprefix("pf_"), "value": val}


def _deleted_visibility(col: str, approved_col: str | None = None) -> f.Getter:
    """3.1+: visibility 2 = soft-deleted. 3.0 had no soft delete (only approval)."""

    def get(r: Row) -> bool:
        return int_of(r.get(col)) == 2 if col in r else False

    return get


_bday_raw, _bday = f.birthday("user_birthday", "phpbb")
_post_body = f.markup("post_text", "auto", "bbcode_uid")
_pm_body = f.markup("message_text", "auto", "bbcode_uid")
_sig = f.markup("user_sig", "auto", "user_sig_bbcode_uid")

USERS = TableMap(
    suffix="users", key=("user_id",), requires=frozenset({"user_id", "username", "user_email", "user_ip"}),
    emits=(
        Emit("accounts", {
            "account_id": f.ident_keep_zero("user_id"), "username": f.html("username"),
            "username_clean": f.html("username_clean"), "email": f.opt_text("user_email"),
            "registered_at": f.unix("user_regdate"), "registration_ip": f.ip("user_ip"),
            "last_visit_at": f.unix("user_lastvisit"), "birthday_raw": _bday_raw, "birth_date": _bday,
            "location": f.opt_html("user_from"), "timezone": f.hours_offset("user_timezone", "user_dst"),
            "language": f.opt_text("user_lang"),
            "occupation": f.opt_html("user_occ"), "interests": f.opt_html("user_interests"),
            "website": f.opt_text("user_website"), "signature_text": lambda r: _sig(r).text or None,
            "group_id": f.ident("group_id"), "rank_id": f.ident("user_rank"),
            "post_count": f.integer("user_posts"),
            "user_type": lambda r: USER_TYPES.get(_user_type(r), str(_user_type(r))),
            "is_guest": _is_guest, "is_bot": lambda r: _user_type(r) == 2 and not _is_guest(r),
            "is_staff": lambda r: _user_type(r) == 3, "is_banned": f.const(False),
            "is_inactive": lambda r: _user_type(r) == 1, "is_deleted": f.const(False),
        }),
        Emit("ip_events", {"account_id": f.ident_keep_zero("user_id"), "ip": f.ip("user_ip"),
                           "seen_at": f.unix("user_regdate"), "kind": f.const("registration"),
                           "ref_id": f.ident_keep_zero("user_id")},
             when=lambda r: f.ip("user_ip")(r) is not None),
        Emit("profile_fields", {}, many=_profile_30),
    ),
)

PROFILE_DATA = TableMap(
    suffix="profile_fields_data", key=("user_id",), requires=frozenset({"user_id"}),
    emits=(Emit("profile_fields", {}, many=_profile_31),),
)

GROUPS = TableMap(
    suffix="groups", key=("group_id",), requires=frozenset({"group_id", "group_name", "group_type"}),
    emits=(Emit("groups", {"group_id": f.ident("group_id"), "name": "group_name",
                           "kind": lambda r: {0: "open", 1: "closed", 2: "hidden", 3: "special"}.get(
                               int_of(r.get("group_type")) or 0, "other")}),),
)

USER_GROUP = TableMap(
    suffix="user_group", key=("group_id", "user_id"), requires=frozenset({"group_id", "user_id"}),
    emits=(Emit("group_members", {"group_id": f.ident("group_id"), "account_id": f.ident_keep_zero("user_id"),
                                  "is_leader": lambda r: int_of(r.get("group_leader")) == 1,
                                  "is_pending": lambda r: int_of(r.get("user_pending")) == 1}),),
)

RANKS = TableMap(
    suffix="ranks", key=("rank_id",), requires=frozenset({"rank_id", "rank_title"}),
    emits=(Emit("ranks", {"rank_id": f.ident("rank_id"), "title": f.html("rank_title"),
                          "is_special": lambda r: int_of(r.get("rank_special")) == 1}),),
)

FORUMS = TableMap(
    suffix="forums", key=("forum_id",), requires=frozenset({"forum_id", "parent_id", "forum_name"}),
    emits=(Emit("forums", {"forum_id": f.ident("forum_id"), "parent_id": f.ident("parent_id"),
                           "name": f.html("forum_name"), "description": f.opt_html("forum_desc"),
                           "kind": lambda r: {0: "category", 1: "forum", 2: "link"}.get(
                               int_of(r.get("forum_type")) or 0, "other")}),),
)

TOPICS = TableMap(
    suffix="topics", key=("topic_id",), requires=frozenset({"topic_id", "forum_id", "topic_title"}),
    emits=(Emit("threads", {"thread_id": f.ident("topic_id"), "forum_id": f.ident("forum_id"),
                            "title": f.html("topic_title"), "account_id": f.ident_keep_zero("topic_poster"),
                            "created_at": f.unix("topic_time"), "first_post_id": f.ident("topic_first_post_id"),
                            "is_deleted": _deleted_visibility("topic_visibility")}),),
)

POSTS = TableMap(
    suffix="posts", key=("post_id",),
    requires=frozenset({"post_id", "topic_id", "poster_id", "poster_ip", "post_time", "post_text"}),
    emits=(
        Emit("posts", {"post_id": f.ident("post_id"), "thread_id": f.ident("topic_id"),
                       "forum_id": f.ident("forum_id"), "account_id": f.ident_keep_zero("poster_id"),
                       "guest_name": f.opt_html("post_username"), "posted_at": f.unix("post_time"),
                       "ip": f.ip("poster_ip"), "subject": f.html("post_subject"), "body_raw": "post_text",
                       "body_text": f.body_text(_post_body), "markup": lambda r: "phpbb",
                       "is_deleted": _deleted_visibility("post_visibility")}),
        Emit("ip_events", {"account_id": f.ident_keep_zero("poster_id"), "ip": f.ip("poster_ip"),
                           "seen_at": f.unix("post_time"), "kind": f.const("post"),
                           "ref_id": f.ident("post_id")},
             when=lambda r: f.ip("poster_ip")(r) is not None),
        Emit("quotes", {}, many=f.quotes_of(_post_body, "post", "post_id")),
    ),
)

PRIVMSGS = TableMap(
    suffix="privmsgs", key=("msg_id",),
    requires=frozenset({"msg_id", "author_id", "author_ip", "message_time", "message_text", "to_address"}),
    emits=(
        Emit("messages", {"message_id": f.ident("msg_id"), "sender_account_id": f.ident_keep_zero("author_id"),
                          "sent_at": f.unix("message_time"), "ip": f.ip("author_ip"),
                          "subject": f.html("message_subject"), "body_raw": "message_text",
                          "body_text": f.body_text(_pm_body), "markup": lambda r: "phpbb",
                          "to_raw": f.opt_text("to_address"), "bcc_raw": f.opt_text("bcc_address"),
                          "is_deleted": f.const(False)}),
        Emit("ip_events", {"account_id": f.ident_keep_zero("author_id"), "ip": f.ip("author_ip"),
                           "seen_at": f.unix("message_time"), "kind": f.const("message"),
                           "ref_id": f.ident("msg_id")},
             when=lambda r: f.ip("author_ip")(r) is not None),
        Emit("quotes", {}, many=f.quotes_of(_pm_body, "message", "msg_id")),
    ),
)


def _is_sender_copy(r: Row) -> bool:
    folder = int_of(r.get("folder_id")) or 0
    return r.get("user_id") == r.get("author_id") and folder in (-1, -2)


def _folder(r: Row) -> str:
    folder = int_of(r.get("folder_id")) or 0
    return PM_FOLDERS.get(folder, f"custom:{folder}")


PRIVMSGS_TO = TableMap(
    suffix="privmsgs_to", key=("msg_id", "user_id", "folder_id"),
    requires=frozenset({"msg_id", "user_id", "author_id", "folder_id"}),
    emits=(
        Emit("message_recipients", {"message_id": f.ident("msg_id"), "account_id": f.ident_keep_zero("user_id"),
                                    "kind": f.const("to"), "folder": _folder,
                                    "is_deleted": lambda r: int_of(r.get("pm_deleted")) == 1},
             when=lambda r: not _is_sender_copy(r)),
        Emit("mailbox_copies", {"message_id": f.ident("msg_id"), "account_id": f.ident_keep_zero("user_id"),
                                "folder": _folder, "is_sender_copy": f.const(True)},
             when=_is_sender_copy),
    ),
)

SESSIONS = TableMap(
    suffix="sessions", key=("session_id",), requires=frozenset({"session_id", "session_user_id", "session_ip"}),
    emits=(Emit("ip_events", {"account_id": f.ident_keep_zero("session_user_id"), "ip": f.ip("session_ip"),
                              "seen_at": f.unix("session_time"), "kind": f.const("session"),
                              "ref_id": f.text("session_id"), "user_agent": f.opt_text("session_browser")}),),
)

LOG = TableMap(
    suffix="log", key=("log_id",), requires=frozenset({"log_id", "log_type", "user_id", "log_ip", "log_time"}),
    emits=(
        Emit("moderation_log", {"log_id": f.ident("log_id"), "account_id": f.ident_keep_zero("user_id"),
                                "kind": lambda r: {0: "admin", 1: "moderator", 2: "critical", 3: "users"}.get(
                                    int_of(r.get("log_type")) or 0, "other"),
                                "ip": f.ip("log_ip"), "logged_at": f.unix("log_time"),
                                "operation": "log_operation", "data": f.opt_text("log_data"),
                                "forum_id": f.ident("forum_id"), "thread_id": f.ident("topic_id"),
                                "target_account_id": f.ident("reportee_id")}),
        Emit("ip_events", {"account_id": f.ident_keep_zero("user_id"), "ip": f.ip("log_ip"),
                           "seen_at": f.unix("log_time"), "kind": f.const("log"), "ref_id": f.ident("log_id")},
             when=lambda r: f.ip("log_ip")(r) is not None),
    ),
)

LOGIN_ATTEMPTS = TableMap(
    suffix="login_attempts", key=("attempt_ip", "attempt_time", "username"),
    requires=frozenset({"attempt_ip", "attempt_time", "user_id"}),
    emits=(Emit("ip_events", {"account_id": f.ident_keep_zero("user_id"), "ip": f.ip("attempt_ip"),
                              "seen_at": f.unix("attempt_time"), "kind": f.const("login_attempt"),
                              "ref_id": f.opt_text("username"), "user_agent": f.opt_text("attempt_browser")}),),
)

BANLIST = TableMap(
    suffix="banlist", key=("ban_id",), requires=frozenset({"ban_id", "ban_userid", "ban_ip", "ban_email"}),
    emits=(Emit("bans", {"ban_id": f.ident("ban_id"), "account_id": f.ident("ban_userid"),
                         "ip": f.opt_text("ban_ip"), "email": f.opt_text("ban_email"),
                         "reason": f.opt_html("ban_reason"), "banned_at": f.unix("ban_start"),
                         "ends_at": f.unix("ban_end")}),),
)

WARNINGS = TableMap(
    suffix="warnings", key=("warning_id",), requires=frozenset({"warning_id", "user_id", "warning_time"}),
    emits=(Emit("moderation_log", {"log_id": lambda r: "warning:" + (text_of(r.get("warning_id")) or ""),
                                   "account_id": f.ident("user_id"), "kind": f.const("warning"),
                                   "logged_at": f.unix("warning_time"), "operation": f.const("WARNING"),
                                   "data": lambda r: f"post {text_of(r.get('post_id'))}",
                                   "target_account_id": f.ident("user_id")}),),
)

ATTACHMENTS = TableMap(
    suffix="attachments", key=("attach_id",),
    requires=frozenset({"attach_id", "post_msg_id", "in_message", "poster_id", "physical_filename", "real_filename"}),
    emits=(Emit("attachments", {
        "attachment_id": f.ident("attach_id"), "account_id": f.ident_keep_zero("poster_id"),
        "post_id": lambda r: None if int_of(r.get("in_message")) else id_of(r.get("post_msg_id")),
        "message_id": lambda r: id_of(r.get("post_msg_id")) if int_of(r.get("in_message")) else None,
        "filename": f.html("real_filename"), "stored_name": "physical_filename", "extension": f.opt_text("extension"),
        "mimetype": f.opt_text("mimetype"), "filesize": f.integer("filesize"), "created_at": f.unix("filetime"),
        "sha256": f.const(None)}),),
)

CONFIG = TableMap(
    suffix="config", key=("config_name",), requires=frozenset({"config_name", "config_value"}),
    emits=(Emit("forum_config", {"name": "config_name", "value": "config_value"}),),
)


def detect_version(prefix: str, defs: Mapping[str, TableDef]) -> str:
    users = defs.get(prefix + "users")
    cols = set(users.column_names) if users else set()
    posts = defs.get(prefix + "posts")
    post_cols = set(posts.column_names) if posts else set()
    if "user_icq" in cols or "user_from" in cols:
        return "3.0"
    if "user_last_active" in cols:
        return "3.3"
    profile = defs.get(prefix + "profile_fields_data")
    pcols = set(profile.column_names) if profile else set()
    if "pf_phpbb_wlm" in pcols:
        return "3.1"
    if "post_visibility" in post_cols:
        return "3.2+"
    return "3.x"


FINALIZE = (
    # Names from the lookup tables.
    """UPDATE accounts SET group_name = g.name FROM groups g
       WHERE accounts.source_id = ? AND g.source_id = accounts.source_id AND g.group_id = accounts.group_id""",
    """UPDATE accounts SET rank_title = k.title FROM ranks k
       WHERE accounts.source_id = ? AND k.source_id = accounts.source_id AND k.rank_id = accounts.rank_id""",
    # Staff: founders, and members of the administrator / moderator groups (default or additional).
    """UPDATE accounts SET is_staff = TRUE WHERE source_id = ? AND (group_name IN
       ('ADMINISTRATORS', 'GLOBAL_MODERATORS') OR account_id IN (SELECT m.account_id FROM group_members m
       JOIN groups g ON g.source_id = m.source_id AND g.group_id = m.group_id
       WHERE m.source_id = accounts.source_id AND g.name IN ('ADMINISTRATORS', 'GLOBAL_MODERATORS')
       AND NOT m.is_pending))""",
    """UPDATE accounts SET is_bot = TRUE WHERE source_id = ? AND group_name = 'BOTS'""",
    """UPDATE accounts SET is_banned = TRUE WHERE source_id = ? AND account_id IN
       (SELECT account_id FROM bans WHERE bans.source_id = accounts.source_id AND account_id IS NOT NULL)""",
    """UPDATE accounts SET location = p.value FROM profile_fields p WHERE accounts.source_id = ?
       AND p.source_id = accounts.source_id AND p.account_id = accounts.account_id AND p.field = 'location'
       AND accounts.location IS NULL""",
    """UPDATE accounts SET occupation = p.value FROM profile_fields p WHERE accounts.source_id = ?
       AND p.source_id = accounts.source_id AND p.account_id = accounts.account_id AND p.field = 'occupation'
       AND accounts.occupation IS NULL""",
    # Blind copies: phpBB lists them as u_N in bcc_address.
    """UPDATE message_recipients SET kind = 'bcc' FROM messages m WHERE message_recipients.source_id = ?
       AND m.source_id = message_recipients.source_id AND m.message_id = message_recipients.message_id
       AND list_contains(string_split(coalesce(m.bcc_raw, ''), ':'), 'u_' || message_recipients.account_id)""",
)

ADAPTER = Adapter(
    software="phpbb",
    signature=frozenset({"users", "posts", "topics", "forums", "privmsgs", "privmsgs_to", "acl_options"}),
    tables=(USERS, PROFILE_DATA, GROUPS, USER_GROUP, RANKS, FORUMS, TOPICS, POSTS, PRIVMSGS, PRIVMSGS_TO,
            SESSIONS, LOG, LOGIN_ATTEMPTS, BANLIST, WARNINGS, ATTACHMENTS, CONFIG),
    detect_version=detect_version,
    finalize_sql=FINALIZE,
    markup="phpbb",
    birthday_style="phpbb",
)
