"""Evidence from shared values: selectors (e-mail, phone, messenger handles, wallets) and addresses of
the server's IP log.

A selector value links the accounts it was credited to when its kind identifies one person and at most
``value_cap`` accounts carry it; otherwise it is recorded as suppressed, with the reason. An address of
the IP log links two accounts only when it is of a class that belongs to one household (residential),
few accounts used it (``ip_max_accounts``) and both were seen on it within ``ip_window_days`` of each
other, or one of them used it both before and after the other did (it cannot have been re-assigned in
between), or they have ``ip_addresses_to_link`` such addresses in common; seen further apart it is weak
evidence (an address may have been re-assigned). VPN, Tor,
hosting, carrier-NAT and addresses used by many never link.
"""

from __future__ import annotations

import duckdb

from rescue.identity.config import WEAK_KINDS, IdentityConfig
from rescue.identity.model import TEMP, Evidence, Suppressed, has_table

_ORIGIN_LABEL = {"accounts": "account", "posts": "post", "messages": "message", "quotes": "quote in",
                 "profile_fields": "profile field", "moderation_log": "moderation log", "bans": "ban"}


def _where_sql() -> str:
    """SQL text of one sighting: 'account email (registration e-mail)', 'post 51311', 'quote in post:12#2'."""
    labels = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _ORIGIN_LABEL.items())
    return f"""CASE s.origin {labels} ELSE s.origin END || ' ' ||
               CASE WHEN s.origin IN ('accounts', 'profile_fields') THEN coalesce(s.field, '')
                    ELSE coalesce(s.origin_id, '') END ||
               CASE WHEN s.detail = 'registration e-mail' THEN ' (registration e-mail)' ELSE '' END"""


def _sightings_sql(cfg: IdentityConfig, with_email_classes: bool) -> str:
    kinds = ", ".join(f"'{k}'" for k in sorted(set(cfg.strong_kinds) | set(WEAK_KINDS)))
    skip = ", ".join(f"'{c}'" for c in cfg.email_skip_classes) or "''"
    email_join = "LEFT JOIN email_enrichment ee ON s.kind = 'email' AND ee.email = s.value" \
        if with_email_classes else ""
    email_class = "ee.provider_class" if with_email_classes else "NULL"
    quoted = "" if cfg.quoted_selectors else "AND NOT coalesce(s.in_quote, FALSE)"
    return f"""
        SELECT s.kind, s.value, a.idx, {_where_sql()} AS seen,
               {email_class} IN ({skip}) AS skipped_class, {email_class} AS email_class
        FROM selectors s JOIN {TEMP} a ON a.source_id = s.source_id AND a.account_id = s.account_id
        {email_join}
        WHERE s.kind IN ({kinds}) AND s.value IS NOT NULL {quoted}"""


def selector_evidence(con: duckdb.DuckDBPyConnection, cfg: IdentityConfig) -> tuple[list[Evidence], list[Suppressed]]:
    """Pairs of accounts sharing a strong selector value, and the values that link no one (with why)."""
    if not has_table(con, "selectors"):
        return [], []
    con.execute(f"CREATE OR REPLACE TEMP TABLE _id_sightings AS "
                f"{_sightings_sql(cfg, has_table(con, 'email_enrichment'))}")
    con.execute("""CREATE OR REPLACE TEMP TABLE _id_values AS
        SELECT kind, value, count(DISTINCT idx) AS n, bool_or(skipped_class) AS skipped, any_value(email_class) AS cls
        FROM _id_sightings GROUP BY kind, value HAVING count(DISTINCT idx) >= 2""")
    suppressed: list[Suppressed] = []
    strong = set(cfg.strong_kinds)
    for kind, value, n, skipped, cls in con.execute(
            "SELECT kind, value, n, skipped, cls FROM _id_values ORDER BY kind, value").fetchall():
        if kind not in strong:
            suppressed.append(Suppressed(kind, value, n, WEAK_KINDS.get(kind, "kind not counted as identifying")))
        elif skipped:
            suppressed.append(Suppressed(kind, value, n, f"e-mail provider class {cls} (not one person's mailbox)"))
        elif n > cfg.value_cap:
            suppressed.append(Suppressed(kind, value, n, f"shared by {n} accounts (cap {cfg.value_cap})"))
    strong_sql = ", ".join(f"'{k}'" for k in sorted(strong)) or "''"
    rows = con.execute(f"""
        WITH ok AS (SELECT kind, value FROM _id_values
                    WHERE kind IN ({strong_sql}) AND NOT coalesce(skipped, FALSE) AND n <= ?),
             per AS (SELECT s.kind, s.value, s.idx,
                            string_agg(DISTINCT s.seen, ', ' ORDER BY s.seen) AS seen
                     FROM _id_sightings s JOIN ok USING (kind, value) GROUP BY ALL)
        SELECT x.idx, y.idx, x.kind, x.value, x.seen, y.seen
        FROM per x JOIN per y ON x.kind = y.kind AND x.value = y.value AND x.idx < y.idx
        ORDER BY x.idx, y.idx, x.kind, x.value""", [cfg.value_cap]).fetchall()
    con.execute("DROP TABLE IF EXISTS _id_sightings")
    con.execute("DROP TABLE IF EXISTS _id_values")
    out = [Evidence(a, b, "selector", kind, value, f"a: {_short(sa)}; b: {_short(sb)}", 1.0, "strong")
           for a, b, kind, value, sa, sb in rows]
    return out, suppressed


def _short(seen: str, limit: int = 4) -> str:
    parts = seen.split(", ")
    return ", ".join(parts[:limit]) + (f" and {len(parts) - limit} more" if len(parts) > limit else "")


def ip_evidence(con: duckdb.DuckDBPyConnection, cfg: IdentityConfig) -> tuple[list[Evidence], list[Suppressed]]:
    """Pairs of accounts seen from one household address; addresses that link no one (with why)."""
    if not (has_table(con, "ip_events") and has_table(con, "ip_enrichment")):
        return [], []
    ignore = ", ".join(f"'{k}'" for k in cfg.ip_ignore_kinds) or "''"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _id_ipev AS
        SELECT a.idx, e.ip, e.seen_at FROM ip_events e
        JOIN {TEMP} a ON a.source_id = e.source_id AND a.account_id = e.account_id
        WHERE e.ip IS NOT NULL AND e.seen_at IS NOT NULL AND coalesce(e.kind, '') NOT IN ({ignore})""")
    classes = ", ".join(f"'{c}'" for c in cfg.ip_classes) or "''"
    con.execute("""CREATE OR REPLACE TEMP TABLE _id_ipn AS
        SELECT ip, count(DISTINCT idx) AS n FROM _id_ipev GROUP BY ip HAVING count(DISTINCT idx) >= 2""")
    shared = con.execute("""
        SELECT v.ip, v.n, coalesce(i.class, 'unknown'), i.country, i.asn_name
        FROM _id_ipn v LEFT JOIN ip_enrichment i USING (ip) ORDER BY v.ip""").fetchall()
    suppressed: list[Suppressed] = []
    info: dict[str, str] = {}
    for ip, n, cls, country, operator in shared:
        if cls not in cfg.ip_classes:
            suppressed.append(Suppressed("ip", ip, n, f"{cls} address (not one household)"))
        elif n > cfg.ip_max_accounts:
            suppressed.append(Suppressed("ip", ip, n, f"used by {n} accounts (max {cfg.ip_max_accounts}): shared"))
        else:
            info[ip] = f"{cls}, {country or '??'}, {operator or 'operator unknown'}"
    rows = con.execute(f"""
        WITH ok AS (SELECT v.ip FROM _id_ipn v
                    JOIN ip_enrichment i USING (ip) WHERE i.class IN ({classes}) AND v.n BETWEEN 2 AND ?),
             ev AS (SELECT * FROM _id_ipev WHERE ip IN (SELECT ip FROM ok)),
             cnt AS (SELECT idx, ip, count(*) AS k, min(seen_at) AS f, max(seen_at) AS l FROM ev GROUP BY ALL),
             -- the closest sightings per pair and address first, then the per-account counts (joined to
             -- the pairs, not to every combination of sightings)
             p AS (SELECT x.idx AS a, y.idx AS b, x.ip, min(abs(epoch(x.seen_at) - epoch(y.seen_at))) AS g,
                          arg_min(least(x.seen_at, y.seen_at), abs(epoch(x.seen_at) - epoch(y.seen_at))) AS at
                   FROM ev x JOIN ev y ON x.ip = y.ip AND x.idx < y.idx GROUP BY 1, 2, 3)
        SELECT p.a, p.b, p.ip, p.g / 86400.0 AS gap, p.at, cx.k, cy.k,
               greatest(cx.f, cy.f) <= least(cx.l, cy.l) AS overlap
        FROM p JOIN cnt cx ON cx.idx = p.a AND cx.ip = p.ip JOIN cnt cy ON cy.idx = p.b AND cy.ip = p.ip
        ORDER BY 1, 2, 3""", [cfg.ip_max_accounts]).fetchall()
    con.execute("DROP TABLE IF EXISTS _id_ipev")
    con.execute("DROP TABLE IF EXISTS _id_ipn")
    out: list[Evidence] = []
    per_pair: dict[tuple[int, int], int] = {}
    for a, b, *_ in rows:
        per_pair[(a, b)] = per_pair.get((a, b), 0) + 1
    for a, b, ip, gap, at, ka, kb, overlap in rows:
        # Within the window, or one account used the address before and after the other did: it was not
        # re-assigned in between (a dynamic address does not come back to the same line).
        near = gap <= cfg.ip_window_days or (cfg.ip_overlap_links and bool(overlap))
        # Several household addresses in common, even far apart in time: each would have had to be
        # re-assigned from one account's line to the other's — together implausible.
        several = per_pair[(a, b)] >= cfg.ip_addresses_to_link
        detail = (f"{info.get(ip, '')}; a seen {ka}×, b {kb}×; closest {gap:.1f} days apart ({at:%Y-%m-%d})"
                  + ("" if gap <= cfg.ip_window_days else
                     ", outside the window but while the other account used it too" if near else
                     f", outside the {cfg.ip_window_days}-day window"
                     + (f", one of {per_pair[(a, b)]} household addresses both used" if several else "")))
        near = near or several
        out.append(Evidence(a, b, "ip", "ip", ip, detail, 1.0 if near else 0.5, "strong" if near else "weak"))
    return out, suppressed
