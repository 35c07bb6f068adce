"""`rescue media intake`: walk a source, hash every file once in a process pool, store rows and quarantine.

Memory stays bounded: at most ``workers * 4`` files are in flight and rows are appended to DuckDB
in batches. Folder files are read by the workers themselves; archive and disk-image members are
read (and their cryptographic hashes computed) by the walker, and only images and videos go to a
worker for decoding.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rescue.media import process, tables
from rescue.media.digest import sniff
from rescue.media.members import Item, Refused
from rescue.media.safety import Limits
from rescue.media.store import RowWriter
from rescue.media.walk import kind_of, walk
from rescue.operation import Operation
from rescue.store.duck import connect

Progress = Callable[[int, int], None]  # files done, bytes done
DUCKDB_MEMORY = "512MB"


@dataclass
class IntakeResult:
    intake_id: str
    files: int = 0
    bytes: int = 0
    quarantined: int = 0
    images: int = 0
    videos: int = 0
    errors: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"intake {self.intake_id}: {self.files} files ({self.bytes} bytes), {self.images} images, "
               f"{self.videos} videos, {self.errors} not decodable, {self.quarantined} quarantined"]
        for reason, n in sorted(self.reasons.items(), key=lambda kv: -kv[1])[:10]:
            out.append(f"  quarantined {n}: {reason}")
        return out


def _reason_class(reason: str) -> str:
    return reason.split(" '")[0].split(" \"")[0].split(":")[0]


def next_intake_id(con: Any) -> str:
    [(n,)] = con.execute("SELECT count(*) FROM media_intakes").fetchall()
    return f"I{int(n) + 1:04d}"


class _Runner:
    """Runs jobs in a pool of forked workers (or inline with one worker).

    A decoder that crashes a worker (hostile content can do that to a C library) breaks the pool:
    the pool is restarted and each job that was in flight is retried alone; the one that crashes
    again is hashed in this process without decoding and marked in ``error``.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.crashes = 0
        if workers > 1:
            self._start()
        self.window = max(4, workers * 4)

    def _start(self) -> None:
        # fork before any reader thread or store connection exists; warm the pool up so that
        # every worker is forked now, not later while a 7z reader thread runs
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(method))
        for f in [self.pool.submit(os.getpid) for _ in range(self.workers)]:
            f.result()

    def _restart(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self._start()

    def submit(self, fn: Callable[..., process.Row], *args: Any) -> Future[process.Row] | process.Row:
        if self.pool is None:
            return fn(*args)
        return self.pool.submit(fn, *args)

    def result(self, got: Future[process.Row] | process.Row, fn: Callable[..., process.Row],
               args: tuple[Any, ...]) -> process.Row:
        if not isinstance(got, Future):
            return got
        try:
            return got.result()
        except BrokenProcessPool:
            self._restart()
        assert self.pool is not None
        try:
            return self.pool.submit(fn, *args).result()
        except BrokenProcessPool:
            self.crashes += 1
            self._restart()
        return process.hashed_only(fn, args)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def run_intake(op: Operation, source: Path, *, label: str | None = None, limits: Limits | None = None,
               workers: int | None = None, disk_image: bool = False, attachments_source: str | None = None,
               progress: Progress | None = None) -> IntakeResult:
    limits = limits or Limits()
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    runner = _Runner(workers)
    try:
        con = connect(op.store_path)
    except BaseException:
        runner.close()
        raise
    try:
        con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")  # DuckDB's cache would otherwise grow with the table
        tables.ensure(con)
        intake_id = next_intake_id(con)
        result = IntakeResult(intake_id)
        started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        writer = RowWriter(con)
        Job = tuple[Item, int, Future[process.Row] | process.Row, Callable[..., process.Row], tuple[Any, ...]]
        pending: deque[Job] = deque()
        seq = 0

        def finish(item: Item, n: int, got: Future[process.Row] | process.Row, fn: Callable[..., process.Row],
                   args: tuple[Any, ...]) -> None:
            row = runner.result(got, fn, args)
            segments = row.pop("segments", None) or []
            file_id = f"{intake_id}/{n:07d}"
            row.update(file_id=file_id, intake_id=intake_id, container=item.container,
                       container_kind=item.container_kind, inner_path=item.inner_path, mtime=item.mtime,
                       atime=item.atime, ctime=item.ctime, crtime=item.crtime, deleted=item.deleted)
            if row.get("size") is None:
                row["size"] = item.size
            writer.add("media_files", row)
            for idx, start, end, frames, pdq, quality in segments:
                writer.add("media_video_segments", {"file_id": file_id, "segment_index": idx, "start_s": start,
                                                    "end_s": end, "frames": frames, "pdq": pdq,
                                                    "pdq_quality": quality})
            result.files += 1
            result.bytes += int(row.get("size") or 0)
            result.images += row.get("kind") == "image"
            result.videos += row.get("kind") == "video"
            result.errors += row.get("error") is not None
            if progress is not None and result.files % 256 == 0:
                progress(result.files, result.bytes)

        try:
            for entry in walk(source, limits, disk_image=disk_image):
                if isinstance(entry, Refused):
                    result.quarantined += 1
                    key = _reason_class(entry.reason)
                    result.reasons[key] = result.reasons.get(key, 0) + 1
                    writer.add("media_quarantine", {"intake_id": intake_id, "container": entry.container,
                                                    "inner_path": entry.inner_path, "reason": entry.reason})
                    continue
                seq += 1
                fn: Callable[..., process.Row]
                args: tuple[Any, ...]
                if entry.path is not None:
                    fn, args = process.process_path, (entry.path, limits.max_decode_bytes)
                    got = runner.submit(fn, *args)
                else:
                    assert entry.digest is not None
                    fn, args = process.analyse, (entry.digest,)
                    if entry.digest.data is not None and sniff(entry.digest.head)[0] != "other":
                        got = runner.submit(fn, *args)
                    else:
                        got = fn(*args)
                    entry.digest = None
                pending.append((entry, seq, got, fn, args))
                while len(pending) > runner.window or (pending and not isinstance(pending[0][2], Future)):
                    finish(*pending.popleft())
            while pending:
                finish(*pending.popleft())
        finally:
            runner.close()
        writer.add("media_intakes", {
            "intake_id": intake_id, "path": str(source), "kind": kind_of(source, disk_image=disk_image),
            "label": label, "started_at": started, "finished_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            "files": result.files, "bytes": result.bytes, "quarantined": result.quarantined,
            "attachments_source_id": attachments_source})
        writer.flush()
        if progress is not None:
            progress(result.files, result.bytes)
        return result
    finally:
        con.close()
