"""A worker process of the parallel ingest: one part of a plain dump → Parquet files.

The worker reads its byte range of the dump with the ordinary streaming reader (offsets and
lines based at the part's start, so provenance is exact), maps the rows with the ordinary
``RowMapper`` into Parquet files, one per canonical table, in the run's temporary folder, and
reports its conservation counts and the state it ended in (see :mod:`rescue.ingest.partition`).
It never touches the store. It dies with the process that started it (``PR_SET_PDEATHSIG``),
so a ``kill -9`` of ``rescue ingest`` leaves no worker writing behind it; and it writes only
into the folder of its own run, which the next run removes.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from rescue.adapters import REGISTRY, generic
from rescue.adapters.base import Recognition
from rescue.ingest.mapping import RowMapper, TableCount
from rescue.ingest.partition import Part, PartEnd, State, declare
from rescue.readers.base import TableDef
from rescue.readers.mysqldump import MysqldumpParser
from rescue.store.duck import BatchWriter

BATCH_ROWS = 16_384


@dataclass(frozen=True)
class WorkerConfig:
    path: str
    source_id: str
    software: str  # an adapter of the registry, or "generic"
    version: str
    prefix: str
    tables: tuple[tuple[str, int], ...]  # source table → index of its TableMap in the adapter
    defs: dict[str, TableDef]  # the structure scan's definitions (the mapper's starting point)
    max_value_bytes: int
    out_dir: str


@dataclass
class PartResult:
    index: int
    end: PartEnd | None = None  # None: the part could not be read (see ``error``)
    counts: dict[str, TableCount] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)  # canonical rows per table
    files: list[tuple[str, str]] = field(default_factory=list)  # (canonical table, Parquet file)
    error: str = ""
    seconds: float = 0.0  # wall time in the worker
    cpu_seconds: float = 0.0


def main() -> None:
    """A worker process (see :mod:`rescue.ingest.procs`): configuration, then parts, from stdin;
    a result per part to stdout. Ends at the end of its input."""
    die_with_parent(int(sys.argv[1]))
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to the log, not into the results
    inp = sys.stdin.buffer
    try:
        config = pickle.load(inp)
        while (part := pickle.load(inp)) is not None:
            data = pickle.dumps(map_part(config, part), protocol=pickle.HIGHEST_PROTOCOL)
            out.write(len(data).to_bytes(8, "little") + data)
            out.flush()
    except EOFError:
        pass


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux); exit if it already has."""
    with contextlib.suppress(OSError, AttributeError):  # elsewhere the worker still ends with its input
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


def recognition(config: WorkerConfig) -> Recognition:
    if config.software == "generic":
        return generic.build(config.defs)[1]
    adapter = REGISTRY[config.software]
    return Recognition(config.software, config.version, config.prefix, 1.0,
                       {name: adapter.tables[i] for name, i in config.tables})


class _Slice:
    """Bytes ``start:end`` of a file, as a stream."""

    def __init__(self, f: BinaryIO, start: int, end: int) -> None:
        f.seek(start)
        self._f, self._left = f, end - start

    def read(self, n: int = -1) -> bytes:
        n = self._left if n < 0 else min(n, self._left)
        data = self._f.read(n) if n > 0 else b""
        self._left -= len(data)
        return data


class _ParquetSink:
    def __init__(self, out_dir: Path, index: int) -> None:
        self.out_dir, self.index = out_dir, index
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.files: list[tuple[str, str]] = []

    def __call__(self, table: str, data: pa.Table) -> None:
        w = self.writers.get(table)
        if w is None:
            path = self.out_dir / f"part-{self.index:05d}-{table}.parquet"
            # short-lived files in the page cache: cheapest to write, as cheap to load
            w = self.writers[table] = pq.ParquetWriter(path, data.schema, compression="none", use_dictionary=False,
                                                       write_statistics=False)
            self.files.append((table, str(path)))
        w.write_table(data)

    def close(self) -> None:
        for w in self.writers.values():
            w.close()


def map_part(config: WorkerConfig, part: Part) -> PartResult:
    """Read and map one part; never raises (an error is reported in the result)."""
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        result = _map(config, part)
        result.seconds, result.cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
        return result
    except Exception as exc:
        return PartResult(part.index, error=f"{type(exc).__name__}: {exc}")


def _map(config: WorkerConfig, part: Part) -> PartResult:
    defs = dict(config.defs)
    for name, columns, charset in part.state.declared:
        defs[name] = TableDef(name, columns, charset)
    sink = _ParquetSink(Path(config.out_dir), part.index)
    writer = BatchWriter(batch_rows=BATCH_ROWS, sink=sink)
    mapper = RowMapper(config.source_id, recognition(config), config.defs, writer,
                       connection_charset=part.state.charset)
    mapper.defs = defs
    declared = part.state.declared
    with open(config.path, "rb") as f:
        parser = MysqldumpParser(_Slice(f, part.start, part.end), config.path,  # type: ignore[arg-type]
                                 max_value_bytes=config.max_value_bytes)
        parser.b.base, parser.b.line = part.start, part.line
        parser.delimiter, parser.recognised = part.state.delimiter, part.state.recognised
        feed = mapper.feed
        for event in parser:
            if event.__class__ is TableDef and event.columns:  # type: ignore[union-attr]
                declared = declare(declared, event.name, event.columns, event.charset)  # type: ignore[union-attr]
            feed(event)
        writer.flush()
        sink.close()
        clean = not (parser.stats.truncated or parser.rows.done)
    end = PartEnd(State(parser.delimiter, mapper.charset, declared, parser.recognised), clean)
    return PartResult(part.index, end, dict(mapper.counts.tables), dict(writer.counts), sink.files)
