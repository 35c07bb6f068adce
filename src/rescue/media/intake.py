"""`rescue media intake`: walk a source, hash every file once in a process pool, store rows and quarantine.

Memory stays bounded: at most ``2 * workers`` batches (each ≤ 32 files or 16 MiB of member
content) are in flight and rows are appended to DuckDB in batches. Folder files are read by the
workers themselves; archive and disk-image members are read (and their cryptographic hashes
computed) by the walker, and only images and videos go to a worker for decoding.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

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
    """Runs batches of jobs in a pool of forked workers (or inline with one worker).

    Workers stay alive for the whole intake and get files in batches (``Batch``: up to
    ``BATCH_FILES`` files or ``BATCH_BYTES`` bytes), one message each way per batch.
    A decoder that crashes a worker (hostile content can do that to a C library) breaks the pool:
    the pool is restarted and each job of every batch in flight is retried alone; the one that
    crashes again is hashed in this process without decoding and marked in ``error``.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.crashes = 0
        if workers > 1:
            self._start()
        self.window = max(2, workers * 2)  # batches in flight

    def _start(self) -> None:
        # fork before any reader thread or store connection exists; warm the pool up so that
        # every worker is forked now, not later while a 7z reader thread runs
        Image.preinit()  # decoders imported once here, inherited by the workers
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(method))
        gc.freeze()  # the workers' collector leaves the inherited objects alone (no scans, no copied pages)
        try:
            for f in [self.pool.submit(os.getpid) for _ in range(self.workers)]:
                f.result()
        finally:
            gc.unfreeze()

    def _restart(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self._start()

    def submit(self, jobs: list[process.Job]) -> Future[list[process.Row]] | list[process.Row]:
        if self.pool is None:
            return process.process_batch(jobs)
        return self.pool.submit(process.process_batch, jobs)

    def results(self, got: Future[list[process.Row]] | list[process.Row], jobs: list[process.Job],
                pool: object) -> list[process.Row]:
        """The rows of a batch; ``pool`` is the pool it was sent to (restarted once, not once per batch)."""
        if not isinstance(got, Future):
            return got
        try:
            return got.result()
        except BrokenProcessPool:
            if pool is self.pool:
                self._restart()
        return [self._alone(job) for job in jobs]

    def _alone(self, job: process.Job) -> process.Row:
        assert self.pool is not None
        try:
            return self.pool.submit(process.process_batch, [job]).result()[0]
        except BrokenProcessPool:
            self.crashes += 1
            self._restart()
        return process.hashed_only(*job)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


BATCH_FILES = 32
BATCH_BYTES = 16 << 20


class Batch:
    """Jobs for one worker call; ``rows`` is filled when its result is taken (in submission order)."""

    def __init__(self) -> None:
        self.jobs: list[process.Job] = []
        self.bytes = 0
        self.got: Future[list[process.Row]] | list[process.Row] | None = None
        self.rows: list[process.Row] | None = None
        self.pool: object = None

    def full(self) -> bool:
        return len(self.jobs) >= BATCH_FILES or self.bytes >= BATCH_BYTES


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
        # (item, its number, its batch and index in it) or (item, number, its row done here)
        pending: deque[tuple[Item, int, Batch | None, int, process.Row | None]] = deque()
        batch = Batch()
        in_flight: deque[Batch] = deque()
        seq = 0

        def finish(item: Item, n: int, row: process.Row) -> None:
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

        def drain(keep_batches: int) -> None:
            """Finish the rows in order while more than ``keep_batches`` batches are in flight."""
            while pending:
                item, n, owner, index, row = pending[0]
                if owner is not None:
                    if owner.rows is None:
                        if owner is batch or len(in_flight) <= keep_batches:
                            return
                        done = in_flight.popleft()
                        assert done.got is not None
                        done.rows = runner.results(done.got, done.jobs, done.pool)
                        done.got = None
                    assert owner.rows is not None
                    row = owner.rows[index]
                pending.popleft()
                assert row is not None
                finish(item, n, row)

        def send() -> None:
            nonlocal batch
            if batch.jobs:
                batch.got, batch.pool = runner.submit(batch.jobs), runner.pool
                in_flight.append(batch)
                batch = Batch()

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
                job: process.Job | None = None
                if entry.path is not None:
                    job = (process.process_path, (entry.path, limits.max_decode_bytes))
                    size = entry.size or 0
                else:
                    assert entry.digest is not None
                    dig, entry.digest = entry.digest, None
                    if dig.data is not None and sniff(dig.head)[0] != "other":
                        job, size = (process.analyse, (dig,)), len(dig.data)
                    else:
                        pending.append((entry, seq, None, 0, process.analyse(dig)))
                if job is not None:
                    batch.jobs.append(job)
                    batch.bytes += size
                    pending.append((entry, seq, batch, len(batch.jobs) - 1, None))
                    if batch.full():
                        send()
                drain(runner.window)
            send()
            drain(0)
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
