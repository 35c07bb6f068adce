"""Limits and name checks for hostile containers: nothing from an archive decides a disk path.

Members are read as streams and never extracted, so a hostile name cannot write anywhere; it is
still quarantined (with its reason) so that an analyst sees that the container was crafted.
Sizes declared by a container are not trusted: every stream is counted as it is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rescue.errors import RescueError


class MediaError(RescueError):
    """A media source or hash set cannot be read at all."""


class Quarantine(Exception):
    """One member is refused (hostile name, link, bomb); the reason is stored and counted."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    max_entry_bytes: int = 8 << 30  # one member, as read (not as declared)
    max_total_bytes: int = 256 << 30  # everything read from one archive
    max_ratio: float = 100.0  # uncompressed / compressed bytes of one member
    ratio_floor_bytes: int = 1 << 20  # the ratio is enforced once a member has produced this much
    max_entries: int = 2_000_000  # members of one archive
    max_depth: int = 2  # archives inside archives
    max_decode_bytes: int = 256 << 20  # images and videos larger than this are hashed, not decoded


def safe_name(name: str) -> str:
    """The member name normalised to a relative path, or Quarantine if it escapes or is absolute."""
    if "\x00" in name:
        raise Quarantine("NUL byte in member name")
    raw = name.replace("\\", "/")
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":" and raw[0].isalpha()):
        raise Quarantine(f"absolute member path {name!r}")
    parts = [p for p in raw.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise Quarantine(f"path traversal in member name {name!r}")
    if not parts:
        raise Quarantine(f"empty member name {name!r}")
    return "/".join(parts)


class Meter:
    """Counts the bytes of one member and of its archive; raises Quarantine past a limit."""

    def __init__(self, limits: Limits, *, compressed: int | None = None, declared: int | None = None,
                 archive_total: list[int] | None = None) -> None:
        self.limits = limits
        self.compressed = compressed
        self.declared = declared
        self.total = archive_total if archive_total is not None else [0]
        self.count = 0

    def add(self, n: int) -> None:
        self.count += n
        self.total[0] += n
        lim = self.limits
        if self.count > lim.max_entry_bytes:
            raise Quarantine(f"member larger than {lim.max_entry_bytes} bytes")
        if self.declared is not None and self.count > self.declared:
            raise Quarantine(f"member longer than its declared size {self.declared}")
        if (self.compressed is not None and self.count > lim.ratio_floor_bytes
                and self.count > lim.max_ratio * max(self.compressed, 1)):
            raise Quarantine(f"decompression bomb: ratio over {lim.max_ratio:g} ({self.compressed} bytes compressed)")
        if self.total[0] > lim.max_total_bytes:
            raise Quarantine(f"archive expands past {lim.max_total_bytes} bytes")

    def chunks(self, it: Iterator[bytes]) -> Iterator[bytes]:
        for chunk in it:
            self.add(len(chunk))
            yield chunk


def declared_ratio_check(limits: Limits, size: int, compressed: int) -> None:
    """Refuse a member whose declared sizes already exceed the limits (before reading a byte)."""
    if size > limits.max_entry_bytes:
        raise Quarantine(f"member declares {size} bytes (limit {limits.max_entry_bytes})")
    if size > limits.ratio_floor_bytes and size > limits.max_ratio * max(compressed, 1):
        ratio = size / max(compressed, 1)
        raise Quarantine(f"decompression bomb: declared ratio {ratio:.0f} over {limits.max_ratio:g}")
