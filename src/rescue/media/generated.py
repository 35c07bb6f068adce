"""Generated test pictures (shapes over noise) and their transformations, for tests and benchmarks.

Never real imagery: every picture is random rectangles, discs and lines over coloured noise.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw


def picture(rng: np.random.Generator, width: int = 640, height: int = 480, grain: float = 0.0) -> Image.Image:
    """Shapes over smooth coloured noise; ``grain`` adds per-pixel noise of that standard deviation,
    like a camera sensor's, which makes JPEGs as costly to decode as photographs of the same size."""
    base = rng.integers(0, 256, size=3)
    noise = np.clip(base + rng.normal(0, 22, size=(height // 8 + 1, width // 8 + 1, 3)), 0, 255).astype(np.uint8)
    img = Image.fromarray(noise).resize((width, height), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(5, 12))):
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        w, h = int(rng.integers(width // 12, width // 2)), int(rng.integers(height // 12, height // 2))
        shape = rng.integers(0, 3)
        if shape == 0:
            draw.rectangle((x0, y0, x0 + w, y0 + h), fill=colour)
        elif shape == 1:
            draw.ellipse((x0, y0, x0 + w, y0 + h), fill=colour)
        else:
            draw.line((x0, y0, x0 + w, y0 + h), fill=colour, width=int(rng.integers(4, 20)))
    if grain > 0:
        noisy = np.asarray(img, dtype=np.int16) + rng.normal(0, grain, size=(height, width, 3)).astype(np.int16)
        img = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    return img


def encode(img: Image.Image, fmt: str = "JPEG", quality: int = 90, exif: Image.Exif | None = None) -> bytes:
    buf = io.BytesIO()
    kwargs: dict[str, object] = {"quality": quality} if fmt == "JPEG" else {}
    if exif is not None:
        kwargs["exif"] = exif
    img.convert("RGB").save(buf, format=fmt, **kwargs)
    return buf.getvalue()


def crop(img: Image.Image, fraction: float) -> Image.Image:
    w, h = img.size
    dx, dy = int(w * fraction), int(h * fraction)
    return img.crop((dx, dy, w - dx, h - dy))


TRANSFORMS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "identity": lambda im: im,
    "mirror": lambda im: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    "flip": lambda im: im.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
    "rotate90": lambda im: im.transpose(Image.Transpose.ROTATE_90),
    "rotate180": lambda im: im.transpose(Image.Transpose.ROTATE_180),
    "rotate270": lambda im: im.transpose(Image.Transpose.ROTATE_270),
    "resize_half": lambda im: im.resize((im.width // 2, im.height // 2), Image.Resampling.LANCZOS),
    "crop2": lambda im: crop(im, 0.02),
}


def camera_exif(make: str, model: str, serial: str, lat: float, lon: float) -> Image.Exif:
    """An EXIF block with camera make, model, body serial number and a GPS position."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = make, model
    sub = exif.get_ifd(0x8769)
    sub[0xA431] = serial
    sub[0x9003] = "2024:05:01 10:11:12"
    gps = exif.get_ifd(0x8825)

    def dms(v: float) -> tuple[float, float, float]:
        v = abs(v)
        d = int(v)
        m = int((v - d) * 60)
        return (float(d), float(m), round((v - d - m / 60) * 3600, 4))

    gps[1], gps[2] = ("N" if lat >= 0 else "S"), dms(lat)
    gps[3], gps[4] = ("E" if lon >= 0 else "W"), dms(lon)
    return exif
