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


def _accounts_cte() -> str:
    return "WITH acc AS (SELECT source_id, account_id FROM person_accounts WHERE person_id = ?)"


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
    cur.execute(f"""{_accounts_cte()}
        SELECT a.source_id, a.account_id, a.username, a.email, a.registered_at, a.last_visit_at, a.post_count,
               a.group_name, a.location, a.occupation, a.is_staff, a.is_banned, a.prov_table, a.prov_key,
               pa.method, pa.link_confidence
        FROM acc JOIN accounts a USING (source_id, account_id)
        LEFT JOIN person_accounts pa ON pa.person_id = ? AND pa.source_id = a.source_id
             AND pa.account_id = a.account_id
        ORDER BY a.source_id, a.account_id""", [pid, pid])
    return _rows(cur)


def selectors(store: Store, pid: str) -> list[dict[str, Any]]:
    if not store.has("selectors"):
        return []
    cur = store.cursor()
    cur.execute(f"""{_accounts_cte()}
        SELECT s.kind, s.value, s.source_id, s.account_id, s.origin, s.origin_id, s.field, s.in_quote,
               s.obfuscated, s.detail, s.prov_table, s.prov_key, s.prov_offset, s.prov_line
        FROM selectors s JOIN acc USING (source_id, account_id)
        ORDER BY s.kind, s.value, s.origin, s.origin_id LIMIT {MAX_SELECTORS}""", [pid])
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
    cur.execute(f"""{_accounts_cte()}
        SELECT strftime(posted_at, '%Y-%m') AS month, 'post' AS kind, count(*) AS n
        FROM posts p JOIN acc USING (source_id, account_id) WHERE posted_at IS NOT NULL GROUP BY 1
        UNION ALL
        SELECT strftime(sent_at, '%Y-%m'), 'message', count(*)
        FROM messages m JOIN acc ON acc.source_id = m.source_id AND acc.account_id = m.sender_account_id
        WHERE sent_at IS NOT NULL GROUP BY 1
        ORDER BY 1""", [pid])
    months: dict[str, dict[str, Any]] = {}
    for month, kind, n in cur.fetchall():
        months.setdefault(month, {"month": month, "post": 0, "message": 0})[kind] = int(n)
    cur.execute(f"""{_accounts_cte()}
        SELECT * FROM (
          SELECT 'posts' AS origin, p.source_id, p.post_id AS item_id, p.posted_at AS "at", p.subject,
                 t.title AS place, left(p.body_text, 160) AS excerpt
          FROM posts p JOIN acc USING (source_id, account_id)
          LEFT JOIN threads t ON t.source_id = p.source_id AND t.thread_id = p.thread_id
          UNION ALL
          SELECT 'messages', m.source_id, m.message_id, m.sent_at, m.subject, 'private message',
                 left(m.body_text, 160)
          FROM messages m JOIN acc ON acc.source_id = m.source_id AND acc.account_id = m.sender_account_id)
        ORDER BY "at" DESC NULLS LAST LIMIT {MAX_ITEMS}""", [pid])
    return {"months": [months[k] for k in sorted(months)], "items": _rows(cur)}


def graph(store: Store, pid: str, scope: frozenset[str] | None) -> dict[str, Any]:
    """Contacts (private messages both ways, between persons) and same-person links (between accounts)."""
    cur = store.cursor()
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, Any]] = []
    me = person(store, pid) or {}
    nodes[pid] = {"id": pid, "kind": "person", "label": me.get("label"), "tier": me.get("tier"),
                  "country": me.get("country"), "focus": True}
    cur.execute(f"""{_accounts_cte()},
        sent AS (SELECT r.source_id, r.account_id AS other_account, count(*) AS n FROM messages m
                 JOIN acc ON acc.source_id = m.source_id AND acc.account_id = m.sender_account_id
                 JOIN message_recipients r ON r.source_id = m.source_id AND r.message_id = m.message_id
                 GROUP BY 1, 2),
        recv AS (SELECT m.source_id, m.sender_account_id AS other_account, count(*) AS n FROM message_recipients r
                 JOIN acc ON acc.source_id = r.source_id AND acc.account_id = r.account_id
                 JOIN messages m ON m.source_id = r.source_id AND m.message_id = r.message_id
                 GROUP BY 1, 2),
        both_ways AS (SELECT source_id, other_account, n AS sent, 0 AS received FROM sent
                      UNION ALL SELECT source_id, other_account, 0, n FROM recv)
        SELECT pa.person_id, s.label, s.tier, s.country, sum(b.sent) AS n_sent, sum(b.received) AS n_received
        FROM both_ways b JOIN person_accounts pa ON pa.source_id = b.source_id AND pa.account_id = b.other_account
        JOIN memory.suspects s ON s.person_id = pa.person_id
        WHERE pa.person_id <> ?
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
    container = "post" if origin == "posts" else "message"
    checks = []
    params: list[Any] = [pid]
    if store.has("selectors"):
        checks.append("""SELECT 1 FROM selectors s JOIN acc USING (source_id, account_id)
            WHERE s.source_id = ?
              AND ((s.origin = ? AND s.origin_id = ?) OR (s.origin = 'quotes' AND s.origin_id LIKE ?))""")
        params += [source_id, origin, item_id, f"{container}:{item_id}#%"]
    if store.has("risk_evidence"):
        checks.append("SELECT 1 FROM risk_evidence WHERE person_id = ? AND source_id = ? AND source_table = ? "
                      "AND origin_id = ?")
        params += [pid, source_id, origin, item_id]
    linked = bool(checks) and cur.execute(f"{_accounts_cte()} {' UNION ALL '.join(checks)} LIMIT 1",
                                          params).fetchone() is not None
    if origin == "posts":
        cur.execute(f"""{_accounts_cte()}
            SELECT p.source_id, p.post_id AS item_id, p.posted_at AS "at", p.subject, p.body_text, p.ip,
                   a.username AS author, t.title AS place, p.prov_table, p.prov_key, p.prov_offset, p.prov_line,
                   (p.source_id, p.account_id) IN (SELECT (source_id, account_id) FROM acc) AS own
            FROM posts p LEFT JOIN accounts a USING (source_id, account_id)
            LEFT JOIN threads t ON t.source_id = p.source_id AND t.thread_id = p.thread_id
            WHERE p.source_id = ? AND p.post_id = ?""", [pid, source_id, item_id])
    else:
        cur.execute(f"""{_accounts_cte()}
            SELECT m.source_id, m.message_id AS item_id, m.sent_at AS "at", m.subject, m.body_text, m.ip,
                   a.username AS author, 'private message' AS place, m.prov_table, m.prov_key, m.prov_offset,
                   m.prov_line,
                   (m.source_id, m.sender_account_id) IN (SELECT (source_id, account_id) FROM acc)
                   OR EXISTS (SELECT 1 FROM message_recipients r JOIN acc USING (source_id, account_id)
                              WHERE r.source_id = m.source_id AND r.message_id = m.message_id) AS own
            FROM messages m LEFT JOIN accounts a ON a.source_id = m.source_id AND a.account_id = m.sender_account_id
            WHERE m.source_id = ? AND m.message_id = ?""", [pid, source_id, item_id])
    rows = _rows(cur)
    if not rows or not (rows[0].pop("own") or linked):
        return None
    return {"origin": origin, **rows[0]}


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
