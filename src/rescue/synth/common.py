"""Shared constants and deterministic random streams of the synthetic world generator.

Every random decision is drawn from a stream derived from ``(seed, tag, ...)`` with BLAKE2b, so
that the same seed and member count give byte-identical output whatever the order in which
parts of the world are produced, and so that any single post can be regenerated on its own
(a quote reproduces the quoted post's text exactly).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol, TypeVar

import numpy as np
import numpy.typing as npt

GENERATOR_VERSION = "1.0.0"

DAY = 86_400


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
    posts_per_account=28.6, pms_per_account=3.15, sessions_base=3.0,
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


# -- counter-based random numbers ----------------------------------------------------------------------
# Posts are many: instead of seeding a ``random.Random`` per post, each post gets a block of uniform
# numbers computed from (stream, post id) with the SplitMix64 finaliser, vectorised with numpy for a
# whole slice and reproducible one id at a time (a quote regenerates the quoted post).

_M64 = 0xFFFF_FFFF_FFFF_FFFF
_GOLD = 0x9E37_79B9_7F4A_7C15
_STEP = 0xD1B5_4A32_D192_ED03
BLOCK = 40  # uniform numbers per post


def mix64(z: int) -> int:
    z &= _M64
    z = ((z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB) & _M64
    return z ^ (z >> 31)


def _mix_np(z: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58_476D_1CE4_E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D0_49BB_1331_11EB)
    return z ^ (z >> np.uint64(31))


def uniform_block(stream: int, ids: npt.NDArray[np.int64], k: int = BLOCK) -> npt.NDArray[np.float64]:
    """``k`` uniform numbers in [0, 1) per id (rows), the same as :func:`uniform_row` gives."""
    with np.errstate(over="ignore"):
        x = (ids.astype(np.uint64)[:, None] * np.uint64(_GOLD)) ^ np.uint64(stream & _M64)
        x = x ^ (np.arange(k, dtype=np.uint64)[None, :] * np.uint64(_STEP))
        return (_mix_np(x) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def uniform_row(stream: int, n: int, k: int = BLOCK) -> list[float]:
    base = ((n * _GOLD) & _M64) ^ (stream & _M64)
    return [(mix64(base ^ ((j * _STEP) & _M64)) >> 11) * (1.0 / (1 << 53)) for j in range(k)]


_B36 = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)


def base36_ids(stream: int, ids: npt.NDArray[np.int64], width: int = 8) -> list[str]:
    """A pseudo-random lower-case base-36 string per id (phpBB bbcode_uid look)."""
    with np.errstate(over="ignore"):
        z = _mix_np((ids.astype(np.uint64) * np.uint64(_GOLD)) ^ np.uint64(stream & _M64))
    digits = np.empty((len(ids), width), dtype=np.uint8)
    for j in range(width):
        digits[:, j] = _B36[(z % np.uint64(36)).astype(np.int64)]
        z = z // np.uint64(36)
    raw = digits.tobytes().decode()
    return [raw[i:i + width] for i in range(0, len(raw), width)]


def base36_id(stream: int, n: int, width: int = 8) -> str:
    z = mix64(((n * _GOLD) & _M64) ^ (stream & _M64))
    out = []
    for _ in range(width):
        out.append("0123456789abcdefghijklmnopqrstuvwxyz"[z % 36])
        z //= 36
    return "".join(out)


T = TypeVar("T")


class Rand(Protocol):
    """What text composition needs from a random source (``random.Random`` or :class:`Draws`)."""

    def random(self) -> float: ...

    def choice(self, seq: Sequence[T]) -> T: ...

    def randrange(self, start: int, stop: int | None = None) -> int: ...

    def gauss(self, mu: float = 0.0, sigma: float = 1.0) -> float: ...


class Draws:
    """A precomputed block of uniform numbers used like a ``random.Random``."""

    __slots__ = ("_i", "_u")

    def __init__(self, u: list[float]) -> None:
        self._u = u
        self._i = 0

    def random(self) -> float:
        i = self._i
        self._i = i + 1
        if i < len(self._u):
            return self._u[i]
        return (self._u[i % len(self._u)] + i * 0.6180339887498949) % 1.0

    def choice(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def randrange(self, start: int, stop: int | None = None) -> int:
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def gauss(self, mu: float = 0.0, sigma: float = 1.0) -> float:
        u1, u2 = self.random(), self.random()
        return mu + sigma * math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)
