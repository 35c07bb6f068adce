"""PDQ hashes of images, with draft JPEG decoding.

The hashes come from ``rescue.media._pdq`` (C, built with the package): Meta's reference algorithm
with the same float operations in the same order as ``pdqhash`` (Cython around Meta's C++), so the
hashes, the quality and every intermediate value are bit-identical, at about a quarter of the CPU
(it skips the filter work that the 64x64 decimation never reads, and runs independent rows and
columns side by side). ``pdqhash`` stays the reference the tests compare with, and the fallback if
the extension is missing.

A hash is stored as 64 hex digits (256 bits, most significant bit first) and used as 32 bytes in
FAISS binary indexes. ``dihedral`` gives the 8 rotations/mirrors, used on the query side because
PDQ is not rotation- or mirror-invariant.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib.metadata import version
from types import ModuleType

import numpy as np
import pdqhash
import pyarrow as pa
from PIL import Image

_pdq: ModuleType | None
try:
    from rescue.media import _pdq
except ImportError:  # the C extension was not built: the reference implementation, slower
    _pdq = None

IMPL = (f"rescue _pdq 1 (bit-identical to pdqhash {version('pdqhash')})" if _pdq is not None
        else f"pdqhash {version('pdqhash')}")
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
    """Decode to an RGB array of at most about 2 x DRAFT_SIDE pixels a side (see ``rgb_of``)."""
    with Image.open(io.BytesIO(data)) as img:
        return rgb_of(img, draft=draft)


def rgb_of(img: Image.Image, *, draft: bool = True) -> tuple[np.ndarray, int, int]:
    """The RGB array that is hashed, and the image's own width and height.

    JPEGs are DCT-scaled while decoding (Image.draft picks the smallest of the 1/2, 1/4 and 1/8
    scales that keeps both sides ≥ DRAFT_SIDE), so a 12 MP photo is decoded at 1/8 of its size and
    a 1280x960 one at 1/2; other formats are reduced by an integer box filter after decoding.
    """
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
    return pixels(img), width, height


def pixels(img: Image.Image) -> np.ndarray:
    """An RGB image's pixels as an (h, w, 3) uint8 array, without a copy where Pillow exports its own
    buffer (Arrow C data interface, 4 bytes a pixel: a strided view); else copied by ``np.asarray``."""
    if img.mode == "RGB":
        try:
            values = pa.array(img).values  # fixed_size_list<uint8>[4]: R, G, B, padding
            w, h = img.size
            buf = values.buffers()[1]
            if buf is not None and values.type == pa.uint8() and len(values) == w * h * 4:
                return np.frombuffer(buf, np.uint8, count=w * h * 4, offset=values.offset).reshape(h, w, 4)[:, :, :3]
        except (ValueError, TypeError, AttributeError, pa.ArrowException):  # older Pillow, image in several blocks
            pass
    return np.asarray(img, dtype=np.uint8)


def hash_rgb(rgb: np.ndarray, *, dihedral: bool = True) -> tuple[str, int, list[str]]:
    """(hash as is, quality, the 8 dihedral hashes or [] when ``dihedral`` is false)."""
    if _pdq is not None:
        raw, quality = _pdq.hashes(rgb, dihedral)
        hexes = [raw[i:i + 32].hex() for i in range(0, len(raw), 32)]
        return hexes[0], quality, hexes if dihedral else []
    rgb = np.ascontiguousarray(rgb)
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
