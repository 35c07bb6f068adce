"""Lexicons: per-language phrase lists compiled to regular expressions over folded text.

Folding is length-preserving (one character in, one out): lower case, accents removed, ``ß`` → ``s``,
``ł`` → ``l``, curly quotes straightened. Offsets in folded text are therefore offsets in the original,
so a match can be cut out of the text as written.

Term syntax (also in the header of every lexicon file and in docs/risk.md): words separated by
spaces; a word of five or more letters also matches with up to ``suffix`` letters added (simple
suffix stemming); ``word*`` any ending, ``*word`` any beginning, ``word=`` exactly; ``(a|b c)``
alternatives, ``(a|b)?`` optional; ``...`` up to four words; ``{name}`` a placeholder; ``re:REGEX`` raw.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

GAP = r"(?:\W+\w+){0,4}"
STEM_MIN = 5  # letters a word needs before suffix tolerance applies
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
class Compiled:
    """A term as a Python regex and the anchors a text must contain to possibly match it."""

    pattern: str
    prefilter: str  # an RE2 fragment every text holding the term matches (its words' anchors in order)


def _split(text: str, sep: str) -> list[str]:
    """Split at ``sep`` outside parentheses and braces."""
    out, depth, cur = [], 0, []
    for ch in text:
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
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


def _anchor(word: str) -> str:
    """The longest run of plain ASCII letters or digits of a word as written (``école`` → ``cole``).

    Such a run is in the text whether or not the writer typed the accents, so DuckDB can prefilter with
    a case-insensitive search on the raw text (no accent stripping). A run that follows an accented
    letter still starts at an RE2 word boundary (RE2's ``\\b`` is ASCII).
    """
    runs = re.findall(r"[a-z0-9]+", word.lower())
    return max(runs, key=len) if runs else ""


def _word(token: str, suffix: int) -> tuple[str, tuple[str, ...]]:
    exact = token.endswith("=")
    core = token.rstrip("=")
    pre, post = core.startswith("*"), core.endswith("*")
    raw = core.strip("*")
    core = fold(raw)
    if not core or not re.fullmatch(r"[\w'\-.&]+", core):
        raise LexiconError(f"unsupported word {token!r}")
    pat = "".join("'?" if c == "'" else "[- ]?" if c == "-" else re.escape(c) for c in core)
    if pre:
        pat = r"\w*" + pat
    if post:
        pat += r"\w*"
    elif not exact and sum(c.isalpha() for c in core) >= STEM_MIN:
        pat += rf"\w{{0,{suffix}}}"
    anchor = _anchor(raw.replace("'", " ").replace("-", " "))
    at_start = not pre and raw.lower().startswith(anchor)
    return pat, (r"\b" + anchor if at_start else anchor) if anchor else ""


def _token(token: str, suffix: int, placeholders: dict[str, list[str]]) -> tuple[str, str, bool]:
    """(regex, prefilter fragment or "" for none, optional) of one token of a term."""
    optional = token.endswith(")?")
    if optional:
        token = token[:-1]
    if token.startswith("{") and token.endswith("}"):
        name = token[1:-1]
        if name not in placeholders:
            raise LexiconError(f"unknown placeholder {token}")
        alts = placeholders[name]
    elif token.startswith("(") and token.endswith(")"):
        alts = _split(token[1:-1], "|")
    elif "(" in token or "{" in token or ")" in token:
        raise LexiconError(f"a parenthesis must enclose a whole token: {token!r}")
    else:
        pat, frag = _word(token, suffix)
        return pat, frag, False
    parts = [compile_phrase(a.strip(), suffix, placeholders) for a in alts if a.strip()]
    if not parts:
        raise LexiconError(f"empty alternatives {token!r}")
    frags = list(dict.fromkeys(p.prefilter for p in parts))
    frag = "" if "" in frags else frags[0] if len(frags) == 1 else "(?:" + "|".join(frags) + ")"
    return "(?:" + "|".join(p.pattern for p in parts) + ")", frag, optional


def compile_phrase(phrase: str, suffix: int, placeholders: dict[str, list[str]]) -> Compiled:
    """A phrase (no ``re:``) without the outer word boundaries."""
    tokens = [t if t == "..." or t.endswith(")?") else t.rstrip(",.;:!?") for t in _split(phrase.strip(), " ")]
    tokens = [t for t in tokens if t]
    if not tokens:
        raise LexiconError(f"empty term {phrase!r}")
    out: list[str] = []
    frags: list[str] = []
    has_word = False
    leading = True  # only optional tokens so far (each carries its own trailing separator)
    for i, tok in enumerate(tokens):
        if tok == "...":
            if leading or i == len(tokens) - 1:
                raise LexiconError(f"'...' must stand between words: {phrase!r}")
            out.append(GAP)
            continue
        pat, frag, optional = _token(tok, suffix, placeholders)
        if optional:
            out.append(f"(?:{pat}\\W+)?" if leading else f"(?:\\W+{pat})?")
            continue
        out.append(pat if leading else r"\W+" + pat)
        if frag:
            frags.append(frag)
        has_word = True
        leading = False
    if not has_word:
        raise LexiconError(f"a term needs at least one word that is not optional: {phrase!r}")
    # The words in order with anything between: RE2 runs it in linear time, and it is far more selective
    # than any single word ("take this ... by e-mail" needs both "take" and "mail").
    return Compiled("".join(out), ".*".join(frags))


def compile_term(term: str, suffix: int, placeholders: dict[str, list[str]]) -> Compiled:
    """A lexicon term as a whole-word regex on folded text, with its prefilter anchors."""
    if term.startswith("re:"):
        raw = term[3:]
        try:
            re.compile(raw)
        except re.error as exc:
            raise LexiconError(f"bad regular expression {raw!r}: {exc}") from exc
        return Compiled(f"(?:{raw})", raw)
    c = compile_phrase(term, suffix, placeholders)
    if not c.prefilter:
        raise LexiconError(f"a term needs a word with letters or digits: {term!r}")
    return Compiled(rf"(?<!\w)(?:{c.pattern})(?!\w)", c.prefilter)


def compile_terms(terms: list[str], suffix: int, placeholders: dict[str, list[str]]) -> Compiled | None:
    """Many terms as one alternation (``None`` for an empty list)."""
    parts = []
    for t in terms:
        try:
            parts.append(compile_term(t, suffix, placeholders))
        except LexiconError as exc:
            raise LexiconError(f"term {t!r}: {exc}") from None
    if not parts:
        return None
    return Compiled("|".join(p.pattern for p in parts), "|".join(dict.fromkeys(p.prefilter for p in parts)))
