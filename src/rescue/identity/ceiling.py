"""The evidence ceiling of recall: how many of the truth's pairs the seized data can support at all.

Every true pair (two accounts of one person, on one forum or across the two) is put in the first of these
classes it fits — what the data holds for it, whatever a method does with it:

- ``selector``: a value of a strong kind (e-mail, phone, messenger handle, wallet) on both accounts;
- ``address``: an address both used that is not a shared exit of the truth (``traps.csv``: VPN, Tor,
  carrier NAT; failed logins are not counted);
- ``birth date``: the same birth date on both profiles;
- ``location``: the same declared location (case and spaces ignored);
- ``text``: both accounts wrote at least ``min_chars`` characters (writing style can compare them);
- ``user name``: the same user name (case ignored; a member keeping a name across forums);
- ``full name``: two name tokens (3+ letters of the user name or of the mailbox name) on both, each carried
  by at most ``token_cap`` accounts (the real-names method's evidence);
- ``rare name``: one such token;
- ``common name``: a shared name token carried by more accounts;
- ``nothing``: only what thousands of accounts share (time zone, language, the country).

The last three hold no evidence a merge could rest on at precision 0.99: ``name_token_precision`` gives,
for tokens carried by at most k accounts, how many account pairs share such a token and the time-zone
setting and how many of those are one person (measured over every account pair of the store). The
``ceiling`` is the recall of a method that merged every pair of the first seven classes and no other — with
the pairs those merges join through a third account (a person's accounts A–B and B–C with evidence put
A and C in one person too); ``merged`` counts the pairs of each class the store's persons join.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from rescue.evaluate.metrics import ratio

CLASSES = ("selector", "address", "birth date", "location", "text", "user name", "full name", "rare name",
           "common name", "nothing")
USABLE = CLASSES[:7]
TOKEN_CAPS = (2, 5, 30)
# Characters each account wrote (posts and private messages): whether writing style can compare it.
TEXT_CHARS_SQL = """SELECT source_id, account_id, sum(length(body_text)) AS n FROM (
    SELECT source_id, account_id, body_text FROM posts UNION ALL
    SELECT source_id, sender_account_id, body_text FROM messages) GROUP BY ALL"""


def evidence_ceiling(con: duckdb.DuckDBPyConnection, truth_dir: Path, src_forum: dict[str, str],
                     strong_kinds: tuple[str, ...], *, min_chars: int, token_cap: int) -> dict[str, Any]:
    """True pairs by the strongest evidence the store holds for them, and the recall ceiling that follows."""
    truth_dir = Path(truth_dir)
    con.execute("CREATE OR REPLACE TEMP TABLE _ceil_src (source_id VARCHAR, forum VARCHAR)")
    con.executemany("INSERT INTO _ceil_src VALUES (?, ?)", sorted(src_forum.items()))
    accounts, traps = str(truth_dir / "accounts.csv"), str(truth_dir / "traps.csv")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _ceil_acc AS
        SELECT s.source_id, t.account_id, t.person_id
        FROM read_csv(?, all_varchar = true, header = true) t JOIN _ceil_src s ON s.forum = t.forum
        WHERE coalesce(t.person_id, '') <> ''""", [accounts])
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _ceil_pairs AS
        SELECT a.source_id AS sa, a.account_id AS aa, b.source_id AS sb, b.account_id AS ab
        FROM _ceil_acc a JOIN _ceil_acc b ON a.person_id = b.person_id
         AND (a.source_id, a.account_id) < (b.source_id, b.account_id)""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _ceil_tok AS
        SELECT DISTINCT source_id, account_id, tok FROM (
            SELECT source_id, account_id, unnest(regexp_extract_all(
                lower(coalesce(username, '') || ' ' || split_part(coalesce(email, ''), '@', 1)), '[a-z]{3,}')) AS tok
            FROM accounts WHERE NOT coalesce(is_guest, false) AND NOT coalesce(is_bot, false))""")
    con.execute("""CREATE OR REPLACE TEMP TABLE _ceil_tokn AS
                   SELECT tok, count(*) AS n FROM _ceil_tok GROUP BY tok""")
    kinds = list(strong_kinds) or ["\x00"]
    rows = con.execute("""
        WITH sel AS (SELECT DISTINCT source_id, account_id, kind, value FROM selectors
                     WHERE list_contains(?, kind)),
        ev AS (SELECT DISTINCT source_id, account_id, ip FROM ip_events
               WHERE ip IS NOT NULL AND coalesce(kind, '') <> 'login_attempt'
                 AND ip NOT IN (SELECT ip FROM read_csv(?, all_varchar = true, header = true)
                                WHERE kind IN ('vpn', 'tor', 'cgnat'))),
        txt AS (""" + TEXT_CHARS_SQL + """),
        p AS (SELECT * FROM _ceil_pairs),
        f_sel AS (SELECT DISTINCT sa, aa, sb, ab FROM p
                  JOIN sel x ON x.source_id = sa AND x.account_id = aa
                  JOIN sel y ON y.source_id = sb AND y.account_id = ab AND y.kind = x.kind AND y.value = x.value),
        f_ip AS (SELECT DISTINCT sa, aa, sb, ab FROM p
                 JOIN ev x ON x.source_id = sa AND x.account_id = aa
                 JOIN ev y ON y.source_id = sb AND y.account_id = ab AND y.ip = x.ip),
        f_tok AS (SELECT sa, aa, sb, ab, min(n.n) AS n, count(*) FILTER (WHERE n.n <= ?) AS rare FROM p
                  JOIN _ceil_tok x ON x.source_id = sa AND x.account_id = aa
                  JOIN _ceil_tok y ON y.source_id = sb AND y.account_id = ab AND y.tok = x.tok
                  JOIN _ceil_tokn n ON n.tok = x.tok GROUP BY ALL)
        SELECT CASE
            WHEN fs.sa IS NOT NULL THEN 'selector'
            WHEN fi.sa IS NOT NULL THEN 'address'
            WHEN x.birth_date IS NOT NULL AND x.birth_date = y.birth_date THEN 'birth date'
            WHEN nullif(lower(trim(x.location)), '') = lower(trim(y.location)) THEN 'location'
            WHEN coalesce(tx.n, 0) >= ? AND coalesce(ty.n, 0) >= ? THEN 'text'
            WHEN lower(x.username) = lower(y.username) THEN 'user name'
            WHEN ft.rare >= 2 THEN 'full name'
            WHEN ft.n <= ? THEN 'rare name'
            WHEN ft.n IS NOT NULL THEN 'common name'
            ELSE 'nothing' END AS cls, mx.person_id = my.person_id AS merged, p.sa, p.aa, p.sb, p.ab
        FROM p
        LEFT JOIN person_accounts mx ON mx.source_id = p.sa AND mx.account_id = p.aa
        LEFT JOIN person_accounts my ON my.source_id = p.sb AND my.account_id = p.ab
        LEFT JOIN f_sel fs USING (sa, aa, sb, ab) LEFT JOIN f_ip fi USING (sa, aa, sb, ab)
        LEFT JOIN f_tok ft USING (sa, aa, sb, ab)
        LEFT JOIN accounts x ON x.source_id = p.sa AND x.account_id = p.aa
        LEFT JOIN accounts y ON y.source_id = p.sb AND y.account_id = p.ab
        LEFT JOIN txt tx ON tx.source_id = p.sa AND tx.account_id = p.aa
        LEFT JOIN txt ty ON ty.source_id = p.sb AND ty.account_id = p.ab
        """, [kinds, traps, token_cap, min_chars, min_chars, token_cap]).fetchall()
    by_class = dict.fromkeys(CLASSES, 0)
    merged = dict.fromkeys(CLASSES, 0)
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(x: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for cls, was_merged, sa, aa, sb, ab in rows:
        by_class[str(cls)] += 1
        merged[str(cls)] += bool(was_merged)
        a, b = root((sa, aa)), root((sb, ab))  # every account of a true pair is a node, linked or not
        if cls in USABLE:
            parent[a] = b
    total = len(rows)
    sizes: dict[tuple[str, str], int] = {}
    for x in list(parent):
        r = root(x)
        sizes[r] = sizes.get(r, 0) + 1
    usable = sum(n * (n - 1) // 2 for n in sizes.values())  # pairs joined by evidence, directly or through others
    out: dict[str, Any] = {"true_pairs": total, "by_class": by_class, "merged": merged,
                           "ceiling": ratio(usable, total),
                           "name_token_precision": _token_precision(con)}
    for t in ("_ceil_src", "_ceil_acc", "_ceil_pairs", "_ceil_tok", "_ceil_tokn"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return out


def _token_precision(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Account pairs sharing a name token of at most k accounts and the time-zone setting: how many, and how
    many of them are one person."""
    out = []
    for cap in TOKEN_CAPS:
        pairs, right = con.execute("""
            WITH t AS (SELECT k.source_id, k.account_id, k.tok FROM _ceil_tok k JOIN _ceil_tokn n USING (tok)
                       WHERE n.n <= ?),
            pr AS (SELECT DISTINCT a.source_id AS sa, a.account_id AS aa, b.source_id AS sb, b.account_id AS ab
                   FROM t a JOIN t b ON a.tok = b.tok AND (a.source_id, a.account_id) < (b.source_id, b.account_id))
            SELECT count(*), count(*) FILTER (WHERE pa.person_id IS NOT NULL AND pa.person_id = pb.person_id)
            FROM pr
            JOIN accounts x ON x.source_id = pr.sa AND x.account_id = pr.aa
            JOIN accounts y ON y.source_id = pr.sb AND y.account_id = pr.ab
            LEFT JOIN _ceil_acc pa ON pa.source_id = pr.sa AND pa.account_id = pr.aa
            LEFT JOIN _ceil_acc pb ON pb.source_id = pr.sb AND pb.account_id = pr.ab
            WHERE x.timezone IS NOT DISTINCT FROM y.timezone""", [cap]).fetchone() or (0, 0)
        out.append({"max_accounts": cap, "pairs": int(pairs), "one_person": int(right),
                    "precision": ratio(int(right), int(pairs))})
    return out
