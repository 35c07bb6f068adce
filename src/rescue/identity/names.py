"""User names and their variants, and the per-account attributes probabilistic linkage compares."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

import duckdb
import pyarrow as pa

from rescue.identity.model import TEMP, Universe, has_table

# Leetspeak: a digit or sign between letters stands for a letter (n1ck -> nick, h4ck3r -> hacker).
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a",
                       "$": "s", "!": "i", "|": "l"})
_INNER_LEET = re.compile(r"(?<=[a-z])[013457@$!|8]+(?=[a-z])")
_DIGITS = re.compile(r"\d+")


def fold(text: str) -> str:
    """Lower case without accents (Grüße -> grusse is not attempted: ü -> u)."""
    if text.isascii():        # nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ß", "ss")


def username_variant(name: str | None) -> str | None:
    """Lower case, leetspeak between letters read as letters, other digits and separators dropped:
    ``Dark_W0lf1983`` -> ``darkwolf``. None when fewer than three letters remain."""
    if not name:
        return None
    s = fold(name)
    s = _INNER_LEET.sub(lambda m: m.group(0).translate(_LEET), s)
    s = "".join(c for c in s if c.isalpha())
    return s if len(s) >= 3 else None


def username_digits(name: str | None) -> str | None:
    """The longest digit run of a user name (often a birth year or a lucky number), at least two digits."""
    if not name:
        return None
    runs = sorted(_DIGITS.findall(name), key=lambda r: (-len(r), r))
    return runs[0] if runs and len(runs[0]) >= 2 else None


_COS = [math.cos(h * math.pi / 12) for h in range(24)]
_SIN = [math.sin(h * math.pi / 12) for h in range(24)]


def circular_mean_hour(hours: list[int], counts: list[int] | None = None) -> float | None:
    """Mean hour of day on the clock circle (23 h and 1 h average to 0 h), None for fewer than 5 hours
    (``counts``: how often each of ``hours`` was seen, 1 each without)."""
    counts = counts or [1] * len(hours)
    if sum(counts) < 5:
        return None
    x = sum(c * _COS[h % 24] for h, c in zip(hours, counts, strict=True))
    y = sum(c * _SIN[h % 24] for h, c in zip(hours, counts, strict=True))
    if abs(x) < 1e-9 and abs(y) < 1e-9:
        return None
    return round((math.atan2(y, x) * 12 / math.pi) % 24, 2)


def _signals_sql(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    if not has_table(con, "account_signals"):
        return "", "NULL, NULL, NULL"
    return ("LEFT JOIN account_signals g ON g.source_id = t.source_id AND g.account_id = t.account_id",
            "CASE WHEN g.timezone <> 'board default' THEN g.timezone END, "
            "CASE WHEN g.location_countries NOT LIKE '% %' THEN g.location_countries END, g.language")


def attribute_table(con: duckdb.DuckDBPyConnection, uni: Universe) -> pa.Table:
    """One row per account of the universe (``unique_id`` = its index) with the compared attributes."""
    join, cols = _signals_sql(con)
    rows = con.execute(f"""
        WITH h AS (SELECT x.idx, hour(t) AS h, count(*) AS n FROM (
                SELECT a.idx, p.posted_at AS t FROM posts p JOIN {TEMP} a USING (source_id, account_id)
                UNION ALL
                SELECT a.idx, m.sent_at FROM messages m JOIN {TEMP} a
                    ON a.source_id = m.source_id AND a.account_id = m.sender_account_id) x
             WHERE t IS NOT NULL GROUP BY x.idx, hour(t)),
        act AS (SELECT idx, list(h ORDER BY h) AS hours, list(n ORDER BY h) AS counts FROM h GROUP BY idx)
        SELECT t.idx, acc.username, CAST(acc.birth_date AS VARCHAR),
               nullif(trim(regexp_replace(lower(acc.location), '[^[:alnum:] ]+', ' ', 'g')), ''),
               {cols}, hour(acc.registered_at), act.hours, act.counts
        FROM {TEMP} t JOIN accounts acc ON acc.source_id = t.source_id AND acc.account_id = t.account_id
        {join} LEFT JOIN act ON act.idx = t.idx ORDER BY t.idx""").fetchall()
    cols_out: dict[str, list[Any]] = {k: [] for k in (
        "unique_id", "username_lc", "username_norm", "username_digits", "birth_date", "location",
        "location_country", "timezone", "language", "reg_hour", "active_hour")}
    for idx, name, birth, loc, tz, loc_cc, lang, reg_hour, hours, counts in rows:
        cols_out["unique_id"].append(int(idx))
        cols_out["username_lc"].append(fold(name) if name else None)
        cols_out["username_norm"].append(username_variant(name))
        digits = username_digits(name)
        if digits and birth and (digits == birth[:4] or digits == birth[2:4]):
            digits = None   # the birth year again: counted once, by the birth date
        cols_out["username_digits"].append(digits)
        cols_out["birth_date"].append(birth)
        cols_out["location"].append(fold(loc) if loc else None)
        cols_out["location_country"].append(loc_cc or None)
        cols_out["timezone"].append(tz)
        cols_out["language"].append(lang)
        cols_out["reg_hour"].append(None if reg_hour is None else int(reg_hour))
        cols_out["active_hour"].append(circular_mean_hour(hours or [], counts or []))
    types = {"unique_id": pa.int64(), "reg_hour": pa.int64(), "active_hour": pa.float64()}
    return pa.table({k: pa.array(v, types.get(k, pa.string())) for k, v in cols_out.items()})
