"""Field functions shared by the adapters: ids, times, IPs, markup, flags.

Each returns a function ``Row -> value`` so that adapter specs stay declarative.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from rescue.adapters.base import MappingError, Row, id_of, int_of, nonempty, text_of
from rescue.text.charset import unescape_entities
from rescue.text.ips import canonical_ip
from rescue.text.markup import ParsedText, to_plain
from rescue.text.times import parse_birthday, unix_to_ts

Getter = Callable[[Row], Any]


def ident(col: str) -> Getter:
    """A native id as text (0 / empty → NULL)."""
    return lambda r: id_of(r.get(col))


def ident_keep_zero(col: str) -> Getter:
    def get(r: Row) -> str | None:
        v = r.get(col)
        return None if v is None else text_of(v)

    return get


def text(col: str) -> Getter:
    return lambda r: text_of(r.get(col))


def opt_text(col: str) -> Getter:
    """Text, with empty strings turned into NULL."""
    return lambda r: nonempty(r.get(col))


def _unescape(value: str | None) -> str | None:
    return unescape_entities(value) if value is not None and "&" in value else value


def html(col: str) -> Getter:
    """Text the forum stored HTML-escaped (phpBB usernames, subjects, titles), decoded once."""
    return lambda r: _unescape(text_of(r.get(col)))


def opt_html(col: str) -> Getter:
    return lambda r: _unescape(nonempty(r.get(col)))


def integer(col: str) -> Getter:
    return lambda r: int_of(r.get(col))


def unix(col: str) -> Getter:
    return lambda r: unix_to_ts(r.get(col))


def timestamp(col: str) -> Getter:
    """Unix seconds from a unix int or SQL timestamp text (``2010-01-05 00:00:00[.ffffff][+00]``, UTC)."""

    def get(r: Row) -> int | None:
        v = r.get(col)
        if v is None or isinstance(v, int):
            return unix_to_ts(v)
        s = text_of(v)
        if not s or not s.strip():
            return None
        try:
            d = dt.datetime.fromisoformat(s.strip().replace(" ", "T", 1))
        except ValueError as exc:
            raise MappingError(f"{col}: not a timestamp: {s[:40]!r}") from exc
        if d.tzinfo is not None:
            d = d.astimezone(dt.UTC).replace(tzinfo=None)
        return int((d - _EPOCH).total_seconds())

    return get


_EPOCH = dt.datetime(1970, 1, 1)


def boolean(col: str) -> Getter:
    """SQL booleans in any spelling: 1/0, t/f, true/false."""
    return lambda r: (text_of(r.get(col)) or "").strip().lower() in ("1", "t", "true", "y", "yes")


def ip(col: str) -> Getter:
    return lambda r: canonical_ip(r.get(col))


def const(value: Any) -> Getter:
    return lambda r: value


def flag(pred: Callable[[Row], bool]) -> Getter:
    return lambda r: bool(pred(r))


def birthday(col: str, style: str) -> tuple[Getter, Getter]:
    """(raw text, parsed date) getters for a birthday column."""

    def parsed(r: Row) -> Any:
        raw = nonempty(r.get(col))
        return parse_birthday(raw, style)[0] if raw else None

    return opt_text(col), parsed


def markup(col: str, markup_kind: str = "auto", uid_col: str | None = None) -> Callable[[Row], ParsedText]:
    """Parse a body once per row (memoised) into own text and credited quotes."""
    memo_key = "markup:" + col

    def parse(r: Row) -> ParsedText:
        got = r.memo.get(memo_key)
        if got is None:
            raw = text_of(r.get(col)) or ""
            uid = nonempty(r.get(uid_col)) if uid_col else None
            got = to_plain(raw, markup_kind, bbcode_uid=uid)
            r.memo[memo_key] = got
        assert isinstance(got, ParsedText)
        return got

    return parse


def body_text(parse: Callable[[Row], ParsedText]) -> Getter:
    return lambda r: parse(r).text


def quotes_of(parse: Callable[[Row], ParsedText], container: str,
              id_col: str | Getter) -> Callable[[Row], Iterator[Mapping[str, Any]]]:
    def rows(r: Row) -> Iterator[Mapping[str, Any]]:
        cid = id_of(r.get(id_col)) if isinstance(id_col, str) else id_col(r)
        for seq, q in enumerate(parse(r).quotes, 1):
            yield {
                "container": container, "container_id": cid, "seq": seq, "quoted_author": q.author,
                "quoted_account_id": q.account_id, "quoted_post_id": q.post_id, "depth": q.depth,
                "text": q.text,
            }

    return rows


def require(col: str) -> Getter:
    """A value that must be present; its absence quarantines the row."""

    def get(r: Row) -> Any:
        v = r.get(col)
        if v is None or v == b"" or v == "":
            raise MappingError(f"{col} is empty")
        return text_of(v)

    return get


def hours_offset(col: str, dst_col: str | None = None) -> Getter:
    """A timezone stored as decimal hours (phpBB 3.0, MyBB, vBulletin) → ``UTC+hh:mm``; names pass."""

    def get(r: Row) -> str | None:
        tz = nonempty(r.get(col))
        if tz is None:
            return None
        try:
            hours = float(tz)
        except ValueError:
            return tz
        minutes = round(hours * 60)
        sign = "+" if minutes >= 0 else "-"
        out = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        dst = int_of(r.get(dst_col)) if dst_col else 0
        return out + (" (DST)" if dst else "")

    return get


def named_fields(names: Mapping[str, str], id_col: str, *, only: bool = True) -> Callable[
        [Row], Iterator[Mapping[str, Any]]]:
    """Profile columns of a row → one profile_fields row per non-empty value (column renamed by ``names``;
    with ``only`` the columns not in ``names`` are left out, else kept under their own name)."""

    def rows(r: Row) -> Iterator[Mapping[str, Any]]:
        uid = text_of(r.get(id_col))
        for col, value in r.items():
            if col == id_col or (only and col not in names):
                continue
            val = nonempty(value)
            if val is not None and not isinstance(value, bytes):
                yield {"account_id": uid, "field": names.get(col, col), "value": val}

    return rows
