"""Stage the findings a package needs as Parquet files, each query run once over the whole store.

Every file holds the columns the reports use, for the planned persons (``pkg_plan``, plan.py), sorted by
``g`` (country, then priority), in row groups small enough that a render worker reading one chunk of a
country — a range of ``g`` — touches one or two row groups of each file. Rows keep their provenance
(source, seized table, native key, byte offset, line). The parent process runs these queries and then holds
nothing: workers read the files themselves (bounded memory, no large objects passed between processes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from rescue.errors import OperationError

REQUIRED = ("persons", "person_accounts", "attribution", "attribution_evidence", "selectors", "risk")
ROW_GROUP = 8192

PERSONS_SQL = """
select p.person_id, p.label, a.country, a.confidence, a.reason, a.evidence_types, r.score, r.tier, r.rank,
       r.advisory, r.config_version
from persons p left join attribution a using (person_id) left join risk r using (person_id)
"""

ACCOUNTS_SQL = """
select pa.person_id, pa.source_id, pa.account_id, pa.method as link_method, pa.link_confidence,
       a.username, a.registered_at, a.last_visit_at, a.birthday_raw, a.birth_date, a.location, a.post_count,
       a.group_name, a.is_staff, a.is_banned, a.is_deleted, a.is_inactive, a.prov_table, a.prov_key,
       a.prov_offset, a.prov_line
from person_accounts pa join accounts a using (source_id, account_id)
"""

# when each selector was seen: its post's, message's or account's time, looked up once per distinct origin
# row through a narrow key table (three left joins that carried every selector column each needed several GB
# of hash tables at 1.8M members, and DuckDB could not spill them)
SELECTORS_SQL = """
with o as (
  select distinct source_id, origin, origin_id from selectors where origin in ('posts', 'messages', 'accounts')
), t as (
  select o.source_id, o.origin, o.origin_id, p.posted_at as seen_at
  from o join posts p on o.origin = 'posts' and p.source_id = o.source_id and p.post_id = o.origin_id
  union all
  select o.source_id, o.origin, o.origin_id, m.sent_at
  from o join messages m on o.origin = 'messages' and m.source_id = o.source_id and m.message_id = o.origin_id
  union all
  select o.source_id, o.origin, o.origin_id, a.registered_at
  from o join accounts a on o.origin = 'accounts' and a.source_id = o.source_id and a.account_id = o.origin_id
)
select pa.person_id, s.kind, s.value, s.source_id, s.account_id, s.origin, s.origin_id, s.field, s.in_quote,
       s.obfuscated, s.detail, s.prov_table, s.prov_key, s.prov_offset, s.prov_line, t.seen_at
from selectors s
join person_accounts pa on pa.source_id = s.source_id and pa.account_id = s.account_id
left join t on t.source_id = s.source_id and t.origin = s.origin and t.origin_id = s.origin_id
"""

# the first sighting's provenance as one arg_min over a struct (one row's values, and a fifth of the work of
# one arg_min per column)
IPS_SQL = """
with e as (
  select pa.person_id, e.ip, count(*) as events, min(e.seen_at) as first_seen, max(e.seen_at) as last_seen,
         string_agg(distinct e.kind, ',' order by e.kind) as kinds,
         arg_min((e.source_id, e.prov_table, e.prov_key, e.prov_offset, e.prov_line), e.seen_at) as p
  from ip_events e
  join person_accounts pa on pa.source_id = e.source_id and pa.account_id = e.account_id
  join pkg_plan pl on pl.person_id = pa.person_id
  group by pa.person_id, e.ip
)
select e.person_id, e.ip, e.events, e.first_seen, e.last_seen, e.kinds, n.country, n.class, n.asn_name as operator,
       e.p[1] as source_id, e.p[2] as prov_table, e.p[3] as prov_key, e.p[4] as prov_offset, e.p[5] as prov_line
from e left join ip_enrichment n on n.ip = e.ip
"""

EVIDENCE_SQL = """
select person_id, evidence_id, source_id, country, countries, evidence_type, weight, strength, grade, stance,
       detail, events, first_seen, last_seen, prov_table, prov_key, prov_offset, null::bigint as prov_line
from attribution_evidence
"""

ACTIVITY_SQL = """
with acts as (
  select source_id, account_id, 'post' as what, posted_at as at from posts where account_id is not null
  union all
  select source_id, sender_account_id, 'message', sent_at from messages where sender_account_id is not null
)
select pa.person_id, x.what, year(x.at) as year, count(*) as n, min(x.at) as first_at, max(x.at) as last_at
from acts x join person_accounts pa on pa.source_id = x.source_id and pa.account_id = x.account_id
join pkg_plan pl on pl.person_id = pa.person_id
where x.at is not null
group by all
"""

INDICATORS_SQL = "select person_id, indicator, class, value, points, items, label from risk_indicators"

RISK_EVIDENCE_SQL = """
select person_id, indicator, seq, snippet, detail, reported, in_quote, source_table, origin_id, field, source_id,
       prov_table, prov_key, prov_offset, prov_line
from risk_evidence
"""

# a same-person link concerns both persons it names: one row per person
LINKS_SQL = """
select person_a as person_id, person_a, person_b, source_a, account_a, username_a, source_b, account_b, username_b,
       method, kind, value, detail, score, strength, status from person_links
union all
select person_b, person_a, person_b, source_a, account_a, username_a, source_b, account_b, username_b,
       method, kind, value, detail, score, strength, status from person_links where person_b <> person_a
"""

# private-message contacts, one row per person and correspondent and direction, with what the package needs
# to know of the correspondent: label, attributed country, and the country whose package plans it
CONTACTS_SQL = """
with pm as (
  select ps.person_id as sender, pr.person_id as recipient, m.sent_at
  from messages m
  join person_accounts ps on ps.source_id = m.source_id and ps.account_id = m.sender_account_id
  join message_recipients r on r.source_id = m.source_id and r.message_id = m.message_id
  join person_accounts pr on pr.source_id = r.source_id and pr.account_id = r.account_id
  where ps.person_id <> pr.person_id
), c as (
  select sender, recipient, count(*) as messages, min(sent_at) as first_at, max(sent_at) as last_at
  from pm group by all
), x as (
  select sender as person_id, recipient as other, 'sent' as direction, messages, first_at, last_at from c
  union all
  select recipient, sender, 'received', messages, first_at, last_at from c
)
select x.*, op.label as other_label, oa.country as other_country, opl.country as other_planned
from x left join persons op on op.person_id = x.other left join attribution oa on oa.person_id = x.other
left join pkg_plan opl on opl.person_id = x.other
"""

MEDIA_COLUMNS = ("person_id", "source_id", "account_id", "attachment_id", "file_id", "sha256", "bucket", "series_id",
                 "known_series", "category", "scheme", "distance", "link")

# name → (query, order of a person's rows — total, so that a report is the same in every build —, table it needs)
FACTS: dict[str, tuple[str, str, str]] = {
    "persons": (PERSONS_SQL, "person_id", "persons"),
    "accounts": (ACCOUNTS_SQL, "source_id, account_id", "accounts"),
    "selectors": (SELECTORS_SQL, "kind, value, seen_at nulls last, source_id, origin, origin_id, field, account_id, "
                  "prov_table, prov_key, prov_offset, prov_line, in_quote, obfuscated, detail", "selectors"),
    "ips": (IPS_SQL, "first_seen, ip", "ip_enrichment"),
    "evidence": (EVIDENCE_SQL, "weight desc, evidence_id", "attribution_evidence"),
    "activity": (ACTIVITY_SQL, "year, what", "posts"),
    "indicators": (INDICATORS_SQL, "points desc, indicator", "risk_indicators"),
    "risk_evidence": (RISK_EVIDENCE_SQL, "indicator, seq", "risk_evidence"),
    "links": (LINKS_SQL, "person_a, person_b, method, kind, value, source_a, account_a, source_b, account_b, status, "
              "score, detail", "person_links"),
    "contacts": (CONTACTS_SQL, "other, direction", "message_recipients"),
    "xref": ("select * from xref_hits", "other_operation, reference, kind, other_person_id", "xref_hits"),
    "media": ("", "source_id, attachment_id, file_id, sha256, bucket, link, distance", "media_person_links"),
}


NOTICE_FACTS = ("persons", "accounts", "evidence")  # what a deconfliction notice shows (report.py)


@dataclass
class Staged:
    """The staged files: which facts exist, and the sources of the seizure."""

    folder: Path
    tables: list[str] = field(default_factory=list)
    has_xref: bool = False
    has_media: bool = False
    sources: dict[str, dict[str, object]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    notice_tables: list[str] = field(default_factory=list)

    def path(self, name: str, notices: bool = False) -> Path:
        """A fact file; ``notices``: its copy holding only the persons with a deconfliction notice."""
        return self.folder / (f"notice_{name}.parquet" if notices and name in self.notice_tables else
                              f"{name}.parquet")


def store_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {str(r[0]) for r in con.execute("select table_name from information_schema.tables").fetchall()}


def check_store(tables: set[str]) -> None:
    missing = [t for t in REQUIRED if t not in tables]
    if missing:
        raise OperationError(f"store has no findings table {', '.join(missing)}: run `rescue analyse` first")


def _media_sql(con: duckdb.DuckDBPyConnection) -> str:
    have = {str(r[0]) for r in con.execute(
        "select column_name from information_schema.columns where table_name = 'media_person_links'").fetchall()}
    cols = ", ".join(c if c in have else f"null as {c}" for c in MEDIA_COLUMNS)
    return f"select {cols} from media_person_links where person_id is not null"


def _as_text(con: duckdb.DuckDBPyConnection, query: str) -> str:
    """The columns of ``query``, times and dates as the ISO 8601 text a report shows (``2024-05-01T10:00:00Z``,
    ``1990-02-03``; seconds, like ``collect.iso``): the workers then never build a datetime object, and the
    text sorts as the time did."""
    rel = con.sql(query)
    out = []
    for name, typ in zip(rel.columns, rel.types, strict=True):
        col = '"' + name.replace('"', '""') + '"'
        t = str(typ).upper()
        if t.startswith("TIMESTAMP"):
            out.append(f"strftime({col}, '%Y-%m-%dT%H:%M:%SZ') as {col}")
        elif t == "DATE":
            out.append(f"strftime({col}, '%Y-%m-%d') as {col}")
        else:
            out.append(col)
    return ", ".join(out)


def stage(con: duckdb.DuckDBPyConnection, folder: Path) -> Staged:
    """Write every fact file for the persons of ``pkg_plan`` (which must exist in ``con``)."""
    import time

    tables = store_tables(con)
    folder.mkdir(parents=True, exist_ok=True)
    out = Staged(folder, has_xref="xref_hits" in tables, has_media="media_person_links" in tables)
    for r in con.execute("select source_id, sha256, software from sources").fetchall():
        out.sources[str(r[0])] = {"sha256": r[1], "software": r[2]}
    for name, (sql, order, needs) in FACTS.items():
        if needs not in tables:
            continue
        t0 = time.perf_counter()
        if name == "media":
            sql = _media_sql(con)
        extra = "pl.others, " if name == "persons" else ""
        inner = f"select pl.g, {extra}q.* from ({sql}) q join pkg_plan pl using (person_id)"
        query = f"select {_as_text(con, inner)} from ({inner}) order by g, {order}"
        target = str(out.path(name)).replace("'", "''")
        con.execute(f"copy ({query}) to '{target}' (format parquet, row_group_size {ROW_GROUP})")
        out.tables.append(name)
        out.seconds[name] = time.perf_counter() - t0
    # what deconfliction notices need, for the persons who get one (a few percent), in files of their own: a
    # worker reads a country's notices by person id, which no row group statistics of the big files prune
    for name in NOTICE_FACTS:
        if name in out.tables:
            src = str(out.path(name)).replace("'", "''")
            target = str(folder / f"notice_{name}.parquet").replace("'", "''")
            con.execute(f"copy (select * from read_parquet('{src}') where person_id in (select person_id from "
                        f"pkg_plan where len(others) > 0) order by g, {FACTS[name][1]}) to '{target}' "
                        f"(format parquet, row_group_size {ROW_GROUP})")
            out.notice_tables.append(name)
    return out
