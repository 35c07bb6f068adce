"""The lexicon scan of the candidate texts, ahead of time, in a child process.

The text indicators' cost is the matcher over every candidate text (most of the risk step's CPU time). What it
finds in a text does not depend on who the persons are, only on the text and the field it is in; the persons
only decide whom an item is credited to. So the analysis starts the scan before identity resolution (which
then runs on one core while the scan runs on the other) and :func:`rescue.risk.textscan.scan_texts` takes the
hits from it instead of scanning again:

    job = start(con, workdir)          # the candidates of the persons as they are now, to Parquet; child started
    ...                                # identity resolution regroups accounts into persons
    risk.run(con, prescanned=job)      # items credited to the persons as they are then

The child (``python -m rescue.risk.prescan TEXTS OUT [CONFIG]``) reads the candidate rows in batches and writes
the hits of the rows that have any, keyed by the row (source, table, row id, field). Identity resolution only
regroups the accounts of ``person_accounts``: every candidate row after it was a candidate row before it
(:meth:`Prescan.result` checks this and answers None otherwise, and the scan then runs as usual).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import duckdb

from rescue.errors import OperationError
from rescue.risk import config as config_mod
from rescue.risk.matcher import Hit, Matcher
from rescue.risk.textscan import BATCH, candidate_sql

RowKey = tuple[str, str, str, str]   # source_id, table, row id, field
_ACCOUNTS = ("SELECT count(*), hash(string_agg(source_id || chr(31) || account_id, chr(30) "
             "ORDER BY source_id, account_id)) FROM person_accounts")


def _accounts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    row = con.execute(_ACCOUNTS).fetchall()[0]
    return int(row[0]), int(row[1] or 0)


class Prescan:
    """The running child; :meth:`result` waits for it."""

    def __init__(self, con: duckdb.DuckDBPyConnection, texts: Path, config_path: Path | None) -> None:
        self.accounts = _accounts(con)
        self.texts = texts
        self.out = texts.with_name("risk-hits.pickle")
        self.log = texts.with_name("risk-prescan.log")
        env = dict(os.environ)
        src = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
        args = [sys.executable, "-m", "rescue.risk.prescan", str(texts), str(self.out)]
        if config_path is not None:
            args.append(str(config_path))
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=log, env=env)

    def result(self, con: duckdb.DuckDBPyConnection) -> dict[RowKey, list[Hit]] | None:
        """The hits per candidate row with any; None when the accounts changed (then nothing is reused)."""
        if self.proc.wait() != 0 or not self.out.is_file():
            lines = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            raise OperationError(f"risk pre-scan failed (exit {self.proc.returncode}): "
                                 f"{lines[-1] if lines else 'no output'}")
        if _accounts(con) != self.accounts:
            return None
        with self.out.open("rb") as fh:
            hits: dict[RowKey, list[Hit]] = pickle.load(fh)
        return hits

    def cancel(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def start(con: duckdb.DuckDBPyConnection, workdir: Path, config_path: Path | None = None) -> Prescan:
    """Write the candidate texts of the persons as they are now to ``workdir`` and start the scan."""
    cfg = config_mod.load(config_path)
    matcher = Matcher(cfg)
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "risk-texts.parquet"
    rel = con.sql(candidate_sql(con, matcher), params=matcher.prefilter_params())
    assert rel is not None
    rel.to_parquet(str(path))
    return Prescan(con, path, config_path)


def _main(argv: list[str]) -> int:
    import pyarrow.parquet as pq

    from rescue.risk.textscan import profile_field

    texts, out = Path(argv[0]), Path(argv[1])
    cfg = config_mod.load(Path(argv[2]) if len(argv) > 2 else None)
    matcher = Matcher(cfg)
    found: dict[RowKey, list[Hit]] = {}
    memo: dict[tuple[str, str | None], list[Hit]] = {}
    for batch in pq.ParquetFile(texts).iter_batches(BATCH, columns=["source_id", "tbl", "origin_id", "field",
                                                                     "text"]):
        cols = batch.to_pydict()
        for sid, tbl, oid, field, text in zip(cols["source_id"], cols["tbl"], cols["origin_id"], cols["field"],
                                              cols["text"], strict=True):
            key = (str(text), profile_field(str(tbl), str(field)))
            hits = memo.get(key)
            if hits is None:
                hits = matcher.scan(*key)
                if len(memo) < 200_000 and len(key[0]) <= 2_000:
                    memo[key] = hits
            if hits:
                found[(str(sid), str(tbl), str(oid), str(field))] = hits
    tmp = out.with_suffix(".part")
    with tmp.open("wb") as fh:
        pickle.dump(found, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(out)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
