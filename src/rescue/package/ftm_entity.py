"""FollowTheMoney entity fragments built without an ``EntityProxy`` per entity.

A package writes some 70,000 entities per 10,000 reports; followthemoney's proxy spent most of its time on
bookkeeping (property lookups by name, value lists, an id hash over every key part) and on cleaning the same
values again and again (the domain of every e-mail address through IDNA, every repeated IP address and
date). :class:`Fragment` keeps the proxy's semantics for what the package does — ``add`` sanitises and
cleans a value with the property type's own ``clean_text`` unless told it is clean, drops what does not
clean, keeps the first of equal values, honours the type's size cap — and :meth:`Fragment.to_dict` gives
what ``EntityProxy.to_dict`` gives. Cleaning is memoised per process (a pure function of type and text), and
the id hash starts from the digest of the fixed key parts. ``tests/test_package_ftm.py`` checks every entity
against ``EntityProxy`` built the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from hashlib import sha1
from typing import Any

from followthemoney import model
from followthemoney.property import Property
from followthemoney.types import registry
from followthemoney.types.email import EmailType
from followthemoney.util import key_bytes, sanitize_text
from followthemoney.value import string_list

CACHE_MAX = 200_000  # cleaned values kept per process (cleared when full)
_cleaned: dict[tuple[str, str], str | None] = {}
_from_raw: dict[tuple[str, str], str | None] = {}
_prefix: dict[tuple[str, ...], Any] = {}
# canonical text that followthemoney's cleaning returns unchanged (checked against it in the tests): a dotted
# IPv4 address without leading zeros (``str(ip_address(t)) == t``), an ISO date or date-time of a year 1900-2100
# (``prefixdate.parse(t).text == t`` when the calendar accepts it); anything else takes followthemoney's path
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
_ISO = re.compile(r"(?:19[0-9][0-9]|20[0-9][0-9]|2100)-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}:[0-9]{2})?")


class _Email(EmailType):  # type: ignore[misc]
    """followthemoney's e-mail cleaning, with the domain's IDNA round trip done once per domain."""

    @lru_cache(maxsize=65536)  # noqa: B019 (one instance per process, kept for its life)
    def clean_domain_part(self, domain: str) -> str | None:
        return super().clean_domain_part(domain)  # type: ignore[no-any-return]


_EMAIL = _Email()


def clean(prop: Property, text: str) -> str | None:
    """``prop.type.clean_text(text)`` for the package's properties (no format, not fuzzy), memoised."""
    key = (prop.type.name, text)
    try:
        return _cleaned[key]
    except KeyError:
        pass
    if prop.format is not None:  # a property with a parsing hint: never shared between properties
        return prop.type.clean_text(text, fuzzy=False, format=prop.format)
    value = _canonical(prop, text)
    if value is None:
        kind = _EMAIL if prop.type is registry.email else prop.type
        value = kind.clean_text(text, fuzzy=False, format=None)
    if len(_cleaned) >= CACHE_MAX:
        _cleaned.clear()
    _cleaned[key] = value
    return value


def _canonical(prop: Property, text: str) -> str | None:
    """``text`` itself when it is already what the property type's cleaning would return (the common IP
    addresses and times, which followthemoney parses at some 30-50 µs each); None: clean it the long way."""
    kind = prop.type
    if kind is registry.ip:
        return text if _IPV4.fullmatch(text) else None
    if kind is registry.date and _ISO.fullmatch(text):
        try:
            dt.datetime.fromisoformat(text)
        except ValueError:
            return None
        return text
    return None


def from_raw(prop: Property, raw: str) -> str | None:
    """What ``EntityProxy.add(prop, raw)`` adds for a string: sanitised (NFC, unsafe characters, stripped),
    then cleaned; memoised from the raw text (repeated values skip both steps)."""
    key = (prop.type.name, raw)
    try:
        return _from_raw[key]
    except KeyError:
        pass
    text = sanitize_text(raw)
    value = clean(prop, text) if text else None
    if prop.format is None:
        if len(_from_raw) >= CACHE_MAX:
            _from_raw.clear()
        _from_raw[key] = value
    return value


def entity_id(prefix: tuple[str, ...], *parts: str) -> str:
    """followthemoney's ``make_entity_id(*prefix, *parts)``, hashing the fixed ``prefix`` once per process."""
    base = _prefix.get(prefix)
    if base is None:
        base = sha1()
        for p in prefix:
            base.update(key_bytes(p))
        _prefix[prefix] = base
    digest = base.copy()
    for p in parts:
        digest.update(key_bytes(p))
    return digest.hexdigest()


class Fragment:
    """One entity: its id, schema and property values, as ``EntityProxy.add`` would set them."""

    __slots__ = ("_size", "id", "props", "schema")

    def __init__(self, schema: str, ident: str) -> None:
        found = model.get(schema)
        assert found is not None, schema
        self.id, self.schema = ident, found
        self.props: dict[str, list[str]] = {}
        self._size = 0

    def add(self, name: str, values: Any, cleaned: bool = False) -> None:
        prop = self.schema.properties[name]  # KeyError: not a property of the schema
        kind = values.__class__
        if cleaned:
            texts: list[str | None] = list(string_list(values))
        elif kind is str:
            texts = [from_raw(prop, values)]
        elif kind is list and all(v.__class__ is str for v in values):
            texts = [from_raw(prop, v) for v in values]
        else:
            texts = [clean(prop, v) for v in string_list(values, sanitize=True)]
        for text in texts:
            if text is None:
                continue
            cap = prop.type.total_size
            if cap is not None and self._size + len(text) > cap:
                continue
            self._size += len(text)
            have = self.props.setdefault(prop.name, [])
            if text not in have:
                have.append(text)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "schema": self.schema.name, "properties": self.props}
