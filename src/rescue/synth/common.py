"""Shared constants and deterministic random streams of the synthetic world generator.

Every random decision is drawn from a stream derived from ``(seed, tag, ...)`` with BLAKE2b, so
that the same seed and member count give byte-identical output whatever the order in which
parts of the world are produced, and so that any single post can be regenerated on its own
(a quote reproduces the quoted post's text exactly).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

GENERATOR_VERSION = "1.0.0"

DAY = 86_400

SUPPORTED_SOFTWARE = ("phpbb",)
PLANNED_SOFTWARE = ("mybb", "smf", "vbulletin", "xenforo", "invision", "discourse")


def unix(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> int:
    return int(datetime(y, m, d, hh, mm, ss, tzinfo=UTC).timestamp())


def iso(ts: int) -> str:
    """A unix time as ISO 8601 UTC text (truth files)."""
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class ForumSpec:
    """One forum of the world: its name in the truth files and its life span."""

    key: str  # "forum" (the seized forum) or "other" (another investigation)
    title: str
    database: str  # database name written in the dump header
    prefix: str  # table prefix
    start: int  # board start (unix)
    end: int  # seizure time (unix)
    posts_per_account: float
    pms_per_account: float
    sessions_base: float


MAIN_FORUM = ForumSpec(
    key="forum", title="Harbour Lights Community", database="forum_board", prefix="phpbb_",
    start=unix(2014, 3, 2, 18, 4, 11), end=unix(2021, 6, 29, 4, 52, 23),
    posts_per_account=28.6, pms_per_account=2.9, sessions_base=3.0,
)
OTHER_FORUM = ForumSpec(
    key="other", title="Quiet Corner Boards", database="qcb", prefix="ob_",
    start=unix(2016, 9, 14, 9, 30, 0), end=unix(2021, 2, 11, 6, 15, 40),
    posts_per_account=11.0, pms_per_account=1.4, sessions_base=2.0,
)


def derive(seed: int, *tags: int | str) -> int:
    """A 64-bit seed for the stream named by ``tags`` (stable across runs and platforms)."""
    h = hashlib.blake2b(digest_size=8)
    h.update(str(seed).encode())
    for t in tags:
        h.update(b"\x1f")
        h.update(str(t).encode())
    return int.from_bytes(h.digest(), "big")


def np_rng(seed: int, *tags: int | str) -> np.random.Generator:
    return np.random.default_rng(derive(seed, *tags))


def py_rng(seed: int, *tags: int | str) -> random.Random:
    return random.Random(derive(seed, *tags))


def fast_rng(base: int, n: int) -> random.Random:
    """A stream per item (post, message) without hashing: ``base`` comes from :func:`derive`."""
    return random.Random((base ^ (n * 0x9E3779B97F4A7C15)) & 0xFFFF_FFFF_FFFF_FFFF)


def weighted_index(rng: random.Random, cum: list[float]) -> int:
    """Index drawn from cumulative weights ``cum`` (last element = total)."""
    x = rng.random() * cum[-1]
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] > x:
            hi = mid
        else:
            lo = mid + 1
    return lo


def cumulative(weights: list[float]) -> list[float]:
    out: list[float] = []
    total = 0.0
    for w in weights:
        total += w
        out.append(total)
    return out
