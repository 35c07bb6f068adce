"""Bytes to text by MySQL/PostgreSQL charset name, mojibake repair, entity decoding.

MySQL's ``latin1`` is Windows-1252, not ISO-8859-1: 0x80 is "€", 0x92 is "’"; the five
bytes cp1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) map to the C1 controls of the
same number. Decoding never raises: invalid bytes become U+FFFD.
"""

from __future__ import annotations

import codecs
import html
import html.entities
import re

__all__ = ["decode_text", "python_codec", "repair_mojibake", "unescape_entities"]

_MYSQL_LATIN1 = "rescue-mysql-latin1"
_BINARY = "binary"

# MySQL (and PostgreSQL) charset names → Python codecs.
_CODECS: dict[str, str] = {
    "utf8": "utf-8", "utf8mb3": "utf-8", "utf8mb4": "utf-8", "utf-8": "utf-8", "unicode": "utf-8",
    "latin1": _MYSQL_LATIN1, "cp1252": _MYSQL_LATIN1, "windows-1252": _MYSQL_LATIN1,
    "win1252": _MYSQL_LATIN1,
    "latin2": "iso8859_2", "latin5": "iso8859_9", "latin7": "iso8859_13", "greek": "iso8859_7",
    "hebrew": "iso8859_8", "cp1250": "cp1250", "win1250": "cp1250", "cp1251": "cp1251",
    "win1251": "cp1251", "cp1256": "cp1256", "win1256": "cp1256", "cp1257": "cp1257",
    "win1257": "cp1257", "cp850": "cp850", "cp852": "cp852", "cp866": "cp866", "koi8r": "koi8_r",
    "koi8": "koi8_r", "koi8u": "koi8_u", "gbk": "gbk", "gb2312": "gb2312", "gb18030": "gb18030",
    "big5": "big5", "sjis": "shift_jis", "cp932": "cp932", "ujis": "euc_jp", "eucjpms": "euc_jp",
    "euc_jp": "euc_jp", "euckr": "euc_kr", "euc_kr": "euc_kr", "tis620": "tis_620",
    "macroman": "mac_roman", "macce": "mac_latin2", "ascii": "ascii", "sql_ascii": _BINARY,
    "ucs2": "utf-16-be", "utf16": "utf-16-be", "utf16le": "utf-16-le", "utf32": "utf-32-be",
    "binary": _BINARY,
}


def _mysql_latin1_errors(err: UnicodeError) -> tuple[str, int]:
    """cp1252's five undefined bytes decode to the C1 control of the same number."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return "".join(chr(b) for b in err.object[err.start:err.end]), err.end


def _c1_encode_errors(err: UnicodeError) -> tuple[bytes, int]:
    """Encode U+0080–U+00FF that cp1252 lacks as the byte of the same number (latin-1)."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    chunk = err.object[err.start:err.end]
    if all(ord(c) < 0x100 for c in chunk):
        return chunk.encode("latin-1"), err.end
    raise err


codecs.register_error("rescue-mysql-latin1", _mysql_latin1_errors)
codecs.register_error("rescue-c1", _c1_encode_errors)


def python_codec(charset: str | None) -> str:
    """The Python codec for a MySQL charset or collation name (``latin1_swedish_ci`` too).

    Returns ``"binary"`` for no charset, ``binary`` and names Python does not know.
    """
    if not charset:
        return _BINARY
    name = charset.strip().lower()
    if name in _CODECS:
        return _CODECS[name]
    head = name.split("_", 1)[0]
    if head in _CODECS:
        return _CODECS[head]
    try:
        return codecs.lookup(name).name
    except LookupError:
        return _BINARY


def decode_text(data: bytes, charset: str | None = "utf8mb4") -> str:
    """Bytes of a text column in ``charset`` (MySQL name) as text; bad bytes → U+FFFD.

    ``charset`` None, ``binary`` or unknown: UTF-8 when the bytes are valid UTF-8, otherwise
    MySQL latin1 (Windows-1252), which never fails.
    """
    if isinstance(data, str):
        return data
    data = bytes(data)
    codec = python_codec(charset)
    if codec == _MYSQL_LATIN1:
        return data.decode("cp1252", _MYSQL_LATIN1)
    if codec == _BINARY:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", _MYSQL_LATIN1)
    return data.decode(codec, "replace")


# Mojibake: UTF-8 bytes that were decoded as cp1252 (or latin-1) and stored as text again.
_CP1252_HIGH = "".join(bytes([b]).decode("cp1252", "ignore") for b in range(0x80, 0xA0))
_CONT = f"[\u0080-\u00bf{_CP1252_HIGH}]"
_MOJIBAKE = re.compile(f"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}}")


def _fix_sequence(m: re.Match[str]) -> str:
    s = m.group(0)
    try:
        return s.encode("cp1252", "rescue-c1").decode("utf-8")
    except UnicodeError:
        return s


def repair_mojibake(s: str) -> str:
    """Undo UTF-8 read as cp1252/latin-1 (``cafÃ©`` → ``café``), repeatedly for double encoding.

    Only sequences that re-encode to valid UTF-8 are changed, so correct text — ``São Paulo``,
    ``JOÃO``, ``Ãgua`` — stays as it is. Idempotent: it stops when nothing more changes.
    """
    if s.isascii():
        return s
    while True:
        fixed = _MOJIBAKE.sub(_fix_sequence, s)
        if fixed == s:
            return s
        s = fixed


_NAMED = html.entities.html5
_ENTITY = re.compile(r"&(?:#[0-9]{1,8};?|#[xX][0-9a-fA-F]{1,8};?|[A-Za-z][A-Za-z0-9]{1,31};)")
_SURROGATE_PAIR = re.compile(r"&#(?:(\d{5})|[xX]([0-9a-fA-F]{4}));&#(?:(\d{5})|[xX]([0-9a-fA-F]{4}));")


def _join_pair(m: re.Match[str]) -> str:
    hi = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
    lo = int(m.group(3)) if m.group(3) else int(m.group(4), 16)
    if 0xD800 <= hi < 0xDC00 and 0xDC00 <= lo < 0xE000:
        return chr(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
    return m.group(0)


_NUMERIC: dict[str, str] = {}  # numeric references seen, decoded (the same emoji come back often)


def _entity(m: re.Match[str]) -> str:
    ref = m.group(0)
    if ref[1] == "#":
        got = _NUMERIC.get(ref)
        if got is None:
            got = html.unescape(ref)  # HTML5 rules: invalid → U+FFFD, &#128; → €
            if len(_NUMERIC) < 4096:
                _NUMERIC[ref] = got
        return got
    return _NAMED.get(ref[1:], ref)


def unescape_entities(s: str) -> str:
    """HTML named entities and numeric character references decoded exactly once.

    ``&amp;lt;`` → ``&lt;``; ``&#128512;`` → 😀; UTF-16 surrogate pairs written as two NCRs
    (``&#55357;&#56832;``) are joined; an invalid reference becomes U+FFFD. A named entity
    needs its ``;`` (``R&D``, ``this&nothing`` stay as written).
    """
    if "&" not in s:
        return s
    if "&#" in s:
        if ";&#" in s:
            s = _SURROGATE_PAIR.sub(_join_pair, s)
    else:  # when every "&" begins one of the entities forum software writes, replacing is the same
        n = s.count("&")
        if n == s.count("&quot;"):
            return s.replace("&quot;", '"')
        if n == s.count("&quot;") + s.count("&amp;") + s.count("&lt;") + s.count("&gt;"):
            # "&amp;" last, so that the "&" it leaves can't begin another entity
            return s.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _ENTITY.sub(_entity, s)
