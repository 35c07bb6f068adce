"""Throughput of the mysqldump reader on a generated dump (default ~200 MB).

The dump looks like mariadb-dump output of a forum: one extended INSERT per ~1 MB, one tuple
per line, a posts table with text bodies (escaped quotes, backslashes, CR/LF, UTF-8), a
users table with many short columns and packed binary IPs, and a word-match table of tiny
rows. Generation is not timed; parsing is (from a file in the page cache, one core): wall and CPU
seconds, with the C hot loop (``rescue.readers._rowscan``) and, in the same run, without it (the
Python loop alone, as when the extension is not built).

    .venv/bin/python bench/reader_speed.py [--mb 200] [--keep PATH]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from rescue.readers import mysqldump_rows
from rescue.readers.base import BadRow, RawRow
from rescue.readers.mysqldump import MysqldumpStats, iter_mysqldump

WORDS = ["the", "forum", "post", "reply", "thanks", "everyone", "meeting", "tomorrow", "weather", "garden",
         "bicycle", "coffee", "café", "naïve", "über", "it's", '"quoted"', "back\\slash", "50%", "[b]bold[/b]",
         "[url]http://example.org/[/url]", "&quot;html&quot;", "line\r\nbreak", "tab\there"]
STATEMENT_BYTES = 1 << 20
USER_ROW = (b"(%d,0,2,'',0,'%s',%d,'user%d','user%d','',%d,'user%d@example.org',0,'',0,0,0,'',0,0,0,0,0,'en',"
            b"'0.00',0,'D M d, Y g:i a',1,0,'',0,0,0,0,-3,0,0,'t','d',0,'t','a',0,1,0,1,1,1,1,230271,"
            b"'','',0,0,'','','','','','','','','','','','','%s')")


def esc(raw: bytes) -> bytes:
    """Escape like mysqldump (mysql_real_escape_string)."""
    return (raw.replace(b"\\", b"\\\\").replace(b"\0", b"\\0").replace(b"\n", b"\\n")
            .replace(b"\r", b"\\r").replace(b"\x1a", b"\\Z").replace(b"'", b"\\'").replace(b'"', b'\\"'))


def _texts(rng: random.Random, n: int) -> list[bytes]:
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 160))).encode() for _ in range(n)]


def _ip(rng: random.Random) -> bytes:
    packed = bytes([192, 0, 2, rng.randint(0, 255)]) if rng.random() < 0.8 else bytes(
        [0x20, 0x01, 0x0D, 0xB8] + [rng.randint(0, 255) for _ in range(12)])
    return esc(packed)


def rows(rng: random.Random) -> Iterator[tuple[bytes, bytes]]:
    """(table, tuple text) forever, in a realistic mix."""
    texts = _texts(rng, 4000)
    bodies = [esc(t) for t in texts]
    signatures = [esc(t[:60]) for t in texts]
    post = user = word = 0
    while True:
        r = rng.random()
        if r < 0.80:
            post += 1
            yield b"phpbb_posts", b"(%d,%d,%d,%d,0,'%s',%d,1,0,1,1,1,1,'','','Re: %s',%s,'%s','%s',0,0,0,NULL)" % (
                post, post // 20, post % 40, rng.randint(1, 70000), _ip(rng), 1262304000 + post * 7, bodies[post % 97],
                b"'3f2a'" if post % 3 else b"''", bodies[rng.randrange(4000)], b"%08x" % post)
        elif r < 0.88:
            user += 1
            yield b"phpbb_users", USER_ROW % (
                    user, _ip(rng), 1262304000 + user, user, user, 1262304000, user, signatures[user % 4000])
        else:
            word += 1
            yield b"phpbb_search_wordmatch", b"(%d,%d,0)" % (word // 9, word)


def generate(path: Path, size: int, seed: int = 7) -> int:
    """Write a dump of about ``size`` bytes; returns the number of rows."""
    rng = random.Random(seed)
    n = 0
    pending: dict[bytes, list[bytes]] = {}
    pending_size: dict[bytes, int] = {}
    written = 0
    with path.open("wb") as f:
        f.write(b"/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19\n/*!40101 SET NAMES utf8mb4 */;\n")
        for table, tup in rows(rng):
            pending.setdefault(table, []).append(tup)
            pending_size[table] = pending_size.get(table, 0) + len(tup) + 2
            n += 1
            if pending_size[table] >= STATEMENT_BYTES:
                stmt = b"INSERT INTO `%s` VALUES\n%s;\n" % (table, b",\n".join(pending.pop(table)))
                pending_size[table] = 0
                f.write(stmt)
                written += len(stmt)
                if written >= size:
                    break
        for table, tups in pending.items():
            if tups:
                f.write(b"INSERT INTO `%s` VALUES\n%s;\n" % (table, b",\n".join(tups)))
    return n


def measure(path: Path) -> tuple[float, float, int, int]:
    stats = MysqldumpStats()
    rows_seen = bad = 0
    start, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as f:
        for ev in iter_mysqldump(f, str(path), stats=stats):
            if isinstance(ev, RawRow):
                rows_seen += 1
            elif isinstance(ev, BadRow):
                bad += 1
    return time.perf_counter() - start, time.process_time() - cpu, rows_seen, bad


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=200, help="size of the generated dump in MB")
    ap.add_argument("--keep", type=Path, help="write the dump here and keep it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.sql"
        t0 = time.perf_counter()
        generate(path, args.mb * 1_000_000)
        size = path.stat().st_size
        print(f"generated {size / 1e6:.0f} MB in {time.perf_counter() - t0:.1f} s")
        with path.open("rb") as f:  # warm the page cache
            while f.read(1 << 24):
                pass
        fast = mysqldump_rows.fast_values
        for label, impl in (("C hot loop", fast), ("Python loop alone", None)):
            if label.startswith("C") and impl is None:
                print("C hot loop: not built (rescue.readers._rowscan missing)")
                continue
            mysqldump_rows.fast_values = impl
            seconds, cpu, n, bad = measure(path)
            print(f"{label}: parsed {n} rows ({bad} bad) in {seconds:.1f} s wall, {cpu:.1f} s CPU: "
                  f"{size / 1e6 / seconds:.1f} MB/s wall, {size / 1e6 / cpu:.1f} MB per CPU second, "
                  f"{n / cpu / 1e3:.0f} k rows per CPU second")
        mysqldump_rows.fast_values = fast
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS {peak:.0f} MiB")

if __name__ == "__main__":
    main()
