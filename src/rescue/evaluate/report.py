"""The evaluation report: JSON for machines, Markdown for people."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".") if v != int(v) or abs(v) < 1 else f"{v:.0f}"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v).replace("|", "\\|")


def _table(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    if not rows:
        return "_none_\n"
    cols = columns or list(rows[0])
    out = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    out += ["| " + " | ".join(_fmt(r.get(c)) for c in cols) + " |" for r in rows]
    return "\n".join(out) + "\n"


def _pct(v: Any) -> str:
    return "–" if v is None else f"{100 * float(v):.1f} %"


@dataclass
class EvaluationReport:
    store: str
    truth: str
    sources: dict[str, str]
    attribution: dict[str, Any]
    accounts: dict[str, Any]
    evidence_types: list[dict[str, Any]]
    selectors: dict[str, Any]
    missed: list[dict[str, Any]] = field(default_factory=list)
    unexpected: list[dict[str, Any]] = field(default_factory=list)
    identity: dict[str, Any] = field(default_factory=dict)

    @property
    def accuracy(self) -> float | None:
        v = self.attribution.get("accuracy")
        return None if v is None else float(v)

    @property
    def coverage(self) -> float | None:
        v = self.attribution.get("coverage")
        return None if v is None else float(v)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True, default=str)

    def to_markdown(self) -> str:
        a, acc, sel = self.attribution, self.accounts, self.selectors
        lines = [
            "# Evaluation against ground truth", "",
            f"Store `{self.store}`, truth `{self.truth}`; sources: "
            + ", ".join(f"`{k}` = {v}" for k, v in sorted(self.sources.items())) + ".", "",
            "## Country attribution", "",
            f"- persons evaluated: {a['evaluated']}, attributed: {a['attributed']} "
            f"(coverage {_pct(a['coverage'])}), correct: {a['correct']} (accuracy {_pct(a['accuracy'])})",
            f"- persons with operational security (VPN/Tor): {a['opsec_evaluated']} evaluated, coverage "
            f"{_pct(a['opsec_coverage'])}, accuracy {_pct(a['opsec_accuracy'])}",
            f"- accounts: {acc['evaluated']} evaluated, coverage {_pct(acc['coverage'])}, "
            f"accuracy {_pct(acc['accuracy'])}", "",
            "### Accuracy per confidence band", "", _table(a["by_confidence"]),
            "### Why it abstained", "", _table(a["abstentions"]),
            "### Most confused pairs (true → attributed)", "", _table(a["confusions"]),
            "### Accuracy per evidence type (weighted items pointing to the true country)", "",
            _table(self.evidence_types),
            "### Per country", "", _table(a["per_country"]),
            "## Selector extraction", "",
            f"- planted {sel['totals']['planted']}, found {sel['totals']['found']} of the planted kinds, matched "
            f"{sel['totals']['matched']}: precision {_pct(sel['totals']['precision'])}, recall "
            f"{_pct(sel['totals']['recall'])}",
            f"- sightings in quotes whose author could not be resolved (kept with no account): "
            f"{sel['unresolved_quote_sightings']}", "",
            "### Per kind", "", _table(sel["per_kind"]),
            "### Recall per written form", "", _table(sel["variants"]),
            "### Kinds found that the truth does not plant", "", _table(sel["kinds_not_planted"]),
            "### Examples missed", "", _table(self.missed),
            "### Examples found but not planted", "", _table(self.unexpected),
        ]
        if self.identity:
            lines += _identity_lines(self.identity)
        return "\n".join(lines)


def _identity_lines(f: dict[str, Any]) -> list[str]:
    fm = f.get("false_merges", {})
    sty = f.get("style_only_aliases", {})
    rev = f.get("review", {})
    out = [
        "", "## Identity resolution", "",
        f"- accounts {f['accounts']} → persons {f['persons_predicted']} (truth {f['persons_true']}); largest person "
        f"{f['largest_person']} (truth {f['largest_true_person']})",
        f"- pairwise: precision {_fmt(f['precision'])}, recall {_fmt(f['recall'])}, F1 {_fmt(f['f1'])} "
        f"({f['pairs_correct']} of {f['pairs_predicted']} predicted pairs correct; {f['pairs_true']} true pairs)",
        f"- B-cubed: precision {_fmt(f['bcubed_precision'])}, recall {_fmt(f['bcubed_recall'])}, "
        f"F1 {_fmt(f['bcubed_f1'])}",
        "- false merges (wrong pairs) per trap kind both accounts were seen at: "
        + ", ".join(f"{k} {v}" for k, v in fm.items()),
        f"- alias pairs sharing no selector: {sty.get('pairs')}; merged {sty.get('merged')}, in review "
        f"{sty.get('in_review')}, proposed by writing style {sty.get('style_candidates')} "
        f"(enough text on both sides: {sty.get('enough_text')})",
    ]
    if rev:
        out.append(f"- review list: {rev.get('pairs')} pairs, {rev.get('correct')} of them one person "
                   f"(precision {_fmt(rev.get('precision'))}); style-only alias recall at review precision ≥ 0.9: "
                   f"{_fmt(rev.get('style_only_recall_at_p90'))} (top {rev.get('top_at_p90')} pairs)")
    if f.get("missed"):
        out += ["", "### True pairs not merged, by what they share", "", _table(f["missed"])]
    if ceil := f.get("evidence_ceiling"):
        rows = [{"evidence": k, "true_pairs": n, "merged": ceil["merged"].get(k, 0)}
                for k, n in ceil["by_class"].items()]
        out += ["", "### Evidence ceiling of recall", "",
                f"Each true pair by the strongest evidence the seized data holds for it. Merging every pair from "
                f"`selector` to `full name` (and what those merges join through a third account) reaches recall "
                f"{_fmt(ceil['ceiling'])}; a name token alone is no basis for a merge:", "", _table(rows), "",
                _table(ceil["name_token_precision"])]
    if f.get("link_precision"):
        rows = [{"link": k, **v} for k, v in f["link_precision"].items()]
        out += ["", "### Precision per kind of link", "", _table(rows)]
    return out
