"""The objects identity resolution passes between its steps: the accounts, evidence for a pair, and
values that were not allowed to link anyone."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

AccountKey = tuple[str, str]  # (source_id, account_id)

# Methods, strongest first (the order in which merges are applied).
METHODS: tuple[str, ...] = ("decision", "selector", "ip", "attributes", "name", "combined", "style")
# Confidence given to a merge by one piece of evidence of each method (splink and style carry scores).
METHOD_CONFIDENCE: dict[str, float] = {"decision": 1.0, "selector": 0.99, "ip": 0.95}
# How often one piece of evidence of each method and strength was right on synthetic ground truth (docs/identity.md,
# "Precision of each kind of link"); attribute scores are Splink's own probabilities. The review list is read in
# the order of the chance a pair is one person, combining its evidence as independent: 1 - prod(1 - p).
REVIEW_PRECISION: dict[tuple[str, str], float] = {
    ("selector", "strong"): 0.99, ("ip", "strong"): 0.95, ("ip", "weak"): 0.85,
    ("name", "strong"): 0.99, ("name", "weak"): 0.6, ("style", "weak"): 0.35, ("style", "candidate"): 0.05,
}


def review_priority(evidence: list[Evidence]) -> float:
    """The chance a pair is one person by its evidence (decisions left out), for ordering the review list."""
    miss = 1.0
    for e in evidence:
        if e.method == "decision":
            continue
        p = e.score if e.method == "attributes" else REVIEW_PRECISION.get((e.method, e.strength), 0.0)
        miss *= 1.0 - min(max(p, 0.0), 0.999)
    return round(1.0 - miss, 6)


def person_id_for(key: AccountKey) -> str:
    """``P`` + 16 hex digits of sha256(source_id ␟ account_id): the same id a one-account person had."""
    return "P" + hashlib.sha256(f"{key[0]}\x1f{key[1]}".encode()).hexdigest()[:16]


def key_text(key: AccountKey) -> str:
    return f"{key[0]}:{key[1]}"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason to think accounts ``a`` and ``b`` (indexes, a < b) belong to one person."""

    a: int
    b: int
    method: str     # selector | ip | attributes | name | style | decision
    kind: str       # selector kind, 'ip', 'attributes', 'writing style', the verdict
    value: str      # the shared value ('' for scores)
    detail: str     # where it was seen / what compared
    score: float    # 1.0 for a shared value; match probability; cosine
    strength: str   # strong (merges) | weak (merges with another method) | candidate (review only)


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A value shared by several accounts that links none of them, and why."""

    kind: str
    value: str
    accounts: int
    reason: str


@dataclass
class Universe:
    """The accounts that can be persons (guest placeholders and bots cannot), in a fixed order."""

    keys: list[AccountKey]
    usernames: list[str | None]
    index: dict[AccountKey, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {k: i for i, k in enumerate(self.keys)}

    def __len__(self) -> int:
        return len(self.keys)

    def label(self, i: int) -> str:
        return f"{key_text(self.keys[i])} ({self.usernames[i]})"


TEMP = "_id_accounts"


def load_universe(con: duckdb.DuckDBPyConnection) -> Universe:
    """Read the accounts and register them as the temporary table ``_id_accounts(idx, source_id, account_id)``."""
    rows = con.execute("""
        SELECT source_id, account_id, username FROM accounts
        WHERE account_id IS NOT NULL AND NOT coalesce(is_guest, FALSE) AND NOT coalesce(is_bot, FALSE)
        ORDER BY source_id, account_id""").fetchall()
    uni = Universe([(str(s), str(a)) for s, a, _ in rows], [None if u is None else str(u) for _, _, u in rows])
    table = pa.table({"idx": pa.array(range(len(uni)), pa.int64()),
                      "source_id": pa.array([k[0] for k in uni.keys], pa.string()),
                      "account_id": pa.array([k[1] for k in uni.keys], pa.string())})
    con.execute(f"DROP TABLE IF EXISTS {TEMP}")
    con.register("_id_accounts_view", table)
    try:
        con.execute(f"CREATE TEMP TABLE {TEMP} AS SELECT * FROM _id_accounts_view")
    finally:
        con.unregister("_id_accounts_view")
    return uni


def drop_universe(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {TEMP}")


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()
    return bool(rows[0][0])
