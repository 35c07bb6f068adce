"""Which reader reads a source: format recognised from content (never from the file name)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from rescue.errors import SourceError
from rescue.ingest.scan import Layout, scan_layout
from rescue.readers.base import DumpStructure, Event, SourceReader
from rescue.readers.containers import detect_wrapping, open_source, sniff

# A single value larger than this (a post body, a blob) is quarantined, not held in memory.
MAX_VALUE_BYTES = 64 << 20
FORMATS = ("auto", "mysqldump", "pgdump", "sqlite", "live")
_URL = re.compile(r"^[a-z][a-z0-9+]*://", re.IGNORECASE)


class _Counting:
    """Wraps a binary stream to report how many bytes have been read."""

    def __init__(self, stream: object, report: Callable[[int], None] | None) -> None:
        self._s = stream
        self._n = 0
        self._report = report

    def read(self, n: int = -1) -> bytes:
        data: bytes = self._s.read(n)  # type: ignore[attr-defined]
        self._n += len(data)
        if self._report is not None:
            self._report(self._n)
        return data

    def readinto(self, buf: bytearray | memoryview) -> int:
        data = self.read(len(buf))
        buf[: len(data)] = data
        return len(data)


class MysqlDumpReader:
    """mysqldump / mariadb-dump files, plain or compressed."""

    format = "mysqldump"

    def __init__(self, path: Path, max_value_bytes: int = MAX_VALUE_BYTES) -> None:
        self.path = path
        self.max_value_bytes = max_value_bytes
        self.total: int | None = None
        self.layout: Layout | None = None  # where statements start (after structure())

    def structure(self) -> DumpStructure:
        s, self.layout = scan_layout(self.path)
        self.total = s.bytes_scanned
        return s

    def seekable(self) -> bool:
        """True for a plain file: its decompressed offsets are its file offsets."""
        with self.path.open("rb") as f:
            return detect_wrapping(f.read(8)) is None

    def events(self, progress: Callable[[int], None] | None = None) -> Iterator[Event]:
        from rescue.readers.mysqldump import iter_mysqldump

        with open_source(self.path) as raw:
            yield from iter_mysqldump(_Counting(raw, progress), str(self.path),  # type: ignore[arg-type]
                                      max_value_bytes=self.max_value_bytes)


def is_url(source: str) -> bool:
    return bool(_URL.match(source))


def open_reader(source: str, fmt: str = "auto", *, max_value_bytes: int = MAX_VALUE_BYTES) -> SourceReader:
    """A reader for a file path or a SQLAlchemy URL of a live database."""
    if fmt not in FORMATS:
        raise SourceError(source, f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if is_url(source) or fmt == "live":
        from rescue.readers.live import LiveReader

        return LiveReader(source)
    path = Path(source)
    if not path.is_file():
        raise SourceError(path, "no such file")
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt == "mysqldump":
        return MysqlDumpReader(path, max_value_bytes)
    if fmt == "pgdump":
        from rescue.readers.pgdump import PgDumpReader

        return PgDumpReader(path, cap=max_value_bytes)
    from rescue.readers.sqlite import SqliteReader

    return SqliteReader(path)


def detect_format(path: Path) -> str:
    with path.open("rb") as f:
        magic = f.read(16)
    if magic.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    head = sniff(path)
    from rescue.readers.mysqldump import looks_like_mysqldump

    if looks_like_mysqldump(head):
        return "mysqldump"
    from rescue.readers.pgdump import looks_like_pgdump

    if looks_like_pgdump(head):
        return "pgdump"
    raise SourceError(path, "unrecognised source format (not a MySQL/MariaDB dump, pg_dump or SQLite file)",
                      offset=0)
