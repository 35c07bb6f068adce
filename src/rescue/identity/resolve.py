"""Identity resolution: replace ``persons`` and ``person_accounts`` by groups of accounts of one person."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from rescue import operation
from rescue.analyse.limits import lowered
from rescue.errors import OperationError
from rescue.identity import decisions as dec
from rescue.identity import tables
from rescue.identity.attributes import attribute_evidence
from rescue.identity.cluster import Pair, PairState, classify, cluster
from rescue.identity.config import IdentityConfig
from rescue.identity.config import load as load_config
from rescue.identity.model import METHODS, Evidence, drop_universe, has_table, load_universe
from rescue.identity.names import attribute_table
from rescue.identity.realnames import name_evidence
from rescue.identity.strong import ip_evidence, selector_evidence
from rescue.identity.style import style_evidence
from rescue.store import duck

Progress = Callable[[str, int, int], None]
STEPS = ("selectors", "addresses", "attributes", "names", "style", "clusters", "tables")


@dataclass
class IdentitySummary:
    """What a run found and wrote."""

    accounts: int = 0
    persons: int = 0
    multi_account_persons: int = 0
    largest_person: int = 0
    links: dict[str, int] = field(default_factory=dict)      # evidence rows per method
    merged_pairs: dict[str, int] = field(default_factory=dict)  # merged pairs per deciding method
    review: dict[str, int] = field(default_factory=dict)     # held pairs per reason
    suppressed: int = 0
    decisions: dict[str, int] = field(default_factory=dict)  # decisions per status
    style_accounts: int = 0
    splink: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)     # rows per table written
    step_seconds: dict[str, float] = field(default_factory=dict)
    step_cpu_seconds: dict[str, float] = field(default_factory=dict)   # user + system of the process, per step
    seconds: float = 0.0

    def lines(self) -> list[str]:
        held = sum(self.review.values())
        out = [f"{self.accounts:,} accounts → {self.persons:,} persons ({self.multi_account_persons:,} with several "
               f"accounts, largest {self.largest_person}); {held:,} pairs held for review; {self.seconds:.1f} s",
               "merged by: " + (", ".join(f"{k} {v}" for k, v in self.merged_pairs.items()) or "nothing"),
               f"suppressed values: {self.suppressed:,}; accounts compared by style: {self.style_accounts:,}"]
        out += [f"  review: {k}: {v}" for k, v in self.review.items()]
        out += [f"  decisions {k}: {v}" for k, v in self.decisions.items()]
        return out

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True, default=str)


def _pairs(evidence: list[Evidence]) -> dict[Pair, PairState]:
    out: dict[Pair, PairState] = {}
    for e in sorted(evidence, key=lambda e: (e.a, e.b, METHODS.index(e.method), e.kind, e.value)):
        st = out.get((e.a, e.b))
        if st is None:
            st = out[(e.a, e.b)] = PairState(e.a, e.b)
        st.evidence.append(e)
    return out


def _decision_evidence(uni_index: dict[tuple[str, str], int], path: Path | None
                       ) -> tuple[list[tuple[dec.Decision, str]], list[Evidence], dict[Pair, dec.Decision]]:
    all_decisions = dec.read(path) if path is not None else []
    latest = dec.effective(all_decisions)
    rows: list[tuple[dec.Decision, str]] = []
    evidence: list[Evidence] = []
    verdicts: dict[Pair, dec.Decision] = {}
    for d in all_decisions:
        ia, ib = uni_index.get(d.a), uni_index.get(d.b)
        if latest[d.pair] is not d:
            rows.append((d, "superseded by a later decision"))
        elif ia is None or ib is None:
            rows.append((d, "account not in this store"))
        else:
            p = (min(ia, ib), max(ia, ib))
            verdicts[p] = d
            evidence.append(Evidence(p[0], p[1], "decision", d.verdict, "", f"{d.who}, {d.at}: {d.reason}", 1.0,
                                     "strong" if d.verdict == "same" else "candidate"))
            rows.append((d, "pending"))
    return rows, evidence, verdicts


def resolve(con: duckdb.DuckDBPyConnection, *, decisions_path: Path | None = None,
            cfg: IdentityConfig | None = None, progress: Progress | None = None) -> IdentitySummary:
    """Group the store's accounts into persons; replace ``persons`` and ``person_accounts``; write
    ``person_links``, ``identity_review``, ``identity_suppressed`` and ``analyst_decisions``.

    Needs the evidence tables and, for full strength, the findings ``selectors``, ``email_enrichment``,
    ``ip_enrichment`` and ``account_signals`` (run it after those steps of the analysis). Runs in the
    caller's transaction, if any.
    """
    cfg = cfg or IdentityConfig()
    t0 = last = time.perf_counter()
    last_cpu = time.process_time()
    summary = IdentitySummary()

    def step(name: str) -> None:
        nonlocal last, last_cpu
        now, cpu = time.perf_counter(), time.process_time()
        summary.step_seconds[name] = round(now - last, 3)
        summary.step_cpu_seconds[name] = round(cpu - last_cpu, 3)
        last, last_cpu = now, cpu
        if progress:
            progress("identity", STEPS.index(name) + 1, len(STEPS))

    uni = load_universe(con)
    try:
        sel, suppressed = selector_evidence(con, cfg)
        step("selectors")
        ips, ip_suppressed = ip_evidence(con, cfg)
        suppressed += ip_suppressed
        step("addresses")
        prior_pairs = len({(e.a, e.b) for e in sel})
        features = attribute_table(con, uni)
        attrs, summary.splink = attribute_evidence(len(uni), features, cfg, prior_pairs, con)
        step("attributes")
        names = name_evidence(con, features, cfg)
        step("names")
        style, summary.style_accounts = style_evidence(con, cfg)
        step("style")
        with lowered(con):   # pairs and clusters are Python: DuckDB gives back its cached pages meanwhile
            decision_rows, decision_ev, verdicts = _decision_evidence(uni.index, decisions_path)
            pairs = _pairs(sel + ips + attrs + names + style + decision_ev)
            same = {p for p, d in verdicts.items() if d.verdict == "same"}
            not_same = {p for p, d in verdicts.items() if d.verdict == "not same"}
            classify(pairs, cfg, same, not_same)
            order = sorted(verdicts, key=lambda p: verdicts[p].line)
            uf = cluster(len(uni), pairs, cfg, not_same, order)
            pids = tables.person_ids(uni, uf)
        step("clusters")
        final_rows = [(d, _decision_status(d, status, uni.index, pids, pairs)) for d, status in decision_rows]
        has = {t for t in ("posts", "messages", "ip_events", "ip_enrichment", "selectors") if has_table(con, t)}
        summary.counts = {
            "person_accounts": tables.write_person_accounts(con, uni, pids, pairs),
            "persons": tables.write_persons(con, cfg.strong_kinds, has),
            "person_links": tables.write_links(con, uni, pids, pairs),
            "identity_review": tables.write_review(con, uni, pids, pairs, verdicts),
            "identity_suppressed": tables.write_suppressed(con, suppressed),
            "analyst_decisions": tables.write_decisions(con, final_rows, uni, pids),
        }
        step("tables")
    finally:
        drop_universe(con)
    sizes = Counter(pids)
    summary.accounts = len(uni)
    summary.persons = len(sizes)
    summary.multi_account_persons = sum(1 for n in sizes.values() if n > 1)
    summary.largest_person = max(sizes.values(), default=0)
    summary.links = dict(sorted(Counter(e.method for st in pairs.values() for e in st.evidence).items()))
    summary.merged_pairs = dict(sorted(Counter(st.merge_method for st in pairs.values()
                                               if st.status == "merged" and st.merge_method).items()))
    summary.review = dict(sorted(Counter(st.status for st in pairs.values()
                                         if st.review_reason and pids[st.a] != pids[st.b]).items()))
    summary.suppressed = len(suppressed)
    summary.decisions = dict(sorted(Counter(s for _, s in final_rows).items()))
    summary.seconds = round(time.perf_counter() - t0, 3)
    return summary


def _decision_status(d: dec.Decision, status: str, index: dict[tuple[str, str], int], pids: list[str],
                     pairs: dict[Pair, PairState]) -> str:
    if status != "pending":
        return status
    ia, ib = index[d.a], index[d.b]
    together = pids[ia] == pids[ib]
    if d.verdict == "same":
        return "applied" if together else f"not applied: {pairs[(min(ia, ib), max(ia, ib))].status}"
    if d.verdict == "not same":
        return "applied" if not together else "not applied: joined through other accounts"
    return "recorded (kept in review)"


def resolve_operation(op_dir: Path, *, progress: Progress | None = None) -> IdentitySummary:
    """Identity resolution alone on an analysed operation (e.g. after new analyst decisions), in one
    transaction, with the operation's settings and decisions file. Follow it with
    ``rescue.analyse.attribute(op)``: the attribution aggregates over the persons."""
    op = operation.load(Path(op_dir))
    con = duck.connect(op.store_path)
    try:
        if not (has_table(con, "selectors") and has_table(con, "person_accounts")):
            raise OperationError(f"{op.store_path}: no findings (run `rescue analyse` first)")
        con.execute("BEGIN TRANSACTION")
        try:
            summary = resolve(con, decisions_path=op.root / dec.DECISIONS_FILE, cfg=load_config(op.root),
                              progress=progress)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()
    return summary
