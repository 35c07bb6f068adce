"""Helpers for the media tests: an operation and generated pictures (shapes and noise only)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
from PIL import Image

from rescue import operation
from rescue.media.generated import encode, picture
from rescue.operation import Operation


def new_op(tmp_path: Path) -> Operation:
    return operation.init(tmp_path / "op")


def pictures(n: int, seed: int, size: tuple[int, int] = (320, 240)) -> list[Image.Image]:
    rng = np.random.default_rng(seed)
    return [picture(rng, *size) for _ in range(n)]


def jpeg(img: Image.Image, quality: int = 90) -> bytes:
    return encode(img, "JPEG", quality)


def query(op: Operation, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(op.store_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def rescue(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from rescue.cli import main; main()", *map(str, args)],
                          capture_output=True, text=True, timeout=300)
