"""EXIF leads from an image: camera make, model, body serial number, capture time and GPS position."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PIL import Image

_MAKE, _MODEL, _DATETIME = 0x010F, 0x0110, 0x0132
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_BODY_SERIAL, _DATETIME_ORIGINAL = 0xA431, 0x9003
_CAMERA_SERIAL_OLD = 0xC62F  # DNG CameraSerialNumber, also written by some cameras


@dataclass
class ExifLeads:
    make: str | None = None
    model: str | None = None
    serial: str | None = None
    datetime: str | None = None
    lat: float | None = None
    lon: float | None = None


def _text(value: Any, limit: int = 200) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = "".join(ch for ch in str(value) if ch.isprintable()).strip()
    return text[:limit] or None


def _degrees(value: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(x) for x in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    deg = d + m / 60 + s / 3600
    if _text(ref) in ("S", "W"):
        deg = -deg
    return round(deg, 7)


def read_exif(img: Image.Image) -> ExifLeads:
    """Leads from an opened image; an image without EXIF gives empty leads, a broken block is ignored."""
    leads = ExifLeads()
    try:
        exif = img.getexif()
    except Exception:  # a malformed EXIF block never stops hashing
        return leads
    if not exif:
        return leads
    leads.make, leads.model = _text(exif.get(_MAKE)), _text(exif.get(_MODEL))
    try:
        sub = exif.get_ifd(_EXIF_IFD)
        gps = exif.get_ifd(_GPS_IFD)
    except Exception:
        sub, gps = {}, {}
    leads.serial = _text(sub.get(_BODY_SERIAL) or exif.get(_BODY_SERIAL) or exif.get(_CAMERA_SERIAL_OLD))
    leads.datetime = _text(sub.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME))
    if gps and 2 in gps and 4 in gps:
        leads.lat = _degrees(gps.get(2), gps.get(1))
        leads.lon = _degrees(gps.get(4), gps.get(3))
        if leads.lat is not None and not -90 <= leads.lat <= 90:
            leads.lat = None
        if leads.lon is not None and not -180 <= leads.lon <= 180:
            leads.lon = None
    return leads
