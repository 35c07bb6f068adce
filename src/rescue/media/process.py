"""What one file becomes: hashes, kind, PDQ (images, video segments) and EXIF leads, as a row dict.

Runs in worker processes, a batch of files per call (``process_batch``): ``process_path`` reads a
file itself (folders) in one read, ``analyse`` gets the digest and content from the reader (archive
members, disk images). An image is opened once for its EXIF and its pixels. Errors of decoding are
recorded in the row (``error``), never raised: a broken image is still hashed and listed.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable
from typing import Any

from PIL import Image

from rescue.media.digest import Digest, digest, file_chunks, sniff
from rescue.media.exif import read_exif
from rescue.media.pdq import IMPL, hash_rgb, rgb_of

Row = dict[str, Any]
WHOLE_READ = 64 << 20  # files up to this size are read in one call
Job = tuple[Callable[..., Row], tuple[Any, ...]]


def _image(row: Row, data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as img:
        leads = read_exif(img)
        row.update(exif_make=leads.make, exif_model=leads.model, exif_serial=leads.serial,
                   exif_datetime=leads.datetime, gps_lat=leads.lat, gps_lon=leads.lon)
        rgb, width, height = rgb_of(img)
    pdq, quality, variants = hash_rgb(rgb)
    row.update(width=width, height=height, pdq=pdq, pdq_quality=quality, pdq_impl=IMPL,
               pdq_variants=",".join(variants[1:]))


def _video(row: Row, data: bytes) -> None:
    from rescue.media.video import hash_video

    res = hash_video(data)
    row.update(width=res.width, height=res.height, frames=res.sampled, duration_s=res.duration_s, pdq_impl=IMPL)
    if res.segments:
        row.update(pdq=res.segments[0].pdq, pdq_quality=res.segments[0].quality,
                   pdq_variants=",".join(res.variants[1:]))
    row["segments"] = [(s.index, s.start_s, s.end_s, s.frames, s.pdq, s.quality) for s in res.segments]


def analyse(dig: Digest) -> Row:
    kind, mime = sniff(dig.head)
    row: Row = {"size": dig.size, "md5": dig.md5, "sha1": dig.sha1, "sha256": dig.sha256, "kind": kind,
                "mime": mime}
    if kind == "other":
        return row
    if dig.data is None:
        row["error"] = "too large to decode: hashed only"
        return row
    try:
        if kind == "image":
            _image(row, dig.data)
        else:
            _video(row, dig.data)
    except Exception as exc:  # hostile or broken content: keep the hashes, record why no PDQ
        row["error"] = f"{kind} not decodable: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
    return row


def process_chunks(chunks: Iterable[bytes], keep_up_to: int) -> Row:
    return analyse(digest(chunks, keep_up_to))


def process_path(path: str, keep_up_to: int) -> Row:
    try:
        with open(path, "rb") as fh:
            if os.fstat(fh.fileno()).st_size <= min(keep_up_to, WHOLE_READ):
                return analyse(digest([fh.read()], keep_up_to))  # one read, no copy (grown files: checked)
            return process_chunks(file_chunks(fh), keep_up_to)
    except OSError as exc:
        return {"error": f"unreadable: {exc.strerror or exc}"}


def process_batch(jobs: list[Job]) -> list[Row]:
    """Several files in one call (one message to and from a worker instead of one per file)."""
    return [fn(*args) for fn, args in jobs]


def process_bytes(data: bytes, keep_up_to: int) -> Row:
    return process_chunks([data], keep_up_to)


def hashed_only(fn: object, args: tuple[Any, ...]) -> Row:
    """The job again without decoding (after its decoder crashed a worker twice)."""
    if fn is process_path:
        row = process_path(args[0], 0)
    else:
        dig: Digest = args[0]
        row = analyse(Digest(dig.size, dig.md5, dig.sha1, dig.sha256, dig.head, None))
    row["error"] = "decoder crashed a worker twice on this file: hashed only"
    return row
