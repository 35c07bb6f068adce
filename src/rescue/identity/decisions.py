"""Analyst decisions about pairs of accounts: same, not same, unsure — who, when, why.

They live in the operation's workflow, not in the store: ``<op>/decisions/identity.jsonl``, one JSON object
per line, appended to and never rewritten, so that they survive every re-analysis. Each run of
:func:`rescue.identity.resolve` reads them: "same" forces a merge, "not same" blocks it for good (also
through other accounts), "unsure" is recorded and keeps the pair in review. For a pair decided several
times the latest line counts; the earlier ones are kept as superseded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rescue.errors import OperationError, UsageError
from rescue.identity.model import AccountKey, key_text
from rescue.store import duck

DECISIONS_FILE = Path("decisions") / "identity.jsonl"
VERDICTS = ("same", "not same", "unsure")
_ALIASES = {"same": "same", "not same": "not same", "not_same": "not same", "notsame": "not same",
            "different": "not same", "unsure": "unsure"}


@dataclass(frozen=True)
class Decision:
    a: AccountKey
    b: AccountKey
    verdict: str
    who: str
    reason: str
    at: str          # ISO 8601 UTC, seconds, 'Z'
    line: int = 0    # line number in the file (0: not stored yet)

    @property
    def pair(self) -> tuple[AccountKey, AccountKey]:
        return (self.a, self.b) if self.a <= self.b else (self.b, self.a)

    @property
    def decision_id(self) -> str:
        text = f"{key_text(self.a)}\x1f{key_text(self.b)}\x1f{self.verdict}\x1f{self.who}\x1f{self.at}"
        return "D" + hashlib.sha256(text.encode()).hexdigest()[:16]

    def to_json(self) -> str:
        d = asdict(self)
        d.pop("line")
        d["a"], d["b"] = key_text(self.a), key_text(self.b)
        return json.dumps(d, ensure_ascii=False, sort_keys=True)


def parse_key(ref: str | AccountKey) -> AccountKey:
    """``'source_id:account_id'`` or a (source_id, account_id) pair."""
    if isinstance(ref, tuple):
        return (str(ref[0]), str(ref[1]))
    source, sep, account = str(ref).partition(":")
    if not sep or not source or not account:
        raise UsageError(f"{ref!r}: an account is written SOURCE_ID:ACCOUNT_ID (or give a person id P…)")
    return (source, account)


def normal_verdict(verdict: str) -> str:
    v = _ALIASES.get(" ".join(verdict.lower().replace("-", " ").split()))
    if v is None:
        raise UsageError(f"verdict {verdict!r} is not one of: {', '.join(VERDICTS)}")
    return v


def read(path: Path) -> list[Decision]:
    """All decisions of the file (none when it does not exist), in file order."""
    if not path.is_file():
        return []
    out: list[Decision] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            out.append(Decision(parse_key(str(d["a"])), parse_key(str(d["b"])), normal_verdict(str(d["verdict"])),
                                str(d["who"]), str(d.get("reason", "")), str(d["at"]), n))
        except (json.JSONDecodeError, KeyError, TypeError, UsageError) as exc:
            raise OperationError(f"{path}:{n}: not a decision ({exc})") from exc
    return out


def _resolve_ref(op_dir: Path, ref: str | AccountKey) -> AccountKey:
    """A person id (``P`` + 16 hex) names the smallest account of that person in the current store."""
    if isinstance(ref, str) and len(ref) == 17 and ref.startswith("P") and ":" not in ref:
        con = duck.connect(op_dir / "store.duckdb", read_only=True)
        try:
            rows = con.execute("SELECT source_id, account_id FROM person_accounts WHERE person_id = ? "
                               "ORDER BY 1, 2 LIMIT 1", [ref]).fetchall()
        finally:
            con.close()
        if not rows:
            raise UsageError(f"{ref}: no such person in {op_dir / 'store.duckdb'}")
        return (str(rows[0][0]), str(rows[0][1]))
    return parse_key(ref)


def decide(op_dir: Path, a: str | AccountKey, b: str | AccountKey, verdict: str, who: str,
           reason: str) -> Decision:
    """Record that accounts (or persons) ``a`` and ``b`` are the same person, not, or unsure.

    Appends one line to ``<op_dir>/decisions/identity.jsonl``; the next run of identity resolution applies
    it. ``who`` and ``reason`` are required: a decision is accountable.
    """
    op_dir = Path(op_dir)
    if not (op_dir / "operation.toml").is_file():
        raise OperationError(f"{op_dir}: not an operation folder (no operation.toml)")
    if not who.strip():
        raise UsageError("a decision needs the name of who took it")
    if not reason.strip():
        raise UsageError("a decision needs a reason")
    ka, kb = _resolve_ref(op_dir, a), _resolve_ref(op_dir, b)
    if ka == kb:
        raise UsageError(f"{key_text(ka)}: a decision is about two different accounts")
    at = dt.datetime.now(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = op_dir / DECISIONS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    n = len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0
    d = Decision(min(ka, kb), max(ka, kb), normal_verdict(verdict), who.strip(), " ".join(reason.split()), at, n + 1)
    with path.open("a", encoding="utf-8") as f:
        f.write(d.to_json() + "\n")
    return d


def effective(decisions: list[Decision]) -> dict[tuple[AccountKey, AccountKey], Decision]:
    """The decision that counts per pair: the latest line."""
    out: dict[tuple[AccountKey, AccountKey], Decision] = {}
    for d in decisions:
        out[d.pair] = d
    return out


def _store_rows(op_dir: Path, sql: str, params: list[str]) -> tuple[list[str], list[tuple[object, ...]]] | None:
    """Rows of a query on the operation's store (read-only), None when the table does not exist yet."""
    path = Path(op_dir) / "store.duckdb"
    if not path.is_file():
        return None
    con = duck.connect(path, read_only=True)
    try:
        table = sql.split(" FROM ", 1)[1].split()[0]
        if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                           [table]).fetchall()[0][0]:
            return None
        cur = con.execute(sql, params)
        names = [c[0] for c in cur.description or []]
        return names, cur.fetchall()
    finally:
        con.close()


def review_pair(op_dir: Path, review_id: str) -> tuple[AccountKey, AccountKey]:
    """The two accounts of a review id (``R`` + 16 hex) of the store's ``identity_review``."""
    got = _store_rows(op_dir, "SELECT source_a, account_a, source_b, account_b FROM identity_review "
                              "WHERE review_id = ?", [review_id])
    if got is None:
        raise OperationError(f"{op_dir}: no review list (run `rescue analyse` first)")
    if not got[1]:
        raise UsageError(f"{review_id}: no such review id in {Path(op_dir) / 'store.duckdb'}")
    sa, aa, sb, ab = got[1][0]
    return (str(sa), str(aa)), (str(sb), str(ab))


def review_rows(op_dir: Path, *, method: str | None = None, limit: int = 0) -> list[dict[str, Any]]:
    """The review list (``identity_review``) in its order: bridges first, then by priority."""
    where, params = "", list[str]()
    if method:
        where, params = "WHERE list_contains(string_split(methods, ', '), ?)", [method]
    lim = f"LIMIT {int(limit)}" if limit > 0 else ""
    got = _store_rows(op_dir, f"SELECT * FROM identity_review {where} ORDER BY reason LIKE 'bridge%' DESC, "
                              f"priority DESC, score DESC, source_a, account_a, source_b, account_b {lim}", params)
    if got is None:
        raise OperationError(f"{op_dir}: no review list (run `rescue analyse` first)")
    names, rows = got
    return [dict(zip(names, r, strict=True)) for r in rows]


def decision_rows(op_dir: Path) -> list[dict[str, object]]:
    """Every decision of the file with its status after the last analysis (``analyst_decisions``), or
    'not yet applied' when the store has not been analysed since."""
    decisions = read(Path(op_dir) / DECISIONS_FILE)
    got = _store_rows(op_dir, "SELECT line, status FROM analyst_decisions", [])
    status = {int(str(line)): str(s) for line, s in (got[1] if got else [])}
    return [{"line": d.line, "a": key_text(d.a), "b": key_text(d.b), "verdict": d.verdict, "who": d.who, "at": d.at,
             "reason": d.reason, "status": status.get(d.line, "not yet applied (run `rescue identity resolve`)")}
            for d in decisions]
