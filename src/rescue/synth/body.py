"""Message bodies as software-neutral segments, and the truth about what was planted in them.

A body is a list of segments: plain text (``str``, may hold newlines and emoji) and a few marked
pieces every forum renders its own way (smiley, link, e-mail address, bold, quote). Each
planted selector or risk indicator is a :class:`Plant`; a writer records where it landed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rescue.synth import phrases_en as en
from rescue.synth.common import Rand, py_rng
from rescue.synth.phrases_intl import LANGS


@dataclass(frozen=True, slots=True)
class Smiley:
    code: str


@dataclass(frozen=True, slots=True)
class Link:
    url: str


@dataclass(frozen=True, slots=True)
class Mail:
    address: str


@dataclass(frozen=True, slots=True)
class Bold:
    text: str


@dataclass(frozen=True, slots=True)
class Quote:
    author: str  # the quoted account's username
    account: int  # index of the quoted account in its forum
    post_id: int
    body: tuple[Segment, ...]


Segment = str | Smiley | Link | Mail | Bold | Quote
Body = list[Segment]


@dataclass(frozen=True, slots=True)
class Plant:
    """A selector or risk indicator placed in a text field."""

    kind: str  # selector kind (email, phone, ...) or "risk"
    value: str  # normalised selector, or the indicator kind for risk
    owner: int  # account index (in its forum) the selector or indicator belongs to
    form: str = "plain"  # plain / obfuscated
    variant: str = ""
    phrase: str = ""  # risk: the phrase as written
    quoted: bool = False  # inside a quote: belongs to the quoted account, not the poster

    def in_quote(self) -> Plant:
        return Plant(self.kind, self.value, self.owner, self.form, self.variant, self.phrase, True)


def plain_text(body: Body | tuple[Segment, ...]) -> str:
    """The body as plain text (for tests and previews)."""
    out: list[str] = []
    for s in body:
        if isinstance(s, str):
            out.append(s)
        elif isinstance(s, Smiley):
            out.append(s.code)
        elif isinstance(s, Link):
            out.append(s.url)
        elif isinstance(s, Mail):
            out.append(s.address)
        elif isinstance(s, Bold):
            out.append(s.text)
        else:
            out.append(f"[{s.author}: {plain_text(s.body)}]")
    return "".join(out)


class TextPools:
    """Sentences and subjects per (language, category), expanded once from the templates."""

    def __init__(self, seed: int) -> None:
        rng = py_rng(seed, "text-pools")
        self.generic: dict[str, tuple[str, ...]] = {"en": en.GENERIC}
        self.topical: dict[tuple[str, str], tuple[str, ...]] = {}
        self.subjects: dict[tuple[str, str], tuple[str, ...]] = {}
        for cat in en.CATEGORIES:
            self.topical["en", cat] = self._expand(rng, en.TOPICAL[cat], 8)
            self.subjects["en", cat] = self._expand(rng, en.SUBJECTS[cat], 4)
        for lang, (generic, topical, subjects) in LANGS.items():
            self.generic[lang] = generic
            for cat in en.CATEGORIES:
                self.topical[lang, cat] = self._expand(rng, topical[cat], 4)
                self.subjects[lang, cat] = self._expand(rng, subjects[cat], 3)

    @staticmethod
    def _expand(rng: random.Random, templates: tuple[str, ...], fills: int) -> tuple[str, ...]:
        out: list[str] = []
        for t in templates:
            if "{" not in t:
                out.append(t)
                continue
            seen: set[str] = set()
            for _ in range(fills):
                s = t
                for slot, values in en.SLOTS.items():
                    key = "{" + slot + "}"
                    while key in s:
                        s = s.replace(key, rng.choice(values), 1)
                if s not in seen:
                    seen.add(s)
                    out.append(s)
        return tuple(out)

    def sentence(self, rng: Rand, lang: str, cat: str) -> str:
        pool = self.topical[lang, cat] if rng.random() < 0.65 else self.generic[lang]
        return pool[int(rng.random() * len(pool))]

    def subject(self, rng: Rand, lang: str, cat: str) -> str:
        pool = self.subjects[lang, cat]
        return pool[int(rng.random() * len(pool))]
