"""Indicators read from the forum's records rather than from words: role, tenure, activity,
attachments, links to file hosts (``selectors``) and hits in other investigations (``xref_hits``).

Every item points at the seized row behind it: the account row (role, tenure, activity), the
attachment row, the post or message holding the link, or the row of ``xref_hits``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

import duckdb

from rescue.analyse import resources
from rescue.risk.config import Indicator, RiskConfig
from rescue.risk.matcher import clean
from rescue.risk.store import Item, columns, tables

_ACCOUNTS = """
WITH p AS (SELECT source_id, account_id, count(*) AS n, max(posted_at) AS last FROM posts GROUP BY ALL),
m AS (SELECT source_id, sender_account_id AS account_id, count(*) AS n, max(sent_at) AS last FROM messages GROUP BY ALL)
SELECT pa.person_id, a.source_id, a.account_id, a.registered_at,
       greatest(coalesce(p.last, m.last, a.last_visit_at), coalesce(m.last, p.last, a.last_visit_at),
                coalesce(a.last_visit_at, p.last, m.last)) AS last_seen,
       coalesce(p.n, 0) AS posts, coalesce(m.n, 0) AS messages, coalesce(a.is_staff, FALSE) AS is_staff,
       a.group_name, a.rank_title, a.prov_table, a.prov_key, a.prov_offset, a.prov_line
FROM person_accounts pa
JOIN accounts a ON a.source_id = pa.source_id AND a.account_id = pa.account_id
LEFT JOIN p ON p.source_id = a.source_id AND p.account_id = a.account_id
LEFT JOIN m ON m.source_id = a.source_id AND m.account_id = a.account_id
ORDER BY pa.person_id, a.source_id, a.account_id
"""


def _account_item(ind: Indicator, row: tuple[Any, ...], snippet: str, value: float, points: float) -> Item:
    person, sid, aid = row[0], row[1], row[2]
    return Item(person_id=person, indicator=ind.name, key=f"accounts:{sid}:{aid}", weight=1.0,
                snippet=clean(snippet, 200),
                source_table="accounts", origin_id=str(aid), field="", source_id=sid, account_id=aid,
                prov_table=row[10], prov_key=row[11], prov_offset=row[12], prov_line=row[13], value=round(value, 6),
                points=round(points, 6))


def account_signals(con: duckdb.DuckDBPyConnection, cfg: RiskConfig) -> list[Item]:
    """Staff role, tenure and activity, one item per person and indicator (the account that shows it)."""
    kinds = {i.kind: i for i in cfg.indicators if i.kind in ("staff", "tenure", "activity")}
    if not kinds:
        return []
    by_person: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in con.execute(_ACCOUNTS).fetchall():
        by_person[row[0]].append(row)
    out: list[Item] = []
    for accounts in by_person.values():
        if (ind := kinds.get("staff")) and (staff := [r for r in accounts if r[7]]):
            r = staff[0]
            out.append(_account_item(ind, r, f"staff account {r[2]}: group {r[8] or '?'}, rank {r[9] or '-'}",
                                     len(staff), min(ind.cap, ind.points)))
        regs = [r for r in accounts if r[3] is not None]
        if (ind := kinds.get("tenure")) and regs:
            first = min(regs, key=lambda r: (r[3], r[1], r[2]))
            last = max((r[4] for r in accounts if r[4] is not None), default=None)
            years = max(0.0, (last - first[3]).total_seconds() / 86400 / 365.25) if last else 0.0
            if years >= ind.params.get("min_years", 0.0) and years > 0:
                out.append(_account_item(ind, first, f"registered {first[3]:%Y-%m-%d}, last seen {last:%Y-%m-%d}: "
                                                     f"{years:.1f} years", years, min(ind.cap, ind.points * years)))
        if ind := kinds.get("activity"):
            n = sum(int(r[5]) + int(r[6]) for r in accounts)
            lo, full = max(1.0, ind.params.get("low", 20)), max(2.0, ind.params.get("full", 1000))
            share = (math.log(n) - math.log(lo)) / (math.log(full) - math.log(lo)) if n > lo and full > lo else 0.0
            if share > 0:
                top = max(accounts, key=lambda r: (int(r[5]) + int(r[6]), r[1], r[2]))
                posts, msgs = sum(int(r[5]) for r in accounts), sum(int(r[6]) for r in accounts)
                out.append(_account_item(ind, top, f"{posts:,} posts and {msgs:,} private messages written", n,
                                         min(ind.cap, ind.points * min(1.0, share))))
    return out


def attachments(con: duckdb.DuckDBPyConnection, cfg: RiskConfig) -> list[Item]:
    ind = next((i for i in cfg.indicators if i.kind == "attachments"), None)
    if ind is None or "attachments" not in tables(con):
        return []
    rows = con.execute("""
        SELECT pa.person_id, t.source_id, t.account_id, t.attachment_id, t.filename, t.filesize, t.created_at,
               t.prov_table, t.prov_key, t.prov_offset, t.prov_line, count(*) OVER (PARTITION BY pa.person_id) AS n
        FROM attachments t JOIN person_accounts pa ON pa.source_id = t.source_id AND pa.account_id = t.account_id
        ORDER BY pa.person_id, t.created_at NULLS LAST, t.source_id, t.attachment_id""").fetchall()
    return [Item(person_id=r[0], indicator=ind.name, key=f"attachments:{r[1]}:{r[3]}", weight=1.0,
                 snippet=clean(f"attachment {r[4] or '?'} ({r[5] or 0:,} bytes)", 200), source_table="attachments",
                 origin_id=str(r[3]), field="filename", source_id=r[1], account_id=r[2], prov_table=r[7],
                 prov_key=r[8], prov_offset=r[9], prov_line=r[10], value=float(r[11]),
                 points=round(min(ind.cap, ind.points * int(r[11])), 6)) for r in rows]


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().strip(".")
    except ValueError:
        return ""


def filehost_links(con: duckdb.DuckDBPyConnection, cfg: RiskConfig) -> list[Item]:
    """Links to listed file hosts (``selectors`` of kind url), credited as the selectors table credits them."""
    inds = [i for i in cfg.text_indicators() if i.selector_hosts]
    if not inds or "selectors" not in tables(con):
        return []
    out: list[Item] = []
    rows = con.execute("""
        SELECT pa.person_id, s.source_id, s.account_id, s.origin, s.origin_id, s.field, s.value, s.in_quote,
               s.prov_table, s.prov_key, s.prov_offset, s.prov_line
        FROM selectors s JOIN person_accounts pa ON pa.source_id = s.source_id AND pa.account_id = s.account_id
        WHERE s.kind = 'url' ORDER BY 1, 2, 4, 5, 6, 7""").fetchall()
    quote_factor = float(cfg.text["quote_factor"])
    for ind in inds:
        hosts = resources.filehosts() | set(ind.extra_hosts)
        for r in rows:
            host = _host(str(r[6]))
            parts = host.split(".")
            if not any(".".join(parts[i:]) in hosts for i in range(len(parts) - 1)):
                continue
            out.append(Item(person_id=r[0], indicator=ind.name, key=f"{r[3]}:{r[4]}:{r[5]}",
                            weight=ind.host_weight * (quote_factor if r[7] else 1.0),
                            snippet=clean(f"link to file host {host}: {r[6]}", 200), source_table=str(r[3]),
                            origin_id=str(r[4]), field=str(r[5] or ""), source_id=r[1], account_id=r[2],
                            prov_table=r[8], prov_key=r[9], prov_offset=r[10], prov_line=r[11],
                            detail="listed file host" + ("; in a quote by another member" if r[7] else ""),
                            in_quote=bool(r[7])))
    return out


def xref_hits(con: duckdb.DuckDBPyConnection, cfg: RiskConfig) -> list[Item]:
    """Hits in other investigations: one item per other person matched (``xref_hits``, when it exists).

    Several selectors matching the same person of the same other operation are one hit.
    """
    ind = next((i for i in cfg.indicators if i.kind == "xref"), None)
    if ind is None or "xref_hits" not in tables(con):
        return []
    cols = columns(con, "xref_hits")
    if "person_id" not in cols:
        return []
    preferred = ["other_operation", "reference", "kind", "other_person_id"]
    shown = [c for c in preferred if c in cols] or [c for c in cols if c != "person_id" and not c.startswith("prov_")
                                                   and c not in ("value_hash", "other_store")][:4]
    ident = [c for c in ("other_operation", "other_person_id") if c in cols] or shown
    sel = ", ".join(f'CAST(x."{c}" AS VARCHAR)' for c in [*shown, *ident])
    rows = con.execute(f"SELECT x.person_id, {sel} FROM xref_hits x JOIN persons p ON p.person_id = x.person_id"
                       ).fetchall()
    rows.sort(key=lambda r: tuple("" if v is None else str(v) for v in r))
    out = []
    for r in rows:
        values, key = r[1:1 + len(shown)], ":".join("" if v is None else str(v) for v in r[1 + len(shown):])
        desc = "; ".join(f"{c.replace('_', ' ')} {v}" for c, v in zip(shown, values, strict=True) if v is not None)
        out.append(Item(person_id=r[0], indicator=ind.name, key=f"xref_hits:{key}", weight=1.0,
                        snippet=clean(f"hit in another investigation: {desc}", 200), source_table="xref_hits",
                        origin_id=key, field="", source_id="", account_id=None, prov_table="xref_hits",
                        prov_key=key, prov_offset=None, prov_line=None))
    return out
