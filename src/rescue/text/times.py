"""Forum timestamps, birthdays and the small serialised formats that come with them.

Sentinels are not dates: unix 0 means "never", phpBB's year 0 and SMF's 1004 mean "year
hidden", SMF's ``0001-01-01`` / ``1004-01-01`` and vBulletin's ``00-00-0000`` mean "not set".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation

from rescue.text.phpserialize import php_unserialize

__all__ = ["BIRTHDAY_STYLES", "birthday_from_parts", "parse_birthday", "php_unserialize",
           "phpbb_address_list", "unix_to_ts"]

MAX_TS = 4_133_980_799  # 2100-12-31 23:59:59 UTC; later values are corrupt or milliseconds
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_NUMBER = re.compile(r"[+-]?\d{1,20}(?:\.\d{0,20})?")
_PARTS = re.compile(r"\s*(\d{0,4})\s*[-/.]\s*(\d{0,4})\s*(?:[-/.]\s*(\d{0,4})\s*)?")
_ISO = re.compile(r"\s*(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", re.S)
_ADDRESS = re.compile(r"([a-z])_(\d{1,20})", re.I)

BIRTHDAY_STYLES = ("phpbb", "smf", "vbulletin", "mybb", "iso", "discourse")
_MIN_YEAR, _MAX_YEAR = 1800, 2100

Birthday = tuple[dt.date | None, int | None, int | None, int | None]
_NO_BIRTHDAY: Birthday = (None, None, None, None)


def unix_to_ts(value: object) -> int | None:
    """Seconds since the epoch from a forum time column; None for 0 ("never"), ≤0 and > 2100.

    Takes ints, integral floats, ``Decimal``, digit text or bytes (``"1262649600"``), and —
    for PostgreSQL sources — ``datetime`` values and ISO text (naive means UTC).
    """
    if value is None or isinstance(value, bool):
        return None
    v: int
    if isinstance(value, int):
        v = value
    elif isinstance(value, float):
        if not math.isfinite(value):
            return None
        v = int(value)
    elif isinstance(value, Decimal):
        try:
            v = int(value)
        except (ValueError, OverflowError, InvalidOperation):
            return None
    elif isinstance(value, dt.datetime):
        stamp = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        v = int((stamp - _EPOCH).total_seconds())
    elif isinstance(value, (str, bytes, bytearray)):
        text = value.decode("ascii", "replace") if isinstance(value, (bytes, bytearray)) else value
        text = text.strip()
        if _NUMBER.fullmatch(text):
            v = int(Decimal(text))
        else:
            try:
                return unix_to_ts(dt.datetime.fromisoformat(text))
            except ValueError:
                return None
    else:
        return None
    return v if 0 < v <= MAX_TS else None


def birthday_from_parts(day: object, month: object, year: object) -> Birthday:
    """(date, day, month, year) from separate columns (XenForo ``dob_*``, Invision ``bday_*``).

    Zero/empty day or month → nothing known; a year outside 1800–2100 (0, SMF's 1004, …) →
    day and month only; an impossible date (31 April) keeps its parts but gives no date.
    """
    d, m, y = _to_int(day), _to_int(month), _to_int(year)
    if d is None or m is None or not (1 <= d <= 31 and 1 <= m <= 12):
        return (None, None, None, y if y is not None and _MIN_YEAR <= y <= _MAX_YEAR else None)
    if y is None or not _MIN_YEAR <= y <= _MAX_YEAR:
        return (None, d, m, None)
    try:
        return (dt.date(y, m, d), d, m, y)
    except ValueError:
        return (None, d, m, y)


def _to_int(v: object) -> int | None:
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, (bytes, bytearray)):
        v = bytes(v).decode("ascii", "replace")
    if isinstance(v, str):
        v = v.strip()
        return int(v) if v.isascii() and v.isdigit() and len(v) <= 6 else None
    return None


def parse_birthday(raw: str | None, style: str) -> Birthday:
    """A stored birthday as (date or None, day, month, year); unknown parts are None.

    Styles: ``phpbb`` (``" d- m-YYYY"``, year 0 = not given), ``smf`` (DATE; ``0001-01-01`` /
    ``1004-01-01`` unset, year 1004 or ≤ 4 = hidden), ``vbulletin`` (``mm-dd-yyyy``), ``mybb``
    (free ``d-m-yyyy``, year optional), ``iso`` (``YYYY-MM-DD``), ``discourse`` (ISO, year 1904 =
    not given). An unknown style raises ``ValueError``; a bad value gives all None.
    """
    if style not in BIRTHDAY_STYLES:
        raise ValueError(f"unknown birthday style {style!r}; expected one of {', '.join(BIRTHDAY_STYLES)}")
    if raw is None:
        return _NO_BIRTHDAY
    if isinstance(raw, (dt.date, dt.datetime)):
        raw = raw.isoformat()
    if isinstance(raw, (bytes, bytearray)):
        raw = bytes(raw).decode("ascii", "replace")
    raw = str(raw)
    if not raw.strip():
        return _NO_BIRTHDAY
    if style in ("smf", "iso", "discourse"):
        m = _ISO.fullmatch(raw)
        if m is None:
            return _NO_BIRTHDAY
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if style == "smf" and (((mo, d) == (1, 1) and y in (1, 1004)) or y == 0):
            return _NO_BIRTHDAY
        if (style == "smf" and (y <= 4 or y == 1004)) or (style == "discourse" and y == 1904):
            y = 0
        return birthday_from_parts(d, mo, y)
    m = _PARTS.fullmatch(raw)
    if m is None:
        return _NO_BIRTHDAY
    a, b, c = m.group(1), m.group(2), m.group(3) or ""
    if style == "vbulletin":
        return birthday_from_parts(b, a, c)
    return birthday_from_parts(a, b, c)


def phpbb_address_list(s: str | None) -> list[tuple[str, str]]:
    """phpBB ``to_address``/``bcc_address``: ``"u_3:u_5:g_2"`` → ``[("u","3"), ("u","5"), ("g","2")]``.

    ``u`` is a user id, ``g`` a group id. Malformed entries are skipped.
    """
    if not s:
        return []
    out: list[tuple[str, str]] = []
    for part in s.split(":"):
        m = _ADDRESS.fullmatch(part.strip())
        if m:
            out.append((m.group(1).lower(), m.group(2)))
    return out
