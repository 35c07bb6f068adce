"""One person's file from the analytic store: accounts, selectors with their source rows, evidence,
risk, timeline, contacts and same-person links (as graph JSON), and media placeholders.

Every function takes the viewer's scope: persons outside it never appear by id or name (a contact
outside a liaison officer's scope is counted, not named).
"""

from __future__ import annotations

import html
from typing import Any

from rescue.web.store import Store, _rows

MAX_SELECTORS = 500
MAX_ITEMS = 200


def account_keys(store: Store, pid: str) -> list[tuple[str, str]]:
    cur = store.cursor()
    cur.execute("SELECT source_id, account_id FROM person_accounts WHERE person_id = ? ORDER BY 1, 2", [pid])
    return [(str(s), str(a)) for s, a in cur.fetchall()]


def _match(keys: list[tuple[str, str]], alias: str, column: str = "account_id") -> tuple[str, list[Any]]:
    """A WHERE condition selecting the rows of these accounts, written with constants so that DuckDB pushes it
    into the table scan (a join with a CTE of the accounts would read the whole table)."""
    if not keys:
        return "FALSE", []
    by_source: dict[str, list[str]] = {}
    for source_id, account_id in keys:
        by_source.setdefault(source_id, []).append(account_id)
    parts, params = [], []
    for source_id, ids in by_source.items():
        parts.append(f"({alias}.source_id = ? AND {alias}.{column} IN ({', '.join('?' * len(ids))}))")
        params += [source_id, *ids]
    return "(" + " OR ".join(parts) + ")", params


def person(store: Store, pid: str) -> dict[str, Any] | None:
    cur = store.cursor()
    cur.execute("SELECT * FROM memory.suspects WHERE person_id = ?", [pid])
    rows = _rows(cur)
    if not rows:
        return None
    out = rows[0]
    if store.has("persons"):
        cur.execute("SELECT method, sources, selector_count, countries_seen, first_activity FROM persons "
                    "WHERE person_id = ?", [pid])
        extra = _rows(cur)
        if extra:
            out.update(extra[0])
    if store.has("attribution"):
        cur.execute("SELECT reason, support, against, share, evidence_types FROM attribution WHERE person_id = ?",
                    [pid])
        extra = _rows(cur)
        if extra:
            out.update({f"attribution_{k}": v for k, v in extra[0].items()})
    return out


def accounts(store: Store, pid: str) -> list[dict[str, Any]]:
    cur = store.cursor()
    cur.execute("SELECT source_id, account_id, method, link_confidence FROM person_accounts WHERE person_id = ?",
                [pid])
    links = {(s, a): (m, c) for s, a, m, c in cur.fetchall()}
    cond, params = _match(list(links), "a")
    cur.execute(f"""SELECT a.source_id, a.account_id, a.username, a.email, a.registered_at, a.last_visit_at,
                           a.post_count, a.group_name, a.location, a.occupation, a.is_staff, a.is_banned,
                           a.prov_table, a.prov_key
                    FROM accounts a WHERE {cond} ORDER BY a.source_id, a.account_id""", params)
    rows = _rows(cur)
    for r in rows:
        r["method"], r["link_confidence"] = links.get((r["source_id"], r["account_id"]), (None, None))
    return rows


def selectors(store: Store, pid: str) -> list[dict[str, Any]]:
    if not store.has("selectors"):
        return []
    cur = store.cursor()
    cond, params = _match(account_keys(store, pid), "s")
    cur.execute(f"""SELECT s.kind, s.value, s.source_id, s.account_id, s.origin, s.origin_id, s.field, s.in_quote,
                           s.obfuscated, s.detail, s.prov_table, s.prov_key, s.prov_offset, s.prov_line
                    FROM selectors s WHERE {cond}
                    ORDER BY s.kind, s.value, s.origin, s.origin_id LIMIT {MAX_SELECTORS}""", params)
    return _rows(cur)


def evidence(store: Store, pid: str) -> list[dict[str, Any]]:
    if not store.has("attribution_evidence"):
        return []
    cur = store.cursor()
    cur.execute("""SELECT country, countries, evidence_type, weight, strength, grade, stance, detail, origin,
                          origin_id, source_id, account_id, prov_table, prov_key, first_seen, last_seen
                   FROM attribution_evidence WHERE person_id = ? ORDER BY weight DESC, evidence_type
                   LIMIT 300""", [pid])
    return _rows(cur)


def risk(store: Store, pid: str) -> dict[str, list[dict[str, Any]]]:
    cur = store.cursor()
    out: dict[str, list[dict[str, Any]]] = {"indicators": [], "evidence": []}
    if store.has("risk_indicators"):
        cur.execute("SELECT indicator, class, value, points, items, label FROM risk_indicators "
                    "WHERE person_id = ? ORDER BY points DESC", [pid])
        out["indicators"] = _rows(cur)
    if store.has("risk_evidence"):
        cur.execute("""SELECT indicator, seq, weight, snippet, detail, source_table, origin_id, field, source_id,
                              account_id, prov_table, prov_key FROM risk_evidence
                       WHERE person_id = ? ORDER BY indicator, seq LIMIT 200""", [pid])
        rows = _rows(cur)
        for r in rows:  # stored HTML-escaped; the templates escape again, so give them the plain text
            r["snippet"] = html.unescape(r["snippet"] or "")
        out["evidence"] = rows
    return out


def timeline(store: Store, pid: str) -> dict[str, Any]:
    """Activity per month and the latest posts and messages (dates, places, excerpts)."""
    cur = store.cursor()
    cur.execute("SELECT month, post, message FROM memory.activity WHERE person_id = ? ORDER BY month", [pid])
    months = {m: {"month": m, "post": int(p), "message": int(n)} for m, p, n in cur.fetchall()}
    keys = account_keys(store, pid)
    pcond, pparams = _match(keys, "p")
    mcond, mparams = _match(keys, "m", "sender_account_id")
    cur.execute(f"""
        SELECT * FROM (
          SELECT 'posts' AS origin, p.source_id, p.post_id AS item_id, p.posted_at AS "at", p.subject,
                 p.thread_id, left(p.body_text, 160) AS excerpt
          FROM posts p WHERE {pcond}
          UNION ALL
          SELECT 'messages', m.source_id, m.message_id, m.sent_at, m.subject, NULL, left(m.body_text, 160)
          FROM messages m WHERE {mcond})
        ORDER BY "at" DESC NULLS LAST LIMIT {MAX_ITEMS}""", [*pparams, *mparams])
    items = _rows(cur)
    threads = sorted({(r["source_id"], r["thread_id"]) for r in items if r["thread_id"] is not None})
    titles: dict[tuple[str, str], str] = {}
    if threads and store.has("threads"):
        tcond, tparams = _match(threads, "t", "thread_id")
        cur.execute(f"SELECT source_id, thread_id, title FROM threads t WHERE {tcond}", tparams)
        titles = {(s, t): title for s, t, title in cur.fetchall()}
    for r in items:
        thread = r.pop("thread_id")
        r["place"] = titles.get((r["source_id"], thread), "") if thread is not None else "private message"
    return {"months": [months[k] for k in sorted(months)], "items": items}


def graph(store: Store, pid: str, scope: frozenset[str] | None) -> dict[str, Any]:
    """Contacts (private messages both ways, between persons) and same-person links (between accounts)."""
    cur = store.cursor()
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, Any]] = []
    me = person(store, pid) or {}
    nodes[pid] = {"id": pid, "kind": "person", "label": me.get("label"), "tier": me.get("tier"),
                  "country": me.get("country"), "focus": True}
    cur.execute("""
        WITH both_ways AS (
          SELECT recipient AS other, n AS sent, 0 AS received FROM memory.contacts WHERE sender = ?
          UNION ALL
          SELECT sender, 0, n FROM memory.contacts WHERE recipient = ?)
        SELECT b.other, s.label, s.tier, s.country, sum(b.sent) AS n_sent, sum(b.received) AS n_received
        FROM both_ways b JOIN memory.suspects s ON s.person_id = b.other
        GROUP BY 1, 2, 3, 4 ORDER BY n_sent + n_received DESC, 1 LIMIT 100""", [pid, pid])
    hidden = 0
    for other, label, tier, country, sent, received in cur.fetchall():
        if scope is not None and other not in scope:
            hidden += 1
            continue
        nodes[other] = {"id": other, "kind": "person", "label": label, "tier": tier, "country": country,
                        "focus": False}
        edges.append({"source": pid, "target": other, "kind": "message", "sent": int(sent),
                      "received": int(received), "weight": int(sent) + int(received)})
    if store.has("person_links"):
        cur.execute("""SELECT source_a, account_a, username_a, person_a, source_b, account_b, username_b, person_b,
                              method, kind, strength, status, score
                       FROM person_links WHERE person_a = ? OR person_b = ? LIMIT 300""", [pid, pid])
        for r in _rows(cur):
            ends = []
            for side in ("a", "b"):
                owner = r[f"person_{side}"]
                if scope is not None and owner not in scope:
                    break
                node_id = f"{r[f'source_{side}']}:{r[f'account_{side}']}"
                nodes.setdefault(node_id, {"id": node_id, "kind": "account", "label": r[f"username_{side}"],
                                           "person": owner, "focus": owner == pid})
                ends.append(node_id)
            else:
                edges.append({"source": ends[0], "target": ends[1], "kind": "same-person", "method": r["method"],
                              "evidence": r["kind"], "strength": r["strength"], "status": r["status"],
                              "score": r["score"]})
                continue
            hidden += 1
    return {"nodes": list(nodes.values()), "edges": edges, "hidden_contacts": hidden}


def media_count(store: Store, pid: str) -> int:
    if not store.has("media_person_links"):
        return 0
    cur = store.cursor()
    row = cur.execute("SELECT count(*) FROM media_person_links WHERE person_id = ?", [pid]).fetchone()
    return int(row[0]) if row else 0


def item(store: Store, pid: str, origin: str, source_id: str, item_id: str) -> dict[str, Any] | None:
    """A post or private message, only when it belongs to the person's file: written by (or sent to) one
    of the person's accounts, or the row one of the person's selectors was read from."""
    if origin not in ("posts", "messages"):
        return None
    cur = store.cursor()
    keys = account_keys(store, pid)
    container = "post" if origin == "posts" else "message"
    checks = []
    params: list[Any] = []
    if store.has("selectors") and keys:
        cond, cparams = _match(keys, "s")
        checks.append(f"""SELECT 1 FROM selectors s WHERE {cond} AND s.source_id = ?
            AND ((s.origin = ? AND s.origin_id = ?) OR (s.origin = 'quotes' AND s.origin_id LIKE ?))""")
        params += [*cparams, source_id, origin, item_id, f"{container}:{item_id}#%"]
    if store.has("risk_evidence"):
        checks.append("SELECT 1 FROM risk_evidence WHERE person_id = ? AND source_id = ? AND source_table = ? "
                      "AND origin_id = ?")
        params += [pid, source_id, origin, item_id]
    linked = bool(checks) and cur.execute(f"{' UNION ALL '.join(checks)} LIMIT 1", params).fetchone() is not None
    if origin == "posts":
        cur.execute("""
            SELECT p.source_id, p.post_id AS item_id, p.posted_at AS "at", p.subject, p.body_text, p.ip,
                   p.account_id AS author_account, p.thread_id, p.prov_table, p.prov_key, p.prov_offset, p.prov_line
            FROM posts p WHERE p.source_id = ? AND p.post_id = ?""", [source_id, item_id])
    else:
        cur.execute("""
            SELECT m.source_id, m.message_id AS item_id, m.sent_at AS "at", m.subject, m.body_text, m.ip,
                   m.sender_account_id AS author_account, NULL AS thread_id, m.prov_table, m.prov_key,
                   m.prov_offset, m.prov_line
            FROM messages m WHERE m.source_id = ? AND m.message_id = ?""", [source_id, item_id])
    rows = _rows(cur)
    if not rows:
        return None
    row = rows[0]
    own = (row["source_id"], row["author_account"]) in keys
    if origin == "messages" and not own and keys:
        cond, rparams = _match(keys, "r")
        own = cur.execute(f"SELECT 1 FROM message_recipients r WHERE {cond} AND r.source_id = ? "
                          "AND r.message_id = ? LIMIT 1", [*rparams, source_id, item_id]).fetchone() is not None
    if not (own or linked):
        return None
    author_account, thread = row.pop("author_account"), row.pop("thread_id")
    found = cur.execute("SELECT username FROM accounts WHERE source_id = ? AND account_id = ?",
                        [source_id, author_account]).fetchone()
    row["author"] = found[0] if found else None
    if thread is None:
        row["place"] = "private message"
    else:
        t = cur.execute("SELECT title FROM threads WHERE source_id = ? AND thread_id = ?",
                        [source_id, thread]).fetchone()
        row["place"] = t[0] if t else ""
    return {"origin": origin, **row}


def source_link(origin: str | None, origin_id: str | None) -> tuple[str, str] | None:
    """The post or message a finding was read from: ``(origin, item_id)``, or None for other rows."""
    if not origin or not origin_id:
        return None
    if origin in ("posts", "messages"):
        return origin, origin_id
    if origin == "quotes" and ":" in origin_id:
        container, _, rest = origin_id.partition(":")
        item_id = rest.split("#", 1)[0]
        if container in ("post", "message") and item_id:
            return f"{container}s", item_id
    return None
