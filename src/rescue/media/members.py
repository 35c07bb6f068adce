"""What the walkers yield: a file to hash (by path or as a digest of a stream) or a quarantined entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rescue.media.digest import Digest


@dataclass
class Item:
    container: str  # the folder, or the chain of containers ("a.zip!inner/b.tar")
    container_kind: str  # folder, zip, tar, 7z, e01, raw
    inner_path: str  # relative, normalised
    size: int | None = None
    mtime: dt.datetime | None = None
    atime: dt.datetime | None = None
    ctime: dt.datetime | None = None
    crtime: dt.datetime | None = None
    deleted: bool | None = None
    path: str | None = None  # a regular file on disk: a worker reads it
    digest: Digest | None = None  # content already read from a stream (archives, disk images)


@dataclass
class Refused:
    container: str
    inner_path: str
    reason: str


def utc(ts: float | int | None) -> dt.datetime | None:
    if ts is None or ts <= 0:
        return None
    try:
        return dt.datetime.fromtimestamp(ts, dt.UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None
