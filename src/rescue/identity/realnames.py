"""Evidence from a real name written into user names and registration e-mail addresses.

Members often build user names and mailbox names from their own given and family name
(``margherita.ligorio85@…``, ``MargheritaL``, ``ligorio_m``): two accounts whose names carry the same
**two rare name tokens** — a full name — are likely one person, even when they share no selector and
connect only through VPN exits. The tokens of an account are the alphabetic parts of its user name and of
the local part of its registration e-mail (split at separators, digits and camel case; accents folded;
at least three letters); a run such as ``margheritaligorio`` is split in two where both halves are tokens
seen on their own elsewhere. A token is **rare** when at most ``name_token_cap`` accounts carry it (so the
adjective-noun names of a forum — ``silver_fox`` — and common names never count).

A pair that shares two rare tokens, neither a part of the other, and has the same time-zone setting is:

- **strong** evidence when a birth year agrees — a four-digit year or the birth date of one account
  equals the year of the other, or a two-digit year (``…85``) matches — and none conflicts;
- **weak** evidence (merges only with another method) when no year is known on one of the sides;
- nothing when the birth years conflict (two persons of one name, born in different years).

Namesakes born in the same year in the same time zone remain possible: measured precision on the
synthetic worlds is in docs/identity.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any

import duckdb
import pyarrow as pa

from rescue.identity.config import IdentityConfig
from rescue.identity.model import TEMP, Evidence

_TOKEN_SPLIT = re.compile(r"[^A-Za-z]+|(?<=[a-z])(?=[A-Z])")
_DIGITS = re.compile(r"\d+")
_MIN_LEN = 3
_SPLIT_MIN = 8      # a run at least this long may be two tokens written together


def _fold(text: str) -> str:
    if text.isascii():        # nothing to decompose
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ß", "ss")


def raw_tokens(name: str | None) -> list[str]:
    """Alphabetic parts of a name, lower case: ``Dark_W0lfGarcia85`` -> ``dark``, ``lf``→dropped, …"""
    return [t.lower() for t in _TOKEN_SPLIT.split(_fold(name or "")) if len(t) >= _MIN_LEN]


def years(name: str | None, birth_date: str | None) -> tuple[set[str], set[str]]:
    """(two-digit years known for sure: four-digit 19xx/20xx runs and the birth date; two-digit runs)."""
    sure: set[str] = set()
    maybe: set[str] = set()
    for run in _DIGITS.findall(name or ""):
        if len(run) == 4 and run[:2] in ("19", "20"):
            sure.add(run[2:])
        elif len(run) == 2:
            maybe.add(run)
    if birth_date and len(birth_date) >= 4:
        sure.add(birth_date[2:4])
    return sure, maybe


def _segment(token: str, vocab: set[str]) -> set[str]:
    if token in vocab or len(token) < _SPLIT_MIN:
        return {token}
    best: set[str] | None = None
    for i in range(4, len(token) - 3):
        if token[:i] in vocab and token[i:] in vocab:
            best = {token[:i], token[i:]}
    return best or {token}


def _independent(tokens: list[str]) -> list[str]:
    """Tokens none of which is part of a longer one (``francesco`` in ``gianfrancesco`` counts once)."""
    out: list[str] = []
    for t in sorted(tokens, key=lambda t: (-len(t), t)):
        if not any(t in o for o in out):
            out.append(t)
    return out


def _year_check(x: tuple[set[str], set[str]], y: tuple[set[str], set[str]]) -> str:
    (sx, mx), (sy, my) = x, y
    if sx and sy:
        return "agree" if sx & sy else "conflict"
    if (sx & my) or (sy & mx) or (mx & my):
        return "agree"
    return "unknown"


def name_evidence(con: duckdb.DuckDBPyConnection, features: pa.Table, cfg: IdentityConfig) -> list[Evidence]:
    """Pairs of accounts whose user names and registration e-mails carry the same full name."""
    if not cfg.names:
        return []
    rows = con.execute(f"""
        SELECT t.idx, acc.username, split_part(lower(acc.email), '@', 1), nullif(trim(acc.timezone), '')
        FROM {TEMP} t JOIN accounts acc ON acc.source_id = t.source_id AND acc.account_id = t.account_id
        ORDER BY t.idx""").fetchall()
    birth: list[Any] = features.column("birth_date").to_pylist()
    tz = {int(r[0]): r[3] for r in rows}
    raw = {int(i): raw_tokens(u) + raw_tokens(e) for i, u, e, _ in rows}
    alone: Counter[str] = Counter()
    for toks in raw.values():
        alone.update(set(toks))
    vocab = {t for t, n in alone.items() if len(t) >= 4 and n >= 2}
    tokens: dict[int, set[str]] = {}
    df: Counter[str] = Counter()
    for i, toks in raw.items():
        seg: set[str] = set()
        for t in toks:
            seg |= _segment(t, vocab)
        tokens[i] = seg
        df.update(seg)
    rare = [(i, t) for i, seg in tokens.items() for t in sorted(seg) if df[t] <= cfg.name_token_cap]
    table = pa.table({"idx": pa.array([i for i, _ in rare], pa.int64()), "tok": pa.array([t for _, t in rare])})
    con.register("_id_name_tokens", table)
    try:
        pairs = con.execute("""
            SELECT x.idx, y.idx, list(x.tok ORDER BY x.tok) FROM _id_name_tokens x JOIN _id_name_tokens y
            ON x.tok = y.tok AND x.idx < y.idx GROUP BY x.idx, y.idx HAVING count(*) >= 2 ORDER BY 1, 2""").fetchall()
    finally:
        con.unregister("_id_name_tokens")
    names = {int(i): (u, e) for i, u, e, _ in rows}
    born: dict[int, tuple[set[str], set[str]]] = {}    # the accounts of the pairs only
    for i in {int(x) for p in pairs for x in p[:2]}:
        u, e = names[i]
        born[i] = years(f"{u or ''} {e or ''}", birth[i])
    out: list[Evidence] = []
    for a, b, shared in pairs:
        a, b = int(a), int(b)
        ind = _independent(list(shared))
        if len(ind) < 2 or tz.get(a) is None or tz.get(a) != tz.get(b):
            continue
        check = _year_check(born[a], born[b])
        if check == "conflict":
            continue
        strong = check == "agree"
        detail = (f"name tokens {' + '.join(sorted(ind))} (each on at most {cfg.name_token_cap} accounts) in both "
                  f"user names / e-mail names; same time zone; birth year {'agrees' if strong else 'unknown'}")
        out.append(Evidence(a, b, "name", "real name", " ".join(sorted(ind)), detail, 0.99 if strong else 0.9,
                            "strong" if strong else "weak"))
    return out
