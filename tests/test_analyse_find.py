"""Selector finders: every kind, plain and obfuscated, and texts that must yield nothing."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rescue.analyse.find import TRIGGER_SQL, _triggered, find_all, find_in_field


def got(text: str, hints: tuple[str, ...] = ("DE",)) -> set[tuple[str, str]]:
    return {(f.kind, f.value) for f in find_all(text, hints)}


@pytest.mark.parametrize(("text", "value"), [
    ("plain foo.bar@Example.ORG here", "foo.bar@example.org"),
    ("my mail is anna.schmidt85 at web dot de", "anna.schmidt85@web.de"),
    ("reach me at bob [at] example [dot] co [dot] uk ok", "bob@example.co.uk"),
    ("write to me at jo(at)gmx(dot)net", "jo@gmx.net"),
    ("e-mail: carl @ yahoo . fr", "carl@yahoo.fr"),
    ("drop me a line at karl_h at posteo.de", "karl_h@posteo.de"),
    ("mail: X.Y AT MAIL DOT RU", "x.y@mail.ru"),
    ("contact: zed[@]proton.me", "zed@proton.me"),
    ("you can reach me at callum.wilkinson AT virginmedia DOT com\nRegards", "callum.wilkinson@virginmedia.com"),
    ("schreib mir an jo{at}gmx{dot}de", "jo@gmx.de"),
    ("drop me a line at galvez.edu AT hotmail DOT com", "galvez.edu@hotmail.com"),
])
def test_emails(text: str, value: str) -> None:
    found = find_all(text)
    assert [(f.kind, f.value) for f in found] == [("email", value)]
    assert found[0].obfuscated == ("@" not in text or " @ " in text or "[@]" in text)


@pytest.mark.parametrize("text", [
    "look at example.com for more",  # a domain, not an address
    "I was at home. Today was nice",
    "see you at noon, then at the park",
    "We met at the station dot com never",
])
def test_prose_is_not_an_email(text: str) -> None:
    assert not {k for k, _ in got(text)} & {"email", "jabber"}


def test_jabber_by_label_and_by_server() -> None:
    assert got("Jabber: h.fox@jabber.org") == {("jabber", "h.fox@jabber.org")}
    assert got("add me on Jabber: h.fox at xmpp dot jp") == {("jabber", "h.fox@xmpp.jp")}
    assert got("xmpp: quiet@example.net") == {("jabber", "quiet@example.net")}
    assert got("mail: quiet@example.net") == {("email", "quiet@example.net")}


@pytest.mark.parametrize(("text", "hints", "value", "detail"), [
    ("my number is +49 151 23456789", (), "+4915123456789", "intl"),
    ("call me on 0049 151 23456789", (), "+4915123456789", "intl"),
    ("call me on 0151 23456789", ("DE",), "+4915123456789", "national:DE"),
    ("phone: 0 1 5 1 2 3 4 5 6 7 8 9", ("DE",), "+4915123456789", "national:DE"),
    ("text me on 0151-23-45-67-89", ("DE",), "+4915123456789", "national:DE"),
    ("tel: 06 12 34 56 78", ("GB", "FR"), "+33612345678", "national:FR"),
    ("my number is (202) 555-0147 ok", ("US",), "+12025550147", "national:US"),
])
def test_phones(text: str, hints: tuple[str, ...], value: str, detail: str) -> None:
    found = [f for f in find_all(text, hints) if f.kind == "phone"]
    assert [(f.value, f.detail) for f in found] == [(value, detail)]


def test_phone_needs_a_valid_number_and_no_hint_no_national() -> None:
    assert not got("call me on 0151 23456789", ())  # national form without a region hint
    assert not got("order 12345 shipped 2021-06-29, ref 12.05.2020")
    assert not got("phone: +49 000 0000", ())


def test_spaced_phone_is_obfuscated() -> None:
    (f,) = find_all("phone: 0 1 5 1 2 3 4 5 6 7 8 9", ("DE",))
    assert f.obfuscated


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("add me on Skype: live:quiet_fox", "skype", "live:quiet_fox"),
    ("my Skype is b l u e _ f o x 8 5", "skype", "blue_fox85"),
    ("my Skype is k a p i t o n t e a p o t I am new here", "skype", "kapitonteapot"),
    ("Skype: l i v e : q u i e t _ f o x", "skype", "live:quiet_fox"),
    ("Skype: sleepy.owl77", "skype", "sleepy.owl77"),
    ("ICQ: 123 456 789", "icq", "123456789"),
    ("my ICQ is 55512345", "icq", "55512345"),
    ("Telegram: @anna_fox85", "telegram", "anna_fox85"),
    ("find me on Telegram as Anna_Fox85", "telegram", "anna_fox85"),
    ("t . me / anna_fox85", "telegram", "anna_fox85"),
    ("https://t.me/anna_fox85", "telegram", "anna_fox85"),
    ("Kik: rusty.fox", "kik", "rusty.fox"),
    ("mein Kik ist rusty_fox", "kik", "rusty_fox"),
    ("Wickr: quiet-owl", "wickr", "quiet-owl"),
    ("Threema: ABCD1234", "threema", "ABCD1234"),
    ("Signal: fox.42", "signal", "fox.42"),
    ("Snapchat: rusty.fox", "snapchat", "rusty.fox"),
    ("discord: quietfox#1234", "discord", "quietfox#1234"),
    ("@alice:matrix.org", "matrix", "@alice:matrix.org"),
])
def test_messengers(text: str, kind: str, value: str) -> None:
    assert (kind, value) in got(text)


def test_session_ids_plain_and_grouped() -> None:
    sid = "05" + "ab12" * 16
    assert got(f"Session: {sid}") == {("session", sid)}
    grouped = " ".join(sid[i:i + 6] for i in range(0, 66, 6))
    (f,) = find_all(f"my session id {grouped}")
    assert (f.kind, f.value, f.obfuscated) == ("session", sid, True)
    assert not got("05" + "ab" * 31)  # 64 characters: not a Session id


def test_signal_phone_number_is_a_phone() -> None:
    (f,) = find_all("Signal: +44 7911 123456")
    assert (f.kind, f.value) == ("phone", "+447911123456")


def test_urls_domains_and_ips() -> None:
    g = got("files at https://mega.nz/folder/abc#key and www.example.com/x. server 81.2.69.160 or 2001:db8::1")
    assert ("url", "https://mega.nz/folder/abc#key") in g and ("domain", "mega.nz") in g
    assert ("url", "http://www.example.com/x") in g and ("domain", "example.com") in g
    assert ("ip", "81.2.69.160") in g and ("ip", "2001:db8::1") in g
    assert got("see readme.md and example.de") == {("domain", "example.de")}
    assert not got("at 12:30:45 the score was 3:1")
    defanged = find_all("hxxp://example[.]org/path")
    assert {(f.kind, f.value, f.obfuscated) for f in defanged} >= {("url", "http://example.org/path", True)}


def test_crypto_addresses_valid_and_invalid() -> None:
    g = got("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb "
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5 "
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")
    assert g == {("btc", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
                 ("btc", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
                 ("eth", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")}
    xmr = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"
    assert got(f"xmr {xmr}") == {("xmr", xmr)}
    assert not got(f"xmr {xmr[:-1]}B")


def test_neutral_text_has_no_selectors() -> None:
    assert not find_all("We went to the market on Saturday. The tomatoes were great, and the weather held up.")
    assert not find_all("Das Spiel gestern war langweilig, die zweite Halbzeit vor allem.")


def test_profile_fields() -> None:
    assert [(f.kind, f.value) for f in find_in_field("icq", "123456789")] == [("icq", "123456789")]
    assert [(f.kind, f.value) for f in find_in_field("jabber", "JID@example.org")] == [("jabber", "jid@example.org")]
    assert [(f.kind, f.value) for f in find_in_field("msnm", "Msn@Example.org")] == [("email", "msn@example.org")]
    assert [(f.kind, f.value) for f in find_in_field("pf_phpbb_skype", "Quiet.Fox")] == [("skype", "quiet.fox")]
    assert [(f.kind, f.value) for f in find_in_field("phone", "+49 151 23456789")] == [("phone", "+4915123456789")]
    assert find_in_field("interests", "gardening, mail me at x_y1 at example dot org")[0].value == "x_y1@example.org"


_local = st.from_regex(r"[a-z][a-z0-9]{1,8}(\.[a-z]{2,6})?[0-9]{0,2}", fullmatch=True)
_host = st.from_regex(r"[a-z]{3,10}", fullmatch=True)
_forms = st.sampled_from(["{l}@{h}.{t}", "{l} at {h} dot {t}", "{l} [at] {h} [dot] {t}", "{l}(at){h}(dot){t}",
                          "{l} @ {h} . {t}", "{l} AT {h} DOT {t}", "{l}[@]{h}.{t}"])


@settings(max_examples=150, deadline=None)
@given(_local, _host, st.sampled_from(["com", "de", "net", "org", "fr", "it"]), _forms)
def test_email_forms_roundtrip(local: str, host: str, tld: str, form: str) -> None:
    text = "my mail is " + form.format(l=local, h=host, t=tld) + " thanks"
    assert ("email", f"{local}@{host}.{tld}") in got(text)


_WHOLE_TRIGGER = re.compile(TRIGGER_SQL[4:], re.I)
_TRIGGER_TEXTS = ["see you at the park", "mail me: x.y@example.org", "call 030 1234 5678", "visit www.Example.org",
                  "a [dot] b", "name at host dot com", "ICQ 123", "t . me / someone", "live:name", "Wire : x",
                  "abcdefghijklmnopqrstuvwxyz0123", "05abcd ef0123", "end.Then", "nothing here", "", "12-34-56",
                  "hxxp://x", "Signal me", "session id", "snapchat", "(at)", "{ @ }", "K\u212aIK", "1.2.3.4.5.6.7"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*_TRIGGER_TEXTS, " ", "@", ".", "7", "a", "Z", "(", "]", "\n"]), max_size=12)
       .map("".join) | st.text(max_size=60))
def test_trigger_by_alternatives_answers_as_the_whole_expression(text: str) -> None:
    assert _triggered(text) == bool(_WHOLE_TRIGGER.search(text))
