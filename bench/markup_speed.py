"""Speed of ``rescue.text.markup.to_plain`` on realistic bodies: before/after, and a trivial peer.

Bodies: every post and private message of a synthetic phpBB world (with its ``bbcode_uid``),
plus the post, message and signature bodies of the real-schema fixture dumps. Each body is
converted ``--repeat`` times; its time is the fastest of those. Reported: µs/body median and
p95, and the total for one pass over all bodies, for

- ``before``: the text package as committed at ``--before`` (default: the commit before the
  one that added ``src/rescue/text/fastpath.py``), run from a ``git archive`` export in a
  child process;
- ``after``: the working tree, in a child process too, so both run under the same conditions;
- ``peer``: ``html.unescape(re.sub(r"\\[/?[a-z*]+(?::[a-z0-9]+)?[^\\]]*\\]", "", body))``,
  which strips tags and decodes entities and nothing else (no quotes, no whitespace rules).

Both children also hash every ``ParsedText`` they return: the report says whether the outputs
are identical. The ``no uid`` rows give the same bodies without ``bbcode_uid``, which makes
``to_plain`` detect the markup, as it must for MyBB, SMF and other forums without a uid.

    .venv/bin/python bench/markup_speed.py [--dump forum/phpbb.sql] [--before REV] [--repeat 5]

Without ``--dump``: ``/tmp/w1/forum/phpbb.sql`` if it exists, else ``/tmp/wt/forum/phpbb.sql``,
generated first (``rescue synth --members 2000 --seed 7 --out /tmp/wt``) when missing.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import pickle
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "forum-dumps"
# (table, body column, uid column or None) as the forum software stores them
BODY_COLUMNS = (
    ("phpbb_posts", "post_text", "bbcode_uid"), ("phpbb_privmsgs", "message_text", "bbcode_uid"),
    ("phpbb_users", "user_sig", "user_sig_bbcode_uid"), ("mybb_posts", "message", None),
    ("mybb_privatemessages", "message", None), ("mybb_users", "signature", None),
    ("smf_messages", "body", None), ("smf_personal_messages", "body", None), ("smf_members", "signature", None),
    ("posts", "raw", None), ("posts", "cooked", None),
)
PEER_TAG = re.compile(r"\[/?[a-z*]+(?::[a-z0-9]+)?[^\]]*\]")
Body = tuple[str, str | None]


def dump_bodies(path: Path, tables: tuple[str, ...] = ("phpbb_posts", "phpbb_privmsgs")) -> list[Body]:
    """(body, uid) of the given tables of a mysqldump or pg_dump file."""
    from rescue.readers.base import RawRow, TableDef
    from rescue.readers.mysqldump import iter_mysqldump
    from rescue.readers.pgdump import PgDumpReader, looks_like_pgdump
    from rescue.text.charset import decode_text

    def text(v: object) -> str | None:
        if isinstance(v, bytes):
            return decode_text(v, None)
        return v if isinstance(v, str) else None

    out: list[Body] = []
    columns: dict[str, list[str]] = {}
    wanted = [c for c in BODY_COLUMNS if c[0] in tables]
    with path.open("rb") as f:
        pg = looks_like_pgdump(f.read(1 << 16))
    with path.open("rb") as f:
        events = PgDumpReader(path).events() if pg else iter_mysqldump(f, str(path))
        for ev in events:
            if isinstance(ev, TableDef):
                columns[ev.name.rsplit(".", 1)[-1]] = [c.name for c in ev.columns]
            elif isinstance(ev, RawRow):
                table = ev.table.rsplit(".", 1)[-1]
                names = list(ev.columns) if ev.columns else columns.get(table, [])
                for t, body_col, uid_col in wanted:
                    if t == table and body_col in names:
                        body = text(ev.values[names.index(body_col)])
                        uid = text(ev.values[names.index(uid_col)]) if uid_col in names else None
                        if body:
                            out.append((body, uid or None))
    return out


def fixture_bodies() -> list[Body]:
    tables = tuple(sorted({c[0] for c in BODY_COLUMNS}))
    return [b for p in sorted(FIXTURES.glob("*.sql")) for b in dump_bodies(p, tables)]


def default_dump() -> Path:
    for p in (Path("/tmp/w1/forum/phpbb.sql"), Path("/tmp/wt/forum/phpbb.sql")):
        if p.exists():
            return p
    from rescue.synth import generate

    print("generating /tmp/wt (2000 members, seed 7) …", file=sys.stderr)
    generate(Path("/tmp/wt"), members=2000, seed=7)
    return Path("/tmp/wt/forum/phpbb.sql")


def baseline() -> str:
    """The commit before the shortcuts came (the parent of the commit adding fastpath.py)."""
    added = subprocess.run(["git", "-C", str(ROOT), "log", "--diff-filter=A", "--format=%H", "--",
                            "src/rescue/text/fastpath.py"], capture_output=True, text=True, check=True).stdout.split()
    rev = f"{added[-1]}~1" if added else "HEAD"
    return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", rev],
                          capture_output=True, text=True, check=True).stdout.strip()


def measure(bodies: list[Body], fn: Callable[[str, str | None], object], repeat: int) -> dict[str, Any]:
    """Fastest of ``repeat`` runs per body, in µs; ``total_s``: the fastest whole pass."""
    best = [float("inf")] * len(bodies)
    passes: list[float] = []
    clock = time.perf_counter_ns
    for _ in range(repeat):
        start = clock()
        for i, (raw, uid) in enumerate(bodies):
            t0 = clock()
            fn(raw, uid)
            dt = clock() - t0
            if dt < best[i]:
                best[i] = dt
        passes.append((clock() - start) / 1e9)
    us = sorted(t / 1000 for t in best)
    return {"median": statistics.median(us), "p95": us[int(0.95 * (len(us) - 1))], "total_s": min(passes)}


def child(src: str, bodies_file: str, repeat: int) -> None:
    """Run in a subprocess: time ``to_plain`` from ``src`` and hash its outputs."""
    sys.path.insert(0, src)
    from rescue.text.markup import to_plain

    data: dict[str, list[Body]] = pickle.loads(Path(bodies_file).read_bytes())
    result: dict[str, Any] = {}
    for name, bodies in data.items():
        digest = hashlib.sha256()
        for raw, uid in bodies:
            digest.update(repr(to_plain(raw, bbcode_uid=uid)).encode("utf-8", "surrogatepass"))
        stats = measure(bodies, lambda raw, uid: to_plain(raw, bbcode_uid=uid), repeat)
        result[name] = {**stats, "digest": digest.hexdigest()}
    print(json.dumps(result))


def run_child(src: Path, bodies_file: Path, repeat: int) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", str(src), str(bodies_file), "--repeat", str(repeat)],
                         capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dump", type=Path, help="a phpBB mysqldump (default: see module docstring)")
    ap.add_argument("--before", help="git revision for the 'before' numbers (default: see above; '' to skip)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--child", nargs=2, metavar=("SRC", "BODIES"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.repeat)
        return
    sys.path.insert(0, str(ROOT / "src"))
    dump = args.dump or default_dump()
    synthetic = dump_bodies(dump)
    sets: dict[str, list[Body]] = {"synthetic phpBB": synthetic, "fixture dumps": fixture_bodies(),
            "synthetic, no uid": [(raw, None) for raw, _ in synthetic]}
    print(f"{dump}: {len(synthetic)} posts+PMs; {len(sets['fixture dumps'])} fixture bodies; best of {args.repeat}")
    with tempfile.TemporaryDirectory() as tmp:
        bodies_file = Path(tmp) / "bodies.pickle"
        bodies_file.write_bytes(pickle.dumps(sets))
        runs: dict[str, dict[str, Any]] = {}
        before = baseline() if args.before is None else args.before
        if before:
            export = Path(tmp) / "before"
            export.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", before, "src/rescue"],
                                     capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(export)], input=archive, check=True)
            runs[f"before ({before})"] = run_child(export / "src", bodies_file, args.repeat)
        runs["after (working tree)"] = run_child(ROOT / "src", bodies_file, args.repeat)
    peer = {name: measure(bodies, lambda raw, uid: html.unescape(PEER_TAG.sub("", raw)), args.repeat)
            for name, bodies in sets.items()}
    for name in sets:
        print(f"\n{name} ({len(sets[name])} bodies)")
        print(f"  {'':22} {'median µs':>10} {'p95 µs':>9} {'total s':>9} {'× peer (median)':>16}")
        for label, r in [*((k, v[name]) for k, v in runs.items()), ("peer (regex+unescape)", peer[name])]:
            print(f"  {label:22} {r['median']:10.2f} {r['p95']:9.2f} {r['total_s']:9.3f} "
                  f"{r['median'] / peer[name]['median']:16.1f}")
        digests = {v[name]["digest"] for v in runs.values()}
        if len(runs) > 1:
            print("  outputs identical before/after:", "yes" if len(digests) == 1 else "NO")
    if len(runs) == 2:
        (b, a) = runs.values()
        ratio = b["synthetic phpBB"]["median"] / a["synthetic phpBB"]["median"]
        print(f"\nspeed-up (synthetic phpBB, median): {ratio:.1f}x")


if __name__ == "__main__":
    main()
