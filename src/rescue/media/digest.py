"""One pass over a stream: MD5, SHA-1, SHA-256, the size, and the bytes when they are to be decoded."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


def sniff(head: bytes) -> tuple[str, str]:
    """(kind, mime) from the first bytes: image, video or other. Names and extensions are not trusted."""
    for magic, mime in IMAGE_MAGIC:
        if head.startswith(magic):
            if mime == "image/bmp" and len(head) < 14:
                break
            return "image", mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image", "image/webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"avif"):
            return "image", "image/" + ("avif" if brand == b"avif" else "heic")
        return "video", "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video", "video/x-matroska"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video", "video/x-msvideo"
    if head.startswith(b"FLV"):
        return "video", "video/x-flv"
    if head[:4] in (b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3") or (len(head) > 188 and head[0] == 0x47 == head[188]):
        return "video", "video/mpeg"
    return "other", "application/octet-stream"


@dataclass
class Digest:
    size: int
    md5: str
    sha1: str
    sha256: str
    head: bytes
    data: bytes | None  # the whole content when kept for decoding


def digest(chunks: Iterable[bytes], keep_up_to: int) -> Digest:
    """Hash every chunk once with the three algorithms; keep the bytes if the total stays ≤ keep_up_to."""
    md5, sha1, sha256 = hashlib.md5(), hashlib.sha1(), hashlib.sha256()
    kept: list[bytes] | None = []
    size = 0
    head = b""
    for chunk in chunks:
        if not chunk:
            continue
        if len(head) < 512:
            head += chunk[:512 - len(head)]
        md5.update(chunk)
        sha1.update(chunk)
        sha256.update(chunk)
        size += len(chunk)
        if kept is not None:
            if size <= keep_up_to:
                kept.append(chunk)
            else:
                kept = None
    data = b"".join(kept) if kept is not None else None
    return Digest(size, md5.hexdigest(), sha1.hexdigest(), sha256.hexdigest(), head, data)


def file_chunks(stream: object, size: int = 1 << 20) -> Iterable[bytes]:
    read = stream.read  # type: ignore[attr-defined]
    while True:
        chunk = read(size)
        if not chunk:
            return
        yield chunk
