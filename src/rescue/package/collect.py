"""Read the findings of an analysed store once, in bulk, grouped per person.

Every query runs once for the whole store (not once per person), so building thousands of reports
costs a few table scans. Rows keep their provenance (source, seized table, native key, byte offset,
line) so that each fact of a report points back at the row behind it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import duckdb

from rescue.errors import OperationError

Row = dict[str, Any]
REQUIRED = ("persons", "person_accounts", "attribution", "attribution_evidence", "selectors", "risk")


def iso(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def prov(source_id: object, table: object, key: object, offset: object, line: object) -> Row:
    return {"source_id": source_id, "table": table, "key": None if key is None else str(key),
            "offset": offset, "line": line}


@dataclass
class Facts:
    """Everything a package needs, keyed by person id."""

    persons: dict[str, Row] = field(default_factory=dict)
    accounts: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    selectors: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    ips: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    evidence: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    activity: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    indicators: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    risk_evidence: dict[tuple[str, str], list[Row]] = field(default_factory=lambda: defaultdict(list))
    links: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    contacts: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    xref: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    media: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    has_xref: bool = False
    has_media: bool = False
    sources: dict[str, Row] = field(default_factory=dict)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[Row]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {str(r[0]) for r in con.execute("select table_name from information_schema.tables").fetchall()}


PERSONS_SQL = """
select p.person_id, p.label, p.usernames, p.accounts as n_accounts, p.method, p.countries_seen,
       p.first_activity, p.last_activity, a.country, a.confidence, a.candidate, a.reason, a.evidence_types,
       a.support, a.against, a.share, r.score, r.tier, r.rank, r.advisory, r.config_version,
       r.behaviour_points, r.context_counted
from persons p left join attribution a using (person_id) left join risk r using (person_id)
order by p.person_id
"""

ACCOUNTS_SQL = """
select pa.person_id, pa.source_id, pa.account_id, pa.method as link_method, pa.link_confidence,
       a.username, a.email, a.registered_at, a.last_visit_at, a.birthday_raw, a.birth_date, a.location,
       a.registration_ip, a.post_count, a.user_type, a.group_name, a.rank_title, a.is_staff, a.is_banned,
       a.is_deleted, a.is_inactive, a.prov_table, a.prov_key, a.prov_offset, a.prov_line
from person_accounts pa join accounts a using (source_id, account_id)
order by pa.person_id, pa.source_id, pa.account_id
"""

SELECTORS_SQL = """
select pa.person_id, s.kind, s.value, s.source_id, s.account_id, s.origin, s.origin_id, s.field, s.in_quote,
       s.obfuscated, s.detail, s.prov_table, s.prov_key, s.prov_offset, s.prov_line,
       case s.origin when 'posts' then p.posted_at when 'messages' then m.sent_at
                     when 'accounts' then a.registered_at else null end as seen_at
from selectors s
join person_accounts pa on pa.source_id = s.source_id and pa.account_id = s.account_id
left join posts p on s.origin = 'posts' and p.source_id = s.source_id and p.post_id = s.origin_id
left join messages m on s.origin = 'messages' and m.source_id = s.source_id and m.message_id = s.origin_id
left join accounts a on s.origin = 'accounts' and a.source_id = s.source_id and a.account_id = s.origin_id
order by pa.person_id, s.kind, s.value, seen_at nulls last, s.source_id, s.origin, s.origin_id
"""

IPS_SQL = """
select pa.person_id, e.ip, count(*) as events, min(e.seen_at) as first_seen, max(e.seen_at) as last_seen,
       string_agg(distinct e.kind, ',' order by e.kind) as kinds, any_value(n.country) as country,
       any_value(n.class) as class, any_value(n.asn_name) as operator,
       arg_min(e.source_id, e.seen_at) as source_id, arg_min(e.prov_table, e.seen_at) as prov_table,
       arg_min(e.prov_key, e.seen_at) as prov_key, arg_min(e.prov_offset, e.seen_at) as prov_offset,
       arg_min(e.prov_line, e.seen_at) as prov_line
from ip_events e
join person_accounts pa on pa.source_id = e.source_id and pa.account_id = e.account_id
left join ip_enrichment n on n.ip = e.ip
group by pa.person_id, e.ip
order by pa.person_id, first_seen, e.ip
"""

EVIDENCE_SQL = """
select person_id, evidence_id, source_id, account_id, country, countries, evidence_type, weight, strength, grade,
       stance, detail, events, first_seen, last_seen, origin, origin_id, prov_table, prov_key, prov_offset,
       null as prov_line
from attribution_evidence
order by person_id, weight desc, evidence_id
"""

ACTIVITY_SQL = """
with acts as (
  select source_id, account_id, 'post' as what, posted_at as at from posts where account_id is not null
  union all
  select source_id, sender_account_id, 'message', sent_at from messages where sender_account_id is not null
)
select pa.person_id, x.what, year(x.at) as year, count(*) as n, min(x.at) as first_at, max(x.at) as last_at
from acts x join person_accounts pa on pa.source_id = x.source_id and pa.account_id = x.account_id
where x.at is not null
group by all order by pa.person_id, year, x.what
"""

INDICATORS_SQL = """
select person_id, indicator, class, value, points, items, label from risk_indicators
order by person_id, points desc, indicator
"""

RISK_EVIDENCE_SQL = """
select person_id, indicator, seq, weight, snippet, detail, reported, in_quote, source_table, origin_id, field,
       source_id, account_id, prov_table, prov_key, prov_offset, prov_line
from risk_evidence order by person_id, indicator, seq
"""

LINKS_SQL = """
select person_a, person_b, source_a, account_a, username_a, source_b, account_b, username_b, method, kind, value,
       detail, score, strength, status
from person_links order by person_a, person_b, method, kind, value
"""

CONTACTS_SQL = """
with pm as (
  select ps.person_id as sender, pr.person_id as recipient, m.sent_at
  from messages m
  join person_accounts ps on ps.source_id = m.source_id and ps.account_id = m.sender_account_id
  join message_recipients r on r.source_id = m.source_id and r.message_id = m.message_id
  join person_accounts pr on pr.source_id = r.source_id and pr.account_id = r.account_id
  where ps.person_id <> pr.person_id
)
select sender, recipient, count(*) as messages, min(sent_at) as first_at, max(sent_at) as last_at
from pm group by all order by sender, recipient
"""


MEDIA_COLUMNS = ("person_id", "source_id", "account_id", "attachment_id", "file_id", "sha256", "bucket", "series_id",
                 "known_series", "category", "scheme", "distance", "link")


def collect(con: duckdb.DuckDBPyConnection) -> Facts:
    tables = _tables(con)
    missing = [t for t in REQUIRED if t not in tables]
    if missing:
        raise OperationError(f"store has no findings table {', '.join(missing)}: run `rescue analyse` first")
    f = Facts()
    for r in _rows(con, "select source_id, sha256, software, format, path from sources"):
        f.sources[str(r["source_id"])] = r
    for r in _rows(con, PERSONS_SQL):
        f.persons[r["person_id"]] = r
    for r in _rows(con, ACCOUNTS_SQL):
        f.accounts[r["person_id"]].append(r)
    for r in _rows(con, SELECTORS_SQL):
        f.selectors[r["person_id"]].append(r)
    if "ip_enrichment" in tables:
        for r in _rows(con, IPS_SQL):
            f.ips[r["person_id"]].append(r)
    for r in _rows(con, EVIDENCE_SQL):
        f.evidence[r["person_id"]].append(r)
    for r in _rows(con, ACTIVITY_SQL):
        f.activity[r["person_id"]].append(r)
    if "risk_indicators" in tables:
        for r in _rows(con, INDICATORS_SQL):
            f.indicators[r["person_id"]].append(r)
    if "risk_evidence" in tables:
        for r in _rows(con, RISK_EVIDENCE_SQL):
            f.risk_evidence[(r["person_id"], r["indicator"])].append(r)
    if "person_links" in tables:
        for r in _rows(con, LINKS_SQL):
            f.links[r["person_a"]].append(r)
            if r["person_b"] != r["person_a"]:
                f.links[r["person_b"]].append(r)
    for r in _rows(con, CONTACTS_SQL):
        f.contacts[r["sender"]].append({"other": r["recipient"], "direction": "sent", **r})
        f.contacts[r["recipient"]].append({"other": r["sender"], "direction": "received", **r})
    if "xref_hits" in tables:
        f.has_xref = True
        for r in _rows(con, "select * from xref_hits order by person_id, other_operation, reference"):
            f.xref[r["person_id"]].append(r)
    if "media_person_links" in tables:
        f.has_media = True
        have = {str(r[0]) for r in con.execute(
            "select column_name from information_schema.columns where table_name = 'media_person_links'").fetchall()}
        cols = ", ".join(c if c in have else f"null as {c}" for c in MEDIA_COLUMNS)
        for r in _rows(con, f"select {cols} from media_person_links where person_id is not null "
                            "order by person_id, source_id, attachment_id, file_id, sha256"):
            f.media[r["person_id"]].append(r)
    return f
