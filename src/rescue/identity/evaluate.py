"""Measuring identity resolution against the ground truth of a synthetic world (``truth/`` of ``rescue synth``).

Pairwise precision, recall and F1 over accounts (a pair is predicted when both accounts are in one
person), B-cubed precision/recall/F1, the largest person, recall of the alias pairs that share no
selector (found by writing style or other weak evidence: merged, or proposed for review), false merges per
trap kind (traps.csv: VPN, Tor, carrier NAT), the precision of each kind of link and of Splink scores, and
the evidence ceiling of recall (``ceiling.py``: what the seized data holds for each true pair).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import duckdb

from rescue.errors import UsageError
from rescue.evaluate.metrics import ratio
from rescue.evaluate.truth import forum_of_sha
from rescue.identity.attributes import BLOCKING_COLUMNS
from rescue.identity.ceiling import TEXT_CHARS_SQL, evidence_ceiling
from rescue.identity.config import IdentityConfig
from rescue.identity.model import drop_universe, has_table, load_universe
from rescue.identity.names import attribute_table

AccountRef = tuple[str, str]   # (forum, account_id) in truth terms


def _csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise UsageError(f"{path}: missing (not a truth folder of `rescue synth`?)")
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0



def evaluate(con: duckdb.DuckDBPyConnection, truth_dir: Path, *, cfg: IdentityConfig | None = None) -> dict[str, Any]:
    """Figures of the store's persons against ``truth_dir`` (accounts.csv, alias_pairs.csv, traps.csv).
    ``cfg`` (the settings the store was resolved with) sets the text minimum of the style ceiling."""
    cfg = cfg or IdentityConfig()
    truth_dir = Path(truth_dir)
    src_forum = store_forums(con, truth_dir)
    truth = truth_accounts(truth_dir)
    predicted: dict[AccountRef, str] = {}
    for sid, aid, pid in con.execute("SELECT source_id, account_id, person_id FROM person_accounts").fetchall():
        ref = (src_forum.get(str(sid), "?"), str(aid))
        if ref in truth:
            predicted[ref] = str(pid)
    out = partition_figures(predicted, truth)
    clusters: dict[str, list[AccountRef]] = defaultdict(list)
    for ref, pid in sorted(predicted.items()):
        clusters[pid].append(ref)
    out["false_merges"] = _false_merges(truth_dir, clusters, truth)
    out.update(_links(con, src_forum, truth))
    out["style_only_aliases"] = _aliases(con, truth_dir, src_forum, predicted, cfg.style_min_chars)
    out["review"] = _review(con, truth_dir, src_forum, predicted, truth)
    out["missed"] = _missed(con, truth_dir, src_forum, predicted)
    out["splink_blocking_recall"] = _blocking_recall(con, src_forum, truth)
    out["evidence_ceiling"] = evidence_ceiling(con, truth_dir, src_forum, tuple(cfg.strong_kinds),
                                               min_chars=cfg.style_min_chars, token_cap=cfg.name_token_cap)
    return out


def truth_accounts(truth_dir: Path) -> dict[AccountRef, str]:
    """(forum, account_id) -> true person id, for the accounts of persons (not the guest or bots)."""
    return {(r["forum"], r["account_id"]): r["person_id"] for r in _csv(Path(truth_dir) / "accounts.csv")
            if r["person_id"]}


def store_forums(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> dict[str, str]:
    """The store's source ids -> the truth's forum names (matched by the sha256 of the dumps)."""
    forum_of = forum_of_sha(Path(truth_dir))
    out = {str(s): forum_of[str(h)] for s, h in con.execute("SELECT source_id, sha256 FROM sources").fetchall()
           if str(h) in forum_of}
    if not out:
        raise UsageError(f"{truth_dir}: the truth describes none of the store's sources (sha256 differ)")
    return out


def partition_figures(predicted: dict[AccountRef, str], truth: dict[AccountRef, str]) -> dict[str, Any]:
    """Pairwise and B-cubed precision/recall/F1 of a grouping of accounts (account -> group id) against the
    truth (account -> person id), over the accounts of both."""
    clusters: dict[str, list[AccountRef]] = defaultdict(list)
    for ref, pid in sorted(predicted.items()):
        if ref in truth:
            clusters[pid].append(ref)
    true_sizes = Counter(truth[r] for m in clusters.values() for r in m)
    tp = pred_pairs = 0
    b3p = b3r = 0.0
    for members in clusters.values():
        n = len(members)
        pred_pairs += n * (n - 1) // 2
        per_truth = Counter(truth[r] for r in members)
        tp += sum(k * (k - 1) // 2 for k in per_truth.values())
        for r in members:
            inter = per_truth[truth[r]]
            b3p += inter / n
            b3r += inter / true_sizes[truth[r]]
    true_pairs = sum(k * (k - 1) // 2 for k in true_sizes.values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    n_acc = sum(true_sizes.values())
    return {
        "accounts": n_acc, "persons_predicted": len(clusters), "persons_true": len(true_sizes),
        "pairs_predicted": pred_pairs, "pairs_true": true_pairs, "pairs_correct": tp,
        "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(_f1(precision, recall), 4),
        "bcubed_precision": round(b3p / n_acc, 4) if n_acc else None,
        "bcubed_recall": round(b3r / n_acc, 4) if n_acc else None,
        "bcubed_f1": round(_f1(b3p / n_acc, b3r / n_acc), 4) if n_acc else None,
        "largest_person": max((len(m) for m in clusters.values()), default=0),
        "largest_true_person": max(true_sizes.values(), default=0),
    }


def _blocking_recall(con: duckdb.DuckDBPyConnection, src_forum: dict[str, str], truth: dict[AccountRef, str]
                     ) -> float | None:
    """Share of the true pairs that Splink's prediction blocking rules compare at all (its recall ceiling)."""
    uni = load_universe(con)
    try:
        feats = attribute_table(con, uni).to_pylist()
    finally:
        drop_universe(con)
    by_person: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for key, f in zip(uni.keys, feats, strict=True):
        t = truth.get((src_forum.get(key[0], "?"), key[1]))
        if t is not None:
            by_person[t].append(f)
    total = blocked = 0
    for rows in by_person.values():
        for i, x in enumerate(rows):
            for y in rows[i + 1:]:
                total += 1
                blocked += any(all(x[c] is not None and x[c] == y[c] for c in rule) for rule in BLOCKING_COLUMNS)
    return ratio(blocked, total)


def _false_merges(truth_dir: Path, clusters: dict[str, list[AccountRef]],
                  truth: dict[AccountRef, str]) -> dict[str, int]:
    """Wrongly merged account pairs, by the kind of trap address both accounts are listed at (else 'other')."""
    traps: dict[AccountRef, set[int]] = defaultdict(set)   # account -> trap rows (addresses) it is listed at
    kinds: list[str] = []
    for n, row in enumerate(_csv(truth_dir / "traps.csv")):
        kinds.append(row["kind"])
        for token in (row.get("accounts") or "").split():
            forum, _, aid = token.partition(":")
            traps[(forum, aid)].add(n)
    out: Counter[str] = Counter()
    for members in clusters.values():
        for i, x in enumerate(members):
            for y in members[i + 1:]:
                if truth[x] != truth[y]:
                    shared = sorted(kinds[n] for n in traps[x] & traps[y])
                    out[shared[0] if shared else "other"] += 1
    return {k: out.get(k, 0) for k in ("vpn", "tor", "cgnat", "travel", "other")}


def _links(con: duckdb.DuckDBPyConnection, src_forum: dict[str, str], truth: dict[AccountRef, str]
           ) -> dict[str, Any]:
    """Precision of each kind of link (pairs), and of Splink scores by threshold."""
    if not has_table(con, "person_links"):
        return {}
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    scores: list[tuple[float, bool]] = []
    for sa, aa, sb, ab, method, strength, score in con.execute(
            "SELECT source_a, account_a, source_b, account_b, method, strength, score "
            "FROM person_links").fetchall():
        ta, tb = truth.get((src_forum.get(sa, "?"), aa)), truth.get((src_forum.get(sb, "?"), ab))
        if ta is None or tb is None:
            continue
        same = ta == tb
        key = f"{method} {strength}"
        per[key][0] += 1
        per[key][1] += same
        if method == "attributes":
            scores.append((float(score), same))
    curve = []
    for t in (0.01, 0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9999):
        sel = [s for p, s in scores if p >= t]
        curve.append({"threshold": t, "pairs": len(sel), "correct": sum(sel), "precision": ratio(sum(sel), len(sel))})
    return {"link_precision": {k: {"pairs": v[0], "correct": v[1], "precision": ratio(v[1], v[0])}
                               for k, v in sorted(per.items())}, "splink_curve": curve}


def _aliases(con: duckdb.DuckDBPyConnection, truth_dir: Path, src_forum: dict[str, str],
             predicted: dict[AccountRef, str], min_chars: int) -> dict[str, Any]:
    """Alias pairs sharing no selector: how many are merged, proposed for review, proposed by style, and how
    many have enough text on both sides to be compared by style at all (the ceiling)."""
    forum_src = {f: s for s, f in src_forum.items()}
    chars: dict[AccountRef, int] = {}
    for sid, aid, n in con.execute(TEXT_CHARS_SQL).fetchall():
        chars[(src_forum.get(str(sid), "?"), str(aid))] = int(n or 0)
    review: set[tuple[AccountRef, AccountRef]] = set()
    style: set[tuple[AccountRef, AccountRef]] = set()
    if has_table(con, "identity_review"):
        for sa, aa, sb, ab in con.execute("SELECT source_a, account_a, source_b, account_b FROM identity_review"
                                          ).fetchall():
            x, y = (src_forum.get(sa, "?"), aa), (src_forum.get(sb, "?"), ab)
            review |= {(x, y), (y, x)}
    if has_table(con, "person_links"):
        for sa, aa, sb, ab in con.execute("SELECT source_a, account_a, source_b, account_b FROM person_links "
                                          "WHERE method = 'style'").fetchall():
            x, y = (src_forum.get(sa, "?"), aa), (src_forum.get(sb, "?"), ab)
            style |= {(x, y), (y, x)}
    total = merged = in_review = by_style = texted = 0
    for row in _csv(truth_dir / "alias_pairs.csv"):
        if row["shares_selector"] != "false" or row["forum"] not in forum_src:
            continue
        x, y = (row["forum"], row["account_a"]), (row["forum"], row["account_b"])
        if x not in predicted or y not in predicted:
            continue
        total += 1
        merged += predicted[x] == predicted[y]
        in_review += (x, y) in review
        by_style += (x, y) in style
        texted += min(chars.get(x, 0), chars.get(y, 0)) >= min_chars
    return {"pairs": total, "merged": merged, "in_review": in_review, "style_candidates": by_style,
            "enough_text": texted, "recall_merged_or_review": ratio(merged + in_review, total),
            "recall_style": ratio(by_style, total), "recall_style_of_comparable": ratio(by_style, texted)}


def _review_pairs(con: duckdb.DuckDBPyConnection, src_forum: dict[str, str]
                  ) -> list[tuple[AccountRef, AccountRef, float]]:
    """The review list in the order an analyst reads it (bridges first, then by priority)."""
    if not has_table(con, "identity_review"):
        return []
    cols = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'identity_review'").fetchall()}
    prio = "priority" if "priority" in cols else "score"
    rows = con.execute(f"SELECT source_a, account_a, source_b, account_b, {prio} FROM identity_review "
                       f"ORDER BY reason LIKE 'bridge%' DESC, {prio} DESC, source_a, account_a, source_b, account_b"
                       ).fetchall()
    return [((src_forum.get(sa, "?"), aa), (src_forum.get(sb, "?"), ab), float(p or 0)) for sa, aa, sb, ab, p in rows]


def _review(con: duckdb.DuckDBPyConnection, truth_dir: Path, src_forum: dict[str, str],
            predicted: dict[AccountRef, str], truth: dict[AccountRef, str]) -> dict[str, Any]:
    """Precision of the review list read from the top, and the recall of the alias pairs that share no
    selector (merged, or in the review list down to where its precision still reaches 0.9)."""
    ranked = _review_pairs(con, src_forum)
    forum_src = set(src_forum.values())
    targets: set[tuple[AccountRef, AccountRef]] = set()
    merged = 0
    for row in _csv(truth_dir / "alias_pairs.csv"):
        if row["shares_selector"] != "false" or row["forum"] not in forum_src:
            continue
        x, y = (row["forum"], row["account_a"]), (row["forum"], row["account_b"])
        if x in predicted and y in predicted:
            if predicted[x] == predicted[y]:
                merged += 1
            else:
                targets |= {(x, y), (y, x)}
    total = merged + len(targets) // 2
    correct = found = 0
    best: tuple[int, int] = (0, merged)      # (top k, style-only aliases found) at precision >= 0.9
    curve = []
    marks = {10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000}
    for k, (x, y, _p) in enumerate(ranked, 1):
        same = truth.get(x) is not None and truth.get(x) == truth.get(y)
        correct += same
        found += (x, y) in targets
        if correct / k >= 0.9:
            best = (k, merged + found)
        if k in marks or k == len(ranked):
            curve.append({"top": k, "precision": ratio(correct, k),
                          "style_only_recall": ratio(merged + found, total)})
    return {"pairs": len(ranked), "correct": correct, "precision": ratio(correct, len(ranked)),
            "top_at_p90": best[0], "style_only_recall_at_p90": ratio(best[1], total),
            "style_only_recall_merged": ratio(merged, total), "curve": curve}


def _missed(con: duckdb.DuckDBPyConnection, truth_dir: Path, src_forum: dict[str, str],
            predicted: dict[AccountRef, str]) -> list[dict[str, Any]]:
    """True pairs (alias_pairs.csv, cross_forum.csv) by what they share, and how many were merged or are
    in the review list: where the missing recall is."""
    forum_src = set(src_forum.values())
    review = {frozenset((x, y)) for x, y, _ in _review_pairs(con, src_forum)}
    groups: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    sources = [("alias", r, (r["forum"], r["account_a"]), (r["forum"], r["account_b"]),
                "separate" if r["separate"] == "true" else "")
               for r in _csv(truth_dir / "alias_pairs.csv")]
    cross = truth_dir / "cross_forum.csv"
    if cross.is_file():
        sources += [("cross-forum", r, (r["forum_a"], r["account_a"]), (r["forum_b"], r["account_b"]),
                     "same user name" if r["same_username"] == "true" else "")
                    for r in _csv(cross)]
    for what, row, x, y, note in sources:
        if x[0] not in forum_src or y[0] not in forum_src or x not in predicted or y not in predicted:
            continue
        key = (what, "yes" if row["shares_selector"] == "true" else "no",
               "yes" if row["shares_ip"] == "true" else "no", note)
        g = groups[key]
        g[0] += 1
        g[1] += predicted[x] == predicted[y]
        g[2] += predicted[x] != predicted[y] and frozenset((x, y)) in review
    return [{"pairs_of": k[0], "share_selector": k[1], "share_address": k[2], "note": k[3], "pairs": v[0],
             "merged": v[1], "in_review": v[2], "recall": ratio(v[1], v[0])}
            for k, v in sorted(groups.items())]
