"""Invision Community 4.x (facts: shared/reference/forum-schemas.md). The prefix is usually empty.
Group and forum names live in language strings (``core_sys_lang_words``: ``core_group_<id>``,
``forums_forum_<id>``); profile field values in ``core_pfields_content.field_<id>``. Private
messages: ``core_message_topics`` (conversations), ``core_message_posts`` (messages) and
``core_message_topic_user_map`` (participants, the starter included)."""

from __future__ import annotations

from collections.abc import Mapping

from rescue.adapters import fields as f
from rescue.adapters.base import Adapter, Emit, Row, TableMap, id_of, int_of, nonempty, text_of
from rescue.readers.base import TableDef
from rescue.text.times import birthday_from_parts


def _bday_raw(r: Row) -> str | None:
    date, day, month, year = birthday_from_parts(r.get("bday_day"), r.get("bday_month"), r.get("bday_year"))
    if day is None or month is None:
        return None
    return date.isoformat() if date else f"{year or 0:04d}-{month:02d}-{day:02d}"


def _bday(r: Row) -> object:
    return birthday_from_parts(r.get("bday_day"), r.get("bday_month"), r.get("bday_year"))[0]


def _guest_name(r: Row) -> str | None:
    return nonempty(r.get("author_name")) if not id_of(r.get("author_id")) else None


def _conv(col: str) -> f.Getter:
    return lambda r: "m" + (text_of(r.get(col)) or "")


_sig = f.markup("signature", "html")
_post = f.markup("post", "html")
_msg = f.markup("msg_post", "html")

MEMBERS = TableMap(
    suffix="core_members", key=("member_id",), requires=frozenset({"member_id", "name", "email", "joined"}),
    emits=(
        Emit("accounts", {
            "account_id": f.ident_keep_zero("member_id"), "username": f.html("name"), "email": f.opt_text("email"),
            "registered_at": f.unix("joined"), "registration_ip": f.ip("ip_address"),
            "last_visit_at": f.unix("last_visit"), "birthday_raw": _bday_raw, "birth_date": _bday,
            "timezone": f.opt_text("timezone"), "signature_text": lambda r: _sig(r).text or None,
            "group_id": f.ident("member_group_id"), "rank_title": f.opt_html("member_title"),
            "post_count": f.integer("member_posts"), "user_type": f.const("member"), "is_guest": f.const(False),
            "is_bot": f.const(False), "is_staff": f.const(False),
            "is_banned": lambda r: (int_of(r.get("temp_ban")) or 0) != 0, "is_inactive": f.const(False),
            "is_deleted": f.const(False),
        }),
        Emit("ip_events", {"account_id": f.ident_keep_zero("member_id"), "ip": f.ip("ip_address"),
                           "seen_at": f.unix("joined"), "kind": f.const("registration"),
                           "ref_id": f.ident_keep_zero("member_id")},
             when=lambda r: f.ip("ip_address")(r) is not None),
    ),
)

PFIELDS = TableMap(
    suffix="core_pfields_content", key=("member_id",), requires=frozenset({"member_id"}),
    emits=(Emit("profile_fields", {}, many=f.named_fields({}, "member_id", only=False)),), primary="profile_fields",
)

LANG_WORDS = TableMap(
    suffix="core_sys_lang_words", key=("word_id",), requires=frozenset({"word_id", "word_key", "word_default"}),
    emits=(Emit("forum_config", {"name": lambda r: "lang:" + (text_of(r.get("word_key")) or ""),
                                 "value": lambda r: nonempty(r.get("word_custom")) or text_of(r.get("word_default"))},
                when=lambda r: (text_of(r.get("word_key")) or "").startswith(
                    ("core_group_", "forums_forum_", "core_pfield_"))),),
)

GROUPS = TableMap(
    suffix="core_groups", key=("g_id",), requires=frozenset({"g_id"}),
    emits=(Emit("groups", {"group_id": f.ident("g_id"), "name": f.const(None),
                           "kind": lambda r: "staff" if int_of(r.get("g_access_cp")) == 1 else "group"}),),
)

FORUMS = TableMap(
    suffix="forums_forums", key=("id",), requires=frozenset({"id", "parent_id"}),
    emits=(Emit("forums", {"forum_id": f.ident("id"), "parent_id": lambda r: id_of(r.get("parent_id"))
                           if (int_of(r.get("parent_id")) or 0) > 0 else None, "name": f.opt_text("name_seo"),
                           "kind": f.const("forum")}),),
)

TOPICS = TableMap(
    suffix="forums_topics", key=("tid",), requires=frozenset({"tid", "title", "forum_id", "starter_id", "start_date"}),
    emits=(Emit("threads", {"thread_id": f.ident("tid"), "forum_id": f.ident("forum_id"), "title": f.html("title"),
                            "account_id": f.ident_keep_zero("starter_id"), "created_at": f.unix("start_date"),
                            "first_post_id": f.ident("topic_firstpost"), "kind": f.const("regular"),
                            "is_deleted": lambda r: (int_of(r.get("approved")) or 0) == -2}),),
)

POSTS = TableMap(
    suffix="forums_posts", key=("pid",), requires=frozenset({"pid", "topic_id", "author_id", "post_date", "post"}),
    emits=(
        Emit("posts", {"post_id": f.ident("pid"), "thread_id": f.ident("topic_id"),
                       "account_id": f.ident_keep_zero("author_id"),
                       "guest_name": _guest_name,
                       "posted_at": f.unix("post_date"), "ip": f.ip("ip_address"), "body_raw": "post",
                       "body_text": f.body_text(_post), "markup": f.const("html"),
                       "is_deleted": lambda r: (int_of(r.get("queued")) or 0) in (-1, 2)}),
        Emit("ip_events", {"account_id": f.ident_keep_zero("author_id"), "ip": f.ip("ip_address"),
                           "seen_at": f.unix("post_date"), "kind": f.const("post"), "ref_id": f.ident("pid")},
             when=lambda r: f.ip("ip_address")(r) is not None),
        Emit("quotes", {}, many=f.quotes_of(_post, "post", "pid")),
    ),
)

MSG_TOPICS = TableMap(
    suffix="core_message_topics", key=("mt_id",), requires=frozenset({"mt_id", "mt_title", "mt_starter_id", "mt_date"}),
    emits=(Emit("threads", {"thread_id": _conv("mt_id"), "title": f.html("mt_title"),
                            "account_id": f.ident_keep_zero("mt_starter_id"), "created_at": f.unix("mt_date"),
                            "first_post_id": f.ident("mt_first_msg_id"), "kind": f.const("conversation"),
                            "is_deleted": f.const(False)}),),
)

MSG_POSTS = TableMap(
    suffix="core_message_posts", key=("msg_id",),
    requires=frozenset({"msg_id", "msg_topic_id", "msg_date", "msg_post", "msg_author_id"}),
    emits=(
        Emit("messages", {"message_id": f.ident("msg_id"), "sender_account_id": f.ident_keep_zero("msg_author_id"),
                          "sent_at": f.unix("msg_date"), "ip": f.ip("msg_ip_address"), "body_raw": "msg_post",
                          "body_text": f.body_text(_msg), "markup": f.const("html"), "thread_id": _conv("msg_topic_id"),
                          "is_deleted": f.const(False)}),
        Emit("ip_events", {"account_id": f.ident_keep_zero("msg_author_id"), "ip": f.ip("msg_ip_address"),
                           "seen_at": f.unix("msg_date"), "kind": f.const("message"), "ref_id": f.ident("msg_id")},
             when=lambda r: f.ip("msg_ip_address")(r) is not None),
        Emit("quotes", {}, many=f.quotes_of(_msg, "message", "msg_id")),
    ),
)

MSG_MAP = TableMap(
    suffix="core_message_topic_user_map", key=("map_id",),
    requires=frozenset({"map_id", "map_user_id", "map_topic_id"}),
    emits=(Emit("thread_participants", {"thread_id": _conv("map_topic_id"),
                                        "account_id": f.ident_keep_zero("map_user_id")}),),
)

KNOWN_IPS = TableMap(
    suffix="core_members_known_ip_addresses", key=("member_id", "ip_address"),
    requires=frozenset({"member_id", "ip_address", "last_seen"}),
    emits=(Emit("ip_events", {"account_id": f.ident_keep_zero("member_id"), "ip": f.ip("ip_address"),
                              "seen_at": f.unix("last_seen"), "kind": f.const("known_ip")}),),
)

BANFILTERS = TableMap(
    suffix="core_banfilters", key=("ban_id",), requires=frozenset({"ban_id", "ban_type", "ban_content"}),
    emits=(Emit("bans", {"ban_id": f.ident("ban_id"),
                         "ip": lambda r: f.opt_text("ban_content")(r) if text_of(r.get("ban_type")) == "ip" else None,
                         "email": lambda r: f.opt_text("ban_content")(r) if text_of(r.get("ban_type")) == "email"
                         else None, "reason": f.opt_text("ban_reason"), "banned_at": f.unix("ban_date")}),),
)

ATTACHMENTS = TableMap(
    suffix="core_attachments", key=("attach_id",), requires=frozenset({"attach_id", "attach_file", "attach_member_id"}),
    emits=(Emit("attachments", {"attachment_id": f.ident("attach_id"),
                                "account_id": f.ident_keep_zero("attach_member_id"),
                                "filename": f.text("attach_file"), "stored_name": f.opt_text("attach_location"),
                                "extension": f.opt_text("attach_ext"), "filesize": f.integer("attach_filesize"),
                                "created_at": f.unix("attach_date")}),),
)


def detect_version(prefix: str, defs: Mapping[str, TableDef]) -> str:
    return "4.x" if prefix + "core_members_known_ip_addresses" in defs else "4.x (early)"


FINALIZE = (
    """UPDATE groups SET name = c.value FROM forum_config c WHERE groups.source_id = ?
       AND c.source_id = groups.source_id AND c.name = 'lang:core_group_' || groups.group_id""",
    """UPDATE forums SET name = c.value FROM forum_config c WHERE forums.source_id = ?
       AND c.source_id = forums.source_id AND c.name = 'lang:forums_forum_' || forums.forum_id""",
    """UPDATE profile_fields SET field = coalesce((SELECT lower(c.value) FROM forum_config c
       WHERE c.source_id = profile_fields.source_id
       AND c.name = 'lang:core_pfield_' || substr(profile_fields.field, 7)),
       profile_fields.field) WHERE source_id = ? AND field LIKE 'field\\_%' ESCAPE '\\'""",
    """UPDATE accounts SET group_name = g.name, is_staff = (g.kind = 'staff') FROM groups g
       WHERE accounts.source_id = ? AND g.source_id = accounts.source_id AND g.group_id = accounts.group_id""",
    """UPDATE accounts SET location = p.value FROM profile_fields p WHERE accounts.source_id = ?
       AND p.source_id = accounts.source_id AND p.account_id = accounts.account_id AND p.field = 'location'""",
    """UPDATE posts SET forum_id = t.forum_id FROM threads t WHERE posts.source_id = ?
       AND t.source_id = posts.source_id AND t.thread_id = posts.thread_id""",
    """UPDATE messages SET subject = t.title FROM threads t WHERE messages.source_id = ?
       AND t.source_id = messages.source_id AND t.thread_id = messages.thread_id""",
    """INSERT INTO message_recipients SELECT m.source_id, m.message_id, p.account_id, 'to', NULL, FALSE,
       p.prov_table, p.prov_key, p.prov_offset, p.prov_line
       FROM messages m JOIN thread_participants p ON p.source_id = m.source_id AND p.thread_id = m.thread_id
       WHERE m.source_id = ? AND p.account_id <> m.sender_account_id""",
)

ADAPTER = Adapter(
    software="invision",
    signature=frozenset({"core_members", "forums_posts", "forums_topics", "forums_forums", "core_message_posts",
                         "core_message_topics", "core_groups"}),
    tables=(MEMBERS, PFIELDS, LANG_WORDS, GROUPS, FORUMS, TOPICS, POSTS, MSG_TOPICS, MSG_POSTS, MSG_MAP, KNOWN_IPS,
            BANFILTERS, ATTACHMENTS),
    detect_version=detect_version,
    finalize_sql=FINALIZE,
    markup="html",
    birthday_style="iso",
)
