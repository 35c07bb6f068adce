"""PDQ hashes of images (pdqhash: Cython around Meta's reference C++), with draft JPEG decoding.

A hash is stored as 64 hex digits (256 bits, most significant bit first) and used as 32 bytes in
FAISS binary indexes. ``dihedral`` gives the 8 rotations/mirrors, used on the query side because
PDQ is not rotation- or mirror-invariant.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib.metadata import version

import numpy as np
import pdqhash
from PIL import Image

IMPL = f"pdqhash {version('pdqhash')}"
DRAFT_SIDE = 256  # PDQ reduces every image to 64x64 (Jarosz filter): a 256-511 px side changes few bits
MIN_QUALITY = 50  # hashes of quality ≤ 49 are kept but not matched (reference threshold)
Image.MAX_IMAGE_PIXELS = 200_000_000  # a decompression-bomb image raises instead of exhausting memory


@dataclass
class PdqResult:
    pdq: str
    quality: int
    variants: list[str]  # the 8 dihedral hashes (index 0 = as is); empty when not asked for
    width: int
    height: int


def bits_to_hex(bits: np.ndarray) -> str:
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def hex_to_bytes(values: list[str]) -> np.ndarray:
    """(n, 32) uint8 array of hex hashes, for FAISS."""
    if not values:
        return np.zeros((0, 32), dtype=np.uint8)
    return np.frombuffer(bytes.fromhex("".join(values)), dtype=np.uint8).reshape(len(values), 32)


def hamming(a: str, b: str) -> int:
    return int.bit_count(int(a, 16) ^ int(b, 16))


def open_rgb(data: bytes, *, draft: bool = True) -> tuple[np.ndarray, int, int]:
    """Decode to an RGB array of at most about 2 x DRAFT_SIDE pixels a side.

    JPEGs are DCT-scaled while decoding (Image.draft picks the largest 1/2, 1/4 or 1/8 scale that
    keeps both sides ≥ DRAFT_SIDE), so a 12 MP photo is decoded at 1/8 of its size; other formats
    are reduced by an integer box filter after decoding.
    """
    img: Image.Image = Image.open(io.BytesIO(data))
    width, height = img.size
    if draft and img.format == "JPEG":
        img.draft("RGB", (DRAFT_SIDE, DRAFT_SIDE))
    if getattr(img, "is_animated", False):
        img.seek(0)
    if img.mode != "RGB":
        img = img.convert("RGBA").convert("RGB") if "A" in img.mode or img.mode == "P" else img.convert("RGB")
    factor = max(img.size) // (2 * DRAFT_SIDE)
    if factor >= 2:
        img = img.reduce(factor)
    return np.asarray(img, dtype=np.uint8), width, height


def hash_rgb(rgb: np.ndarray, *, dihedral: bool = True) -> tuple[str, int, list[str]]:
    if dihedral:
        hashes, quality = pdqhash.compute_dihedral(rgb)
        variants = [bits_to_hex(h) for h in hashes]
        return variants[0], int(quality), variants
    bits, quality = pdqhash.compute(rgb)
    return bits_to_hex(bits), int(quality), []


def hash_image(data: bytes, *, dihedral: bool = True, draft: bool = True) -> PdqResult:
    rgb, width, height = open_rgb(data, draft=draft)
    pdq, quality, variants = hash_rgb(rgb, dihedral=dihedral)
    return PdqResult(pdq, quality, variants, width, height)
