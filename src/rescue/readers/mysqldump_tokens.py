"""Value tokens of a mysqldump ``INSERT … VALUES`` list, and how to undo its escapes.

Every pattern here is linear: runs use possessive quantifiers (Python ≥ 3.11), so no input
can make the regex engine backtrack catastrophically. ``VALUE_SEP`` matches one value *and
the separator after it*; requiring the separator makes a token cut by the end of the
buffer fail to match instead of matching short (``12`` of ``123``, ``'ab'`` of ``'ab''c'``).
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable

WS = rb"[ \t\r\n]*+"
_STR_BODY = rb"[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+"
_INTRO = rb"_[A-Za-z0-9]++" + WS

# One value followed by ',' (next value), '),(' (next row) or ');' (end of statement):
# the separator's last byte tells which. Group numbers are the value kinds below.
VALUE_SEP = re.compile(
    WS
    + rb"(?:(-?\d++)"                                             # 1 integer
    + rb"|(?:" + _INTRO + rb"|[nN](?='))?'(" + _STR_BODY + rb")'"  # 2 quoted string
    + rb"|([Nn][Uu][Ll][Ll])"                                     # 3 NULL
    + rb"|(?:" + _INTRO + rb")?0x([0-9A-Fa-f]++)"                 # 4 hex literal
    + rb"|([-+]?(?:\d++\.?\d*+|\.\d++)(?:[eE][-+]?\d++)?)"        # 5 other number
    + rb"|(?:" + _INTRO + rb")?[xX]'([0-9A-Fa-f]*+)'"             # 6 X'…' hex
    + rb"|[bB]'([01]*+)'"                                         # 7 b'…' bits
    + rb"|0b([01]++))"                                            # 8 0b… bits
    + WS + rb"(?:,|\)" + WS + rb"(?:," + WS + rb"\(|;))",
    re.S,
)
K_INT, K_STR, K_NULL, K_HEX, K_NUM, K_XHEX, K_BIT, K_BIT0 = range(1, 9)

# Single tokens for the slow path (value crossing a buffer boundary, or malformed input).
SHORT_VALUE = re.compile(rb"0b(?P<bits>[01]++)|(?P<int>-?\d++)(?![\d.eE])|(?P<null>[Nn][Uu][Ll][Ll])(?![A-Za-z0-9_])"
                         rb"|(?P<num>[-+]?(?:\d++\.?\d*+|\.\d++)(?:[eE][-+]?\d++)?)")
INTRODUCER = re.compile(_INTRO)
HEX_RUN = re.compile(rb"[0-9A-Fa-f]*+")
BITS_FULL = re.compile(rb"[01]*+")
WS_RUN = re.compile(WS)
# Body of a quoted token up to (not including) its closing quote, per quote byte.
QUOTED_BODY: dict[int, re.Pattern[bytes]] = {
    0x27: re.compile(_STR_BODY, re.S),
    0x22: re.compile(rb'[^"\\]*+(?:(?:\\.|"")[^"\\]*+)*+', re.S),
    0x60: re.compile(rb"[^`]*+(?:``[^`]*+)*+"),
}
# The separator after a quoted string that the hot loop found by itself.
ROW_SEP = re.compile(WS + rb"(?:,|\)" + WS + rb"(?:," + WS + rb"\(|;))")
# Where to pick up again after a malformed row: the next row start or the statement end.
RESYNC = re.compile(rb"\)" + WS + rb"(?:," + WS + rb"\(|;)")

_ESCAPES = {ord("0"): b"\0", ord("b"): b"\b", ord("n"): b"\n", ord("r"): b"\r",
            ord("t"): b"\t", ord("Z"): b"\x1a", ord("%"): b"\\%", ord("_"): b"\\_"}
# '\x' -> x for every byte x without a meaning of its own; MySQL keeps '\%' and '\_' as is.
_CODE = {bytes([i]): _ESCAPES.get(i, bytes([i])) for i in range(256)}
_CODE_OF = _CODE.__getitem__
_ESC_MAP: dict[bytes, bytes] = {b"\\" + k: v for k, v in _CODE.items()}
_ESC_MAP[b"''"] = b"'"
_ESC_RE = re.compile(rb"\\.|''", re.S)
_ESC_SPLIT = re.compile(rb"\\(.)", re.S)


def _replace(m: re.Match[bytes]) -> bytes:
    return _ESC_MAP[m[0]]


def unescape(s: bytes) -> bytes:
    """The bytes a quoted mysqldump string stands for (``s`` is the text between the quotes).

    ``re.split`` pairs each backslash with the next byte left to right, as the SQL lexer
    does, and the codes are mapped and joined in C; strings with a doubled quote (``''``,
    never written by mysqldump itself) take the slower general path.
    """
    if b"''" in s:
        return _ESC_RE.sub(_replace, s)
    parts = _ESC_SPLIT.split(s)
    parts[1::2] = map(_CODE_OF, parts[1::2])
    return b"".join(parts)


def hex_bytes(h: bytes) -> bytes:
    """Bytes of a hex literal's digits; an odd count gets a leading zero, as in MySQL."""
    return binascii.unhexlify(b"0" + h if len(h) & 1 else h)


def bits_int(b: bytes) -> int:
    return int(b, 2) if b else 0


def number_text(b: bytes) -> str:
    return b.decode("ascii")


# Converters for the kinds the hot loop does not handle inline.
RARE: dict[int, Callable[[bytes], int | str | bytes]] = {
    K_NUM: number_text, K_XHEX: hex_bytes, K_BIT: bits_int, K_BIT0: bits_int}


def decode_identifier(raw: bytes) -> str:
    """A table or column name: backticks (with doubled backticks) or double quotes removed."""
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in b"`\"":
        q = raw[:1]
        raw = raw[1:-1].replace(q + q, q)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
