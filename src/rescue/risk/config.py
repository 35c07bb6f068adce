"""Risk settings: the versioned ``risk.toml`` and its per-language lexicons, validated at load.

The shipped configuration is ``rescue/data/risk/risk.toml`` (with ``lexicons/*.toml``). An analyst's
copy is passed as ``config_path``. Unknown keys are an error, indicator kinds are a closed set, and an
indicator, group or kind that names a protected attribute (nationality, country, language, ethnicity,
religion, age, sex, gender, health…) is rejected: the score describes behaviour on the forum only.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from rescue.errors import UsageError
from rescue.risk.lexicon import LexiconError, compile_terms

KINDS = frozenset({"text", "xref", "staff", "tenure", "activity", "centrality", "attachments"})
CLASSES = frozenset({"behaviour", "context"})
PROTECTED = frozenset({
    "nationality", "national", "citizenship", "citizen", "country", "countries", "origin", "language", "languages",
    "lang", "locale", "ethnic", "ethnicity", "race", "racial", "religion", "religious", "faith", "age", "birth",
    "birthday", "born", "sex", "gender", "orientation", "disability", "disabled", "health", "political", "politics",
    "union", "location", "geo", "geolocation", "ip", "timezone", "residence", "immigrant", "migration", "accent",
})
_COMMON = {"kind", "class", "label", "points", "cap"}
KEYS: dict[str, set[str]] = {
    "text": _COMMON | {"repeat", "repeats", "groups", "needs_self", "needs_url", "profile_fields", "selector_hosts",
                       "host_weight",
                       "extra_hosts"},
    "xref": _COMMON | {"repeat", "repeats"},
    "staff": _COMMON,
    "tenure": _COMMON | {"min_years"},
    "activity": _COMMON | {"low", "full"},
    "centrality": _COMMON | {"from_percentile", "damping"},
    "attachments": _COMMON,
}
TOP_KEYS = {"version", "advisory", "lexicons", "languages", "tiers", "text", "context", "breadth", "placeholders",
            "indicators"}
TEXT_KEYS = {"suffix_letters": 3, "negation_window": 5, "reported_factor": 0.5, "quote_factor": 0.5,
             "max_evidence": 5, "snippet_chars": 200}
PROFILE_FIELDS = frozenset({"occupation", "interests", "signature_text", "profile_fields"})
LEXICON_KEYS = {"language", "version", "suffix_letters", "self", "negation", "reported"}


class RiskConfigError(UsageError):
    """The risk configuration or a lexicon is invalid (one line naming the file and the key)."""


@dataclass(frozen=True)
class Indicator:
    name: str
    kind: str
    cls: str
    label: str
    points: float
    cap: float
    repeat: float = 0.0
    repeats: int = 2
    groups: dict[str, float] = field(default_factory=dict)
    needs_self: frozenset[str] = frozenset()
    needs_url: frozenset[str] = frozenset()
    profile_fields: tuple[str, ...] = ()
    selector_hosts: bool = False
    host_weight: float = 1.0
    extra_hosts: tuple[str, ...] = ()
    params: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Lexicon:
    """One language: cue regexes and, per indicator and group, the terms (source lists kept for display)."""

    language: str
    version: str
    suffix: int
    cues: dict[str, list[str]]  # self / negation / reported → terms
    terms: dict[str, dict[str, list[str]]]  # indicator → group → terms (``exclude`` is a group name here)


@dataclass(frozen=True)
class RiskConfig:
    version: str
    advisory: str
    tiers: tuple[tuple[str, float], ...]  # ("Very High", 14.0), ("High", 9.0), ("Medium", 4.0)
    text: dict[str, float]
    alone_cap: float
    breadth_bonus: float
    breadth_min: float
    placeholders: dict[str, list[str]]
    indicators: tuple[Indicator, ...]
    lexicons: tuple[Lexicon, ...]
    path: str
    digest: str

    def indicator(self, name: str) -> Indicator:
        return next(i for i in self.indicators if i.name == name)

    def text_indicators(self) -> list[Indicator]:
        return [i for i in self.indicators if i.kind == "text"]


def default_path() -> Path:
    return Path(str(resources.files("rescue").joinpath("data", "risk", "risk.toml")))


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RiskConfigError(f"{path}: unreadable ({exc})") from exc


def _unknown(where: str, got: dict[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(got) - allowed)
    if extra:
        raise RiskConfigError(f"{where}: unknown key(s) {', '.join(extra)}")


def check_protected(where: str, name: str) -> None:
    """Refuse a name that refers to a protected attribute (word by word: ``user_country`` too)."""
    words = set(re.split(r"[^a-z]+", name.lower())) - {""}
    bad = sorted(words & PROTECTED)
    if bad:
        raise RiskConfigError(f"{where}: {name!r} refers to a protected attribute ({', '.join(bad)}); "
                              "risk indicators describe behaviour on the forum only")


def _num(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise RiskConfigError(f"{where}: expected a number ≥ 0, got {value!r}")
    return float(value)


def _strings(where: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RiskConfigError(f"{where}: expected a list of strings")
    return list(value)


def _indicator(name: str, d: Any, where: str) -> Indicator:
    if not isinstance(d, dict):
        raise RiskConfigError(f"{where}: expected a table")
    check_protected(where, name)
    kind = d.get("kind")
    if not isinstance(kind, str):
        raise RiskConfigError(f"{where}: missing kind")
    check_protected(f"{where}.kind", kind)
    if kind not in KINDS:
        raise RiskConfigError(f"{where}.kind: unknown kind {kind!r} (one of {', '.join(sorted(KINDS))})")
    _unknown(where, d, KEYS[kind])
    cls = d.get("class", "behaviour")
    if cls not in CLASSES:
        raise RiskConfigError(f"{where}.class: {cls!r} is neither behaviour nor context")
    groups = d.get("groups", {})
    if not isinstance(groups, dict):
        raise RiskConfigError(f"{where}.groups: expected a table")
    for g in groups:
        check_protected(f"{where}.groups", g)
    fields = _strings(f"{where}.profile_fields", d.get("profile_fields", []))
    if set(fields) - PROFILE_FIELDS:
        raise RiskConfigError(f"{where}.profile_fields: only {', '.join(sorted(PROFILE_FIELDS))}")
    params = {k: _num(f"{where}.{k}", v) for k, v in d.items() if k in {"min_years", "low", "full", "from_percentile",
                                                                         "damping"}}
    return Indicator(
        name=name, kind=kind, cls=str(cls), label=str(d.get("label", name)), points=_num(f"{where}.points",
                                                                                          d.get("points", 0)),
        cap=_num(f"{where}.cap", d.get("cap", 0)), repeat=_num(f"{where}.repeat", d.get("repeat", 0)),
        repeats=int(_num(f"{where}.repeats", d.get("repeats", 2))),
        groups={str(g): _num(f"{where}.groups.{g}", v) for g, v in groups.items()},
        needs_self=frozenset(_strings(f"{where}.needs_self", d.get("needs_self", []))),
        needs_url=frozenset(_strings(f"{where}.needs_url", d.get("needs_url", []))), profile_fields=tuple(fields),
        selector_hosts=bool(d.get("selector_hosts", False)), host_weight=_num(f"{where}.host_weight",
                                                                              d.get("host_weight", 1.0)),
        extra_hosts=tuple(h.lower().strip(".") for h in _strings(f"{where}.extra_hosts", d.get("extra_hosts", []))),
        params=params)


def _lexicon(path: Path, cfg_text: dict[str, float], placeholders: dict[str, list[str]],
             indicators: dict[str, Indicator]) -> Lexicon:
    d = _read(path)
    _unknown(str(path), d, LEXICON_KEYS | set(indicators))
    lang = str(d.get("language", path.stem))
    suffix = int(d.get("suffix_letters", cfg_text["suffix_letters"]))
    cues: dict[str, list[str]] = {}
    terms: dict[str, dict[str, list[str]]] = {}
    try:
        for cue in ("self", "negation", "reported"):
            cues[cue] = _strings(f"{path}: {cue}", d.get(cue, []))
            compile_terms(cues[cue], suffix, placeholders)
        for ind_name, groups in d.items():
            if ind_name in LEXICON_KEYS:
                continue
            ind = indicators[ind_name]
            if ind.kind != "text" or not isinstance(groups, dict):
                raise RiskConfigError(f"{path}: [{ind_name}] is not a text indicator")
            _unknown(f"{path}: [{ind_name}]", groups, set(ind.groups) | {"exclude"})
            terms[ind_name] = {}
            for g, lst in groups.items():
                lst = _strings(f"{path}: {ind_name}.{g}", lst)
                compile_terms(lst, suffix, placeholders)  # validates every term now, not at first use
                terms[ind_name][g] = lst
    except LexiconError as exc:
        raise RiskConfigError(f"{path}: {exc}") from exc
    return Lexicon(lang, str(d.get("version", "")), suffix, cues, terms)


def load(config_path: Path | None = None) -> RiskConfig:
    """Read and validate the configuration (the shipped one when ``config_path`` is None)."""
    path = Path(config_path) if config_path is not None else default_path()
    d = _read(path)
    _unknown(str(path), d, TOP_KEYS)
    version = d.get("version")
    if not isinstance(version, str) or not version.strip():
        raise RiskConfigError(f"{path}: a `version` string is required")
    tiers_d = d.get("tiers", {})
    _unknown(f"{path}: [tiers]", tiers_d, {"very_high", "high", "medium"})
    tiers = (("Very High", _num("tiers.very_high", tiers_d.get("very_high", 13))),
             ("High", _num("tiers.high", tiers_d.get("high", 7))),
             ("Medium", _num("tiers.medium", tiers_d.get("medium", 3))))
    if not tiers[0][1] >= tiers[1][1] >= tiers[2][1] > 0:
        raise RiskConfigError(f"{path}: [tiers] must satisfy very_high ≥ high ≥ medium > 0")
    text_d = d.get("text", {})
    _unknown(f"{path}: [text]", text_d, set(TEXT_KEYS))
    text = {k: _num(f"text.{k}", text_d.get(k, v)) for k, v in TEXT_KEYS.items()}
    context = d.get("context", {})
    _unknown(f"{path}: [context]", context, {"alone_cap"})
    breadth = d.get("breadth", {})
    _unknown(f"{path}: [breadth]", breadth, {"bonus", "min_points"})
    placeholders = {str(k): _strings(f"placeholders.{k}", v) for k, v in d.get("placeholders", {}).items()}
    inds_d = d.get("indicators", {})
    if not isinstance(inds_d, dict) or not inds_d:
        raise RiskConfigError(f"{path}: no [indicators]")
    indicators = {n: _indicator(n, v, f"{path}: indicators.{n}") for n, v in inds_d.items()}
    lex_dir = path.parent / str(d.get("lexicons", "lexicons"))
    digest = hashlib.sha256(path.read_bytes())
    lexicons = []
    for lang in _strings("languages", d.get("languages", [])):
        lex_path = lex_dir / f"{lang}.toml"
        if not lex_path.is_file():
            raise RiskConfigError(f"{path}: no lexicon {lex_path}")
        digest.update(lex_path.read_bytes())
        lexicons.append(_lexicon(lex_path, text, placeholders, indicators))
    return RiskConfig(version=version.strip(), advisory=str(d.get("advisory", "")), tiers=tiers, text=text,
                      alone_cap=_num("context.alone_cap", context.get("alone_cap", 2.0)),
                      breadth_bonus=_num("breadth.bonus", breadth.get("bonus", 0.0)),
                      breadth_min=_num("breadth.min_points", breadth.get("min_points", 2.0)), placeholders=placeholders,
                      indicators=tuple(indicators.values()), lexicons=tuple(lexicons), path=str(path),
                      digest=digest.hexdigest()[:16])
