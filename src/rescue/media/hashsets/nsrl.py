"""NSRL RDSv3 (SQLite) as a "known" set: known software files, used to drop files from review, never to
clear them. Read read-only from the FILE table (sha256, sha1, md5, file_name, file_size, package_id)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from rescue.media.hashsets.common import SetFormatError, SetRow

SCHEME = "NSRL RDSv3"


def looks_like(head: bytes) -> bool:
    return head.startswith(b"SQLite format 3\x00")


def rows(path: Path, batch: int = 100_000) -> Iterator[SetRow]:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise SetFormatError(path, "0", f"not a SQLite database: {exc}") from exc
    try:
        cols = {r[1].lower() for r in con.execute("PRAGMA table_info(FILE)")}
        if not {"sha256", "sha1", "md5"} <= cols:
            raise SetFormatError(path, "FILE", "no RDSv3 FILE table with sha256, sha1 and md5 columns")
        cur = con.execute("SELECT DISTINCT lower(sha256), lower(sha1), lower(md5) FROM FILE")
        while True:
            got = cur.fetchmany(batch)
            if not got:
                return
            for sha256, sha1, md5 in got:
                yield SetRow(md5=md5 or None, sha1=sha1 or None, sha256=sha256 or None)
    except sqlite3.DatabaseError as exc:
        raise SetFormatError(path, "FILE", f"unreadable RDSv3 database: {exc}") from exc
    finally:
        con.close()
