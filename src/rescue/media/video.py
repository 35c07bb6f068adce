"""Frame-sampled PDQ of videos through PyAV (FFmpeg's libraries), grouped into segments.

One frame per ``every_s`` seconds is hashed; consecutive sampled frames within ``SEGMENT_DISTANCE``
of the first frame of the current segment stay in it, a farther frame opens a new segment (a cut).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import av
import numpy as np

from rescue.media.pdq import DRAFT_SIDE, hamming, hash_rgb

SEGMENT_DISTANCE = 31
MAX_SAMPLES = 2000


@dataclass
class Segment:
    index: int
    start_s: float
    end_s: float
    frames: int
    pdq: str
    quality: int


@dataclass
class VideoResult:
    width: int
    height: int
    duration_s: float
    sampled: int
    segments: list[Segment] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)  # dihedral hashes of the first sampled frame


def hash_video(data: bytes, *, every_s: float = 1.0) -> VideoResult:
    with av.open(io.BytesIO(data), mode="r") as container:
        if not container.streams.video:
            raise ValueError("no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        width, height = int(stream.codec_context.width), int(stream.codec_context.height)
        result = VideoResult(width, height, 0.0, 0)
        next_t = 0.0
        last_t = 0.0
        current: Segment | None = None
        for frame in container.decode(stream):
            t = float(frame.time) if frame.time is not None else last_t
            last_t = max(last_t, t)
            if t + 1e-6 < next_t or result.sampled >= MAX_SAMPLES:
                continue
            next_t = t + every_s
            scale = min(1.0, DRAFT_SIDE / max(frame.width, frame.height))
            rgb: np.ndarray = frame.to_ndarray(format="rgb24", width=max(1, int(frame.width * scale)),
                                               height=max(1, int(frame.height * scale)))
            first = result.sampled == 0
            pdq, quality, variants = hash_rgb(np.ascontiguousarray(rgb), dihedral=first)
            if first:
                result.variants = variants
            result.sampled += 1
            if current is not None and hamming(current.pdq, pdq) <= SEGMENT_DISTANCE:
                current.end_s, current.frames = t, current.frames + 1
                continue
            current = Segment(len(result.segments), t, t, 1, pdq, quality)
            result.segments.append(current)
        duration = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else last_t
        result.duration_s = max(duration, last_t)
        if current is not None:
            current.end_s = max(current.end_s, last_t)
        return result
