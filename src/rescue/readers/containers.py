"""Open a seized file whatever it is wrapped in: gzip, bz2, xz, zip or 7z (one member).

The wrapping is recognised by magic bytes, never by the file name, and may be nested
(``dump.sql.gz`` inside a zip). Everything streams: nothing is extracted to disk, member
names are never used as paths and sizes written in archive headers are not trusted for
allocation, so a decompression bomb costs time, not memory. A corrupt or truncated
compressed stream raises ``SourceError`` with the decompressed offset reached — unless
``tolerate_truncation`` is set, in which case a stream that merely stops early just ends.
"""

from __future__ import annotations

import bz2
import gzip
import importlib
import io
import lzma
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO, cast

from ..errors import SourceError
from .containers_7z import open_7z

SNIFF_BYTES = 64 << 10
MAX_LAYERS = 4
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "xz"), (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"), (b"7z\xbc\xaf\x27\x1c", "7z"), (b"\x28\xb5\x2f\xfd", "zstd"),
)
_CORRUPT = (OSError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, ValueError)


def detect_wrapping(head: bytes) -> str | None:
    """``gzip``, ``bz2``, ``xz``, ``zip``, ``7z``, ``zstd`` or None (plain data) from magic bytes."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


@contextmanager
def open_source(path: Path, *, tolerate_truncation: bool = False) -> Iterator[BinaryIO]:
    """The decompressed bytes of ``path`` as a binary stream (see the module docstring)."""
    with ExitStack() as stack:
        try:
            stream: BinaryIO = stack.enter_context(open(path, "rb"))
        except OSError as exc:
            raise SourceError(path, f"cannot open: {exc.strerror or exc}") from exc
        layers: list[str] = []
        while True:
            try:
                head = _peek(stream)
            except EOFError as exc:
                raise SourceError(path, f"{'/'.join(layers)} stream is truncated: {exc}") from exc
            except _CORRUPT as exc:
                raise SourceError(path, f"corrupt {'/'.join(layers)} data: {exc}") from exc
            kind = detect_wrapping(head)
            if kind is None:
                break
            if len(layers) == MAX_LAYERS:
                raise SourceError(path, f"more than {MAX_LAYERS} nested compression layers")
            stream = _open_layer(stack, kind, stream, path, outermost=not layers)
            layers.append(kind)
        if not layers:
            yield stream
            return
        guarded = _Guarded(stream, path, "/".join(layers), tolerate_truncation)
        yield io.BufferedReader(guarded, buffer_size=1 << 20)


def sniff(path: Path, size: int = SNIFF_BYTES) -> bytes:
    """The first ``size`` bytes of the decompressed content, for format detection."""
    with open_source(path, tolerate_truncation=True) as f:
        parts: list[bytes] = []
        got = 0
        while got < size and (data := f.read(size - got)):
            parts.append(data)
            got += len(data)
        return b"".join(parts)


def _peek(stream: BinaryIO) -> bytes:
    if not stream.seekable():  # the 7z reader: a BufferedReader, which can peek
        return stream.peek(8)[:8] if isinstance(stream, io.BufferedReader) else b""
    head = stream.read(8)
    stream.seek(0)  # the stdlib decompressors rewind cheaply this close to the start
    return head


def _open_layer(stack: ExitStack, kind: str, stream: BinaryIO, path: Path, *, outermost: bool) -> BinaryIO:
    if kind == "gzip":
        return cast(BinaryIO, stack.enter_context(gzip.GzipFile(fileobj=stream, mode="rb")))
    if kind == "bz2":
        return cast(BinaryIO, stack.enter_context(bz2.BZ2File(stream, "rb")))
    if kind == "xz":
        return cast(BinaryIO, stack.enter_context(lzma.LZMAFile(stream, "rb")))
    if kind == "zstd":
        raise SourceError(path, "zstd-compressed: decompress it first (zstd -d), then ingest the result")
    if not outermost:
        raise SourceError(path, f"{kind} archive inside a compressed stream: unpack the outer layer first")
    if kind == "7z":
        try:
            py7zr = importlib.import_module("py7zr")
        except ImportError:
            raise SourceError(path, "7z archive: the optional package py7zr is not installed; "
                              "install it or unpack the archive first") from None
        return stack.enter_context(open_7z(py7zr, path))
    return _open_zip(stack, stream, path)


def _open_zip(stack: ExitStack, stream: BinaryIO, path: Path) -> BinaryIO:
    try:
        archive = stack.enter_context(zipfile.ZipFile(stream))
        members = [i for i in archive.infolist() if not i.is_dir()]
        if len(members) != 1:
            raise SourceError(path, f"zip archive holds {len(members)} files; one member expected")
        if members[0].flag_bits & 0x1:
            raise SourceError(path, "zip member is encrypted")
        return cast(BinaryIO, stack.enter_context(archive.open(members[0])))
    except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError) as exc:
        raise SourceError(path, f"unreadable zip archive: {exc}") from exc


class _Guarded(io.RawIOBase):
    """Turns decompression errors into ``SourceError`` (or EOF, for tolerated truncation)."""

    def __init__(self, inner: BinaryIO, path: Path, kind: str, tolerate_truncation: bool) -> None:
        super().__init__()
        self.inner, self.path, self.kind, self.tolerate = inner, path, kind, tolerate_truncation
        self.read_step: Callable[[int], bytes] = getattr(inner, "read1", inner.read)
        self.position = 0
        self.truncated = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.truncated:
            return 0
        try:  # read1: at most one step of the decompressor, so a failure loses little
            data = self.read_step(len(buffer))
        except EOFError as exc:
            if not self.tolerate:
                raise SourceError(self.path, f"{self.kind} stream is truncated: {exc}",
                                  offset=self.position) from exc
            self.truncated = True
            return 0
        except _CORRUPT as exc:
            raise SourceError(self.path, f"corrupt {self.kind} data: {exc}", offset=self.position) from exc
        n = len(data)
        buffer[:n] = data
        self.position += n
        return n
