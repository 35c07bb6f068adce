"""Finding lexicon terms in a text: sentences, negation, reported speech, self-reference, links.

One compiled regex per text indicator holds every language's groups as named alternatives (strongest
group first), so a text is scanned once per indicator. A hit is then judged within its sentence:

- an ``exclude`` phrase of the indicator overlapping it cancels it ("nice to meet you");
- a negation cue among the ``negation_window`` words before it, in the same clause, cancels it
  ("I am not a teacher", "never worked with children");
- groups in ``needs_self`` count in free text only when the sentence speaks of the writer ("I", "my",
  a first-person verb), except in the self-descriptive profile fields the indicator names;
- groups in ``needs_url`` count only with a link in the same sentence;
- reported speech (a reporting or third-person cue earlier in the clause, or the hit inside quotation
  marks) keeps the hit at ``reported_factor``: 'he said "I'm a teacher"' is weaker than "I'm a teacher".
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass

from rescue.risk.config import RiskConfig
from rescue.risk.lexicon import compile_terms, fold

SENTENCE_END = re.compile(r"[.!?]+(?=[\s\"')\]]|$)|\n")
CLAUSE_END = re.compile(r"[,;]|:(?=\s)|\s[-–]\s")
URL = re.compile(r"(?:https?|hxxps?|ftp)://|www\.", re.I)
WORD = re.compile(r"\w+")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")
URL_SQL = r"(?i)(https?|hxxps?|ftp)://|www\."


@dataclass(frozen=True, slots=True)
class Hit:
    indicator: str
    group: str
    language: str
    start: int
    end: int
    sentence: tuple[int, int]
    weight: float
    reported: bool


@dataclass(frozen=True, slots=True)
class _Slot:
    language: str
    group: str
    factor: float
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _Cues:
    self_: re.Pattern[str]
    negation: re.Pattern[str]
    reported: re.Pattern[str]


class Matcher:
    """Compiled lexicons of a configuration (build once per run)."""

    def __init__(self, cfg: RiskConfig) -> None:
        self.cfg = cfg
        self.window = int(cfg.text["negation_window"])
        self.reported_factor = float(cfg.text["reported_factor"])
        self.snippet_chars = int(cfg.text["snippet_chars"])
        self.cues = {lx.language: _Cues(*(re.compile(lx.cues[c]) for c in ("self", "negation", "reported")))
                     for lx in cfg.lexicons}
        self.regex: dict[str, re.Pattern[str]] = {}
        self.exclude: dict[str, re.Pattern[str]] = {}
        self.slots: dict[str, dict[str, _Slot]] = {}
        free: list[str] = []
        with_url: list[str] = []
        for ind in cfg.text_indicators():
            parts: list[str] = []
            slots: dict[str, _Slot] = {}
            excludes: list[str] = []
            for group, factor in sorted(ind.groups.items(), key=lambda g: (-g[1], g[0])):
                for lx in cfg.lexicons:
                    c = compile_terms(lx.terms.get(ind.name, {}).get(group, []), lx.suffix, cfg.placeholders)
                    if c is None:
                        continue
                    name = f"g{len(slots)}"
                    slots[name] = _Slot(lx.language, group, factor, re.compile(c.pattern))
                    parts.append(f"(?P<{name}>{c.pattern})")
                    (with_url if group in ind.needs_url else free).append(c.prefilter)
            for lx in cfg.lexicons:
                c = compile_terms(lx.terms.get(ind.name, {}).get("exclude", []), lx.suffix, cfg.placeholders)
                if c is not None:
                    excludes.append(c.pattern)
            if parts:
                self.regex[ind.name] = re.compile("|".join(parts))
                self.slots[ind.name] = slots
            if excludes:
                self.exclude[ind.name] = re.compile("|".join(excludes))
        self.prefilter_any = "(?is)" + "|".join(free) if free else "(?!x)x"
        self.prefilter_url = "(?is)" + "|".join(with_url) if with_url else "(?!x)x"

    def prefilter_sql(self, column: str) -> str:
        """A DuckDB condition true for every text that might hold a hit (parameters $any, $url, $share)."""
        return (f"(regexp_matches({column}, $any) OR (regexp_matches({column}, $url) "
                f"AND regexp_matches({column}, $share)))")

    def prefilter_params(self) -> dict[str, str]:
        return {"any": self.prefilter_any, "url": URL_SQL, "share": self.prefilter_url}

    def scan(self, text: str, profile_field: str | None = None) -> list[Hit]:
        """Hits in ``text``; ``profile_field`` names a profile field the text comes from (else free text)."""
        folded = fold(text)
        ends: list[int] | None = None
        hits: list[Hit] = []
        for name, rx in self.regex.items():
            matches = list(rx.finditer(folded))
            if not matches:
                continue
            ind = self.cfg.indicator(name)
            ex = self.exclude.get(name)
            excluded = [m.span() for m in ex.finditer(folded)] if ex else []
            if ends is None:
                ends = [m.end() for m in SENTENCE_END.finditer(folded)]
            for m in matches:
                if any(a < m.end() and m.start() < b for a, b in excluded):
                    continue
                i = bisect.bisect_right(ends, m.start())
                sentence = (ends[i - 1] if i else 0), (ends[i] if i < len(ends) else len(folded))
                self_descriptive = profile_field is not None and profile_field in ind.profile_fields
                # The first alternative to match names one language; when its cues reject the hit, the
                # same words may still be a term of another language whose cues accept it.
                first = self.slots[name][m.lastgroup or ""]
                for slot in [first, *(s for s in self.slots[name].values() if s is not first)]:
                    span = (m.start(), m.end())
                    if slot is not first:
                        again = slot.regex.match(folded, m.start())
                        if again is None:
                            continue
                        span = again.span()
                    judged = self._judge(folded, text, span, sentence, slot, ind.needs_self, ind.needs_url,
                                         self_descriptive)
                    if judged is not None:
                        hits.append(Hit(name, slot.group, slot.language, *span, sentence, *judged))
                        break
        return hits

    def _judge(self, folded: str, text: str, span: tuple[int, int], sentence: tuple[int, int], slot: _Slot,
               needs_self: frozenset[str], needs_url: frozenset[str], self_descriptive: bool) -> tuple[float, bool] | None:
        s0, s1 = sentence
        start = span[0]
        cues = self.cues[slot.language]
        if slot.group in needs_url and not URL.search(text, s0, s1):
            return None
        if slot.group in needs_self and not self_descriptive and not cues.self_.search(folded[s0:s1]):
            return None
        clause0 = s0
        for c in CLAUSE_END.finditer(folded, s0, start):
            clause0 = c.end()
        before = folded[clause0:start]
        words = list(WORD.finditer(before))
        window = before[words[-self.window].start():] if len(words) >= self.window else before
        if window and cues.negation.search(window):
            return None
        quoted = folded.count('"', s0, start) % 2 == 1
        reported = quoted or bool(before and cues.reported.search(before))
        return slot.factor * (self.reported_factor if reported else 1.0), reported

    def snippet(self, text: str, hit: Hit) -> str:
        """The hit's sentence as written, cut around the hit, as short escaped plain text."""
        s0, s1 = hit.sentence
        if s1 - s0 > self.snippet_chars:
            half = max(0, (self.snippet_chars - (hit.end - hit.start)) // 2)
            s0 = max(s0, hit.start - half)
            s1 = min(s1, max(hit.end + half, s0 + self.snippet_chars))
        return clean(text[s0:s1], self.snippet_chars)


def clean(text: str, limit: int) -> str:
    """Plain one-line text without control or direction-override characters, HTML-escaped (``<`` → ``&lt;``)."""
    out = " ".join(CONTROL.sub(" ", text).split())
    if len(out) > limit:
        out = out[: limit - 1].rstrip() + "…"
    return html.escape(out, quote=False)
