"""Field functions shared by the adapters: ids, times, IPs, markup, flags.

Each returns a function ``Row -> value`` so that adapter specs stay declarative. A getter
that only applies a pure function to one column is tagged with that function and column
(:func:`inline_of`), and a constant with its value (:func:`const_of`): the ingest compiler
then calls the function on the column value directly, once per row, instead of the getter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from rescue.adapters.base import MappingError, Row, id_of, int_of, nonempty, text_of
from rescue.text.charset import unescape_entities
from rescue.text.ips import canonical_ip
from rescue.text.markup import ParsedText, to_plain
from rescue.text.times import MAX_TS, parse_birthday, unix_to_ts

Getter = Callable[[Row], Any]
ValueFn = Callable[[Any], Any]
_INLINE = "_rescue_inline"
_CONST = "_rescue_const"


def inline_of(getter: object) -> tuple[ValueFn, str] | None:
    """(function, column) when ``getter(r)`` is ``function(r.get(column))``, else None."""
    got: tuple[ValueFn, str] | None = getattr(getter, _INLINE, None)
    return got


def const_of(getter: object) -> tuple[Any] | None:
    """(value,) when ``getter`` always returns ``value``, else None."""
    got: tuple[Any] | None = getattr(getter, _CONST, None)
    return got


def column_getter(fn: ValueFn, col: str) -> Getter:
    """``r -> fn(r.get(col))``, tagged so that the ingest compiler can inline it."""

    def get(r: Row) -> Any:
        return fn(r.get(col))

    setattr(get, _INLINE, (fn, col))
    return get


def ident_value(v: Any) -> str | None:
    """``id_of`` with a fast path for the common case, a plain int."""
    if v.__class__ is int:
        return str(v) if v else None
    return None if v is None else id_of(v)


def text_value(v: Any) -> str | None:
    """``text_of`` with a fast path for text and plain ints."""
    if v.__class__ is str:
        return v  # type: ignore[no-any-return]
    if v.__class__ is int:
        return str(v)
    return None if v is None else text_of(v)


def ident(col: str) -> Getter:
    """A native id as text (0 / empty → NULL)."""
    return column_getter(ident_value, col)


def ident_keep_zero(col: str) -> Getter:
    """A native id as text, 0 kept (``None`` stays NULL)."""
    return column_getter(text_value, col)


def text(col: str) -> Getter:
    return column_getter(text_value, col)


def opt_text(col: str) -> Getter:
    """Text, with empty strings turned into NULL."""
    return column_getter(nonempty, col)


def _unescape(value: str | None) -> str | None:
    return unescape_entities(value) if value is not None and "&" in value else value


def html_value(v: Any) -> str | None:
    return _unescape(text_value(v))


def opt_html_value(v: Any) -> str | None:
    return _unescape(nonempty(v))


def html(col: str) -> Getter:
    """Text the forum stored HTML-escaped (phpBB usernames, subjects, titles), decoded once."""
    return column_getter(html_value, col)


def opt_html(col: str) -> Getter:
    return column_getter(opt_html_value, col)


def integer(col: str) -> Getter:
    return column_getter(int_of, col)


def unix_value(v: Any) -> int | None:
    if v.__class__ is int:
        return v if 0 < v <= MAX_TS else None  # type: ignore[no-any-return]
    return unix_to_ts(v)


def unix(col: str) -> Getter:
    return column_getter(unix_value, col)


def timestamp(col: str) -> Getter:
    """Unix seconds from a unix int or SQL timestamp text (``2010-01-05 00:00:00[.ffffff][+00]``, UTC)."""

    def value(v: Any) -> int | None:
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

    return column_getter(value, col)


_EPOCH = dt.datetime(1970, 1, 1)


def boolean_value(v: Any) -> bool:
    return (text_of(v) or "").strip().lower() in ("1", "t", "true", "y", "yes")


def boolean(col: str) -> Getter:
    """SQL booleans in any spelling: 1/0, t/f, true/false."""
    return column_getter(boolean_value, col)


_MISSING: Any = object()
_IP_TEXT: dict[str, str | None] = {}  # canonical forms of IP texts seen (addresses repeat a lot)
_IP_GETTERS: dict[str, Getter] = {}


def ip_value(v: Any) -> str | None:
    """``canonical_ip``, remembered for text values (bounded)."""
    if v.__class__ is not str:
        return canonical_ip(v)
    got = _IP_TEXT.get(v, _MISSING)
    if got is _MISSING:
        if len(_IP_TEXT) >= 1 << 18:
            _IP_TEXT.clear()
        got = _IP_TEXT[v] = canonical_ip(v)
    return got  # type: ignore[no-any-return]


def ip(col: str) -> Getter:
    """The canonical text of an IP column (one getter per column, so specs may call ``ip(c)(r)``)."""
    got = _IP_GETTERS.get(col)
    if got is None:
        got = _IP_GETTERS[col] = column_getter(ip_value, col)
    return got


def const(value: Any) -> Getter:
    def get(r: Row) -> Any:
        return value

    setattr(get, _CONST, (value,))
    return get


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
