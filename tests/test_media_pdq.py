"""The fast PDQ (rescue.media._pdq) against the reference pdqhash, and a whole intake against the
reference computation of every stored hash: results must be identical, bit for bit."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
import pdqhash
import pytest
from PIL import Image

from rescue.media import pdq
from rescue.media.exif import read_exif
from rescue.media.generated import camera_exif, encode, picture
from rescue.media.intake import BATCH_FILES, run_intake

from .media_util import new_op, query


def _reference_hashes(rgb: np.ndarray, dihedral: bool) -> tuple[list[str], int]:
    if dihedral:
        bits, quality = pdqhash.compute_dihedral(rgb)
        return [pdq.bits_to_hex(b) for b in bits], int(quality)
    one, quality = pdqhash.compute(rgb)
    return [pdq.bits_to_hex(one)], int(quality)


def _arrays() -> list[np.ndarray]:
    rng = np.random.default_rng(11)
    out: list[np.ndarray] = []
    sizes = [(5, 5), (4, 9), (6, 9), (7, 300), (64, 64), (63, 65), (127, 129), (240, 320), (480, 640),
             (481, 641), (1000, 13), (375, 500), (512, 384), (256, 257)]
    for h, w in sizes:
        out.append(rng.integers(0, 256, (h, w, 3), dtype=np.uint8))
        out.append(np.asarray(picture(rng, w, h, grain=4.0), dtype=np.uint8).copy())
        flat = np.full((h, w, 3), 90, np.uint8)
        flat[h // 3:, w // 2:] = 200
        out.append(flat)
    return out


def test_fast_pdq_is_bit_identical_to_pdqhash() -> None:
    assert pdq._pdq is not None, "the C extension rescue.media._pdq was not built (pip install -e .)"
    for rgb in _arrays():
        for dihedral in (True, False):
            raw, quality = pdq._pdq.hashes(rgb, dihedral)
            got = [raw[i:i + 32].hex() for i in range(0, len(raw), 32)]
            assert (got, quality) == _reference_hashes(rgb, dihedral), (rgb.shape, dihedral)
        if min(rgb.shape[:2]) >= 5:  # pdqhash's float path does not refuse tiny pictures; the hashes do
            block, quality = pdq._pdq.dct(rgb)
            ref, ref_quality = pdqhash.compute_float(rgb)
            assert np.array_equal(np.frombuffer(block, np.float32)[::-1], np.asarray(ref, np.float32))
            assert quality == ref_quality
        # a strided view (an RGBA buffer's first three channels) gives the same hashes
        rgba = np.concatenate([rgb, np.full((*rgb.shape[:2], 1), 7, np.uint8)], axis=2)
        assert pdq._pdq.hashes(rgba[:, :, :3]) == pdq._pdq.hashes(rgb)


def test_fast_pdq_refuses_what_is_not_rgb() -> None:
    assert pdq._pdq is not None
    with pytest.raises(ValueError):
        pdq._pdq.hashes(np.zeros((10, 10), np.uint8))
    with pytest.raises(ValueError):
        pdq._pdq.hashes(np.zeros((10, 10, 3), np.float32))


def _files(folder: Path) -> dict[str, bytes]:
    rng = np.random.default_rng(21)
    files: dict[str, bytes] = {}
    for i in range(BATCH_FILES + 5):  # more than one batch
        w, h = [(1280, 960), (640, 480), (400, 300), (960, 1280)][i % 4]
        files[f"a/p{i:03d}.jpg"] = encode(picture(rng, w, h, grain=6.0), "JPEG", 92)
    files["b/exif.jpg"] = encode(picture(rng, 800, 600), "JPEG", 90,
                                 exif=camera_exif("Maker", "Model 7", "SN123", 48.85, 2.35))
    files["b/plain.png"] = encode(picture(rng, 300, 200), "PNG")
    files["b/big.png"] = encode(picture(rng, 2100, 1100), "PNG")
    files["b/grey.jpg"] = encode(picture(rng, 500, 500).convert("L").convert("RGB"), "JPEG", 80)
    files["b/notes.txt"] = b"shopping list\n" * 40
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


def _reference_row(data: bytes) -> dict[str, object]:
    """What the pre-batching intake stored for a file: each value computed the plain way."""
    row: dict[str, object] = {"md5": hashlib.md5(data).hexdigest(), "sha1": hashlib.sha1(data).hexdigest(),
                              "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    if data.startswith(b"shopping"):
        return row
    with Image.open(io.BytesIO(data)) as img:
        leads = read_exif(img)
    img = Image.open(io.BytesIO(data))
    width, height = img.size
    if img.format == "JPEG":
        img.draft("RGB", (pdq.DRAFT_SIDE, pdq.DRAFT_SIDE))
    img = img.convert("RGB")
    factor = max(img.size) // (2 * pdq.DRAFT_SIDE)
    if factor >= 2:
        img = img.reduce(factor)
    hashes, quality = _reference_hashes(np.asarray(img, dtype=np.uint8), True)
    row.update(width=width, height=height, pdq=hashes[0], pdq_quality=quality, pdq_variants=",".join(hashes[1:]),
               exif_make=leads.make, exif_model=leads.model, exif_serial=leads.serial, gps_lat=leads.lat,
               gps_lon=leads.lon)
    return row


def test_intake_rows_identical_to_reference(tmp_path: Path) -> None:
    src = tmp_path / "seized"
    files = _files(src)
    op = new_op(tmp_path)
    result = run_intake(op, src, workers=2)
    assert result.files == len(files) and result.errors == 0
    cols = ["inner_path", "md5", "sha1", "sha256", "size", "width", "height", "pdq", "pdq_quality", "pdq_variants",
            "exif_make", "exif_model", "exif_serial", "gps_lat", "gps_lon", "pdq_impl", "file_id"]
    rows = {r[0]: dict(zip(cols, r, strict=True)) for r in query(op, f"SELECT {', '.join(cols)} FROM media_files")}
    assert set(rows) == set(files)
    for name, data in files.items():
        ref = _reference_row(data)
        got = {k: rows[name][k] for k in ref}
        assert got == ref, name
    assert rows["b/exif.jpg"]["exif_serial"] == "SN123"
    assert str(rows["a/p000.jpg"]["pdq_impl"]).startswith("rescue _pdq 1 (bit-identical to pdqhash")
    # file ids follow the walk order (sorted names), whatever batch a file was hashed in
    order = sorted(files)
    assert [rows[n]["file_id"] for n in order] == [f"{result.intake_id}/{i + 1:07d}" for i in range(len(order))]
