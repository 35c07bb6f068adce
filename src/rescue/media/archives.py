"""Zip, tar and 7z members read as streams (never extracted), with names, links and sizes checked."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import os
import queue
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from contextlib import suppress
from typing import IO, Any

from rescue.media.digest import Digest, digest, file_chunks
from rescue.media.members import Item, Refused, utc
from rescue.media.safety import Limits, Meter, Quarantine, declared_ratio_check, safe_name

Entry = Item | Refused


def archive_kind(head: bytes) -> str | None:
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    if head.startswith(b"\x1f\x8b") or head.startswith(b"BZh") or head.startswith(b"\xfd7zXZ\x00"):
        return "tar"  # compressed tar; a lone compressed file is refused by tarfile and reported
    return None


def _zip(fileobj: IO[bytes], label: str, limits: Limits, total: list[int]) -> Iterator[Entry]:
    with zipfile.ZipFile(fileobj) as zf:
        infos = zf.infolist()
        if len(infos) > limits.max_entries:
            yield Refused(label, "", f"archive lists {len(infos)} members (limit {limits.max_entries})")
            return
        for info in infos:
            if info.is_dir():
                continue
            try:
                name = safe_name(info.filename)
                mode = (info.external_attr >> 16) & 0o170000
                if mode == 0o120000:
                    raise Quarantine(f"symbolic link member {info.filename!r}")
                if mode not in (0, 0o100000):
                    raise Quarantine(f"special file member {info.filename!r}")
                if info.flag_bits & 0x1:
                    raise Quarantine(f"encrypted member {info.filename!r}")
                declared_ratio_check(limits, info.file_size, info.compress_size)
                meter = Meter(limits, compressed=info.compress_size, declared=info.file_size, archive_total=total)
                with zf.open(info) as stream:
                    dig = digest(meter.chunks(iter(file_chunks(stream))), limits.max_decode_bytes)
            except Quarantine as q:
                yield Refused(label, info.filename, q.reason)
                continue
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
                yield Refused(label, info.filename, f"unreadable member: {exc}")
                continue
            try:
                mtime: dt.datetime | None = dt.datetime(*info.date_time)
            except ValueError:
                mtime = None
            yield Item(label, "zip", name, size=dig.size, mtime=mtime, digest=dig)


def _tar(fileobj: IO[bytes], label: str, limits: Limits, total: list[int], packed: int | None) -> Iterator[Entry]:
    with tarfile.open(fileobj=fileobj, mode="r|*") as tf:
        for n, member in enumerate(tf):
            # tarfile keeps every header it has read: drop them so that memory stays flat
            tf.members = []  # type: ignore[attr-defined]
            if n >= limits.max_entries:
                yield Refused(label, "", f"archive has more than {limits.max_entries} members: rest not read")
                return
            if member.isdir():
                continue
            try:
                name = safe_name(member.name)
                if member.issym() or member.islnk():
                    raise Quarantine(f"link member {member.name!r} -> {member.linkname!r}")
                if not member.isfile():
                    raise Quarantine(f"special file member {member.name!r}")
                meter = Meter(limits, declared=member.size, archive_total=total,
                              compressed=None)
                if member.size > limits.max_entry_bytes:
                    raise Quarantine(f"member declares {member.size} bytes (limit {limits.max_entry_bytes})")
                if packed is not None and total[0] + member.size > max(limits.ratio_floor_bytes,
                                                                        limits.max_ratio * packed):
                    raise Quarantine(f"decompression bomb: archive expands over {limits.max_ratio:g} times "
                                     f"its {packed} bytes")
                stream = tf.extractfile(member)
                if stream is None:
                    raise Quarantine(f"unreadable member {member.name!r}")
                dig = digest(meter.chunks(iter(file_chunks(stream))), limits.max_decode_bytes)
            except Quarantine as q:
                yield Refused(label, member.name, q.reason)
                continue
            yield Item(label, "tar", name, size=dig.size, mtime=utc(member.mtime), digest=dig)


class _SinkWriter:
    """py7zr's Py7zIO: digests one member as py7zr writes it; hands it over when the member closes."""

    def __init__(self, name: str, limits: Limits, total: list[int], out: queue.Queue[Any],
                 cancel: threading.Event) -> None:
        self.name, self.limits, self.out, self.cancel = name, limits, out, cancel
        self.meter = Meter(limits, archive_total=total)
        self.parts: list[bytes] = []
        self.refused: str | None = None

    def write(self, s: bytes | bytearray) -> int:
        if self.cancel.is_set():
            raise _Stop
        if self.refused is None:
            try:
                self.meter.add(len(s))
                self.parts.append(bytes(s))
                if self.meter.count > self.limits.max_decode_bytes:  # stream through a running digest
                    self.parts = [b"".join(self.parts)]
            except Quarantine as q:
                self.refused, self.parts = q.reason, []
        return len(s)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self.meter.count

    def close(self) -> None:
        result: Entry
        if self.refused is not None:
            result = Refused("", self.name, self.refused)
        else:
            dig: Digest = digest(self.parts, self.limits.max_decode_bytes)
            result = Item("", "7z", self.name, size=dig.size, digest=dig)
        self.parts = []
        while not self.cancel.is_set():
            with suppress(queue.Full):
                self.out.put(result, timeout=0.1)
                return


class _Stop(Exception):
    pass


def _7z(path_or_obj: Any, label: str, limits: Limits, total: list[int]) -> Iterator[Entry]:
    py7zr: Any = importlib.import_module("py7zr")
    try:
        archive: Any = py7zr.SevenZipFile(path_or_obj, mode="r")
    except Exception as exc:
        yield Refused(label, "", f"unreadable 7z archive: {exc}")
        return
    with archive:
        if archive.needs_password():
            yield Refused(label, "", "encrypted 7z archive")
            return
        targets: list[str] = []
        for info in archive.list():
            if info.is_directory:
                continue
            try:
                safe_name(info.filename)
                if info.is_symlink:
                    raise Quarantine(f"symbolic link member {info.filename!r}")
                if info.uncompressed and info.compressed:
                    declared_ratio_check(limits, int(info.uncompressed), int(info.compressed))
            except Quarantine as q:
                yield Refused(label, info.filename, q.reason)
                continue
            targets.append(info.filename)
        if not targets:
            return
        out: queue.Queue[Any] = queue.Queue(maxsize=2)
        cancel = threading.Event()
        cwd = os.getcwd()
        base: Any = importlib.import_module("py7zr.io").WriterFactory

        class Factory(base):  # type: ignore[misc, valid-type]
            def create(self, filename: str) -> _SinkWriter:
                return _SinkWriter(os.path.relpath(filename, cwd), limits, total, out, cancel)

        def work() -> None:
            outcome: Any = None
            try:
                archive.extract(targets=targets, factory=Factory())
            except _Stop:
                pass
            except Exception as exc:
                outcome = Refused(label, "", f"7z archive stopped: {exc}")
            while not cancel.is_set():
                with suppress(queue.Full):
                    out.put(("done", outcome), timeout=0.1)
                    return

        thread = threading.Thread(target=work, name="rescue-media-7z", daemon=True)
        thread.start()
        try:
            while True:
                got = out.get()
                if isinstance(got, tuple):
                    if got[1] is not None:
                        yield got[1]
                    return
                got.container = label
                yield got
        finally:
            cancel.set()
            while thread.is_alive():
                with suppress(queue.Empty):
                    out.get(timeout=0.1)
            thread.join()


def members(kind: str, source: str | IO[bytes], label: str, limits: Limits, *,
            packed: int | None = None) -> Iterator[Entry]:
    """The entries of one archive; an archive that cannot be opened becomes one Refused entry."""
    total = [0]
    try:
        if kind == "7z":
            yield from _7z(source, label, limits, total)
            return
        fh: IO[bytes] = open(source, "rb") if isinstance(source, str) else source  # noqa: SIM115
        try:
            if kind == "zip":
                yield from _zip(fh, label, limits, total)
            else:
                yield from _tar(fh, label, limits, total, packed)
        finally:
            if isinstance(source, str):
                fh.close()
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError) as exc:
        yield Refused(label, "", f"unreadable {kind} archive: {' '.join(str(exc).split())[:200]}")


def open_nested(data: bytes) -> IO[bytes]:
    return io.BytesIO(data)
