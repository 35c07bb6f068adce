"""Unknown software: map tables by their column names, and say exactly what was mapped.

The generic adapter never guesses silently. A table is mapped only when its columns name
every role a canonical table needs (an account table needs an id, a user name and an e-mail
column; a post table an id, an author, a time and a body…); every mapped column and the rule
that matched it is written to ``mapping_report``, and every table left unmapped is listed
with the roles it lacked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from rescue.adapters import fields as f
from rescue.adapters.base import Adapter, Emit, Recognition, TableMap
from rescue.readers.base import TableDef

# role → column names that fill it, in order of preference
ROLES: dict[str, tuple[str, ...]] = {
    "user_id": ("user_id", "userid", "uid", "id_member", "member_id", "poster_id", "author_id", "id"),
    "username": ("username", "user_name", "member_name", "login", "name", "real_name"),
    "email": ("email", "user_email", "email_address", "mail"),
    "registered": ("user_regdate", "regdate", "joindate", "joined", "register_date", "date_registered",
                   "created_at", "created"),
    "ip": ("ip", "ip_address", "ipaddress", "user_ip", "poster_ip", "regip", "member_ip", "client_ip",
           "author_ip", "session_ip", "log_ip", "registration_ip_address", "host"),
    "post_id": ("post_id", "postid", "pid", "id_msg", "msg_id", "id"),
    "thread_id": ("topic_id", "thread_id", "threadid", "tid", "id_topic"),
    "author": ("poster_id", "author_id", "user_id", "userid", "uid", "id_member", "member_id"),
    "time": ("post_time", "dateline", "post_date", "poster_time", "created_at", "message_time", "msgtime",
             "log_time", "time", "date", "timestamp"),
    "body": ("post_text", "pagetext", "message", "body", "post", "raw", "content", "text", "message_text"),
}
TIME_TYPES = ("timestamp", "datetime", "date")


@dataclass(frozen=True)
class GenericTable:
    table: str
    canonical: str
    columns: dict[str, str]  # role → source column


def _find(cols: list[str], role: str, taken: set[str]) -> str | None:
    for name in ROLES[role]:
        if name in cols and name not in taken:
            return name
    return None


def _roles(tdef: TableDef, wanted: tuple[str, ...]) -> dict[str, str] | None:
    cols = [c.lower() for c in tdef.column_names]
    got: dict[str, str] = {}
    for role in wanted:
        col = _find(cols, role, set(got.values()))
        if col is None:
            return None
        got[role] = tdef.column_names[cols.index(col)]
    return got


def _time(tdef: TableDef, col: str) -> f.Getter:
    types = {c.name: c.sql_type for c in tdef.columns}
    return f.timestamp(col) if types.get(col, "").startswith(TIME_TYPES) else f.unix(col)


def classify(defs: Mapping[str, TableDef]) -> tuple[list[GenericTable], dict[str, str]]:
    """Which table is what, by columns. Returns the mapped tables and, for the rest, why not."""
    mapped: list[GenericTable] = []
    left: dict[str, str] = {}
    for name, tdef in sorted(defs.items()):
        low = name.lower()
        if (roles := _roles(tdef, ("user_id", "username", "email"))) and re.search(r"user|member|account", low):
            mapped.append(GenericTable(name, "accounts", roles))
            ip = _roles(tdef, ("ip",))
            if ip:
                mapped[-1].columns.update(ip)
            reg = _roles(tdef, ("registered",))
            if reg:
                mapped[-1].columns.update(reg)
        elif roles := _roles(tdef, ("post_id", "thread_id", "author", "time", "body")):
            mapped.append(GenericTable(name, "posts", roles))
            ip = _roles(tdef, ("ip",))
            if ip:
                mapped[-1].columns.update(ip)
        elif (roles := _roles(tdef, ("ip", "author", "time"))) is not None:
            mapped.append(GenericTable(name, "ip_events", roles))
        else:
            left[name] = "no account (id, user name, e-mail), post (id, thread, author, time, body) or " \
                         "IP-event (ip, user, time) columns"
    return mapped, left


def build(defs: Mapping[str, TableDef]) -> tuple[Adapter, Recognition, list[GenericTable], dict[str, str]]:
    mapped, left = classify(defs)
    tables: dict[str, TableMap] = {}
    for g in mapped:
        c = g.columns
        tdef = defs[g.table]
        no_value = f.const(None)
        if g.canonical == "accounts":
            emit = Emit("accounts", {"account_id": f.ident_keep_zero(c["user_id"]), "username": f.text(c["username"]),
                                     "email": f.opt_text(c["email"]),
                                     "registered_at": _time(tdef, c["registered"]) if "registered" in c else no_value,
                                     "registration_ip": f.ip(c["ip"]) if "ip" in c else f.const(None),
                                     "is_guest": f.const(False), "is_bot": f.const(False), "is_staff": f.const(False),
                                     "is_banned": f.const(False), "is_inactive": f.const(False),
                                     "is_deleted": f.const(False), "user_type": f.const("generic")})
            key: tuple[str, ...] = (c["user_id"],)
        elif g.canonical == "posts":
            body = f.markup(c["body"], "auto")
            emit = Emit("posts", {"post_id": f.ident(c["post_id"]), "thread_id": f.ident(c["thread_id"]),
                                  "account_id": f.ident_keep_zero(c["author"]), "posted_at": _time(tdef, c["time"]),
                                  "ip": f.ip(c["ip"]) if "ip" in c else f.const(None), "body_raw": c["body"],
                                  "body_text": f.body_text(body), "markup": f.const("auto"),
                                  "is_deleted": f.const(False)})
            key = (c["post_id"],)
        else:
            emit = Emit("ip_events", {"account_id": f.ident_keep_zero(c["author"]), "ip": f.ip(c["ip"]),
                                      "seen_at": _time(tdef, c["time"]), "kind": f.const("generic:" + g.table)})
            key = tuple(tdef.column_names[:1])
        tables[g.table] = TableMap(suffix=g.table, key=key, requires=frozenset(c.values()), emits=(emit,))
    adapter = Adapter(software="generic", signature=frozenset(), tables=tuple(tables.values()),
                      detect_version=lambda prefix, d: "unknown")
    rec = Recognition("generic", "unknown", "", 1.0 if tables else 0.0, tables)
    return adapter, rec, mapped, left
