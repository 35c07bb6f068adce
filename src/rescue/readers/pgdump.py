"""pg_dump files as a ``SourceReader``: plain SQL (any container) or custom-format archives.

A plain dump (``pg_dump``, ``--inserts``, ``--column-inserts``, ``-a``), possibly gzip/bz2/xz
compressed or zipped, is parsed by ``pgparse`` straight from the decompressed stream. A
custom-format archive (``pg_dump -Fc``, magic ``PGDMP``) is converted by the PostgreSQL
client tool ``pg_restore -f -`` whose output is parsed as it streams; offsets and lines then
refer to that output. What the parser makes of values is described in ``pgparse``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import IO, BinaryIO, cast

from rescue.errors import SourceError
from rescue.readers.base import DumpStructure, Event, ReadStats
from rescue.readers.containers import open_source, sniff
from rescue.readers.pgparse import VALUE_CAP, PgDumpParser, iter_pgdump, pg_charset, scan_pgdump

__all__ = ["PgDumpReader", "iter_pgdump", "looks_like_pgdump", "pg_charset", "scan_pgdump"]

_TOC_DATA = re.compile(rb"^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) ", re.M)


def looks_like_pgdump(head: bytes) -> bool:
    """True for the first bytes of a (decompressed) pg_dump: plain SQL or a custom archive."""
    if head.startswith(b"PGDMP"):
        return True
    h = head[:1 << 16]
    if b"-- PostgreSQL database dump" in h or b"-- PostgreSQL database cluster dump" in h:
        return True
    if re.search(rb"(?m)^\\restrict \S+\r?$", h) or re.search(rb"(?m)^COPY \S+ (?:\([^)\n]*\) )?FROM stdin;\r?$", h):
        return True
    return bool(re.search(rb"(?m)^SET client_encoding = '", h) and re.search(rb"(?m)^SET standard_conforming", h))


class PgDumpReader:
    """A pg_dump file. ``total`` is the plain file's size (None when compressed or custom
    until ``structure()`` has measured the decompressed stream)."""

    format = "pgdump"

    def __init__(self, path: Path | str, *, cap: int = VALUE_CAP) -> None:
        self.path = Path(path)
        self.cap = cap
        head = sniff(self.path)
        with self.path.open("rb") as f:
            raw = f.read(16)
        self.custom = head.startswith(b"PGDMP")
        self._wrapped = not head.startswith(raw)  # compressed or archived around the dump
        self.total: int | None = None if (self.custom or self._wrapped) else self.path.stat().st_size
        self.stats = ReadStats()

    def structure(self) -> DumpStructure:
        parser = PgDumpParser(str(self.path), rows=False, cap=self.cap)
        if not self.custom:
            with open_source(self.path) as stream:
                for _ in parser.events(stream):
                    pass
            if self.total is None:
                self.total = parser.structure.bytes_scanned
            return parser.structure
        with self._restore("--schema-only") as stream:
            for _ in parser.events(stream):
                pass
        with self._restore("--list") as stream:
            toc = stream.read()
        for m in _TOC_DATA.finditer(toc):
            parser.structure.insert_tables.add(m.group(2).decode("utf-8", "replace"))
        return parser.structure

    def events(self, progress: Callable[[int], None] | None = None) -> Iterator[Event]:
        parser = PgDumpParser(str(self.path), cap=self.cap)
        self.stats = parser.stats
        opener: AbstractContextManager[BinaryIO] = self._restore() if self.custom else open_source(self.path)
        with opener as stream:
            yield from parser.events(stream, progress)
        self.stats.bytes_read = parser.structure.bytes_scanned

    # -- custom format -------------------------------------------------------------------
    @contextmanager
    def _restore(self, *options: str) -> Iterator[BinaryIO]:
        """The plain SQL of a custom-format archive, as ``pg_restore`` writes it."""
        exe = shutil.which("pg_restore")
        if exe is None:
            raise SourceError(self.path, "this is a pg_dump custom-format archive; reading it needs pg_restore "
                              "(PostgreSQL client tools, e.g. Debian package postgresql-client), not found on PATH",
                              offset=0)
        # a plain archive is read by name; one inside a compressed container is fed through stdin
        args = [exe, *options] if "--list" in options else [exe, *options, "-f", "-"]
        if not self._wrapped:
            args.append(str(self.path))
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(args, stdin=subprocess.PIPE if self._wrapped else subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=err)
            feeder = None
            if self._wrapped:
                feeder = threading.Thread(target=self._feed, args=(proc.stdin,), daemon=True)
                feeder.start()
            out = cast(BinaryIO, proc.stdout)
            try:
                yield out
            except BaseException:
                proc.kill()
                proc.wait()
                raise
            finally:
                out.close()
            rc = proc.wait()
            if feeder is not None:
                feeder.join()
            if rc != 0:
                err.seek(0)
                why = " ".join(err.read(2000).decode("utf-8", "replace").split()) or f"exit code {rc}"
                raise SourceError(self.path, f"pg_restore could not convert the custom-format archive: {why}")

    def _feed(self, sink: IO[bytes] | None) -> None:
        assert sink is not None
        try:
            with open_source(self.path) as src:
                shutil.copyfileobj(src, sink, 1 << 20)
        except (BrokenPipeError, OSError, SourceError):
            pass  # pg_restore stopped reading (it reports its own error) or the container is broken
        finally:
            with suppress(OSError):
                sink.close()
