"""Selector extraction over the evidence tables → the ``selectors`` findings table.

Texts read: ``profile_fields`` (field by field), ``accounts`` (e-mail, website, signature, location,
occupation, interests), ``posts`` and ``messages`` (the author's own text and subject; a post
by the guest placeholder, e.g. of a deleted member, is kept with no account, its ``credited_by`` naming
the name it was posted under), ``quotes``
(quoted passages), ``moderation_log`` (the data of a log entry, credited to its target account: an
old e-mail address in "LOG_USER_UPDATE_EMAIL") and ``bans`` (a banned e-mail address, credited to the
banned account or the one account with that address). A selector inside a quote is credited to the *quoted* author: the
quote's ``quoted_account_id`` when it names an account of the same source, else the author of
``quoted_post_id``, else the account whose user name is ``quoted_author`` (exact, then
case-insensitive when unique). When none resolves, the sighting is kept with ``account_id`` NULL
(``in_quote`` true): it is never credited to the member who quoted it.

Large tables are pre-filtered inside DuckDB with one cheap regular expression (texts that cannot
hold a selector are never read into Python).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from rescue.analyse.domains import classify
from rescue.analyse.find import TRIGGER_SQL, Found, find_all, find_in_field
from rescue.analyse.find.emails import normalise_email
from rescue.analyse.places import parse_location, parse_timezone
from rescue.engine import Dialect, DuckDBEngine, Engine
from rescue.engine.duck import BATCH_ROWS

SCHEMA = pa.schema([
    ("source_id", pa.string()), ("account_id", pa.string()), ("kind", pa.string()), ("value", pa.string()),
    ("origin", pa.string()), ("origin_id", pa.string()), ("field", pa.string()), ("char_start", pa.int32()),
    ("char_end", pa.int32()), ("obfuscated", pa.bool_()), ("in_quote", pa.bool_()), ("detail", pa.string()),
    ("credited_by", pa.string()), ("prov_table", pa.string()), ("prov_key", pa.string()),
    ("prov_offset", pa.int64()), ("prov_line", pa.int64()),
])
MAX_ZONE_HINTS = 6  # a time-zone setting shared by at most this many countries serves as a last phone hint
ORDER = "source_id, account_id NULLS LAST, kind, value, origin, origin_id, field, char_start"

_PROV = "prov_table, prov_key, prov_offset, prov_line"
_COLS = "origin, origin_id, field, source_id, account_id, in_quote, credited_by, text, " + _PROV

def text_sql(d: Dialect) -> dict[str, str]:
    """The texts to read, per origin, in the engine's SQL dialect."""
    trig = d.regex
    return {
        "posts": f"""
            WITH guests AS (SELECT source_id, account_id FROM accounts WHERE is_guest)
            SELECT 'posts' AS origin, p.post_id AS origin_id, f.field, p.source_id,
                   CASE WHEN g.account_id IS NULL THEN p.account_id END, FALSE AS in_quote,
                   CASE WHEN g.account_id IS NULL THEN 'author'
                        ELSE 'guest post as ' || coalesce(p.guest_name, '?') END,
                   CASE f.field WHEN 'subject' THEN p.subject ELSE p.body_text END AS text,
                   p.prov_table, p.prov_key, p.prov_offset, p.prov_line
            FROM posts p CROSS JOIN (VALUES ('body_text'), ('subject')) f(field)
            LEFT JOIN guests g ON g.source_id = p.source_id AND g.account_id = p.account_id
            WHERE {trig("CASE f.field WHEN 'subject' THEN p.subject ELSE p.body_text END", "trigger")}""",
        "messages": f"""
            SELECT 'messages', message_id, f.field, source_id, sender_account_id, FALSE, 'sender',
                   CASE f.field WHEN 'subject' THEN subject ELSE body_text END, {_PROV}
            FROM messages, (VALUES ('body_text'), ('subject')) f(field)
            WHERE {trig("CASE f.field WHEN 'subject' THEN subject ELSE body_text END", "trigger")}""",
        "quotes": f"""
            WITH q AS (SELECT * FROM quotes WHERE {trig("text", "trigger")}),
            exact AS (SELECT source_id, username, min(account_id) AS account_id FROM accounts
                      WHERE username IS NOT NULL GROUP BY ALL HAVING count(*) = 1),
            folded AS (SELECT source_id, lower(username) AS lu, min(account_id) AS account_id FROM accounts
                       WHERE username IS NOT NULL GROUP BY ALL HAVING count(*) = 1),
            ids AS (SELECT DISTINCT source_id, account_id FROM accounts),
            qp AS (SELECT p.source_id, p.post_id, min(p.account_id) AS account_id FROM posts p
                   WHERE p.account_id NOT IN (SELECT account_id FROM accounts a WHERE a.source_id = p.source_id
                                              AND a.is_guest) GROUP BY ALL)
            SELECT 'quotes', q.container || ':' || q.container_id || '#' || q.seq, 'text', q.source_id,
                   coalesce(a1.account_id, p.account_id, a2.account_id, a3.account_id),
                   TRUE,
                   CASE WHEN a1.account_id IS NOT NULL THEN 'quoted_account_id'
                        WHEN p.account_id IS NOT NULL THEN 'quoted_post_id'
                        WHEN a2.account_id IS NOT NULL THEN 'quoted_author'
                        WHEN a3.account_id IS NOT NULL THEN 'quoted_author (case-insensitive)' END,
                   q.text, q.prov_table, q.prov_key, q.prov_offset, q.prov_line
            FROM q
            LEFT JOIN ids a1 ON a1.source_id = q.source_id AND a1.account_id = q.quoted_account_id
            LEFT JOIN qp p ON p.source_id = q.source_id AND p.post_id = q.quoted_post_id
            LEFT JOIN exact a2 ON a2.source_id = q.source_id AND a2.username = q.quoted_author
            LEFT JOIN folded a3 ON a3.source_id = q.source_id AND a3.lu = lower(q.quoted_author)""",
        "accounts": f"""
            SELECT 'accounts', account_id, f.field, source_id, account_id, FALSE, 'account',
                   CASE f.field WHEN 'email' THEN email WHEN 'website' THEN website WHEN 'signature_text'
                        THEN signature_text WHEN 'location' THEN location WHEN 'occupation' THEN occupation
                        ELSE interests END AS text, {_PROV}
            FROM accounts, (VALUES ('email'), ('website'), ('signature_text'), ('location'), ('occupation'),
                                   ('interests')) f(field)""",
        "profile_fields": f"""
            SELECT 'profile_fields', account_id, field, source_id, account_id, FALSE, 'account', value, {_PROV}
            FROM profile_fields""",
        "moderation_log": f"""
            SELECT 'moderation_log', log_id, 'data', source_id, target_account_id, FALSE,
                   CASE WHEN target_account_id IS NOT NULL THEN 'target account' END, data, {_PROV}
            FROM moderation_log WHERE {trig("data", "trigger")}""",
        "bans": """
            WITH mail AS (SELECT source_id, lower(email) AS email, min(account_id) AS account_id FROM accounts
                          WHERE email IS NOT NULL GROUP BY ALL HAVING count(*) = 1)
            SELECT 'bans', b.ban_id, 'email', b.source_id, coalesce(b.account_id, m.account_id), FALSE,
                   CASE WHEN b.account_id IS NOT NULL THEN 'banned account'
                        WHEN m.account_id IS NOT NULL THEN 'account with this e-mail' END,
                   b.email, b.prov_table, b.prov_key, b.prov_offset, b.prov_line
            FROM bans b LEFT JOIN mail m ON m.source_id = b.source_id AND m.email = lower(b.email)
            WHERE b.email IS NOT NULL""",
    }


# Per account: its residential IP countries (most sightings first) and the settings the other hints come from.
_HINTS_SQL = """
WITH ipc AS (
    SELECT e.source_id, e.account_id, i.country, count(*) AS n FROM ip_events e
    JOIN ip_enrichment i ON i.ip = e.ip
    WHERE i.class = 'residential' AND i.country IS NOT NULL AND e.account_id IS NOT NULL
    GROUP BY ALL
),
ipl AS (SELECT source_id, account_id, list(country ORDER BY n DESC, country) AS ips FROM ipc GROUP BY ALL),
acc AS (SELECT source_id, account_id, email, location, timezone FROM accounts
        WHERE email IS NOT NULL OR location IS NOT NULL OR timezone IS NOT NULL)
SELECT coalesce(a.source_id, l.source_id) AS source_id, coalesce(a.account_id, l.account_id) AS account_id,
       l.ips, a.email, a.location, a.timezone
FROM acc a FULL OUTER JOIN ipl l ON l.source_id = a.source_id AND l.account_id = a.account_id
"""

HINTS_SCHEMA = pa.schema([("source_id", pa.string()), ("account_id", pa.string()), ("hints", pa.string())])


class _SettingHints:
    """The hints an account's settings give (registration e-mail provider or ccTLD, a declared location naming
    one country, a time zone of few countries), each distinct value worked out once."""

    def __init__(self, own: frozenset[str]) -> None:
        self.own = own
        self._domain: dict[str, str | None] = {}
        self._location: dict[str, str | None] = {}
        self._zone: dict[str, tuple[str, ...]] = {}

    def email(self, raw: str | None) -> str | None:
        if not raw or not (e := normalise_email(str(raw))):
            return None
        domain = e.rpartition("@")[2]
        if domain not in self._domain:
            info = classify(domain, self.own)
            self._domain[domain] = str(info.country or info.cctld_country) if (
                info.country or info.cctld_country) else None
        return self._domain[domain]

    def location(self, raw: str | None) -> str | None:
        key = raw or ""
        if key not in self._location:
            place = parse_location(raw)
            self._location[key] = place.countries[0] if len(place.countries) == 1 else None
        return self._location[key]

    def zone(self, raw: str | None) -> tuple[str, ...]:
        key = raw or ""
        if key not in self._zone:
            countries = tuple(parse_timezone(raw)[0])
            self._zone[key] = countries if len(countries) <= MAX_ZONE_HINTS else ()
        return self._zone[key]


def account_hints(con: duckdb.DuckDBPyConnection, own: frozenset[str]) -> pa.Table:
    """Likely phone regions per account, best first (``hints``, space-separated; accounts with none are left
    out): residential IP countries by number of sightings, then the country of the registration e-mail's
    provider or ccTLD, then the declared location, then the countries of a time-zone setting shared by few
    countries. Read batch by batch: memory holds the result's columns, not a structure per account."""
    settings = _SettingHints(own)
    rel = con.sql(_HINTS_SQL)
    assert rel is not None
    parts: list[pa.Table] = []
    for batch in rel.to_arrow_reader(BATCH_ROWS):
        sids: list[str] = []
        aids: list[str] = []
        hints: list[str] = []
        for sid, aid, ips, email, location, tz in zip(*(c.to_pylist() for c in batch.columns), strict=True):
            ranked: list[str] = list(ips) if ips else []
            for c in (settings.email(email), settings.location(location), *settings.zone(tz)):
                if c is not None and c not in ranked:
                    ranked.append(c)
            if ranked:
                sids.append(sid)
                aids.append(aid)
                hints.append(" ".join(ranked))
        parts.append(pa.Table.from_pydict({"source_id": sids, "account_id": aids, "hints": hints},
                                          schema=HINTS_SCHEMA))
    return pa.concat_tables(parts) if parts else HINTS_SCHEMA.empty_table()


def texts_sql(d: Dialect) -> str:
    """Every text to read, with the account's phone-region hints: the input of :func:`selectors_from_batch`."""
    union = "\n        UNION ALL\n".join(f"SELECT * FROM ({sql}) AS t_{origin}({_COLS})"
                                          for origin, sql in text_sql(d).items())
    return (f"SELECT t.*, h.hints FROM ({union}) AS t LEFT JOIN _selector_hints h "
            "ON h.source_id = t.source_id AND h.account_id = t.account_id "
            "WHERE t.text IS NOT NULL AND length(t.text) > 0")


_FOUND = ("kind", "value", "char_start", "char_end", "obfuscated", "detail")


@functools.lru_cache(maxsize=1 << 16)
def _find(origin: str, field: str, text: str, hints: str | None) -> tuple[Found, ...]:
    """The selectors of one text (pure: many texts recur, e.g. locations, subjects, signatures; each distinct
    text with its hints is searched once while it stays among the most recent 65,536)."""
    h = hints.split() if hints else []
    if origin == "profile_fields":
        return tuple(find_in_field(field, text, h))
    if field == "email" and origin in ("accounts", "bans"):
        e = normalise_email(text)
        what = "registration e-mail" if origin == "accounts" else "banned e-mail"
        return (Found("email", e, 0, len(text), False, what),) if e else ()
    return tuple(find_all(text, h))


def selectors_from_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The selectors found in a batch of texts (rows of :func:`texts_sql`). Runs unchanged on every engine.
    Only the columns the finders read become Python values; the others are carried over to the selectors
    found by row index, in Arrow."""
    texts, origins, fields, hint_col = (batch.column(n).to_pylist() for n in ("text", "origin", "field", "hints"))
    rows: list[int] = []
    out: dict[str, list[Any]] = {n: [] for n in _FOUND}
    for i, (raw, origin, field, hints) in enumerate(zip(texts, origins, fields, hint_col, strict=True)):
        found = _find(str(origin), str(field), str(raw), str(hints) if hints else None)
        for f in found:
            rows.append(i)
            out["kind"].append(f.kind)
            out["value"].append(f.value)
            out["char_start"].append(f.start)
            out["char_end"].append(f.end)
            out["obfuscated"].append(f.obfuscated)
            out["detail"].append(f.detail)
    idx = pa.array(rows, pa.int64())
    arrays: list[pa.Array] = []
    for field_ in SCHEMA:
        if field_.name in out:
            arrays.append(pa.array(out[field_.name], field_.type))
        elif field_.name == "in_quote":
            arrays.append(pc.fill_null(batch.column("in_quote").take(idx).cast(pa.bool_()), False))
        else:
            arrays.append(batch.column(field_.name).take(idx).cast(field_.type))
    return pa.RecordBatch.from_arrays(arrays, schema=SCHEMA)


def extract_selectors(con: duckdb.DuckDBPyConnection, own: frozenset[str],
                      progress: Callable[[str, int, int], None] | None = None,
                      engine: Engine | None = None) -> pa.Table:
    """Every selector of the evidence tables: the texts are selected (and pre-filtered) by ``engine``
    (default: DuckDB on ``con``), the finders run over them in batches on the same engine."""
    eng = engine or DuckDBEngine(con)
    if progress:
        progress("selectors", 0, 2)
    eng.put("_selector_hints", account_hints(con, own))
    if progress:
        progress("selectors", 1, 2)
    try:
        found = eng.map_batches(texts_sql(eng.dialect), {"trigger": TRIGGER_SQL}, selectors_from_batch, SCHEMA)
    finally:
        if engine is None:
            eng.close()
    if progress:
        progress("selectors", 2, 2)
    return found
