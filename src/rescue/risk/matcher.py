"""Finding lexicon terms in a text: sentences, negation, reported speech, self-reference, links.

A text is folded and cut into word tokens once; every term is indexed by the words it can start
with, so each token costs a few dictionary look-ups. A candidate is then judged within its sentence:

- an ``exclude`` phrase of the indicator overlapping it cancels it ("nice to meet you");
- a negation cue among the ``negation_window`` words before it, in the same clause, cancels it
  ("I am not a teacher", "never worked with children");
- groups in ``needs_self`` count in free text only when the sentence speaks of the writer ("I", "my",
  a first-person verb), except in the self-descriptive profile fields the indicator names;
- groups in ``needs_url`` count only with a link in the same sentence;
- reported speech (a reporting or third-person cue earlier in the clause, or the hit inside quotation
  marks) keeps the hit at ``reported_factor``: 'he said "I'm a teacher"' is weaker than "I'm a teacher".

Every language's terms are tried (no language detection): a candidate is judged with the cues of its
own language, and when they reject it the same words may still be a term of another language.
"""

from __future__ import annotations

import bisect
import html
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from rescue.risk.config import RiskConfig
from rescue.risk.lexicon import TOKEN, Term, Word, compile_terms, fold

SENTENCE_END = re.compile(r"[.!?]+(?=[\s\"')\]]|$)|\n")
CLAUSE_END = re.compile(r"[,;]|:(?=\s)|\s[-–]\s")
URL = re.compile(r"(?:https?|hxxps?|ftp)://|www\.", re.I)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")
URL_SQL = r"(?i)(https?|hxxps?|ftp)://|www\."
_CODE = 1 << 20  # index number × _CODE + term number
_NONE: frozenset[int] = frozenset()
_NO_CODES = (_NONE, _NONE)


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
class Slot:
    language: str
    group: str
    factor: float


class Tokens:
    """A folded text as word tokens with their character offsets."""

    def __init__(self, folded: str) -> None:
        self.folded = folded
        self.words: list[str] = TOKEN.findall(folded)
        self.unique = set(self.words)
        self.possible: dict[int, frozenset[int]] = {}  # per term index: terms whose needed words occur
        self._spans: tuple[list[int], list[int]] | None = None  # the offsets, found when first needed

    def _offsets(self) -> tuple[list[int], list[int]]:
        if self._spans is None:
            found = list(TOKEN.finditer(self.folded))
            self._spans = [m.start() for m in found], [m.end() for m in found]
        return self._spans

    def start_of(self, lo: int) -> int:
        """Where token ``lo`` starts (the text's length past the last token)."""
        if lo == 0 and self._spans is None:  # the first token: no need for every offset
            m = TOKEN.search(self.folded)
            return m.start() if m is not None else len(self.folded)
        starts = self.starts
        return starts[lo] if lo < len(starts) else len(self.folded)

    @property
    def starts(self) -> list[int]:
        return self._offsets()[0]

    @property
    def ends(self) -> list[int]:
        return self._offsets()[1]

    def at_or_after(self, char: int) -> int:
        return bisect.bisect_left(self.starts, char)


class WordIndex:
    """Which items have a word that matches a token: exact and stem words by dictionary, the rest tested."""

    def __init__(self, words: list[tuple[Word, int]]) -> None:
        self.exact: dict[str, list[int]] = defaultdict(list)
        self.stem: dict[str, list[int]] = defaultdict(list)
        self.prefix: dict[str, list[int]] = defaultdict(list)
        self.other: list[tuple[Word, int]] = []  # suffix / infix words
        self.max_suffix = 0
        self._cache: dict[str, frozenset[int]] = {}
        for w, n in words:
            table = {"exact": self.exact, "stem": self.stem, "prefix": self.prefix}.get(w.mode)
            if table is None:
                self.other.append((w, n))
            else:
                table[w.text].append(n)
            if w.mode == "stem":
                self.max_suffix = max(self.max_suffix, w.suffix)

    def lookup(self, tok: str) -> frozenset[int]:
        got = self._cache.get(tok)
        if got is None:
            got = self._cache[tok] = self.compute(tok)
        return got

    def compute(self, tok: str) -> frozenset[int]:
        """:meth:`lookup` without keeping the answer."""
        out = set(self.exact.get(tok, ()))
        for k in range(min(self.max_suffix, len(tok)) + 1):
            out.update(self.stem.get(tok[: len(tok) - k], ()))
        for k in range(1, len(tok) + 1):
            out.update(self.prefix.get(tok[:k], ()))
        out.update(n for w, n in self.other if w.ok(tok))
        return frozenset(out) if out else _NONE


def _union(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern that finds a match from a position exactly when one of ``patterns`` does (None: cannot be
    built the same: different flags, an inline flag not at the start, groups that back-references could name)."""
    if len(patterns) < 2 or len({p.flags for p in patterns}) > 1 or any(p.groups for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), patterns[0].flags)
    except re.error:
        return None


class TermIndex:
    """Terms indexed by the words they can start with and by the words they need (their anchor)."""

    def __init__(self, terms: list[Term]) -> None:
        self.terms = terms
        self.raw = [n for n, t in enumerate(terms) if t.raw is not None]
        self.raw_any = _union([t.raw for t in terms if t.raw is not None])
        self.first = WordIndex([(w, n) for n, t in enumerate(terms) for w in t.first])
        self.needs = WordIndex([(w, n) for n, t in enumerate(terms) for w in t.needs])

    def matches(self, tx: Tokens, lo: int = 0, hi: int | None = None,
                cands: list[tuple[int, int]] | None = None) -> Iterator[tuple[int, int, int]]:
        """(term, first token, end token) of every match starting in tokens [lo, hi), in start order.

        ``cands``: the (token, term) pairs to try, when the caller looked them up already.
        """
        hi = len(tx.words) if hi is None else hi
        found: list[tuple[int, int, int]] = []
        raw = self.raw
        if raw and self.raw_any is not None and not self.raw_any.search(tx.folded, tx.start_of(lo)):
            raw = []  # none of the raw terms matches from there: no need to try each
        for n in raw:
            rx = self.terms[n].raw
            assert rx is not None
            for m in rx.finditer(tx.folded, tx.start_of(lo)):
                i, j = tx.at_or_after(m.start()), bisect.bisect_left(tx.starts, m.end())
                if lo <= i < hi and j > i:
                    found.append((i, n, j))
        words = tx.words
        if cands is None:
            cands = []
            starts = [(i, f) for i in range(lo, hi) if (f := self.first.lookup(words[i]))]
            if starts:
                possible = tx.possible.get(id(self))
                if possible is None:
                    possible = tx.possible[id(self)] = frozenset().union(*map(self.needs.lookup, tx.unique))
                cands = [(i, n) for i, f in starts for n in sorted(f & possible)]
        terms = self.terms
        for i, n in cands:
            end = terms[n].first_end(words, i)
            if end > i:
                found.append((i, n, end))
        for i, n, j in sorted(found):
            yield n, i, j

    def any_within(self, tx: Tokens, lo: int, hi: int) -> bool:
        """Whether a term matches entirely within tokens [lo, hi)."""
        return any(j <= hi for _, _, j in self.matches(tx, lo, hi))


@dataclass(frozen=True, slots=True)
class _Cues:
    self_: TermIndex
    negation: TermIndex
    reported: TermIndex


class Matcher:
    """Compiled lexicons of a configuration (build once per run)."""

    def __init__(self, cfg: RiskConfig) -> None:
        self.cfg = cfg
        self.window = int(cfg.text["negation_window"])
        self.reported_factor = float(cfg.text["reported_factor"])
        self.snippet_chars = int(cfg.text["snippet_chars"])
        ph = cfg.placeholders
        self.cues = {lx.language: _Cues(*(TermIndex(compile_terms(lx.cues[c], lx.suffix, ph))
                                          for c in ("self", "negation", "reported"))) for lx in cfg.lexicons}
        self.index: dict[str, TermIndex] = {}
        self.slots: dict[str, list[Slot]] = {}
        self.exclude: dict[str, TermIndex] = {}
        free: list[str] = []
        with_url: list[str] = []
        for ind in cfg.text_indicators():
            terms: list[Term] = []
            slots: list[Slot] = []
            for group, factor in sorted(ind.groups.items(), key=lambda g: (-g[1], g[0])):
                for lx in cfg.lexicons:
                    got = compile_terms(lx.terms.get(ind.name, {}).get(group, []), lx.suffix, ph)
                    terms += got
                    slots += [Slot(lx.language, group, factor)] * len(got)
                    (with_url if group in ind.needs_url else free).extend(t.anchor for t in got)
            self.index[ind.name] = TermIndex(terms)
            self.slots[ind.name] = slots
            self.exclude[ind.name] = TermIndex([t for lx in cfg.lexicons for t in compile_terms(
                lx.terms.get(ind.name, {}).get("exclude", []), lx.suffix, ph)])
        # One look-up per token for all indicators and their exclusions: (index number, term) as one code.
        self._all = [*self.index.values(), *self.exclude.values()]
        self._first = WordIndex([(w, k * _CODE + n) for k, ix in enumerate(self._all)
                                 for n, t in enumerate(ix.terms) for w in t.first])
        self._needs = WordIndex([(w, k * _CODE + n) for k, ix in enumerate(self._all)
                                 for n, t in enumerate(ix.terms) for w in t.needs])
        self._codes: dict[str, tuple[frozenset[int], frozenset[int]]] = {}
        self.prefilter_any = "(?i)" + "|".join(dict.fromkeys(free)) if free else "(?!x)x"
        self.prefilter_url = "(?i)" + "|".join(dict.fromkeys(with_url)) if with_url else "(?!x)x"

    def prefilter_sql(self, column: str) -> str:
        """A DuckDB condition true for every text that might hold a hit (parameters $any, $url, $share)."""
        return (f"(regexp_matches({column}, $any) OR (regexp_matches({column}, $url) "
                f"AND regexp_matches({column}, $share)))")

    def prefilter_params(self) -> dict[str, str]:
        return {"any": self.prefilter_any, "url": URL_SQL, "share": self.prefilter_url}

    def scan(self, text: str, profile_field: str | None = None) -> list[Hit]:
        """Hits in ``text``; ``profile_field`` names a profile field the text comes from (else free text)."""
        tx = Tokens(fold(text))
        if not tx.words:
            return []
        ends: list[int] = []
        clauses: list[int] = []
        hits: list[Hit] = []
        cands = self._candidates(tx)
        for k, (name, index) in enumerate(self.index.items()):
            if k not in cands and not index.raw:
                continue
            found = list(index.matches(tx, cands=cands.get(k, [])))
            if not found:
                continue
            if not ends:
                ends = [m.end() for m in SENTENCE_END.finditer(tx.folded)] or [len(tx.folded)]
                clauses = [m.end() for m in CLAUSE_END.finditer(tx.folded)]
            ind = self.cfg.indicator(name)
            self_descriptive = profile_field is not None and profile_field in ind.profile_fields
            ex = len(self.index) + k
            excluded = [(tx.starts[i], tx.ends[j - 1])
                        for _, i, j in self.exclude[name].matches(tx, cands=cands.get(ex, []))]
            taken = 0
            for n, i, j in found:
                if i < taken:
                    continue
                start, end = tx.starts[i], tx.ends[j - 1]
                if any(a < end and start < b for a, b in excluded):
                    continue
                k = bisect.bisect_right(ends, start)
                sentence = (ends[k - 1] if k else 0), (ends[k] if k < len(ends) else len(tx.folded))
                slot = self.slots[name][n]
                judged = self._judge(tx, text, i, sentence, clauses, slot, ind.needs_self, ind.needs_url,
                                     self_descriptive)
                if judged is not None:
                    hits.append(Hit(name, slot.group, slot.language, start, end, sentence, *judged))
                    taken = j
        return hits

    def _candidates(self, tx: Tokens) -> dict[int, list[tuple[int, int]]]:
        """Per index number: the (token, term) pairs whose first word is here and whose needed word occurs."""
        # Per distinct word, once per run: (terms it is a needed word of, terms it can be the first word of).
        codes, get = self._codes, self._codes.get
        mine: list[tuple[str, tuple[frozenset[int], frozenset[int]]]] = []
        for w in tx.unique:
            c = get(w)
            if c is None:
                needs, first = self._needs.compute(w), self._first.compute(w)
                c = codes[w] = (needs, first) if needs or first else _NO_CODES
            if c is not _NO_CODES:
                mine.append((w, c))
        possible = frozenset().union(*(c[0] for _, c in mine))
        out: dict[int, list[tuple[int, int]]] = {}
        if not possible:
            return out
        # The codes of each distinct word once (most words have none); then the tokens in order.
        here = {w: sorted(f) for w, c in mine if (f := c[1] & possible)}
        if here:
            for i, w in enumerate(tx.words):
                at = here.get(w)
                if at:
                    for code in at:
                        out.setdefault(code // _CODE, []).append((i, code % _CODE))
        return out

    def _judge(self, tx: Tokens, text: str, i: int, sentence: tuple[int, int], clauses: list[int], slot: Slot,
               needs_self: frozenset[str], needs_url: frozenset[str],
               self_descriptive: bool) -> tuple[float, bool] | None:
        s0, s1 = sentence
        start = tx.starts[i]
        cues = self.cues[slot.language]
        if slot.group in needs_url and not URL.search(text, s0, s1):
            return None
        t0, t1 = tx.at_or_after(s0), tx.at_or_after(s1)
        if slot.group in needs_self and not self_descriptive and not cues.self_.any_within(tx, t0, t1):
            return None
        c = bisect.bisect_right(clauses, start)
        clause0 = tx.at_or_after(max(s0, clauses[c - 1] if c else 0))
        if cues.negation.any_within(tx, max(clause0, i - self.window), i):
            return None
        quoted = tx.folded.count('"', s0, start) % 2 == 1
        reported = quoted or cues.reported.any_within(tx, clause0, i)
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
