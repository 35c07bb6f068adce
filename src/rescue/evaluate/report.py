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
        return "\n".join(lines)
