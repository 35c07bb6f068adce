"""Enrichment of selectors and account settings: e-mail providers, phone numbers, domains, and each
account's time zone, declared location and language."""

from __future__ import annotations

import functools
from typing import Any

import duckdb
import phonenumbers
import pyarrow as pa
from phonenumbers import PhoneNumberType, carrier, geocoder

from rescue.analyse import resources
from rescue.analyse.config import AnalyseConfig
from rescue.analyse.domains import cctld_country, classify
from rescue.analyse.language import detect_languages
from rescue.analyse.places import parse_location, parse_timezone
from rescue.engine import Engine
from rescue.engine.duck import BATCH_ROWS

EMAIL_SCHEMA = pa.schema([
    ("email", pa.string()), ("domain", pa.string()), ("provider_class", pa.string()),
    ("provider_country", pa.string()), ("cctld", pa.string()), ("cctld_country", pa.string()),
    ("evidence", pa.string()), ("accounts", pa.int64()),
])
PHONE_SCHEMA = pa.schema([
    ("phone", pa.string()), ("region", pa.string()), ("calling_code", pa.int32()), ("number_type", pa.string()),
    ("carrier", pa.string()), ("area", pa.string()), ("accounts", pa.int64()),
])
DOMAIN_SCHEMA = pa.schema([
    ("domain", pa.string()), ("domain_class", pa.string()), ("cctld", pa.string()), ("cctld_country", pa.string()),
    ("evidence", pa.string()), ("accounts", pa.int64()),
])
SIGNALS_SCHEMA = pa.schema([
    ("source_id", pa.string()), ("account_id", pa.string()), ("timezone_raw", pa.string()),
    ("timezone", pa.string()), ("timezone_countries", pa.string()), ("location_raw", pa.string()),
    ("location_countries", pa.string()), ("location_match", pa.string()), ("location_how", pa.string()),
    ("language", pa.string()), ("language_confidence", pa.float64()), ("language_chars", pa.int64()),
    ("language_setting", pa.string()),
])

_TYPES = {v: k.lower() for k, v in vars(PhoneNumberType).items() if k.isupper() and isinstance(v, int)}


def email_enrichment(con: duckdb.DuckDBPyConnection, own: frozenset[str]) -> pa.Table:
    rows = con.execute("""SELECT value, count(DISTINCT (source_id, account_id)) FROM selectors
                          WHERE kind = 'email' GROUP BY value ORDER BY value""").fetchall()
    out: dict[str, list[Any]] = {n: [] for n in EMAIL_SCHEMA.names}
    for email, n in rows:
        domain = str(email).rpartition("@")[2]
        info = classify(domain, own)
        for k, v in (("email", email), ("domain", domain), ("provider_class", info.provider_class),
                     ("provider_country", info.country), ("cctld", info.cctld), ("cctld_country", info.cctld_country),
                     ("evidence", info.evidence), ("accounts", n)):
            out[k].append(v)
    return pa.Table.from_pydict(out, schema=EMAIL_SCHEMA)


def phone_enrichment(con: duckdb.DuckDBPyConnection) -> pa.Table:
    rows = con.execute("""SELECT value, count(DISTINCT (source_id, account_id)) FROM selectors
                          WHERE kind = 'phone' GROUP BY value ORDER BY value""").fetchall()
    out: dict[str, list[Any]] = {n: [] for n in PHONE_SCHEMA.names}
    for phone, n in rows:
        num = phonenumbers.parse(phone, None)
        out["phone"].append(phone)
        out["region"].append(phonenumbers.region_code_for_number(num))
        out["calling_code"].append(num.country_code)
        out["number_type"].append(_TYPES.get(phonenumbers.number_type(num), "unknown"))
        out["carrier"].append(carrier.name_for_number(num, "en") or None)
        out["area"].append(geocoder.description_for_number(num, "en") or None)
        out["accounts"].append(n)
    return pa.Table.from_pydict(out, schema=PHONE_SCHEMA)


@functools.lru_cache(maxsize=1)
def _misp_hostnames() -> dict[str, frozenset[str]]:
    return {"url_shortener": frozenset(resources.misp_list("url-shortener")),
            "dynamic_dns": frozenset(resources.misp_list("dynamic-dns"))}


def domain_enrichment(con: duckdb.DuckDBPyConnection, own: frozenset[str]) -> pa.Table:
    rows = con.execute("""SELECT value, count(DISTINCT (source_id, account_id)) FROM selectors
                          WHERE kind = 'domain' GROUP BY value ORDER BY value""").fetchall()
    out: dict[str, list[Any]] = {n: [] for n in DOMAIN_SCHEMA.names}
    lists = _misp_hostnames()
    hosts = resources.filehosts()
    for domain, n in rows:
        d = str(domain)
        parts = d.split(".")
        sufs = {".".join(parts[i:]) for i in range(len(parts) - 1)}
        if sufs & own:
            cls, ev = "forum", "the forum's own domain"
        elif sufs & hosts:
            cls, ev = "filehost", "file-hosting or paste service (shipped list)"
        elif sufs & lists["url_shortener"]:
            cls, ev = "url_shortener", "MISP warning list url-shortener"
        elif sufs & lists["dynamic_dns"]:
            cls, ev = "dynamic_dns", "MISP warning list dynamic-dns"
        else:
            cls, ev = "other", ""
        tld, cc = cctld_country(d)
        for k, v in (("domain", d), ("domain_class", cls), ("cctld", tld), ("cctld_country", cc), ("evidence", ev),
                     ("accounts", n)):
            out[k].append(v)
    return pa.Table.from_pydict(out, schema=DOMAIN_SCHEMA)


def account_signals(con: duckdb.DuckDBPyConnection, cfg: AnalyseConfig, engine: Engine | None = None,
                    languages: pa.Table | None = None) -> pa.Table:
    """Time zone, declared location and language per account of a person (language on ``engine``, unless
    ``languages``, the result of :func:`rescue.analyse.language.detect_languages`, is given)."""
    found = languages if languages is not None else detect_languages(con, cfg, engine)
    default_lang = con.execute("""SELECT min(value) FROM forum_config WHERE name IN
                                  ('default_lang', 'bblang', 'language', 'default_locale')""").fetchall()
    board_lang = str(default_lang[0][0]).lower()[:2] if default_lang and default_lang[0][0] else "en"
    board_tz = {sid: parse_timezone(str(v))[1] for sid, v in con.execute(
        """SELECT source_id, min(value) FROM forum_config WHERE name IN ('board_timezone', 'default_timezone',
           'timezone', 'default_timezone_offset') GROUP BY 1 ORDER BY 1""").fetchall() if v is not None}
    con.register("_rescue_languages", found)
    try:
        rel = con.sql("""SELECT a.source_id, a.account_id, a.timezone, a.location, a.language, l.language,
                                l.confidence, l.chars FROM accounts a
                         JOIN person_accounts pa ON pa.source_id = a.source_id AND pa.account_id = a.account_id
                         LEFT JOIN _rescue_languages l ON l.source_id = a.source_id AND l.account_id = a.account_id
                         ORDER BY 1, 2""")
        assert rel is not None
        parts = [_signals_batch(b, board_tz, board_lang) for b in rel.to_arrow_reader(BATCH_ROWS)]
    finally:
        con.unregister("_rescue_languages")
    return pa.concat_tables(parts) if parts else SIGNALS_SCHEMA.empty_table()


def _signals_batch(batch: pa.RecordBatch, board_tz: dict[str, str | None], board_lang: str) -> pa.Table:
    out: dict[str, list[Any]] = {n: [] for n in SIGNALS_SCHEMA.names}
    for sid, aid, tz, loc, setting, lang, conf, chars in zip(*(c.to_pylist() for c in batch.columns), strict=True):
        tz_c, tz_norm = parse_timezone(tz)
        if tz_norm is not None and tz_norm == board_tz.get(sid):
            tz_c, tz_norm = (), "board default"  # never changed: says nothing about the member
        place = parse_location(loc)
        set_lang = str(setting).lower().replace("-", "_")[:2] if setting else None
        for k, v in (("source_id", sid), ("account_id", aid), ("timezone_raw", tz), ("timezone", tz_norm),
                     ("timezone_countries", " ".join(tz_c) or None), ("location_raw", loc),
                     ("location_countries", " ".join(place.countries) or None), ("location_match", place.match),
                     ("location_how", place.how), ("language", lang),
                     ("language_confidence", conf), ("language_chars", chars),
                     ("language_setting", set_lang if set_lang and set_lang != board_lang else None)):
            out[k].append(v)
    return pa.Table.from_pydict(out, schema=SIGNALS_SCHEMA)
