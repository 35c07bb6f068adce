"""Lexicon terms compiled to token patterns, and folding of text.

Folding is length-preserving (one character in, one out): lower case, accents removed, ``ß`` → ``s``,
``ł`` → ``l``, curly quotes straightened, so offsets in folded text are offsets in the original. Text is
matched as word tokens (``\\w+``); anything between two words joins them. Term syntax: docs/risk.md and
the header of every lexicon file. Each term also yields an RE2 *anchor* (its most selective word) for
DuckDB to select candidate texts, and the words a text must hold before the term is tried.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

STEM_MIN = 5  # letters a word needs before suffix tolerance applies
GAP_WORDS = 4
PLACEHOLDER_SCORE = 100
TOKEN = re.compile(r"\w+")
_SPECIAL = {"ß": "s", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "æ": "a", "Æ": "a", "œ": "o",
            "Œ": "o", "ı": "i", "þ": "t", "‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'", "´": "'", "“": '"',
            "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "‹": '"', "›": '"', "–": "-", "‑": "-", "‐": "-",
            "\u00a0": " "}


class LexiconError(ValueError):
    """A lexicon term cannot be compiled (reported with its file and term)."""


class _FoldTable(dict[int, str]):
    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = _SPECIAL.get(ch)
        if out is None:
            low = ch.lower()
            dec = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
            out = dec if len(dec) == 1 else (low if len(low) == 1 else ch)
            out = _SPECIAL.get(out, out)
        self[code] = out
        return out


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower case without accents, one character for one (offsets are kept)."""
    if text.isascii():
        return text.lower().replace("`", "'")
    return text.translate(_TABLE)


@dataclass(frozen=True, slots=True)
class Word:
    text: str  # folded
    mode: str  # exact | stem | prefix | suffix | infix
    suffix: int

    def ok(self, tok: str) -> bool:
        m, w = self.mode, self.text
        if m == "exact":
            return tok == w
        if m == "stem":
            return tok.startswith(w) and len(tok) - len(w) <= self.suffix
        if m == "prefix":
            return tok.startswith(w)
        if m == "infix":
            return w in tok
        # suffix: tok[: len(tok) - k] ends with w for some k <= suffix (the stripped token at least as long)
        last = len(tok) - len(w)
        for k in range(min(self.suffix, last) + 1):  # noqa: SIM110 - a loop: no generator per token
            if tok.endswith(w, 0, len(tok) - k):
                return True
        return False


@dataclass(frozen=True, slots=True)
class Alt:
    options: tuple[tuple[Element, ...], ...]
    optional: bool = False
    # When every option is one word: the exact words' texts as a set, and the other words (else None).
    one_words: tuple[frozenset[str], tuple[Word, ...]] | None = field(default=None, init=False, compare=False,
                                                                        repr=False)

    def __post_init__(self) -> None:
        if all(len(o) == 1 and isinstance(o[0], Word) for o in self.options):
            words = [o[0] for o in self.options if isinstance(o[0], Word)]
            exact = frozenset(w.text for w in words if w.mode == "exact")
            object.__setattr__(self, "one_words", (exact, tuple(w for w in words if w.mode != "exact")))


@dataclass(frozen=True, slots=True)
class Gap:
    words: int = GAP_WORDS


Element = Word | Alt | Gap


@dataclass(frozen=True, slots=True)
class Anchor:
    """The most selective required part of a term: an RE2 fragment for DuckDB, and the words (any one
    of which) a text's tokens must contain for the term to match."""

    fragment: str
    score: int
    words: frozenset[Word]


@dataclass(frozen=True, slots=True)
class Term:
    """One compiled term: token elements (or a raw regex), its first words and its RE2 anchor."""

    source: str
    elements: tuple[Element, ...]
    first: tuple[Word, ...]
    anchor: str
    needs: tuple[Word, ...] = ()
    raw: re.Pattern[str] | None = None

    def ends(self, tokens: list[str], i: int) -> Iterator[int]:
        """Token indexes where a match starting at token ``i`` can end (exclusive), shortest first."""
        return _ends(self.elements, 0, tokens, i)

    def first_end(self, tokens: list[str], i: int) -> int:
        """The first index :meth:`ends` yields, or -1 when it yields none (without generators)."""
        return _first_end(self.elements, 0, tokens, i)


def _ends(seq: tuple[Element, ...], k: int, tokens: list[str], i: int) -> Iterator[int]:
    n = len(seq)
    while k < n and isinstance(el := seq[k], Word):  # a run of plain words: no branching
        if i >= len(tokens) or not el.ok(tokens[i]):
            return
        k, i = k + 1, i + 1
    if k == n:
        yield i
        return
    el = seq[k]
    if isinstance(el, Alt):
        if el.optional:
            yield from _ends(seq, k + 1, tokens, i)
        for opt in el.options:
            if len(opt) == 1 and isinstance(w := opt[0], Word):  # a one-word alternative
                if i < len(tokens) and w.ok(tokens[i]):
                    yield from _ends(seq, k + 1, tokens, i + 1)
                continue
            for j in _ends(opt, 0, tokens, i):
                yield from _ends(seq, k + 1, tokens, j)
    elif isinstance(el, Gap):
        for m in range(min(el.words, len(tokens) - i) + 1):
            yield from _ends(seq, k + 1, tokens, i + m)


def _first_end(seq: tuple[Element, ...], k: int, tokens: list[str], i: int) -> int:
    """``next(_ends(seq, k, tokens, i), -1)``: the same depth-first order, stopping at the first end found."""
    n, size = len(seq), len(tokens)
    while k < n and isinstance(el := seq[k], Word):
        if i >= size:
            return -1
        tok = tokens[i]
        if not (tok == el.text if el.mode == "exact" else el.ok(tok)):
            return -1
        k, i = k + 1, i + 1
    if k == n:
        return i
    el = seq[k]
    if isinstance(el, Alt):
        if el.optional and (j := _first_end(seq, k + 1, tokens, i)) >= 0:
            return j
        if (one := el.one_words) is not None:
            # Every option is one word and leads on to token i + 1: which of them matches makes no difference.
            if i < size and ((tok := tokens[i]) in one[0] or any(w.ok(tok) for w in one[1])):
                return _first_end(seq, k + 1, tokens, i + 1)
            return -1
        for opt in el.options:
            if len(opt) == 1 and isinstance(w := opt[0], Word):  # a one-word alternative
                if i < size and w.ok(tokens[i]) and (j := _first_end(seq, k + 1, tokens, i + 1)) >= 0:
                    return j
                continue
            for e in _ends(opt, 0, tokens, i):
                if (j := _first_end(seq, k + 1, tokens, e)) >= 0:
                    return j
    elif isinstance(el, Gap):
        for m in range(min(el.words, size - i) + 1):
            if (j := _first_end(seq, k + 1, tokens, i + m)) >= 0:
                return j
    return -1


def _first(seq: tuple[Element, ...]) -> tuple[set[Word], bool]:
    """The words that can match a sequence's first token, and whether it can match nothing."""
    out: set[Word] = set()
    for el in seq:
        if isinstance(el, Word):
            out.add(el)
            return out, False
        if isinstance(el, Alt):
            nullable = el.optional
            for opt in el.options:
                f, n = _first(opt)
                out |= f
                nullable = nullable or n
            if not nullable:
                return out, False
    return out, True


def _split(text: str, sep: str) -> list[str]:
    """Split at ``sep`` outside parentheses and braces."""
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        depth += (ch in "({") - (ch in ")}")
        if depth < 0:
            raise LexiconError(f"unbalanced parenthesis in {text!r}")
        if ch == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if depth:
        raise LexiconError(f"unbalanced parenthesis in {text!r}")
    out.append("".join(cur))
    return out


def _re2_word(raw: str, boundary: bool, whole: bool) -> str:
    """An RE2 fragment (case-insensitive) for a word as written: accented letters also match unaccented.

    RE2's ``\\b`` knows ASCII only, so it is used only next to an ASCII letter or digit.
    """
    parts = []
    for ch in raw.lower():
        if ch.isascii():
            parts.append(re.escape(ch) if ch.isalnum() else ".?")
        else:
            plain = fold(ch)
            parts.append(f"(?:{ch}|{re.escape(plain)})" if plain != ch and plain.isalnum() else ".")
    head = r"\b" if boundary and raw[:1].isascii() and raw[:1].isalnum() else ""
    tail = r"\b" if whole and raw[-1:].isascii() and raw[-1:].isalnum() else ""
    return head + "".join(parts) + tail


def _word(token: str, suffix: int) -> tuple[Element, Anchor]:
    """A word token → (element, anchor)."""
    exact = token.endswith("=")
    core = token.rstrip("=")
    pre, post = core.startswith("*"), core.endswith("*")
    raw = core.strip("*")
    parts = TOKEN.findall(fold(raw))
    if not raw or not parts or not re.fullmatch(r"[\w'\-.&º°]+", raw):
        raise LexiconError(f"unsupported word {token!r}")

    def mode(text: str, first: bool, last: bool) -> Word:
        if exact:
            return Word(text, "exact", 0)
        if pre and first:
            return Word(text, "infix" if post and last else "suffix", suffix if len(text) >= STEM_MIN else 0)
        if post and last:
            return Word(text, "prefix", 0)
        return Word(text, "stem" if last and len(text) >= STEM_MIN else "exact", suffix)

    letters = sum(c.isalnum() for c in raw)
    whole = exact or not (post or len(raw) >= STEM_MIN)
    fragment, score = _re2_word(raw, not pre, whole), letters if letters >= 4 else letters - 2  # short: common
    if len(parts) == 1:
        w = mode(parts[0], True, True)
        return w, Anchor(fragment, score, frozenset({w}))
    split = tuple(mode(p, i == 0, i == len(parts) - 1) for i, p in enumerate(parts))
    joined = mode("".join(parts), True, True)
    longest = max(split, key=lambda w: len(w.text))  # "e-mail": "email", or "mail" after "e"
    return Alt((split, (joined,))), Anchor(fragment, score, frozenset({joined, longest}))


def _best(anchors: list[Anchor]) -> Anchor:
    """The most selective anchor: the longest word; on a tie the later one (the head noun: "sunday school")."""
    return max(reversed(anchors), key=lambda a: a.score)


def _phrase(phrase: str, suffix: int, placeholders: dict[str, list[str]]) -> tuple[tuple[Element, ...], Anchor]:
    """Elements of a phrase and its best anchor (the most selective required word or alternative)."""
    elements, anchors = _phrase_anchors(phrase, suffix, placeholders)
    return elements, _best(anchors)


def _phrase_anchors(phrase: str, suffix: int,
                    placeholders: dict[str, list[str]]) -> tuple[tuple[Element, ...], list[Anchor]]:
    """Elements of a phrase and the anchor of each of its required words or alternatives, in order."""
    tokens = [t if t == "..." or t.endswith(")?") else t.rstrip(",.;:!?") for t in _split(phrase.strip(), " ")]
    tokens = [t for t in tokens if t]
    if not tokens:
        raise LexiconError(f"empty term {phrase!r}")
    out: list[Element] = []
    anchors: list[Anchor] = []
    for i, tok in enumerate(tokens):
        if tok == "...":
            if not out or i == len(tokens) - 1:
                raise LexiconError(f"'...' must stand between words: {phrase!r}")
            out.append(Gap())
            continue
        optional = tok.endswith(")?")
        body = tok[:-1] if optional else tok
        if body.startswith("{") and body.endswith("}"):
            if body[1:-1] not in placeholders:
                raise LexiconError(f"unknown placeholder {body}")
            alts = placeholders[body[1:-1]]
        elif body.startswith("(") and body.endswith(")"):
            alts = _split(body[1:-1], "|")
        elif any(c in body for c in "(){}"):
            raise LexiconError(f"a parenthesis must enclose a whole token: {tok!r}")
        else:
            el, anchor = _word(body, suffix)
            out.append(el)
            anchors.append(anchor)
            continue
        parts = [_phrase(a, suffix, placeholders) for a in alts if a.strip()]
        if not parts:
            raise LexiconError(f"empty alternatives {tok!r}")
        out.append(Alt(tuple(p[0] for p in parts), optional))
        if not optional:
            frags = list(dict.fromkeys(p[1].fragment for p in parts))
            # A placeholder lists names (messengers): always the most selective choice.
            score = PLACEHOLDER_SCORE if body.startswith("{") else min(p[1].score for p in parts)
            words: frozenset[Word] = frozenset().union(*(p[1].words for p in parts))
            anchors.append(Anchor("(?:" + "|".join(frags) + ")", score, words))
    if not anchors:
        raise LexiconError(f"a term needs at least one word that is not optional: {phrase!r}")
    return tuple(out), anchors


def compile_term(term: str, suffix: int, placeholders: dict[str, list[str]]) -> Term:
    if term.startswith("re:"):
        try:
            rx = re.compile(term[3:])
        except re.error as exc:
            raise LexiconError(f"bad regular expression: {exc}") from exc
        return Term(term, (), (), term[3:], raw=rx)
    elements, anchors = _phrase_anchors(term, suffix, placeholders)
    anchor = _best(anchors)
    # What a text must contain, checked before trying the term at each of its first words: a selective
    # part other than the first word when there is one (the first word is looked up anyway).
    rest = _best(anchors[1:]) if len(anchors) > 1 else anchor
    needs = rest if rest.score >= 3 else anchor
    first, nullable = _first(elements)
    if nullable or not first:
        raise LexiconError("a term must start with a word or alternatives that cannot be empty")

    def order(words: set[Word] | frozenset[Word]) -> tuple[Word, ...]:
        return tuple(sorted(words, key=lambda w: (w.text, w.mode)))

    return Term(term, elements, order(first), anchor.fragment, order(needs.words))


def compile_terms(terms: list[str], suffix: int, placeholders: dict[str, list[str]]) -> list[Term]:
    out = []
    for t in terms:
        try:
            out.append(compile_term(t, suffix, placeholders))
        except LexiconError as exc:
            raise LexiconError(f"term {t!r}: {exc}") from None
    return out
