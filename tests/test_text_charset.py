"""rescue.text.charset: bytes by MySQL charset name, mojibake repair, entities decoded once."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rescue.text.charset import decode_text, python_codec, repair_mojibake, unescape_entities


def _mysql_mojibake(text: str) -> str:
    """What a latin1 column holding UTF-8 bytes looks like when read over a utf8mb4 connection."""
    return decode_text(text.encode("utf-8"), "latin1")


# -- decode_text ------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "charset", "expected"), [
    (b"caf\xc3\xa9 \xf0\x9f\x98\x80", "utf8mb4", "café 😀"),
    (b"caf\xc3\xa9", "utf8", "café"),
    (b"caf\xc3\xa9", "utf8mb3", "café"),
    (b"caf\xc3\xa9", "UTF8MB4_unicode_ci", "café"),
    (b"caf\xe9", "latin1", "café"),
    (b"caf\xe9", "latin1_swedish_ci", "café"),
    (b"\x80 \x85 \x92 \x93\x94 \x9e", "latin1", "€ … ’ “” ž"),  # MySQL latin1 is cp1252
    (b"\x81\x8d\x8f\x90\x9d", "latin1", "\x81\x8d\x8f\x90\x9d"),  # cp1252's holes: C1 controls
    ("Zażółć".encode("cp1250"), "cp1250", "Zażółć"),
    ("Привет".encode("cp1251"), "cp1251", "Привет"),
    ("Привет".encode("koi8_r"), "koi8r", "Привет"),
    ("中文字".encode("gbk"), "gbk", "中文字"),
    ("日本語".encode("shift_jis"), "sjis", "日本語"),
    ("日本語".encode("euc_jp"), "ujis", "日本語"),
    ("한국어".encode("euc_kr"), "euckr", "한국어"),
    ("Ελληνικά".encode("iso8859_7"), "greek", "Ελληνικά"),
    ("Čeština".encode("iso8859_2"), "latin2", "Čeština"),
    ("ab".encode("utf-16-be"), "ucs2", "ab"),
    (b"plain ascii", "ascii", "plain ascii"),
    (b"caf\xc3\xa9", "binary", "café"),
    (b"caf\xe9", "binary", "café"),
    (b"caf\xe9", None, "café"),
    (b"caf\xc3\xa9", "no-such-charset", "café"),
    (b"", "utf8mb4", ""),
])
def test_decode_text(data: bytes, charset: str | None, expected: str) -> None:
    assert decode_text(data, charset) == expected


@pytest.mark.parametrize(("data", "charset"), [
    (b"caf\xe9 \xff\xfe", "utf8mb4"),
    (b"\xc3", "utf8"),
    (b"\xed\xa0\x80", "utf8"),  # a surrogate in CESU form
    (b"\x80abc", "ascii"),
    (b"\x82\xa0\xff", "sjis"),
    (b"\x81", "gbk"),
    (b"abc", "ucs2"),
])
def test_invalid_bytes_become_replacement_characters(data: bytes, charset: str) -> None:
    out = decode_text(data, charset)
    assert "\ufffd" in out


def test_default_charset_is_utf8mb4() -> None:
    assert decode_text(b"caf\xc3\xa9") == "café"


def test_python_codec_names() -> None:
    assert python_codec("latin1") == python_codec("cp1252")
    assert python_codec("utf8mb4_0900_ai_ci") == "utf-8"
    assert python_codec(None) == "binary"
    assert python_codec("armscii8") == "binary"


@settings(max_examples=300)
@given(st.binary(max_size=200), st.sampled_from(
    ["utf8mb4", "utf8", "latin1", "cp1250", "cp1251", "koi8r", "gbk", "sjis", "ascii", "binary",
     "ucs2", "utf16le", "utf32", "big5", "ujis", "euckr", None, "bogus"]))
def test_decode_never_raises(data: bytes, charset: str | None) -> None:
    assert isinstance(decode_text(data, charset), str)


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_mysql_latin1_is_lossless(data: bytes) -> None:
    text = decode_text(data, "latin1")
    assert len(text) == len(data)
    assert "\ufffd" not in text


# -- repair_mojibake --------------------------------------------------------------------------

@pytest.mark.parametrize(("broken", "fixed"), [
    ("cafÃ©", "café"),
    ("cafÃƒÂ©", "café"),  # double encoded
    ("itâ€™s â€œquotedâ€\x9d", "it’s “quoted”"),
    ("ðŸ˜€ emoji", "😀 emoji"),
    ("æ—¥æœ¬èªž", "日本語"),
    ("ÐŸÑ€Ð¸Ð²ÐµÑ‚", "Привет"),
    ("GrÃ¼ÃŸe aus MÃ¼nchen", "Grüße aus München"),
    ("São Paulo and cafÃ©", "São Paulo and café"),
    ("itâ\x80\x99s", "it’s"),  # the ISO-8859-1 flavour, with raw C1 characters
])
def test_repair_mojibake(broken: str, fixed: str) -> None:
    assert repair_mojibake(broken) == fixed
    assert repair_mojibake(fixed) == fixed


@pytest.mark.parametrize("correct", [
    "SÃO PAULO", "JOÃO", "ÃGUA", "Ã", "São Paulo", "naïve café", "Grüße", "Ελληνικά", "日本語",
    "100 ° C", "© 2010", "plain ascii", "", "ÃO", "Â", "façade, à la carte", "½ price",
])
def test_correct_text_is_left_alone(correct: str) -> None:
    assert repair_mojibake(correct) == correct


def test_fixture_mojibake(dumps: Path) -> None:
    d = dumps  # tests/fixtures/forum-dumps (conftest)
    over_utf8 = (d / "mybb18_default_utf8mb4.sql").read_bytes()
    assert b"caf\xc3\x83\xc2\xa9" in over_utf8
    assert repair_mojibake(decode_text(b"caf\xc3\x83\xc2\xa9", "utf8mb4")) == "café"
    as_latin1 = (d / "mybb18_latin1.sql").read_bytes()
    assert b"sig[/b] caf\xc3\xa9" in as_latin1  # a latin1 table holding UTF-8 bytes
    assert repair_mojibake(decode_text(b"caf\xc3\xa9", "latin1")) == "café"


@settings(max_examples=500)
@given(st.text(max_size=60))
def test_repair_undoes_mysql_mojibake(text: str) -> None:
    assume(repair_mojibake(text) == text)
    assert repair_mojibake(_mysql_mojibake(text)) == text
    assert repair_mojibake(_mysql_mojibake(_mysql_mojibake(text))) == text


@settings(max_examples=500)
@given(st.text(max_size=60))
def test_repair_is_idempotent(text: str) -> None:
    once = repair_mojibake(text)
    assert repair_mojibake(once) == once


# -- unescape_entities ------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("&amp;lt;", "&lt;"),
    ("&quot;a&quot; &#039;b&#039; &#39;c&#39;", "\"a\" 'b' 'c'"),
    ("&#128512; &#x1F600; &#X1f600;", "😀 😀 😀"),
    ("&#55357;&#56832;", "😀"),  # UTF-16 surrogate pair as two references
    ("&#xD83D;&#xDE00;", "😀"),
    ("&#55357; alone", "\ufffd alone"),
    ("&nbsp;", "\xa0"),
    ("&eacute;t&eacute;", "été"),
    ("&unknown; & alone", "&unknown; & alone"),
    ("&#0; &#1114112;", "\ufffd \ufffd"),
    ("no entities", "no entities"),
    ("R&D, AT&T; this&nothing &copy 2010", "R&D, AT&T; this&nothing &copy 2010"),  # names need ";"
    ("&copy; &COPY; &hellip;", "© © …"),
    ("&#128; &#x92;", "€ ’"),  # HTML5: C1 references mean their cp1252 character
    ("&#39 and &#x27", "' and '"),
])
def test_unescape_entities(raw: str, expected: str) -> None:
    assert unescape_entities(raw) == expected


@settings(max_examples=300)
@given(st.text(max_size=80))
def test_unescape_once_inverts_escape(text: str) -> None:
    import html

    assert unescape_entities(html.escape(text)) == text
