"""Simple Machines Forum 2.0 / 2.1 (facts: shared/reference/forum-schemas.md).

SMF topics carry no title: a thread's title is the subject of its first message. 2.1 keeps
profile fields (location, ICQ, Skype…) as ``themes`` rows with ``cust_*`` variables; other
theme rows are display settings, counted as mapped without producing evidence.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from rescue.adapters import fields as f
from rescue.adapters.base import Adapter, Emit, Row, TableMap, id_of, int_of, nonempty, text_of
from rescue.readers.base import TableDef
from rescue.text.ips import ip_from_octets
from rescue.text.times import php_unserialize

PROFILE_20 = {"location": "location", "icq": "icq", "aim": "aim", "yim": "yim", "msn": "msn"}
THEME_FIELDS = {"cust_loca": "location", "cust_icq": "icq", "cust_skype": "skype", "cust_gender": "gender",
                "cust_aim": "aim", "cust_yim": "yim", "cust_msn": "msn"}

_bday_raw, _bday = f.birthday("birthdate", "smf")
_body = f.markup("body", "bbcode")
_sig = f.markup("signature", "bbcode")


def _activation(r: Row) -> int:
    return int_of(r.get("is_activated")) or 0


def _timezone(r: Row) -> str | None:
    return nonempty(r.get("timezone")) or f.hours_offset("time_offset")(r)


def _theme_fields(r: Row) -> Iterator[Mapping[str, Any]]:
    var = text_of(r.get("variable")) or ""
    member = id_of(r.get("id_member"))
    value = nonempty(r.get("value"))
    if member and value and var.startswith("cust_"):
        yield {"account_id": member, "field": THEME_FIELDS.get(var, var.removeprefix("cust_")), "value": value}


def _guest_name(r: Row) -> str | None:
    return nonempty(r.get("poster_name")) if not id_of(r.get("id_member")) else None


def _log_target(r: Row) -> str | None:
    """The member a logged action is about: ``member_affected`` / ``member`` in ``extra`` (2.1 JSON, 2.0
    PHP-serialized)."""
    raw = text_of(r.get("extra")) or ""
    if "member" not in raw:
        return None
    try:
        data = json.loads(raw) if raw.startswith("{") else php_unserialize(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return id_of(data.get("member_affected", data.get("member")))


def _ban_ip(r: Row) -> str | None:
    if "ip_low" in r:  # 2.1: packed
        low, high = f.ip("ip_low")(r), f.ip("ip_high")(r)
    else:  # 2.0: per-octet columns
        low = ip_from_octets(*(int_of(r.get(f"ip_low{i}")) or 0 for i in range(1, 5)))
        high = ip_from_octets(*(int_of(r.get(f"ip_high{i}")) or 0 for i in range(1, 5)))
    if low is None or low in ("0.0.0.0", "::"):
        return None
    return low if low == high else f"{low}-{high}"


MEMBERS = TableMap(
    suffix="members", key=("id_member",),
    requires=frozenset({"id_member", "member_name", "email_address", "date_registered", "id_group"}),
    emits=(
        Emit("accounts", {
            "account_id": f.ident_keep_zero("id_member"), "username": f.html("real_name"),
            "username_clean": f.html("member_name"), "email": f.opt_text("email_address"),
            "registered_at": f.unix("date_registered"), "registration_ip": f.ip("member_ip"),
            "last_visit_at": f.unix("last_login"), "birthday_raw": _bday_raw, "birth_date": _bday,
            "location": f.opt_html("location"), "timezone": _timezone, "language": f.opt_text("lngfile"),
            "website": f.opt_text("website_url"), "signature_text": lambda r: _sig(r).text or None,
            "group_id": f.ident("id_group"), "rank_title": f.opt_html("usertitle"),
            "post_count": f.integer("posts"), "user_type": lambda r: f"activation:{_activation(r)}",
            "is_guest": f.const(False), "is_bot": f.const(False), "is_staff": f.const(False),
            "is_banned": lambda r: _activation(r) >= 10, "is_inactive": lambda r: _activation(r) % 10 != 1,
            "is_deleted": f.const(False),
        }),
        Emit("ip_events", {"account_id": f.ident_keep_zero("id_member"), "ip": f.ip("member_ip"),
                           "seen_at": f.unix("date_registered"), "kind": f.const("registration"),
                           "ref_id": f.ident_keep_zero("id_member")},
             when=lambda r: f.ip("member_ip")(r) is not None),
        Emit("ip_events", {"account_id": f.ident_keep_zero("id_member"), "ip": f.ip("member_ip2"),
                           "seen_at": f.unix("last_login"), "kind": f.const("last"),
                           "ref_id": f.ident_keep_zero("id_member")},
             when=lambda r: f.ip("member_ip2")(r) not in (None, f.ip("member_ip")(r))),
        Emit("profile_fields", {}, many=f.named_fields(PROFILE_20, "id_member")),
    ),
)

THEMES = TableMap(
    suffix="themes", key=("id_member", "id_theme", "variable"), requires=frozenset({"id_member", "variable", "value"}),
    emits=(Emit("profile_fields", {}, many=_theme_fields),),
)

MEMBERGROUPS = TableMap(
    suffix="membergroups", key=("id_group",), requires=frozenset({"id_group", "group_name"}),
    emits=(Emit("groups", {"group_id": f.ident("id_group"), "name": f.html("group_name"),
                           "kind": lambda r: "post-count" if (int_of(r.get("min_posts")) or 0) >= 0 else "regular"}),),
)

CATEGORIES = TableMap(
    suffix="categories", key=("id_cat",), requires=frozenset({"id_cat", "name"}),
    emits=(Emit("forums", {"forum_id": lambda r: "c" + (text_of(r.get("id_cat")) or ""), "parent_id": f.const(None),
                           "name": f.html("name"), "description": f.opt_html("description"),
                           "kind": f.const("category")}),),
)

BOARDS = TableMap(
    suffix="boards", key=("id_board",), requires=frozenset({"id_board", "id_cat", "id_parent", "name"}),
    emits=(Emit("forums", {"forum_id": f.ident("id_board"),
                           "parent_id": lambda r: id_of(r.get("id_parent")) or "c" + (text_of(r.get("id_cat")) or ""),
                           "name": f.html("name"), "description": f.opt_html("description"),
                           "kind": f.const("forum")}),),
)

TOPICS = TableMap(
    suffix="topics", key=("id_topic",),
    requires=frozenset({"id_topic", "id_board", "id_first_msg", "id_member_started"}),
    emits=(Emit("threads", {"thread_id": f.ident("id_topic"), "forum_id": f.ident("id_board"),
                            "account_id": f.ident_keep_zero("id_member_started"),
                            "first_post_id": f.ident("id_first_msg"), "is_deleted": f.const(False)}),),
)

MESSAGES = TableMap(
    suffix="messages", key=("id_msg",), requires=frozenset({"id_msg", "id_topic", "id_member", "poster_time", "body"}),
    emits=(
        Emit("posts", {"post_id": f.ident("id_msg"), "thread_id": f.ident("id_topic"), "forum_id": f.ident("id_board"),
                       "account_id": f.ident_keep_zero("id_member"),
                       "guest_name": _guest_name,
                       "posted_at": f.unix("poster_time"), "ip": f.ip("poster_ip"), "subject": f.html("subject"),
                       "body_raw": "body", "body_text": f.body_text(_body), "markup": f.const("smf"),
                       "is_deleted": f.const(False)}),
        Emit("ip_events", {"account_id": f.ident_keep_zero("id_member"), "ip": f.ip("poster_ip"),
                           "seen_at": f.unix("poster_time"), "kind": f.const("post"), "ref_id": f.ident("id_msg")},
             when=lambda r: f.ip("poster_ip")(r) is not None),
        Emit("quotes", {}, many=f.quotes_of(_body, "post", "id_msg")),
    ),
)

PERSONAL_MESSAGES = TableMap(
    suffix="personal_messages", key=("id_pm",), requires=frozenset({"id_pm", "id_member_from", "msgtime", "body"}),
    emits=(
        Emit("messages", {"message_id": f.ident("id_pm"), "sender_account_id": f.ident_keep_zero("id_member_from"),
                          "sent_at": f.unix("msgtime"), "ip": f.const(None), "subject": f.html("subject"),
                          "body_raw": "body", "body_text": f.body_text(_body), "markup": f.const("smf"),
                          "is_deleted": lambda r: int_of(r.get("deleted_by_sender")) == 1}),
        Emit("quotes", {}, many=f.quotes_of(_body, "message", "id_pm")),
    ),
)

PM_RECIPIENTS = TableMap(
    suffix="pm_recipients", key=("id_pm", "id_member"), requires=frozenset({"id_pm", "id_member", "bcc"}),
    emits=(Emit("message_recipients", {
        "message_id": f.ident("id_pm"), "account_id": f.ident_keep_zero("id_member"),
        "kind": lambda r: "bcc" if int_of(r.get("bcc")) else "to",
        "folder": lambda r: "inbox" if int_of(r.get("in_inbox")) != 0 else "label",
        "is_deleted": lambda r: int_of(r.get("deleted")) == 1}),),
)

LOG_ACTIONS = TableMap(
    suffix="log_actions", key=("id_action",),
    requires=frozenset({"id_action", "log_time", "id_member", "ip", "action"}),
    emits=(
        Emit("moderation_log", {"log_id": f.ident("id_action"), "account_id": f.ident_keep_zero("id_member"),
                                "kind": lambda r: {1: "moderator", 2: "user", 3: "admin"}.get(
                                    int_of(r.get("id_log")) or 0, "other"),
                                "ip": f.ip("ip"), "logged_at": f.unix("log_time"), "operation": f.text("action"),
                                "data": f.opt_text("extra"), "forum_id": f.ident("id_board"),
                                "thread_id": f.ident("id_topic"), "target_account_id": _log_target}),
        Emit("ip_events", {"account_id": f.ident_keep_zero("id_member"), "ip": f.ip("ip"),
                           "seen_at": f.unix("log_time"), "kind": f.const("log"), "ref_id": f.ident("id_action")},
             when=lambda r: f.ip("ip")(r) is not None),
    ),
)

MEMBER_LOGINS = TableMap(
    suffix="member_logins", key=("id_login",), requires=frozenset({"id_login", "id_member", "time", "ip"}),
    emits=(Emit("ip_events", {"account_id": f.ident_keep_zero("id_member"), "ip": f.ip("ip"), "seen_at": f.unix("time"),
                              "kind": f.const("login"), "ref_id": f.ident("id_login")}),),
)

LOG_ONLINE = TableMap(
    suffix="log_online", key=("session",), requires=frozenset({"session", "log_time", "id_member", "ip"}),
    emits=(Emit("ip_events", {"account_id": f.ident_keep_zero("id_member"), "ip": f.ip("ip"),
                              "seen_at": f.unix("log_time"), "kind": f.const("session"),
                              "ref_id": f.text("session")}),),
)

BAN_ITEMS = TableMap(
    suffix="ban_items", key=("id_ban",), requires=frozenset({"id_ban", "id_ban_group", "email_address", "id_member"}),
    emits=(Emit("bans", {"ban_id": f.ident("id_ban"), "account_id": f.ident("id_member"), "ip": _ban_ip,
                         "email": f.opt_text("email_address"), "reason": lambda r: "group:" + (
                             text_of(r.get("id_ban_group")) or "")}),),
)

BAN_GROUPS = TableMap(
    suffix="ban_groups", key=("id_ban_group",), requires=frozenset({"id_ban_group", "name", "ban_time"}),
    emits=(Emit("moderation_log", {"log_id": lambda r: "ban_group:" + (text_of(r.get("id_ban_group")) or ""),
                                   "kind": f.const("ban_group"), "logged_at": f.unix("ban_time"),
                                   "operation": f.html("name"), "data": f.opt_html("reason")}),),
)

ATTACHMENTS = TableMap(
    suffix="attachments", key=("id_attach",), requires=frozenset({"id_attach", "id_msg", "id_member", "filename"}),
    emits=(Emit("attachments", {
        "attachment_id": f.ident("id_attach"), "account_id": f.ident("id_member"), "post_id": f.ident("id_msg"),
        "message_id": f.const(None), "filename": f.html("filename"),
        "stored_name": lambda r: f"{text_of(r.get('id_attach'))}_{text_of(r.get('file_hash'))}.dat"
        if nonempty(r.get("file_hash")) else None,
        "extension": f.opt_text("fileext"), "mimetype": f.opt_text("mime_type"), "filesize": f.integer("size"),
        "created_at": f.const(None), "sha256": f.const(None)}),),
)


def detect_version(prefix: str, defs: Mapping[str, TableDef]) -> str:
    members = defs.get(prefix + "members")
    cols = set(members.column_names) if members else set()
    if "icq" in cols or "location" in cols:
        return "2.0"
    return "2.1" if "tfa_secret" in cols or "timezone" in cols else "2.x"


FINALIZE = (
    """UPDATE threads SET title = p.subject, created_at = p.posted_at FROM posts p WHERE threads.source_id = ?
       AND p.source_id = threads.source_id AND p.post_id = threads.first_post_id""",
    """UPDATE attachments SET account_id = p.account_id FROM posts p WHERE attachments.source_id = ?
       AND p.source_id = attachments.source_id AND p.post_id = attachments.post_id
       AND attachments.account_id IS NULL""",
    """UPDATE accounts SET group_name = g.name FROM groups g
       WHERE accounts.source_id = ? AND g.source_id = accounts.source_id AND g.group_id = accounts.group_id""",
    """UPDATE accounts SET is_staff = TRUE WHERE source_id = ? AND group_id IN ('1', '2')""",
    """UPDATE accounts SET is_banned = TRUE WHERE source_id = ? AND account_id IN
       (SELECT account_id FROM bans WHERE bans.source_id = accounts.source_id AND account_id IS NOT NULL)""",
    """UPDATE accounts SET location = p.value FROM profile_fields p WHERE accounts.source_id = ?
       AND p.source_id = accounts.source_id AND p.account_id = accounts.account_id AND p.field = 'location'
       AND accounts.location IS NULL""",
)

ADAPTER = Adapter(
    software="smf",
    signature=frozenset({"members", "messages", "topics", "boards", "personal_messages", "pm_recipients",
                         "membergroups"}),
    tables=(MEMBERS, THEMES, MEMBERGROUPS, CATEGORIES, BOARDS, TOPICS, MESSAGES, PERSONAL_MESSAGES, PM_RECIPIENTS,
            LOG_ACTIONS, MEMBER_LOGINS, LOG_ONLINE, BAN_ITEMS, BAN_GROUPS, ATTACHMENTS),
    detect_version=detect_version,
    finalize_sql=FINALIZE,
    markup="smf",
    birthday_style="smf",
)
