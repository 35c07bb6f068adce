"""Text utilities every forum adapter uses: markup, charsets, IPs, times.

- :mod:`rescue.text.markup` — post/message/signature bodies to plain text plus credited quotes;
- :mod:`rescue.text.charset` — bytes by MySQL charset name, mojibake repair, entities;
- :mod:`rescue.text.ips` — every stored IP form to one canonical text;
- :mod:`rescue.text.times` — unix times, birthdays, PHP-serialised data, phpBB address lists.
"""

from __future__ import annotations

from rescue.text.charset import decode_text, repair_mojibake, unescape_entities
from rescue.text.ips import canonical_ip, canonical_ip_hex, ip_from_octets, ip_from_packed, is_placeholder_ip
from rescue.text.markup import ParsedText, Quote, detect_markup, to_plain
from rescue.text.times import (
    birthday_from_parts,
    parse_birthday,
    php_unserialize,
    phpbb_address_list,
    unix_to_ts,
)

__all__ = [
    "ParsedText",
    "Quote",
    "birthday_from_parts",
    "canonical_ip",
    "canonical_ip_hex",
    "decode_text",
    "detect_markup",
    "ip_from_octets",
    "ip_from_packed",
    "is_placeholder_ip",
    "parse_birthday",
    "php_unserialize",
    "phpbb_address_list",
    "repair_mojibake",
    "to_plain",
    "unescape_entities",
    "unix_to_ts",
]
