"""Stream the single member of a 7z archive through py7zr (optional dependency).

py7zr pushes decompressed data into a writer; a worker thread runs the extraction into a
small bounded queue and the caller pulls from it, so memory stays at a few chunks and
nothing touches the disk.
"""

from __future__ import annotations

import importlib
import io
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO

from ..errors import SourceError

_QUEUE_CHUNKS = 4  # py7zr writes ~2 MiB pieces


class _Cancelled(Exception):
    pass


class _QueueWriter:
    """The Py7zIO interface py7zr writes to; hands each piece to the reading side."""

    def __init__(self, q: queue.Queue[bytes | BaseException | None], cancel: threading.Event) -> None:
        self.q, self.cancel, self.written = q, cancel, 0

    def write(self, s: bytes | bytearray) -> int:
        data = bytes(s)
        while True:
            if self.cancel.is_set():
                raise _Cancelled
            try:
                self.q.put(data, timeout=0.1)
                break
            except queue.Full:
                continue
        self.written += len(data)
        return len(data)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.written

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self.written

    def close(self) -> None:
        return None


class _QueueReader(io.RawIOBase):
    def __init__(self, q: queue.Queue[bytes | BaseException | None], path: Path) -> None:
        super().__init__()
        self.q, self.path = q, path
        self.pending = b""
        self.finished = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self.pending and not self.finished:
            item = self.q.get()
            if item is None:
                self.finished = True
            elif isinstance(item, BaseException):
                self.finished = True
                raise SourceError(self.path, f"corrupt 7z archive: {item}") from item
            else:
                self.pending = item
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


@contextmanager
def open_7z(py7zr: ModuleType, path: Path) -> Iterator[BinaryIO]:
    try:
        archive: Any = py7zr.SevenZipFile(path, mode="r")
    except Exception as exc:  # py7zr raises its own exception types for bad archives
        raise SourceError(path, f"unreadable 7z archive: {exc}") from exc
    with archive:
        try:
            members = [f for f in archive.list() if not f.is_directory]
            encrypted = bool(archive.needs_password())
        except Exception as exc:
            raise SourceError(path, f"unreadable 7z archive: {exc}") from exc
        if len(members) != 1:
            raise SourceError(path, f"7z archive holds {len(members)} files; one member expected")
        if encrypted:
            raise SourceError(path, "7z archive is encrypted")
        q: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=_QUEUE_CHUNKS)
        cancel = threading.Event()
        writer = _QueueWriter(q, cancel)

        base: Any = importlib.import_module("py7zr.io").WriterFactory

        class Factory(base):  # type: ignore[misc, valid-type]
            def create(self, filename: str) -> _QueueWriter:
                return writer

        def work() -> None:
            outcome: BaseException | None = None
            try:
                archive.extract(targets=[members[0].filename], factory=Factory())
            except _Cancelled:
                pass
            except Exception as exc:  # reported to the reading side
                outcome = exc
            while not cancel.is_set():
                try:
                    q.put(outcome, timeout=0.1)
                    return
                except queue.Full:
                    continue

        thread = threading.Thread(target=work, name="rescue-7z", daemon=True)
        thread.start()
        try:
            yield io.BufferedReader(_QueueReader(q, path), buffer_size=1 << 20)
        finally:
            cancel.set()
            while thread.is_alive():
                with suppress(queue.Empty):
                    q.get(timeout=0.1)
            thread.join()
