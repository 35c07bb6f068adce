"""Evidence items for country attribution, built in SQL from the findings of the earlier steps.

One row per item: an IP address an account used (aggregated over its sightings), a phone number, an
e-mail address, a website domain, a declared location, a time-zone setting, the language of the
account's own text. ``countries`` lists the countries the item points to (one, or several for a time
zone or an ambiguous city); ``weight`` is what the item adds to each of them. Provenance columns name
the source row of the first sighting; ``ip`` or ``selector_kind``/``selector_value`` the finding.
"""

from __future__ import annotations

import re

import duckdb

from rescue.analyse.config import AnalyseConfig
from rescue.analyse.resources import LANGUAGE_COUNTRIES

COLUMNS: tuple[tuple[str, str], ...] = (
    ("person_id", "VARCHAR"), ("source_id", "VARCHAR"), ("account_id", "VARCHAR"), ("evidence_type", "VARCHAR"),
    ("countries", "VARCHAR[]"), ("weight", "DOUBLE"), ("reliability", "VARCHAR"), ("detail", "VARCHAR"),
    ("ip", "VARCHAR"), ("selector_kind", "VARCHAR"), ("selector_value", "VARCHAR"), ("events", "BIGINT"),
    ("first_seen", "TIMESTAMP"), ("last_seen", "TIMESTAMP"), ("origin", "VARCHAR"), ("origin_id", "VARCHAR"),
    ("prov_table", "VARCHAR"), ("prov_key", "VARCHAR"), ("prov_offset", "BIGINT"))

# Accounts and addresses are numbered first (integer keys make the 3.8 M-sighting aggregations cheap).
_IP_SQL = """
WITH acc_ids AS (
    SELECT person_id, source_id, account_id, row_number() OVER () AS aid FROM person_accounts
),
ip_ids AS (
    SELECT ip, country, class, asn_name, row_number() OVER () AS ipn FROM ip_enrichment
),
ev AS (
    SELECT a.aid, i.ipn, e.seen_at, CAST(e.seen_at AS DATE) AS day, e.kind, e.prov_table, e.prov_key, e.prov_offset,
           coalesce(h.country, i.country) AS country, i.class
    FROM ip_events e
    JOIN acc_ids a ON a.source_id = e.source_id AND a.account_id = e.account_id
    JOIN ip_ids i ON i.ip = e.ip
    LEFT JOIN ip_geo_history h ON h.ip = e.ip AND h.month = date_trunc('month', e.seen_at)
    WHERE NOT list_contains($ignored, coalesce(e.kind, '')) AND coalesce(h.country, i.country) IS NOT NULL
),
per_ip AS (
    SELECT aid, ipn, country, any_value(class) AS class, count(*) AS events,
           count(DISTINCT day) + max(CASE WHEN seen_at IS NULL THEN 1 ELSE 0 END) AS days,
           min(seen_at) AS first_seen, max(seen_at) AS last_seen,
           arg_min({'t': prov_table, 'k': prov_key, 'o': prov_offset, 'kind': kind},
                   (coalesce(seen_at, TIMESTAMP '9999-12-31'), prov_table, prov_key, prov_offset)) AS first
    FROM ev GROUP BY aid, ipn, country
),
counted AS (
    SELECT * FROM ev WHERE class = 'residential' OR (class = 'cgnat' AND $cgnat_factor > 0)
),
cday AS (
    SELECT aid, country,
           count(DISTINCT day) + max(CASE WHEN seen_at IS NULL THEN 1 ELSE 0 END) AS days_c,
           coalesce(date_diff('day', min(seen_at), max(seen_at)), 0) AS span_c
    FROM counted GROUP BY aid, country
),
active AS (
    SELECT aid, coalesce(date_diff('day', min(seen_at), max(seen_at)), 0) AS active_span
    FROM ev GROUP BY aid
),
acc AS (
    SELECT c.aid, sum(c.days_c) AS d_total, arg_max(c.country, (c.days_c, c.country)) AS top,
           max(c.span_c) AS res_span, any_value(a.active_span) AS active_span
    FROM cday c JOIN active a USING (aid) GROUP BY c.aid
),
cw AS (
    SELECT c.aid, c.country, c.days_c, c.span_c, a.d_total, a.active_span,
           (c.country <> a.top AND c.days_c / a.d_total < 0.5 AND c.span_c <= $travel_days) AS brief,
           (c.country = a.top AND a.res_span <= $travel_days
            AND a.active_span > $stay_ratio * $travel_days) AS only_brief,
           $w_ip * (c.days_c / a.d_total)
             * least(1.0, 0.4 + 0.6 * (a.d_total - 1) / greatest(1, $full_days - 1))
             * CASE WHEN c.country <> a.top AND c.days_c / a.d_total < 0.5 AND c.span_c <= $travel_days
                    THEN $travel_factor
                    WHEN c.country = a.top AND a.res_span <= $travel_days AND a.active_span > $stay_ratio * $travel_days
                    THEN $stay_factor ELSE 1.0 END AS w_c
    FROM cday c JOIN acc a USING (aid)
),
share AS (
    SELECT p.*, sum(CASE WHEN p.class = 'residential' OR (p.class = 'cgnat' AND $cgnat_factor > 0)
                         THEN p.days ELSE 0 END)
                OVER (PARTITION BY p.aid, p.country) AS days_in_c
    FROM per_ip p
)
SELECT a.person_id, a.source_id, a.account_id, 'ip_' || s.class AS evidence_type, [s.country] AS countries,
       CASE WHEN s.class = 'residential' THEN coalesce(cw.w_c * s.days / s.days_in_c, 0)
            WHEN s.class = 'cgnat' THEN coalesce(cw.w_c * s.days / s.days_in_c * $cgnat_factor, 0)
            ELSE 0 END AS weight,
       'B' AS reliability,
       printf('%s address %s (%s) used %d times on %d days, %s .. %s%s', s.class, i.ip, coalesce(i.asn_name, '?'),
              s.events, s.days, coalesce(strftime(s.first_seen, '%Y-%m-%d'), '?'),
              coalesce(strftime(s.last_seen, '%Y-%m-%d'), '?'),
              CASE WHEN s.class NOT IN ('residential', 'cgnat') OR (s.class = 'cgnat' AND $cgnat_factor = 0)
                   THEN '; carries no country weight'
                   WHEN cw.brief THEN printf('; short stay in a minority country (%d of %d days within %d days): '
                                             || 'weight x %.2f', cw.days_c, cw.d_total, cw.span_c, $travel_factor)
                   WHEN cw.only_brief THEN printf('; every home-network sighting falls within %d days of an activity '
                                                  || 'of %d days (a stay?): weight x %.2f', cw.span_c, cw.active_span,
                                                  $stay_factor)
                   ELSE '' END) AS detail,
       i.ip, NULL AS selector_kind, NULL AS selector_value, s.events, s.first_seen, s.last_seen,
       'ip_events' AS origin, s.first.kind AS origin_id, s.first.t AS prov_table, s.first.k AS prov_key,
       s.first.o AS prov_offset
FROM share s
JOIN acc_ids a ON a.aid = s.aid
JOIN ip_ids i ON i.ipn = s.ipn
LEFT JOIN cw ON cw.aid = s.aid AND cw.country = s.country
"""

_SEL = """
WITH s AS (
    SELECT pa.person_id, s.* FROM selectors s
    JOIN person_accounts pa ON pa.source_id = s.source_id AND pa.account_id = s.account_id
    WHERE s.kind IN ('phone', 'email', 'domain')
),
g AS (
    SELECT person_id, source_id, account_id, kind, value, count(*) AS events, bool_and(in_quote) AS only_quoted,
           bool_or(coalesce(detail, '') LIKE 'intl%') AS intl,
           bool_or(origin = 'accounts' AND field = 'email') AS registration,
           bool_or(origin IN ('accounts', 'profile_fields') AND field IN ('website', 'homepage', 'url')) AS website,
           arg_min({'origin': origin, 'id': origin_id, 'field': field, 't': prov_table, 'k': prov_key,
                    'o': prov_offset, 'detail': detail},
                   (in_quote, origin, origin_id, field, char_start)) AS first
    FROM s GROUP BY ALL
)
"""

_PHONE_SQL = _SEL + """
SELECT g.person_id, g.source_id, g.account_id, CASE WHEN g.intl THEN 'phone' ELSE 'phone_national' END,
       [p.region], (CASE WHEN g.intl THEN $w_phone ELSE $w_phone_national END)
                   * (CASE WHEN g.only_quoted THEN $quote_factor ELSE 1.0 END),
       'X', printf('phone %s (%s, %s)%s%s, seen %d times', g.value, p.region, p.number_type,
                   CASE WHEN g.intl THEN ' written with its country code' ELSE ' written in national form, read '
                        || 'with ' || coalesce(g.first.detail, '?') || ' as region hint' END,
                   CASE WHEN g.only_quoted THEN ', only in quotes of this member' ELSE '' END, g.events),
       NULL, 'phone', g.value, g.events, NULL::TIMESTAMP, NULL::TIMESTAMP, g.first.origin, g.first.id, g.first.t,
       g.first.k, g.first.o
FROM g JOIN phone_enrichment p ON p.phone = g.value
WHERE g.kind = 'phone' AND p.region IS NOT NULL AND p.region <> 'ZZ' AND p.region <> '001'
"""

_EMAIL_SQL = _SEL + """
, e AS (
    SELECT g.*, x.provider_class, x.provider_country, x.cctld, x.cctld_country, x.evidence,
           CASE WHEN x.provider_class = 'isp' AND x.provider_country IS NOT NULL THEN 'email_isp'
                WHEN x.provider_class = 'national' AND x.provider_country IS NOT NULL THEN 'email_national'
                WHEN x.cctld_country IS NOT NULL AND x.provider_class NOT IN ('forum', 'disposable') THEN 'cctld'
           END AS etype
    FROM g JOIN email_enrichment x ON x.email = g.value WHERE g.kind = 'email'
)
SELECT person_id, source_id, account_id, etype, [coalesce(CASE WHEN etype = 'cctld' THEN NULL ELSE provider_country END,
                                                    cctld_country)],
       (CASE etype WHEN 'email_isp' THEN $w_email_isp WHEN 'email_national' THEN $w_email_national
             ELSE $w_cctld END) * (CASE WHEN only_quoted THEN $quote_factor ELSE 1.0 END),
       CASE WHEN registration THEN 'B' ELSE 'X' END,
       printf('e-mail %s: %s%s', value,
              CASE WHEN etype = 'cctld' THEN 'country-code domain .' || cctld ELSE evidence END,
              CASE WHEN registration THEN ' (the registration address the server recorded)'
                   WHEN only_quoted THEN ' (only in quotes of this member)' ELSE ' (written by the member)' END),
       NULL, 'email', value, events, NULL::TIMESTAMP, NULL::TIMESTAMP, first.origin, first.id, first.t, first.k,
       first.o
FROM e WHERE etype IS NOT NULL
"""

_WEBSITE_SQL = _SEL + """
SELECT g.person_id, g.source_id, g.account_id, 'cctld', [d.cctld_country], $w_cctld, 'X',
       printf('website %s: country-code domain .%s', g.value, d.cctld),
       NULL, 'domain', g.value, g.events, NULL::TIMESTAMP, NULL::TIMESTAMP, g.first.origin, g.first.id, g.first.t,
       g.first.k, g.first.o
FROM g JOIN domain_enrichment d ON d.domain = g.value
WHERE g.kind = 'domain' AND g.website AND d.cctld_country IS NOT NULL AND d.domain_class = 'other'
"""

_SIGNALS_SQL = """
WITH s AS (
    SELECT pa.person_id, a.*, acc.prov_table, acc.prov_key, acc.prov_offset FROM account_signals a
    JOIN person_accounts pa ON pa.source_id = a.source_id AND pa.account_id = a.account_id
    JOIN accounts acc ON acc.source_id = a.source_id AND acc.account_id = a.account_id
),
lang AS (SELECT * FROM (VALUES {lang_values}) v(code, countries))
SELECT person_id, source_id, account_id, 'declared_location', string_split(location_countries, ' '),
       $w_location * CASE WHEN length(string_split(location_countries, ' ')) > 1 THEN 0.5 ELSE 1.0 END, 'X',
       printf('declared location %s (matched %s as %s)', location_raw, location_match, location_how),
       NULL, NULL, NULL, 1, NULL::TIMESTAMP, NULL::TIMESTAMP, 'accounts', account_id, prov_table, prov_key, prov_offset
FROM s WHERE location_countries IS NOT NULL
UNION ALL
SELECT person_id, source_id, account_id, 'timezone', string_split(timezone_countries, ' '), $w_timezone, 'X',
       printf('time-zone setting %s (%d candidate countries)', timezone,
              length(string_split(timezone_countries, ' '))),
       NULL, NULL, NULL, 1, NULL::TIMESTAMP, NULL::TIMESTAMP, 'accounts', account_id, prov_table, prov_key, prov_offset
FROM s WHERE timezone_countries IS NOT NULL
UNION ALL
SELECT person_id, source_id, account_id, 'language', string_split(l.countries, ' '), $w_language, 'B',
       printf('own text (%d characters) is in language %s (confidence %.2f)', language_chars, language,
              language_confidence),
       NULL, NULL, NULL, 1, NULL::TIMESTAMP, NULL::TIMESTAMP, 'posts', account_id, prov_table, prov_key, prov_offset
FROM s JOIN lang l ON l.code = s.language
UNION ALL
SELECT person_id, source_id, account_id, 'language', string_split(l.countries, ' '), $w_language, 'X',
       printf('board language setting %s (not the board default)', language_setting),
       NULL, NULL, NULL, 1, NULL::TIMESTAMP, NULL::TIMESTAMP, 'accounts', account_id, prov_table, prov_key, prov_offset
FROM s JOIN lang l ON l.code = s.language_setting
"""


def _params(cfg: AnalyseConfig) -> dict[str, object]:
    return {
        "ignored": list(cfg.ignore_ip_kinds) or ["\x00"], "cgnat_factor": cfg.cgnat_factor,
        "travel_days": cfg.travel_max_days, "travel_factor": cfg.travel_factor,
        "stay_factor": cfg.stay_factor, "stay_ratio": cfg.stay_activity_ratio, "full_days": cfg.ip_full_days,
        "w_ip": cfg.weight("ip_residential"), "w_phone": cfg.weight("phone"),
        "w_phone_national": cfg.weight("phone_national"), "quote_factor": cfg.quote_factor,
        "w_email_isp": cfg.weight("email_isp"), "w_email_national": cfg.weight("email_national"),
        "w_cctld": cfg.weight("cctld"), "w_location": cfg.weight("declared_location"),
        "w_timezone": cfg.weight("timezone"), "w_language": cfg.weight("language"),
    }


def build_evidence(con: duckdb.DuckDBPyConnection, cfg: AnalyseConfig) -> None:
    """Create the temporary table ``_evidence`` (columns :data:`COLUMNS`)."""
    lang_values = ", ".join(f"('{code}', '{' '.join(ccs)}')" for code, ccs in sorted(LANGUAGE_COUNTRIES.items()))
    cols = ", ".join(c for c, _ in COLUMNS)
    con.execute("DROP TABLE IF EXISTS _evidence")
    con.execute("CREATE TEMP TABLE _evidence (" + ", ".join(f"{c} {t}" for c, t in COLUMNS) + ")")
    params = _params(cfg)
    for sql in (_IP_SQL, _PHONE_SQL, _EMAIL_SQL, _WEBSITE_SQL, _SIGNALS_SQL.format(lang_values=lang_values)):
        used = set(re.findall(r"\$(\w+)", sql))
        wanted = {k: v for k, v in params.items() if k in used}
        con.execute(f"INSERT INTO _evidence SELECT * FROM ({sql}) AS t({cols})", wanted)
