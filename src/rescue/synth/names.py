"""Name pools per Faker locale, usernames and handles.

Faker is slow per call, so each locale's pool of given and family names is drawn once (seeded
per locale) and people are then composed from the pools with a seeded ``random.Random``.
"""

from __future__ import annotations

import functools
import importlib
import random
import unicodedata
from dataclasses import dataclass
from typing import Any

from faker import Generator

from rescue.synth.common import derive

_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi",
    "є": "ye", "ґ": "g", "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i",
    "θ": "th", "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
    "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
    "ά": "a", "έ": "e", "ή": "i", "ί": "i", "ό": "o", "ύ": "y", "ώ": "o", "ł": "l", "ø": "o",
    "æ": "ae", "ß": "ss", "đ": "d", "þ": "th", "ı": "i",
})

ADJECTIVES = (
    "blue", "quiet", "rusty", "silver", "lazy", "happy", "old", "little", "northern", "green",
    "late", "early", "wild", "sleepy", "lucky", "dusty", "brave", "golden", "misty", "crazy",
    "salty", "frosty", "sunny", "stormy", "urban", "rainy", "cosmic", "retro", "solar", "tiny",
)
NOUNS = (
    "fox", "river", "owl", "biker", "gardener", "cook", "falcon", "sailor", "panda", "wolf",
    "hiker", "pixel", "tractor", "otter", "robin", "maple", "badger", "comet", "harbor", "pilot",
    "walker", "teapot", "lynx", "heron", "bean", "rider", "nomad", "dragon", "beaver", "spoon",
)


@functools.lru_cache(maxsize=1 << 17)
def ascii_fold(text: str) -> str:
    """Lower-case ASCII form of a name (accents stripped, Cyrillic/Greek transliterated)."""
    t = text.lower().translate(_TRANSLIT)
    t = unicodedata.normalize("NFKD", t)
    return "".join(ch for ch in t if ch.isascii() and (ch.isalnum()))


@dataclass(frozen=True, slots=True)
class NamePool:
    male: tuple[tuple[str, str], ...]  # (given, family): people are drawn from pairs, strings shared
    female: tuple[tuple[str, str], ...]


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x.strip() for x in items if x.strip()))


# Faker's person data for locales it has no module for.
_FALLBACK = {"en_CA": "en_US", "en_AU": "en_GB", "it_CH": "it_IT"}


def _provider(locale: str) -> Generator:
    """A Faker generator with only the person provider of ``locale`` (cheap to build)."""
    for name in (locale, _FALLBACK.get(locale, ""), "en_US"):
        if not name:
            continue
        try:
            module = importlib.import_module(f"faker.providers.person.{name}")
        except ModuleNotFoundError:
            continue
        gen = Generator()
        gen.add_provider(module.Provider(gen))
        return gen
    raise ModuleNotFoundError("faker.providers.person.en_US")  # pragma: no cover


def _pair(x: str) -> tuple[str, str]:
    given, family = x.split("\t")
    return given, family


class NamePools:
    """Lazily built, seeded name pools per Faker locale."""

    def __init__(self, seed: int, size: int) -> None:
        self._seed = seed
        self._size = max(30, min(size, 600))
        self._pools: dict[str, NamePool] = {}

    def pool(self, locale: str) -> NamePool:
        p = self._pools.get(locale)
        if p is None:
            fake: Any = _provider(locale)
            fake.seed_instance(derive(self._seed, "faker", locale) & 0x7FFF_FFFF)
            n = self._size
            male = _unique([f"{fake.first_name_male()}\t{fake.last_name_male()}" for _ in range(n)])
            female = _unique([f"{fake.first_name_female()}\t{fake.last_name_female()}" for _ in range(n)])
            p = NamePool(male=tuple(_pair(x) for x in male), female=tuple(_pair(x) for x in female))
            self._pools[locale] = p
        return p

    def person(self, rng: random.Random, locale: str) -> tuple[str, str, bool]:
        """(given name, family name, is_female); family names agree with gender where languages do."""
        p = self.pool(locale)
        female = rng.random() < 0.32
        names = p.female if female else p.male
        return rng.choice(names)[0], rng.choice(names)[1], female


def _digits(rng: random.Random, birth_year: int) -> str:
    r = rng.random()
    if r < 0.35:
        return ""
    if r < 0.6:
        return str(birth_year % 100).zfill(2)
    if r < 0.7:
        return str(birth_year)
    return str(rng.randrange(1, 999))


def username(rng: random.Random, given: str, family: str, birth_year: int) -> str:
    """A forum username in one of the usual styles."""
    g, f = ascii_fold(given), ascii_fold(family)
    style = rng.random()
    if style < 0.4 or not g or not f:
        a, n = rng.choice(ADJECTIVES), rng.choice(NOUNS)
        base = rng.choice((f"{a.title()}{n.title()}", f"{a}_{n}", f"{a}{n}", f"{n}{a.title()}",
                           f"The{n.title()}", f"{a}.{n}", n.title()))
    elif style < 0.75:
        base = rng.choice((f"{g}.{f[0]}", f"{g.title()}{f[0].upper()}", f"{f}_{g[0]}", f"{g[0]}{f}",
                           f"{g}{f}", g.title(), f"{g}-{f}"))
    elif style < 0.95:
        base = rng.choice((f"{g}_{rng.choice(NOUNS)}", f"{rng.choice(ADJECTIVES)}{g.title()}",
                           f"{g[:3]}{f[:3]}", f"{f.title()}"))
    else:
        return f"{given}{rng.randrange(10, 99)}"  # native script (Cyrillic, Greek, kana...)
    return (base + _digits(rng, birth_year))[:25]


def email_local(rng: random.Random, given: str, family: str, birth_year: int) -> str:
    g, f = ascii_fold(given) or rng.choice(NOUNS), ascii_fold(family) or rng.choice(ADJECTIVES)
    base = rng.choice((f"{g}.{f}", f"{g}{f}", f"{g[0]}.{f}", f"{g}_{f}", f"{f}.{g}", f"{g}{f[0]}",
                       f"{rng.choice(ADJECTIVES)}{rng.choice(NOUNS)}", f"{g}.{rng.choice(NOUNS)}"))
    return base + _digits(rng, birth_year)


def handle(rng: random.Random, given: str, birth_year: int) -> str:
    """A messenger handle: letters, digits, underscore or dot."""
    g = ascii_fold(given) or rng.choice(NOUNS)
    base = rng.choice((f"{g}_{rng.choice(NOUNS)}", f"{rng.choice(ADJECTIVES)}_{g}", f"{g}{rng.choice(NOUNS)}",
                       f"{rng.choice(ADJECTIVES)}{rng.choice(NOUNS)}", f"{g}.{rng.choice(ADJECTIVES)}"))
    out = (base + _digits(rng, birth_year))[:28]
    return out if out[0].isalpha() else "x" + out
