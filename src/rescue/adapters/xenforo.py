"""XenForo 2.x (facts: shared/reference/forum-schemas.md).

Every IP lives in ``xf_ip`` (one row per sighting: user, content type and id, action, packed
address, time); posts and conversation messages point to it by ``ip_id``, resolved after load.
Conversations are the private messages: each conversation message becomes a ``messages`` row,
and every other recipient of its conversation a ``message_recipients`` row.
"""

from __future__ import annotations

from collections.abc import Mapping

from rescue.adapters import fields as f
from rescue.adapters.base import Adapter, Emit, Row, TableMap, id_of, int_of, nonempty, text_of
from rescue.readers.base import TableDef
from rescue.text.times import birthday_from_parts


def _ip_ref(col: str) -> f.Getter:
    """A post's ``ip_id`` kept as ``ipid:N`` until the address is resolved from ``xf_ip``."""
    return lambda r: f"ipid:{id_of(r.get(col))}" if id_of(r.get(col)) else None


def _dob_raw(r: Row) -> str | None:
    """``YYYY-MM-DD`` (``0000`` for a hidden year) from the three columns; None when unset."""
    date, day, month, year = birthday_from_parts(r.get("dob_day"), r.get("dob_month"), r.get("dob_year"))
    if day is None or month is None:
        return None
    return date.isoformat() if date else f"{year or 0:04d}-{month:02d}-{day:02d}"


def _conv(col: str) -> f.Getter:
    return lambda r: "c" + (text_of(r.get(col)) or "")


def _content_ref(r: Row) -> str:
    return f"{text_of(r.get('content_type'))}:{text_of(r.get('content_id'))}"


def _stored_name(r: Row) -> str:
    """``internal_data/attachments/<floor(id/1000)>/<data_id>-<hash>.data``, the file name part."""
    return f"{text_of(r.get('data_id'))}-{text_of(r.get('file_hash'))}.data"


USER = TableMap(
    suffix="user", key=("user_id",), requires=frozenset({"user_id", "username", "email", "register_date"}),
    emits=(Emit("accounts", {
        "account_id": f.ident_keep_zero("user_id"), "username": f.text("username"), "email": f.opt_text("email"),
        "registered_at": f.unix("register_date"), "last_visit_at": f.unix("last_activity"),
        "timezone": f.opt_text("timezone"), "language": f.opt_text("language_id"),
        "group_id": f.ident("user_group_id"), "rank_title": f.opt_text("custom_title"),
        "post_count": f.integer("message_count"), "user_type": lambda r: text_of(r.get("user_state")) or "valid",
        "is_guest": f.const(False), "is_bot": f.const(False), "is_staff": lambda r: int_of(r.get("is_staff")) == 1,
        "is_banned": lambda r: int_of(r.get("is_banned")) == 1,
        "is_inactive": lambda r: (text_of(r.get("user_state")) or "valid") != "valid", "is_deleted": f.const(False),
    }),),
)

USER_PROFILE = TableMap(
    suffix="user_profile", key=("user_id",), requires=frozenset({"user_id", "dob_day", "dob_month", "dob_year"}),
    primary="profile_fields",
    emits=(Emit("profile_fields", {}, many=f.named_fields(
        {"location": "location", "website": "website", "signature": "signature", "about": "about"}, "user_id")),
           Emit("profile_fields", {"account_id": f.ident_keep_zero("user_id"), "field": f.const("dob"),
                                   "value": _dob_raw}, when=lambda r: _dob_raw(r) is not None)),
)

FIELD_VALUE = TableMap(
    suffix="user_field_value", key=("user_id", "field_id"), requires=frozenset({"user_id", "field_id", "field_value"}),
    emits=(Emit("profile_fields", {"account_id": f.ident_keep_zero("user_id"), "field": f.text("field_id"),
                                   "value": f.opt_text("field_value")},
                when=lambda r: nonempty(r.get("field_value")) is not None),),
)

USER_GROUP = TableMap(
    suffix="user_group", key=("user_group_id",), requires=frozenset({"user_group_id", "title"}),
    emits=(Emit("groups", {"group_id": f.ident("user_group_id"), "name": f.text("title"), "kind": f.const("group")}),),
)

NODE = TableMap(
    suffix="node", key=("node_id",), requires=frozenset({"node_id", "title", "parent_node_id"}),
    emits=(Emit("forums", {"forum_id": f.ident("node_id"), "parent_id": f.ident("parent_node_id"),
                           "name": f.text("title"), "description": f.opt_text("description"),
                           "kind": lambda r: (text_of(r.get("node_type_id")) or "node").lower()}),),
)

THREAD = TableMap(
    suffix="thread", key=("thread_id",), requires=frozenset({"thread_id", "node_id", "title", "user_id", "post_date"}),
    emits=(Emit("threads", {"thread_id": f.ident("thread_id"), "forum_id": f.ident("node_id"), "title": f.text("title"),
                            "account_id": f.ident_keep_zero("user_id"), "created_at": f.unix("post_date"),
                            "first_post_id": f.ident("first_post_id"), "kind": f.const("regular"),
                            "is_deleted": lambda r: text_of(r.get("discussion_state")) == "deleted"}),),
)

_post_body = f.markup("message", "bbcode")

POST = TableMap(
    suffix="post", key=("post_id",), requires=frozenset({"post_id", "thread_id", "user_id", "post_date", "message"}),
    emits=(
        Emit("posts", {"post_id": f.ident("post_id"), "thread_id": f.ident("thread_id"),
                       "account_id": f.ident_keep_zero("user_id"),
                       "guest_name": lambda r: nonempty(r.get("username")) if not id_of(r.get("user_id")) else None,
                       "posted_at": f.unix("post_date"), "ip": _ip_ref("ip_id"), "body_raw": "message",
                       "body_text": f.body_text(_post_body), "markup": f.const("bbcode"),
                       "is_deleted": lambda r: text_of(r.get("message_state")) == "deleted"}),
        Emit("quotes", {}, many=f.quotes_of(_post_body, "post", "post_id")),
    ),
)

CONV_MASTER = TableMap(
    suffix="conversation_master", key=("conversation_id",),
    requires=frozenset({"conversation_id", "title", "user_id", "start_date"}),
    emits=(Emit("threads", {"thread_id": _conv("conversation_id"), "title": f.text("title"),
                            "account_id": f.ident_keep_zero("user_id"), "created_at": f.unix("start_date"),
                            "first_post_id": f.ident("first_message_id"), "kind": f.const("conversation"),
                            "is_deleted": f.const(False)}),),
)

_msg_body = f.markup("message", "bbcode")

CONV_MESSAGE = TableMap(
    suffix="conversation_message", key=("message_id",),
    requires=frozenset({"message_id", "conversation_id", "message_date", "user_id", "message"}),
    emits=(
        Emit("messages", {"message_id": f.ident("message_id"), "sender_account_id": f.ident_keep_zero("user_id"),
                          "sent_at": f.unix("message_date"), "ip": _ip_ref("ip_id"), "body_raw": "message",
                          "body_text": f.body_text(_msg_body), "markup": f.const("bbcode"),
                          "thread_id": _conv("conversation_id"), "is_deleted": f.const(False)}),
        Emit("quotes", {}, many=f.quotes_of(_msg_body, "message", "message_id")),
    ),
)

CONV_RECIPIENT = TableMap(
    suffix="conversation_recipient", key=("conversation_id", "user_id"),
    requires=frozenset({"conversation_id", "user_id", "recipient_state"}),
    emits=(Emit("thread_participants", {"thread_id": _conv("conversation_id"),
                                        "account_id": f.ident_keep_zero("user_id")}),),
)

IP = TableMap(
    suffix="ip", key=("ip_id",), requires=frozenset({"ip_id", "user_id", "content_type", "action", "ip", "log_date"}),
    emits=(Emit("ip_events", {"account_id": f.ident_keep_zero("user_id"), "ip": f.ip("ip"),
                              "seen_at": f.unix("log_date"),
                              "kind": lambda r: f"{text_of(r.get('content_type'))}:{text_of(r.get('action'))}",
                              "ref_id": _content_ref}),),
)

USER_BAN = TableMap(
    suffix="user_ban", key=("user_id",), requires=frozenset({"user_id", "ban_date", "end_date"}),
    emits=(Emit("bans", {"ban_id": f.ident("user_id"), "account_id": f.ident("user_id"),
                         "reason": f.opt_text("user_reason"), "banned_at": f.unix("ban_date"),
                         "ends_at": f.unix("end_date")}),),
)

MODERATOR_LOG = TableMap(
    suffix="moderator_log", key=("moderator_log_id",),
    requires=frozenset({"moderator_log_id", "log_date", "user_id", "ip_address", "action"}),
    emits=(Emit("moderation_log", {"log_id": f.ident("moderator_log_id"), "account_id": f.ident_keep_zero("user_id"),
                                   "kind": f.const("moderator"), "ip": f.ip("ip_address"),
                                   "logged_at": f.unix("log_date"), "operation": f.text("action"),
                                   "data": lambda r: f"{text_of(r.get('content_type'))} {text_of(r.get('content_id'))}",
                                   "target_account_id": f.ident("content_user_id")}),
           Emit("ip_events", {"account_id": f.ident_keep_zero("user_id"), "ip": f.ip("ip_address"),
                              "seen_at": f.unix("log_date"), "kind": f.const("moderator_log"),
                              "ref_id": f.ident("moderator_log_id")},
                when=lambda r: f.ip("ip_address")(r) is not None)),
)

ATTACHMENT_DATA = TableMap(
    suffix="attachment_data", key=("data_id",), requires=frozenset({"data_id", "user_id", "filename", "file_size"}),
    emits=(Emit("attachments", {"attachment_id": lambda r: "data:" + (text_of(r.get("data_id")) or ""),
                                "account_id": f.ident_keep_zero("user_id"), "filename": f.text("filename"),
                                "stored_name": _stored_name,
                                "extension": lambda r: (text_of(r.get("filename")) or "").rsplit(".", 1)[-1].lower()
                                if "." in (text_of(r.get("filename")) or "") else None,
                                "filesize": f.integer("file_size"), "created_at": f.unix("upload_date")}),),
)


def detect_version(prefix: str, defs: Mapping[str, TableDef]) -> str:
    return "2.x" if prefix + "user_field_value" in defs or prefix + "reaction" in defs else "1.x/2.x"


FINALIZE = (
    """UPDATE posts SET ip = e.ip FROM ip_events e WHERE posts.source_id = ? AND e.source_id = posts.source_id
       AND e.prov_table LIKE '%ip' AND 'ipid:' || e.prov_key = posts.ip""",
    """UPDATE messages SET ip = e.ip FROM ip_events e WHERE messages.source_id = ? AND e.source_id = messages.source_id
       AND e.prov_table LIKE '%ip' AND 'ipid:' || e.prov_key = messages.ip""",
    """UPDATE posts SET ip = NULL WHERE source_id = ? AND ip LIKE 'ipid:%'""",
    """UPDATE messages SET ip = NULL WHERE source_id = ? AND ip LIKE 'ipid:%'""",
    """UPDATE posts SET forum_id = t.forum_id FROM threads t WHERE posts.source_id = ?
       AND t.source_id = posts.source_id AND t.thread_id = posts.thread_id""",
    """UPDATE messages SET subject = t.title FROM threads t WHERE messages.source_id = ?
       AND t.source_id = messages.source_id AND t.thread_id = messages.thread_id""",
    """INSERT INTO message_recipients SELECT m.source_id, m.message_id, p.account_id, 'to', NULL, FALSE,
       p.prov_table, p.prov_key, p.prov_offset, p.prov_line
       FROM messages m JOIN thread_participants p ON p.source_id = m.source_id AND p.thread_id = m.thread_id
       WHERE m.source_id = ? AND p.account_id <> m.sender_account_id""",
    """UPDATE accounts SET registration_ip = e.ip FROM (SELECT account_id, arg_min(ip, seen_at) AS ip FROM ip_events
       WHERE source_id = ? AND kind = 'user:register' GROUP BY account_id) e
       WHERE accounts.source_id = ? AND e.account_id = accounts.account_id""",
    """UPDATE accounts SET group_name = g.name FROM groups g
       WHERE accounts.source_id = ? AND g.source_id = accounts.source_id AND g.group_id = accounts.group_id""",
    """UPDATE accounts SET location = p.value FROM profile_fields p WHERE accounts.source_id = ?
       AND p.source_id = accounts.source_id AND p.account_id = accounts.account_id AND p.field = 'location'""",
    """UPDATE accounts SET website = p.value FROM profile_fields p WHERE accounts.source_id = ?
       AND p.source_id = accounts.source_id AND p.account_id = accounts.account_id AND p.field = 'website'""",
    """UPDATE accounts SET birthday_raw = p.value,
       birth_date = CASE WHEN p.value LIKE '0000-%' THEN NULL ELSE TRY_CAST(p.value AS DATE) END FROM profile_fields p
       WHERE accounts.source_id = ? AND p.source_id = accounts.source_id AND p.account_id = accounts.account_id
       AND p.field = 'dob'""",
)

ADAPTER = Adapter(
    software="xenforo",
    signature=frozenset({"user", "post", "thread", "node", "ip", "conversation_message", "user_group"}),
    tables=(USER, USER_PROFILE, FIELD_VALUE, USER_GROUP, NODE, THREAD, POST, CONV_MASTER, CONV_MESSAGE,
            CONV_RECIPIENT, IP, USER_BAN, MODERATOR_LOG, ATTACHMENT_DATA),
    detect_version=detect_version,
    finalize_sql=FINALIZE,
    markup="bbcode",
    birthday_style="iso",
)
