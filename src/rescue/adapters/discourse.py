"""Discourse (PostgreSQL; facts: shared/reference/forum-schemas.md).

A private message in Discourse is a topic of archetype ``private_message``; its posts are the
messages and ``topic_allowed_users`` its participants (the starter included). After load,
posts of PM topics move to ``messages`` and every other participant of the topic becomes a
recipient of each message. Posts carry no IP: IPs come from ``users`` (last and registration
address) and ``user_auth_token_logs``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from rescue.adapters import fields as f
from rescue.adapters.base import Adapter, Emit, Row, TableMap, int_of
from rescue.readers.base import TableDef

_bday_raw, _bday = f.birthday("date_of_birth", "iso")
_body = f.markup("raw", "markdown")
_bio = f.markup("bio_raw", "markdown")


def _system(r: Row) -> bool:
    """Discourse's own accounts: system (-1), discobot (-2) and other non-positive ids."""
    uid = int_of(r.get("id"))
    return uid is not None and uid <= 0


def _quotes(r: Row) -> Iterator[Mapping[str, Any]]:
    """Quotes of a post; ``post:N`` in a Discourse quote is the post's number in its topic, not a post id."""
    for q in _quotes_raw(r):
        yield {**q, "quoted_post_id": None}


_quotes_raw = f.quotes_of(_body, "post", "id")

USERS = TableMap(
    suffix="users", key=("id",), requires=frozenset({"id", "username", "created_at"}),
    emits=(
        Emit("accounts", {
            "account_id": f.ident_keep_zero("id"), "username": f.text("username"),
            "username_clean": f.opt_text("username_lower"), "email": f.const(None),
            "registered_at": f.timestamp("created_at"), "registration_ip": f.ip("registration_ip_address"),
            "last_visit_at": f.timestamp("last_seen_at"), "birthday_raw": _bday_raw, "birth_date": _bday,
            "group_id": lambda r: f"trust_level_{int_of(r.get('trust_level')) or 0}",
            "rank_title": f.opt_text("title"), "user_type": lambda r: "system" if _system(r) else "member",
            "is_guest": f.const(False), "is_bot": _system,
            "is_staff": lambda r: f.boolean("admin")(r) or f.boolean("moderator")(r),
            "is_banned": lambda r: f.opt_text("suspended_till")(r) is not None,
            "is_inactive": lambda r: "active" in r and not f.boolean("active")(r),
            "is_deleted": f.const(False),
        }),
        Emit("ip_events", {"account_id": f.ident_keep_zero("id"), "ip": f.ip("registration_ip_address"),
                           "seen_at": f.timestamp("created_at"), "kind": f.const("registration"),
                           "ref_id": f.ident_keep_zero("id")},
             when=lambda r: f.ip("registration_ip_address")(r) is not None),
        Emit("ip_events", {"account_id": f.ident_keep_zero("id"), "ip": f.ip("ip_address"),
                           "seen_at": f.timestamp("last_seen_at"), "kind": f.const("last"),
                           "ref_id": f.ident_keep_zero("id")},
             when=lambda r: f.ip("ip_address")(r) is not None),
    ),
)

USER_EMAILS = TableMap(
    suffix="user_emails", key=("id",), requires=frozenset({"id", "user_id", "email"}),
    emits=(Emit("profile_fields", {"account_id": f.ident_keep_zero("user_id"),
                                   "field": lambda r: "email" if f.boolean("primary")(r) else "email_secondary",
                                   "value": f.text("email")}),),
)

USER_PROFILES = TableMap(
    suffix="user_profiles", key=("user_id",), requires=frozenset({"user_id"}),
    emits=(Emit("profile_fields", {}, many=f.named_fields({"location": "location", "website": "website"},
                                                          "user_id")),
           Emit("profile_fields", {"account_id": f.ident_keep_zero("user_id"), "field": f.const("bio"),
                                   "value": lambda r: _bio(r).text},
                when=lambda r: bool(f.opt_text("bio_raw")(r)))),
)

TOPICS = TableMap(
    suffix="topics", key=("id",), requires=frozenset({"id", "title", "user_id", "archetype"}),
    emits=(Emit("threads", {"thread_id": f.ident("id"), "forum_id": f.ident("category_id"), "title": f.text("title"),
                            "account_id": f.ident_keep_zero("user_id"), "created_at": f.timestamp("created_at"),
                            "first_post_id": f.const(None), "kind": f.text("archetype"),
                            "is_deleted": lambda r: f.opt_text("deleted_at")(r) is not None}),),
)

CATEGORIES = TableMap(
    suffix="categories", key=("id",), requires=frozenset({"id", "name"}),
    emits=(Emit("forums", {"forum_id": f.ident("id"), "parent_id": f.ident("parent_category_id"),
                           "name": f.text("name"), "description": f.opt_text("description"),
                           "kind": f.const("category")}),),
)

POSTS = TableMap(
    suffix="posts", key=("id",), requires=frozenset({"id", "user_id", "topic_id", "raw", "created_at"}),
    emits=(
        Emit("posts", {"post_id": f.ident("id"), "thread_id": f.ident("topic_id"), "forum_id": f.const(None),
                       "account_id": f.ident_keep_zero("user_id"), "posted_at": f.timestamp("created_at"),
                       "ip": f.const(None), "subject": f.const(None), "body_raw": "raw",
                       "body_text": f.body_text(_body), "markup": f.const("markdown"),
                       "is_deleted": lambda r: f.opt_text("deleted_at")(r) is not None}),
        Emit("quotes", {}, many=_quotes),
    ),
)

ALLOWED_USERS = TableMap(
    suffix="topic_allowed_users", key=("id",), requires=frozenset({"id", "user_id", "topic_id"}),
    emits=(Emit("thread_participants", {"thread_id": f.ident("topic_id"),
                                        "account_id": f.ident_keep_zero("user_id")}),),
)

TOKEN_LOGS = TableMap(
    suffix="user_auth_token_logs", key=("id",), requires=frozenset({"id", "user_id", "client_ip", "created_at"}),
    emits=(Emit("ip_events", {"account_id": f.ident_keep_zero("user_id"), "ip": f.ip("client_ip"),
                              "seen_at": f.timestamp("created_at"),
                              "kind": lambda r: "auth:" + (f.opt_text("action")(r) or "unknown"),
                              "ref_id": f.ident("id"), "user_agent": f.opt_text("user_agent")}),),
)

SCREENED_IPS = TableMap(
    suffix="screened_ip_addresses", key=("id",), requires=frozenset({"id", "ip_address", "action_type"}),
    emits=(Emit("bans", {"ban_id": f.ident("id"), "ip": f.ip("ip_address"),
                         "reason": lambda r: f"screened ip, action {f.text('action_type')(r)}",
                         "banned_at": f.timestamp("created_at")}),),
)

USER_HISTORIES = TableMap(
    suffix="user_histories", key=("id",), requires=frozenset({"id", "action", "acting_user_id", "created_at"}),
    emits=(Emit("moderation_log", {"log_id": f.ident("id"), "account_id": f.ident("acting_user_id"),
                                   "kind": f.const("staff"), "ip": f.ip("ip_address"),
                                   "logged_at": f.timestamp("created_at"), "operation": f.text("action"),
                                   "data": f.opt_text("details"), "thread_id": f.ident("topic_id"),
                                   "target_account_id": f.ident("target_user_id")}),),
)


UPLOADS = TableMap(
    suffix="uploads", key=("id",), requires=frozenset({"id", "user_id", "original_filename", "url"}),
    emits=(Emit("attachments", {"attachment_id": f.ident("id"), "account_id": f.ident_keep_zero("user_id"),
                                "post_id": f.const(None), "message_id": f.const(None),
                                "filename": f.text("original_filename"), "stored_name": f.text("url"),
                                "extension": f.opt_text("extension"), "mimetype": f.const(None),
                                "filesize": f.integer("filesize"), "created_at": f.timestamp("created_at"),
                                "sha256": f.const(None)}),),
)


def detect_version(prefix: str, defs: Mapping[str, TableDef]) -> str:
    return "current" if prefix + "user_emails" in defs else "legacy"


_PM = "(SELECT thread_id FROM threads WHERE source_id = ? AND kind = 'private_message')"

FINALIZE = (
    """UPDATE accounts SET email = p.value FROM profile_fields p WHERE accounts.source_id = ?
       AND p.source_id = accounts.source_id AND p.account_id = accounts.account_id AND p.field = 'email'""",
    """UPDATE accounts SET location = p.value FROM profile_fields p WHERE accounts.source_id = ?
       AND p.source_id = accounts.source_id AND p.account_id = accounts.account_id AND p.field = 'location'""",
    """UPDATE accounts SET website = p.value FROM profile_fields p WHERE accounts.source_id = ?
       AND p.source_id = accounts.source_id AND p.account_id = accounts.account_id AND p.field = 'website'""",
    f"""INSERT INTO messages SELECT source_id, post_id, account_id, posted_at, ip, subject, body_raw, body_text,
       markup, NULL, NULL, is_deleted, thread_id, prov_table, prov_key, prov_offset, prov_line
       FROM posts WHERE source_id = ? AND thread_id IN {_PM}""",
    """UPDATE messages SET subject = t.title FROM threads t WHERE messages.source_id = ?
       AND t.source_id = messages.source_id AND t.thread_id = messages.thread_id AND t.kind = 'private_message'""",
    f"""UPDATE quotes SET container = 'message' WHERE source_id = ? AND container = 'post' AND container_id IN
       (SELECT post_id FROM posts WHERE source_id = ? AND thread_id IN {_PM})""",
    f"""DELETE FROM posts WHERE source_id = ? AND thread_id IN {_PM}""",
    """INSERT INTO message_recipients SELECT m.source_id, m.message_id, p.account_id, 'to', NULL, FALSE,
       p.prov_table, p.prov_key, p.prov_offset, p.prov_line
       FROM messages m JOIN thread_participants p ON p.source_id = m.source_id AND p.thread_id = m.thread_id
       WHERE m.source_id = ? AND p.account_id <> m.sender_account_id""",
    """UPDATE threads SET first_post_id = (SELECT min(CAST(post_id AS BIGINT))::VARCHAR FROM posts p
       WHERE p.source_id = threads.source_id AND p.thread_id = threads.thread_id) WHERE source_id = ?""",
)

ADAPTER = Adapter(
    software="discourse",
    signature=frozenset({"users", "posts", "topics", "topic_allowed_users", "user_emails"}),
    tables=(USERS, USER_EMAILS, USER_PROFILES, TOPICS, CATEGORIES, POSTS, ALLOWED_USERS, TOKEN_LOGS,
            SCREENED_IPS, USER_HISTORIES, UPLOADS),
    detect_version=detect_version,
    finalize_sql=FINALIZE,
    markup="markdown",
    birthday_style="iso",
)
