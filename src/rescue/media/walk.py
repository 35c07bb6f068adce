"""Walking a seized folder, archive or disk image into items to hash and refused entries.

Symbolic links are never followed; archives met inside a folder or inside another archive are
opened (up to ``Limits.max_depth``) and their members listed after the archive file itself.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from rescue.media import archives, diskimage
from rescue.media.members import Item, Refused, utc
from rescue.media.safety import Limits, MediaError

Entry = Item | Refused


def _head(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(512)
    except OSError:
        return b""


def _nested(entries: Iterator[Entry], limits: Limits, depth: int) -> Iterator[Entry]:
    """Pass entries on; open archive members that are archives themselves (in memory, bounded)."""
    for entry in entries:
        dig = entry.digest if isinstance(entry, Item) else None
        yield entry  # the consumer may drop entry.digest: keep our own reference
        if dig is None or not isinstance(entry, Item):
            continue
        kind = archives.archive_kind(dig.head)
        if kind is None:
            continue
        label = f"{entry.container}!{entry.inner_path}"
        if depth >= limits.max_depth:
            yield Refused(label, "", f"archive nested deeper than {limits.max_depth}: members not read")
            continue
        if dig.data is None:
            yield Refused(label, "", "nested archive too large to open in memory: members not read")
            continue
        inner = archives.members(kind, archives.open_nested(dig.data), label, limits, packed=dig.size)
        yield from _nested(inner, limits, depth + 1)


def _rel(root: str, path: str) -> str:
    """``path`` relative to ``root`` with / separators (a plain cut when the walk joined it under root)."""
    prefix = root if root.endswith(os.sep) else root + os.sep
    rel = path[len(prefix):] if path.startswith(prefix) else os.path.relpath(path, root)
    return rel.replace(os.sep, "/") if os.sep != "/" else rel


def _file_item(root: str, path: str, st: os.stat_result, rel: str | None = None) -> Item:
    return Item(root, "folder", rel or _rel(root, path), size=st.st_size, mtime=utc(st.st_mtime),
                atime=utc(st.st_atime), ctime=utc(st.st_ctime), deleted=False, path=path)


def _container(root: str, path: str, st: os.stat_result, limits: Limits, depth: int,
               rel: str | None = None) -> Iterator[Entry]:
    yield _file_item(root, path, st, rel)
    head = _head(path)
    kind = archives.archive_kind(head)
    label = path
    if kind is not None:
        yield from _nested(archives.members(kind, path, label, limits, packed=st.st_size), limits, depth + 1)
    elif diskimage.is_ewf(head):
        yield from _nested(diskimage.members(Path(path), limits), limits, depth + 1)


def _folder(root: str, limits: Limits) -> Iterator[Entry]:
    stack = [root]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Refused(root, _rel(root, current) if current != root else ".", f"unreadable folder: {exc.strerror}")
            continue
        subdirs = []
        for e in entries:
            rel = _rel(root, e.path)
            try:
                st = e.stat(follow_symlinks=False)
            except OSError as exc:
                yield Refused(root, rel, f"cannot stat: {exc.strerror}")
                continue
            if stat.S_ISLNK(st.st_mode):
                yield Refused(root, rel, "symbolic link not followed")
            elif stat.S_ISDIR(st.st_mode):
                subdirs.append(e.path)
            elif stat.S_ISREG(st.st_mode):
                yield from _container(root, e.path, st, limits, 0, rel)
            else:
                yield Refused(root, rel, "special file (device, socket or pipe) not read")
        stack.extend(reversed(subdirs))


def walk(source: Path, limits: Limits, *, disk_image: bool = False) -> Iterator[Entry]:
    """Entries of a folder, an archive, an E01 or (with ``disk_image``) a raw disk image."""
    path = str(source)
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError as exc:
        raise MediaError(f"{source}: cannot read: {exc.strerror}") from exc
    if stat.S_ISLNK(st.st_mode):
        raise MediaError(f"{source}: a symbolic link; give the real path")
    if stat.S_ISDIR(st.st_mode):
        yield from _folder(path, limits)
        return
    if disk_image:
        yield from _nested(diskimage.members(source, limits), limits, 1)
        return
    root = str(source.parent)
    yield from _container(root, path, st, limits, 0)


def kind_of(source: Path, *, disk_image: bool = False) -> str:
    if source.is_dir():
        return "folder"
    if disk_image:
        return "disk-image"
    head = _head(str(source))
    if diskimage.is_ewf(head):
        return "e01"
    return archives.archive_kind(head) or "file"
