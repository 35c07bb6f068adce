"""One person's file from the analytic store: accounts, selectors with their source rows, evidence,
risk, timeline, contacts and same-person links (as graph JSON), and media placeholders.

Every function takes the viewer's scope: persons outside it never appear by id or name (a contact
outside a liaison officer's scope is counted, not named).
"""

from __future__ import annotations

import html
from typing import Any

from rescue.web.search import SearchIndex
from rescue.web.store import Store, _rows

MAX_SELECTORS = 500
MAX_ITEMS = 100


def account_keys(store: Store, pid: str) -> list[tuple[str, str]]:
    if "p_accounts" in store.slices:
        return sorted((str(r["source_id"]), str(r["account_id"])) for r in store.slice("p_accounts", pid))
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
    for extra in store.slice("p_info", pid, limit=1):
        out.update(extra)
    return out


def accounts(store: Store, pid: str) -> list[dict[str, Any]]:
    return store.slice("p_accounts", pid, "source_id, account_id")


def selectors(store: Store, pid: str) -> list[dict[str, Any]]:
    return store.slice("p_selectors", pid, "kind, value, origin, origin_id", MAX_SELECTORS)


def evidence(store: Store, pid: str) -> list[dict[str, Any]]:
    return store.slice("p_evidence", pid, "weight DESC, evidence_type", 300)


def risk(store: Store, pid: str) -> dict[str, list[dict[str, Any]]]:
    rows = store.slice("p_risk_evidence", pid, "indicator, seq", 200)
    for r in rows:  # stored HTML-escaped; the templates escape again, so give them the plain text
        r["snippet"] = html.unescape(r["snippet"] or "")
    return {"indicators": store.slice("p_risk_indicators", pid, "points DESC"), "evidence": rows}


def timeline(store: Store, pid: str, index: SearchIndex | None = None) -> dict[str, Any]:
    """Activity per month and the latest posts and messages (dates, places, excerpts): from the search index
    when there is one, else from the store (a scan of the posts)."""
    cur = store.cursor()
    cur.execute("SELECT month, post, message FROM memory.activity WHERE person_id = ? ORDER BY month", [pid])
    months = {m: {"month": m, "post": int(p), "message": int(n)} for m, p, n in cur.fetchall()}
    keys = account_keys(store, pid)
    if index is not None:
        return {"months": [months[k] for k in sorted(months)], "items": index.items_of(keys, MAX_ITEMS)}
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
    for r in store.slice("p_links", pid, limit=300):
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
    return sum(int(r["items"]) for r in store.slice("p_media", pid, limit=1))


def item(store: Store, pid: str, origin: str, source_id: str, item_id: str) -> dict[str, Any] | None:
    """A post or private message, only when it belongs to the person's file: written by (or sent to) one
    of the person's accounts, or the row one of the person's selectors was read from."""
    if origin not in ("posts", "messages"):
        return None
    cur = store.cursor()
    keys = account_keys(store, pid)
    container = "post" if origin == "posts" else "message"
    linked = any(sel["source_id"] == source_id and (
        (sel["origin"] == origin and sel["origin_id"] == item_id)
        or (sel["origin"] == "quotes" and str(sel["origin_id"]).startswith(f"{container}:{item_id}#")))
        for sel in store.slice("p_selectors", pid, limit=100_000)) or any(
        r["source_id"] == source_id and r["source_table"] == origin and r["origin_id"] == item_id
        for r in store.slice("p_risk_evidence", pid, limit=100_000))
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
