"""phpBB 3.0 storage format: escaped text, BBCode with uid and bitfield, smilies, magic links.

What ``message_parser`` stores: text HTML-escaped (``& < > "``), 4-byte characters as NCRs
(utf8mb3 tables), BBCode tags carrying the post's ``bbcode_uid`` (``[b:uid]``,
``[quote=&quot;Name&quot;:uid]``, ``[url:uid]`` with ``.``/``:`` as ``&#46;``/``&#58;``), smilies
as ``<!-- s:) --><img …/><!-- s:) -->``, auto-linked addresses as ``<!-- m -->``/``<!-- e -->``
anchors, and line breaks as ``<br />`` (posts, signatures) or ``\\n`` (private messages).
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime

from rescue.synth.body import Bold, Link, Mail, Quote, Segment, Smiley
from rescue.synth.style import PHPBB_SMILIES

BB_QUOTE, BB_B, BB_URL, BB_EMAIL = 0, 1, 3, 10
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def html(s: str) -> str:
    """utf8_htmlspecialchars plus NCRs for characters outside the BMP."""
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if '"' in s:
        s = s.replace('"', "&quot;")
    if not s.isascii():
        s = _ASTRAL.sub(lambda m: f"&#{ord(m.group())};", s)
    return s


def bb_specialchars(s: str) -> str:
    return (s.replace("<", "&lt;").replace(">", "&gt;").replace("[", "&#91;").replace("]", "&#93;")
            .replace(".", "&#46;").replace(":", "&#58;"))


def bitfield(bits: Iterable[int]) -> str:
    """phpBB's ``bitfield::get_base64`` for the BBCode ids used ('' when none)."""
    data = bytearray()
    for n in bits:
        byte, bit = n >> 3, 7 - (n & 7)
        if len(data) <= byte:
            data.extend(b"\0" * (byte + 1 - len(data)))
        data[byte] |= 1 << bit
    return base64.b64encode(bytes(data)).decode() if data else ""


class Rendered:
    __slots__ = ("bits", "text")

    def __init__(self) -> None:
        self.text: list[str] = []
        self.bits: set[int] = set()


def render(body: Iterable[Segment], uid: str, *, newline: str, smilies: bool, choice: int,
           out: Rendered | None = None) -> Rendered:
    """Render segments the way phpBB 3.0 stores them; ``choice`` varies link/e-mail markup."""
    r = out or Rendered()
    t = r.text
    for seg in body:
        if isinstance(seg, str):
            s = html(seg)
            if "\n" in s and newline != "\n":
                s = s.replace("\n", newline)
            t.append(s)
        elif isinstance(seg, Smiley):
            code = html(seg.code)
            if smilies and seg.code in PHPBB_SMILIES:
                img, title = PHPBB_SMILIES[seg.code]
                t.append(f'<!-- s{code} --><img src="{{SMILIES_PATH}}/{img}" alt="{code}" title="{title}" />'
                         f"<!-- s{code} -->")
            else:
                t.append(code)
        elif isinstance(seg, Mail):
            addr = html(seg.address)
            if choice % 3 == 0:
                t.append(f'<!-- e --><a href="mailto:{addr}">{addr}</a><!-- e -->')
            elif choice % 3 == 1:
                t.append(f"[email:{uid}]{bb_specialchars(addr)}[/email:{uid}]")
                r.bits.add(BB_EMAIL)
            else:
                t.append(addr)
        elif isinstance(seg, Link):
            url = html(seg.url)
            if choice % 2 == 0:
                t.append(f'<!-- m --><a class="postlink" href="{url}">{url}</a><!-- m -->')
            else:
                t.append(f"[url:{uid}]{bb_specialchars(url)}[/url:{uid}]")
                r.bits.add(BB_URL)
        elif isinstance(seg, Bold):
            t.append(f"[b:{uid}]{html(seg.text)}[/b:{uid}]")
            r.bits.add(BB_B)
        elif isinstance(seg, Quote):
            t.append(f"[quote=&quot;{html(seg.author)}&quot;:{uid}]")
            render(seg.body, uid, newline=newline, smilies=smilies, choice=choice + 1, out=r)
            t.append(f"[/quote:{uid}]")
            t.append(newline)
            r.bits.add(BB_QUOTE)
    return r


def username_clean(name: str) -> str:
    return " ".join(name.lower().split())


def email_hash(email: str) -> int:
    """phpbb_email_hash(): crc32 of the lower-cased address followed by its length."""
    return int(f"{zlib.crc32(email.lower().encode()) & 0xFFFFFFFF}{len(email)}")


_ITOA64 = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                          b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def password_hash(secret: bytes) -> str:
    """A phpass-looking ``$H$9…`` hash (34 characters) made from 16+ random bytes."""
    return "$H$9" + base64.b64encode(secret[:24]).translate(_ITOA64).decode()[:30]


def php_serialize(items: list[str]) -> str:
    """PHP ``serialize()`` of a list of strings (lengths in UTF-8 bytes)."""
    inner = "".join(f'i:{i};s:{len(s.encode())}:"{s}";' for i, s in enumerate(items))
    return f"a:{len(items)}:{{{inner}}}"


def birthday(ts: int) -> str:
    """``user_birthday`` format: ``%2d-%2d-%4d`` (day, month, year)."""
    d = datetime.fromtimestamp(ts, tz=UTC)
    return f"{d.day:2d}-{d.month:2d}-{d.year:4d}"
