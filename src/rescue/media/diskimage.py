"""Files of forensic disk images through The Sleuth Kit (pytsk3), E01 through libewf (pyewf).

Allocated and deleted entries are both listed; ``deleted`` is True for an unallocated name or
inode. Contents are read with ``read_random`` in chunks; nothing is written to disk.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rescue.media.digest import digest
from rescue.media.members import Item, Refused, utc
from rescue.media.safety import Limits, MediaError, Meter, Quarantine

Entry = Item | Refused
CHUNK = 1 << 20
MAX_DIR_DEPTH = 64


def _tsk() -> Any:
    try:
        return importlib.import_module("pytsk3")
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise MediaError(f"disk images need pytsk3, which is not installed here: {exc}") from exc


def is_ewf(head: bytes) -> bool:
    return head.startswith(b"EVF\x09\x0d\x0a\xff\x00") or head.startswith(b"LVF\x09\x0d\x0a\xff\x00")


def _open_image(path: Path, head: bytes) -> tuple[Any, str]:
    tsk = _tsk()
    if not is_ewf(head):
        return tsk.Img_Info(str(path)), "raw"
    pyewf: Any = importlib.import_module("pyewf")
    names = pyewf.glob(str(path))
    handle = pyewf.handle()
    handle.open(names)

    class EwfImg(tsk.Img_Info):  # type: ignore[misc, name-defined]
        def __init__(self) -> None:
            super().__init__(url="", type=tsk.TSK_IMG_TYPE_EXTERNAL)

        def close(self) -> None:
            handle.close()

        def read(self, offset: int, size: int) -> bytes:
            handle.seek(offset)
            return bytes(handle.read(size))

        def get_size(self) -> int:
            return int(handle.get_media_size())

    return EwfImg(), "e01"


def _filesystems(tsk: Any, img: Any) -> Iterator[tuple[int, Any]]:
    try:
        volumes = tsk.Volume_Info(img)
    except OSError:
        volumes = None
    if volumes is None:
        yield 0, tsk.FS_Info(img, offset=0)
        return
    block = volumes.info.block_size
    for part in volumes:
        if part.flags != tsk.TSK_VS_PART_FLAG_ALLOC:
            continue
        try:
            yield int(part.addr), tsk.FS_Info(img, offset=part.start * block)
        except OSError:
            continue


def _walk(tsk: Any, fs: Any, directory: Any, prefix: str, depth: int, seen: set[int]) -> Iterator[tuple[str, Any]]:
    if depth > MAX_DIR_DEPTH:
        return
    for entry in directory:
        name_obj = entry.info.name
        name = name_obj.name.decode("utf-8", "replace") if isinstance(name_obj.name, bytes) else str(name_obj.name)
        if name in (".", "..") or entry.info.meta is None:
            continue
        path = f"{prefix}/{name}" if prefix else name
        meta = entry.info.meta
        if meta.type == tsk.TSK_FS_META_TYPE_DIR:
            if meta.addr in seen:
                continue
            seen.add(meta.addr)
            try:
                yield from _walk(tsk, fs, entry.as_directory(), path, depth + 1, seen)
            except OSError:
                continue
        elif meta.type == tsk.TSK_FS_META_TYPE_REG:
            yield path, entry


def members(path: Path, limits: Limits) -> Iterator[Entry]:
    head = path.open("rb").read(16)
    tsk = _tsk()
    try:
        img, kind = _open_image(path, head)
        systems = list(_filesystems(tsk, img))
    except OSError as exc:
        yield Refused(str(path), "", f"no file system recognised in the disk image: {' '.join(str(exc).split())[:160]}")
        return
    unalloc = tsk.TSK_FS_META_FLAG_UNALLOC
    name_unalloc = tsk.TSK_FS_NAME_FLAG_UNALLOC
    for part, fs in systems:
        label = f"{path}#p{part}" if len(systems) > 1 else str(path)
        for inner, entry in _walk(tsk, fs, fs.open_dir(path="/"), "", 0, set()):
            meta = entry.info.meta
            deleted = bool(int(meta.flags) & int(unalloc)) or bool(int(entry.info.name.flags) & int(name_unalloc))
            size = int(meta.size)
            try:
                meter = Meter(limits, declared=size)
                if size > limits.max_entry_bytes:
                    raise Quarantine(f"file declares {size} bytes (limit {limits.max_entry_bytes})")

                def chunks(entry: Any = entry, size: int = size) -> Iterator[bytes]:
                    offset = 0
                    while offset < size:
                        data = entry.read_random(offset, min(CHUNK, size - offset))
                        if not data:
                            return
                        offset += len(data)
                        yield data

                dig = digest(meter.chunks(chunks()), limits.max_decode_bytes)
            except Quarantine as q:
                yield Refused(label, inner, q.reason)
                continue
            except OSError as exc:
                if not deleted:
                    yield Refused(label, inner, f"unreadable file: {' '.join(str(exc).split())[:160]}")
                    continue
                dig = digest([], 0)
            yield Item(label, kind, inner, size=size, mtime=utc(meta.mtime), atime=utc(meta.atime),
                       ctime=utc(meta.ctime), crtime=utc(meta.crtime), deleted=deleted, digest=dig)
