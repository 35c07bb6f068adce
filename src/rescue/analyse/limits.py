"""How much memory and how many threads the analysis gives DuckDB, and where DuckDB spills beyond that.

DuckDB's own default is 80 % of the machine's RAM, with no spilling until then: at Kidflix scale the
buffer pool alone outgrew any sensible budget. Every connection the analysis opens on the store gets

- ``memory_limit``: ``--memory-limit``, else ``[analyse] memory_limit`` of operation.toml, else
  ``min(50 % of RAM, 8 GB)`` (:func:`default_memory_limit`), which leaves room for the Python side of the
  analysis (and for identity resolution's own structures) inside 16 GB;
- ``threads``: ``--threads``, else ``[analyse] threads``, else every core;
- ``temp_directory``: ``<operation>/.analyse-tmp`` (what does not fit is written there and read back; the
  folder is removed after the run);
- ``preserve_insertion_order = false``: results without ORDER BY may come in any order (every findings
  table is written with an explicit ORDER BY, so the findings do not change), which lets DuckDB stream
  and spill large intermediate results instead of holding them in order.

A second, in-memory DuckDB database that works beside the store (identity resolution's Splink model) is
opened with :func:`side_connection`: it gets ``SIDE_SHARE`` of the store connection's memory limit (at least
``SIDE_FLOOR_MB``), the same number of threads and its own subfolder of the temp directory, and the store
connection's limit is lowered by as much until :func:`release_side` closes it (DuckDB evicts cached pages to
get there), so that both together stay within the one ``memory_limit``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from rescue.errors import OperationError

TEMP_DIR = ".analyse-tmp"
SIDE_SHARE = 0.5             # of the store connection's memory limit, for a side database (Splink's) …
STORE_SPILL_SHARE = 0.5     # of the free disk space at the start, for what the store connection spills …
SIDE_SPILL_SHARE = 0.25     # … and for what a side database spills: together they never fill the disk
SIDE_FLOOR_MB = 128          # … but at least this (below it Splink's blocking fails even on a few hundred accounts)
PYTHON_STEP_SHARE = 0.25   # of the store connection's limit while a step works on Python structures
DEFAULT_SHARE = 0.5          # of the machine's RAM …
DEFAULT_CAP_MB = 8 * 1024    # … but never more than this (store + Splink's side database together)
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)
_UNIT = {"b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4,
         "kib": 1024, "mib": 1024**2, "gib": 1024**3, "tib": 1024**4}


def ram_bytes() -> int:
    """The machine's physical memory (0 when the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not on Linux
        return 0


def ram_share(share: float, floor_mb: int, cap_mb: int, ram: int | None = None, unknown_mb: int | None = None) -> str:
    """``share`` of the machine's RAM within [``floor_mb``, ``cap_mb``] as a DuckDB size (MB); ``unknown_mb``
    (default ``floor_mb``) when the RAM is unknown."""
    total = ram_bytes() if ram is None else ram
    if total <= 0:
        return f"{floor_mb if unknown_mb is None else unknown_mb}MB"
    return f"{min(max(int(total * share) >> 20, floor_mb), cap_mb)}MB"


def default_memory_limit(ram: int | None = None) -> str:
    """``min(50 % of RAM, 8 GB)`` as a DuckDB size (MB); 2 GB when the RAM is unknown."""
    return ram_share(DEFAULT_SHARE, 64, DEFAULT_CAP_MB, ram, unknown_mb=2048)


def size_bytes(value: str) -> int:
    """A size such as ``512MB``, ``1.5GB`` or ``4GiB`` in bytes (an error names the value)."""
    m = _SIZE.fullmatch(value.strip())
    if not m:
        raise OperationError(f"memory limit {value!r}: give a size such as 512MB, 1GB or 4GiB")
    return int(float(m.group(1)) * _UNIT[m.group(2).lower()])


@dataclass(frozen=True)
class Limits:
    """What one analysis run gives DuckDB."""

    memory_limit: str
    threads: int
    temp_dir: Path

    def apply(self, con: duckdb.DuckDBPyConnection) -> None:
        """Set the limits on ``con`` (and on the database instance it belongs to)."""
        self.temp_dir.mkdir(parents=True, exist_ok=True)
        temp = str(self.temp_dir).replace("'", "''")
        try:
            con.execute(f"SET memory_limit = '{self.memory_limit}'")
            con.execute(f"SET threads = {int(self.threads)}")
            con.execute(f"SET temp_directory = '{temp}'")
            con.execute(f"SET max_temp_directory_size = '{spill_mb(self.temp_dir, STORE_SPILL_SHARE)}MB'")
            con.execute("SET preserve_insertion_order = false")
        except duckdb.Error as exc:
            raise OperationError(f"memory limit {self.memory_limit!r}, threads {self.threads}: {exc}") from exc

    def cleanup(self) -> None:
        shutil.rmtree(self.temp_dir, ignore_errors=True)


def resolve(store_path: Path, memory_limit: str | None = None, threads: int | None = None) -> Limits:
    """The limits of a run on the store at ``store_path``: the given values (option or operation.toml; empty
    or 0 means automatic), else the defaults."""
    mem = (memory_limit or "").strip() or default_memory_limit()
    size_bytes(mem)  # validated here, so that a typo is one clear error before anything runs
    n = int(threads or 0)
    if n < 0:
        raise OperationError(f"threads {n}: give a positive number (0: every core)")
    return Limits(mem, n or (os.cpu_count() or 1), Path(store_path).parent / TEMP_DIR)


_LOWERED: dict[int, str] = {}   # id of an open side connection -> the store's memory limit before it opened


def spill_mb(folder: Path, share: float) -> int:
    """``share`` of the free space on the disk of ``folder``, in MB (at least 64): what a connection may spill
    there. DuckDB's own default (90 % of the free space, for each database) let the store and Splink's database
    together fill the disk at 1.8M accounts; a full disk then fails the run far from its cause."""
    return max(64, int(shutil.disk_usage(folder).free * share) >> 20)


def side_connection(store: duckdb.DuckDBPyConnection, name: str = "side",
                    share: float = SIDE_SHARE) -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB connection bounded like ``store`` (a connection with :meth:`Limits.apply`, or
    DuckDB's defaults): ``share`` of its memory limit (at least ``SIDE_FLOOR_MB``), its threads, spilling to
    ``<its temp directory>/<name>`` (created by DuckDB when it first spills; removed with the run's temp
    directory) when that directory exists. The store's own limit is lowered by as much until
    :func:`release_side` (best effort: when DuckDB cannot evict enough at once it keeps its limit), so that
    both together stay within the one budget."""
    mem, threads, temp = store.execute("SELECT current_setting('memory_limit'), current_setting('threads'), "
                                       "current_setting('temp_directory')").fetchall()[0]
    total_mb = size_bytes(str(mem)) >> 20
    side_mb = max(SIDE_FLOOR_MB, int(total_mb * share))
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{side_mb}MB'")
        con.execute(f"SET threads = {max(1, int(threads))}")
        con.execute("SET preserve_insertion_order = false")
        if temp and Path(str(temp)).is_dir():
            folder = Path(str(temp)) / name
            con.execute("SET temp_directory = '{}'".format(str(folder).replace("'", "''")))
            con.execute(f"SET max_temp_directory_size = '{spill_mb(Path(str(temp)), SIDE_SPILL_SHARE)}MB'")
    except BaseException:
        con.close()
        raise
    try:
        store.execute(f"SET memory_limit = '{max(total_mb - min(side_mb, total_mb // 2), 1)}MB'")
        _LOWERED[id(con)] = f"{total_mb}MB"
    except duckdb.Error:
        pass
    return con


def release_side(store: duckdb.DuckDBPyConnection, con: duckdb.DuckDBPyConnection) -> None:
    """Close a connection of :func:`side_connection` and give the store its memory limit back."""
    con.close()
    before = _LOWERED.pop(id(con), None)
    if before is not None:
        store.execute(f"SET memory_limit = '{before}'")


@contextlib.contextmanager
def lowered(store: duckdb.DuckDBPyConnection, share: float = PYTHON_STEP_SHARE) -> Iterator[None]:
    """While a step builds large Python structures and asks DuckDB little (identity resolution's clustering, risk
    scoring), DuckDB keeps only ``share`` of its memory limit (at least ``SIDE_FLOOR_MB``): it evicts the pages it
    cached for earlier queries, so the process's peak is not DuckDB's whole limit plus Python's structures at
    their largest. At 1.8M members that was 16.2 GB (8 GB of them DuckDB's). Best effort: when DuckDB cannot
    evict enough at once it keeps its limit. The limit is given back afterwards."""
    mem = str(store.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
    low = max(SIDE_FLOOR_MB, int((size_bytes(mem) >> 20) * share))
    try:
        store.execute(f"SET memory_limit = '{low}MB'")
        done = True
    except duckdb.Error:
        done = False
    try:
        yield
    finally:
        if done:
            store.execute(f"SET memory_limit = '{mem}'")
