"""Small generated PNG images (shapes on noise) for attachment files; no imaging library needed."""

from __future__ import annotations

import struct
import zlib

import numpy as np


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(rgb: np.ndarray) -> bytes:
    """PNG bytes of an (height, width, 3) uint8 image (filter type 0 on every line)."""
    h, w, _ = rgb.shape
    raw = np.zeros((h, w * 3 + 1), dtype=np.uint8)
    raw[:, 1:] = rgb.reshape(h, w * 3)
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw.tobytes(), 6))
            + _chunk(b"IEND", b""))


def generated_image(rng: np.random.Generator) -> bytes:
    """A picture of random rectangles and discs over coloured noise."""
    h, w = int(rng.integers(48, 160)), int(rng.integers(64, 200))
    base = rng.integers(0, 256, size=3)
    img = np.clip(base + rng.normal(0, 18, size=(h, w, 3)), 0, 255)
    yy, xx = np.mgrid[0:h, 0:w]
    for _ in range(int(rng.integers(2, 7))):
        colour = rng.integers(0, 256, size=3)
        cy, cx = int(rng.integers(0, h)), int(rng.integers(0, w))
        size = int(rng.integers(6, max(7, min(h, w) // 2)))
        if rng.random() < 0.5:
            mask = (np.abs(yy - cy) < size) & (np.abs(xx - cx) < size * 1.5)
        else:
            mask = (yy - cy) ** 2 + (xx - cx) ** 2 < size**2
        img[mask] = colour
    return encode_png(img.astype(np.uint8))
