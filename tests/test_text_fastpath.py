"""rescue.text.fastpath and the other speed-ups: the same output as the full converters, always.

``to_plain`` (shortcuts on) must equal ``to_plain_full`` (shortcuts off) for every synthetic
body, every fixture body and generated markup soup; the rewritten helpers must equal the
originals they replace (kept here, verbatim, as the reference).
"""

from __future__ import annotations

import html
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rescue.readers.base import RawRow, TableDef
from rescue.readers.mysqldump import iter_mysqldump
from rescue.readers.pgdump import PgDumpReader
from rescue.text import bbcode, charset, fastpath, s9e
from rescue.text import markup as M
from rescue.text._builder import normalize_ws
from rescue.text.charset import decode_text, unescape_entities
from rescue.text.markup import _resolve, detect_markup, to_plain, to_plain_full

UID = "1a2b3c4d"
BODY_COLUMNS = {  # table → (body column, uid column)
    "phpbb_posts": ("post_text", "bbcode_uid"), "phpbb_privmsgs": ("message_text", "bbcode_uid"),
    "phpbb_users": ("user_sig", "user_sig_bbcode_uid"), "mybb_posts": ("message", None),
    "mybb_privatemessages": ("message", None), "mybb_users": ("signature", None),
    "smf_messages": ("body", None), "smf_personal_messages": ("body", None), "smf_members": ("signature", None),
}


def dump_bodies(path: Path) -> list[tuple[str, str | None]]:
    """(body, uid) of every post, message and signature in a mysqldump or pg_dump file."""
    out: list[tuple[str, str | None]] = []
    columns: dict[str, list[str]] = {}
    if path.name.startswith("discourse"):
        for ev in PgDumpReader(path).events():
            if isinstance(ev, RawRow) and ev.table.endswith("posts"):
                out += [(decode_text(v, None), None) for v in ev.values[4:6] if isinstance(v, bytes)]
        return out
    with path.open("rb") as f:
        for ev in iter_mysqldump(f, str(path)):
            if isinstance(ev, TableDef):
                columns[ev.name] = [c.name for c in ev.columns]
            elif isinstance(ev, RawRow) and ev.table in BODY_COLUMNS:
                names = list(ev.columns) if ev.columns else columns.get(ev.table, [])
                if not names:
                    continue  # a data-only dump without column lists
                body_col, uid_col = BODY_COLUMNS[ev.table]
                body, uid = ev.values[names.index(body_col)], ev.values[names.index(uid_col)] if uid_col else None
                if isinstance(body, bytes) and body:
                    out.append((decode_text(body, None), decode_text(uid, None) if isinstance(uid, bytes) else None))
    return out


def same(raw: str, markup: str = "auto", uid: str | None = None) -> bool:
    """The shortcut output equals the full converters' output (both also with no uid)."""
    assert to_plain(raw, markup, bbcode_uid=uid) == to_plain_full(raw, markup, bbcode_uid=uid), (raw, markup, uid)
    return fastpath.convert(raw, _resolve(raw, markup, uid), uid) is not None if raw else False


# -- real bodies --------------------------------------------------------------------------------

def test_every_synthetic_body(small_world: Path) -> None:
    bodies = [b for dump in sorted(small_world.glob("*/phpbb.sql")) for b in dump_bodies(dump)]
    assert len(bodies) > 5000
    taken = sum(same(raw, "auto", uid) for raw, uid in bodies)
    assert taken > 0.97 * len(bodies)  # the shortcuts do take nearly all of them
    for raw, _ in bodies[::5]:
        same(raw, "auto", None)
        same(raw, "bbcode", None)
        same(raw, "plain", None)


def test_every_fixture_body(dumps: Path) -> None:
    bodies = [b for p in sorted(dumps.glob("*.sql")) for b in dump_bodies(p)]
    assert len(bodies) >= 20
    for raw, uid in bodies:
        for markup in ("auto", "bbcode", "plain", "html", "markdown", "s9e"):
            same(raw, markup, uid)
            same(raw, markup, None)


@pytest.mark.parametrize(("raw", "uid"), [
    ("Just words, nothing else.", None),
    ("fish &amp; chips &#128512;\r\nnext\tline", None),
    ("Line one<br />Line two<br />\r\n<br />Line &quot;three&quot;", UID),
    ("Fine <!-- s:) --><img src=\"{SMILIES_PATH}/icon_e_smile.gif\" alt=\":)\" /><!-- s:) --> thanks", UID),
    ("SMF line<br>and <br/>more<BR>", None),
    (f"[quote=&quot;Ann&quot;:{UID}]Where?<br />When?[/quote:{UID}]<br />Here. [b:{UID}]Now[/b:{UID}]", UID),
    ("[QUOTE=Ann;5]one [quote='Ben' pid='7']two[/quote] one[/QUOTE] mine [x] array[i] [attachment=0]a.png", None),
    ("[quote=A]a<br /> [/quote] [quote=B]b<br />&#32;[/quote]c", None),
    ("[b=<br />]inside the tag, not a line break[/b]", None),
    ("x<br /> [quote]q[/quote]y<br />&#32;[quote=B]r[/quote]", None),  # a lone space after a break goes
    ("fish &amp<!-- s;) --><img src=x><!-- s;) --> chips", None),  # no entity across a smiley
])
def test_shortcut_taken_and_equal(raw: str, uid: str | None) -> None:
    assert same(raw, "auto", uid)


@pytest.mark.parametrize("raw", [
    "[url=http://example.org/]x[/url]", "[list][*]a[/list]", "[code]a[/code]", "[img]x[/img]", "a[*]b",
    "<a href='x'>y</a>", "a<!-- m -->b", "a<hr>b", "<p>x</p>", "a\x00<!-- s:) --><img><!-- s:) -->",
    "<br<!-- s/ --><img src=x><!-- s/ -->>",  # the converter sees no line break across a smiley
])
def test_shortcut_declines_what_it_cannot_do_exactly(raw: str) -> None:
    assert fastpath.convert(raw, "bbcode", None) is None
    same(raw, "bbcode")


# -- generated soup -----------------------------------------------------------------------------

SMILEY = '<!-- s:) --><img src="{SMILIES_PATH}/icon_e_smile.gif" alt=":)" title="Smile" /><!-- s:) -->'
PIECES = [
    "word", "Hello there", ",", " ", "  ", "\n", "\n\n\n", "\r\n", "\r", "\t", "\xa0", "\x85", "\u2028", "é",
    "😀", "\x00", "\ufeff", "\x07", "<br /> ", " <br />&#32;", f"{SMILEY} ",
    "<br />", "<br />", "<br />\n", "<br />\r\n", "<br>", "<br/>", "<BR >", "<br", "/>", "<", ">", "<b>", "</a>",
    "<p>", "<hr>", '<a href="http://x">', "<!-- m -->", "<!--", "-->", "<!-- x -->", '<img src="x" />',
    SMILEY, SMILEY.upper(), '<!-- s&amp; --><img src="x"><!-- s&amp; -->', '<!-- s[b] --><img><!-- s[b] -->',
    '<!-- s:) --><img src="x"><!-- s:( -->', '<!-- s/> --><img><!-- s/> -->',
    "&amp;", "&amp", "&quot;", "&#128512;", "&#55357;", "&#56832;", "&#x1F600", "&", "&#", ";", "&nbsp;", "&#32;",
    "[b]", "[/b]", "[B]", "[/i]", "[i]", "[quote]", "[/quote]", "[quote=A]", "[quote=&quot;Ann&quot;]",
    '[quote="B" post_id=2 user_id=3]', "[QUOTE=Cy;5]", "[/QUOTE]", '[quote="D, post: 5, member: 3"]',
    "[color=red]", "[/color]", "[x]", "[x=<br />]", "[attachment=1]", "[attach]", "[/attach]", "[*]", "[hr]",
    "[/br]", "[url]", "[/url]", "[code]", "[/code]", "[img]", "[/img]", "[", "]", "[/", f":{UID}]",
    f"[b:{UID}]", f"[/b:{UID}]", f"[quote=&quot;A&quot;:{UID}]", f"[/quote:{UID}]", f"[size=150:{UID}]",
    f"[/size:{UID}]", "<t>", "</t>", "> ", "**", "`", "#",
]
SOUP = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=1500, deadline=None)
@given(SOUP, st.sampled_from([UID, None]), st.sampled_from(["auto", "bbcode", "plain"]))
def test_soup_same_output(raw: str, uid: str | None, markup: str) -> None:
    same(raw, markup, uid)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from([UID, None]))
def test_any_text_same_output(raw: str, uid: str | None) -> None:
    same(raw, "auto", uid)
    same(raw, "bbcode", uid)


def test_seeded_soup_exercises_the_shortcuts() -> None:
    rng = random.Random(20240601)
    inline = [p for p in PIECES if not p.startswith(("[url", "[code", "[img", "[*", "[hr", "<p", "<a", "<hr", "<b>"))]
    taken = total = 0
    for _ in range(6000):
        raw = "".join(rng.choice(inline) for _ in range(rng.choice([1, 3, 8, 20])))
        uid = rng.choice([UID, None])
        taken += same(raw, "bbcode", uid)
        total += 1
    assert taken > total // 3


# -- rewritten helpers against the originals ----------------------------------------------------

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufeff]")
_SPACES = re.compile(r"[^\S\n]+")
_SPACED_NL = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_ws_original(s: str) -> str:
    if not s:
        return ""
    s = _NEWLINES.sub("\n", s)
    s = _CONTROLS.sub("", s)
    s = _SPACES.sub(" ", s)
    s = _SPACED_NL.sub("\n", s)
    s = _BLANK_LINES.sub("\n\n", s)
    return s.strip()


def detect_markup_original(raw: str) -> str:
    if not raw:
        return "plain"
    if s9e.looks_like_s9e(raw):
        return "s9e"
    if "[" in raw:
        if M._DISCOURSE_QUOTE.search(raw) or M._MD_FENCE.search(raw):
            return "markdown"
        if M._BB_SIGNS.search(raw):
            return "bbcode"
    if "<" in raw:
        if M._PHPBB_HTML.search(raw):
            return "bbcode"
        if M._HTML_SIGNS.search(raw):
            return "html"
    if M._MD_SIGNS.search(raw):
        return "markdown"
    if M._TEXT_SIGNS.search(raw):
        return "bbcode"
    return "plain"


def _entity_original(m: re.Match[str]) -> str:
    ref = m.group(0)
    return html.unescape(ref) if ref[1] == "#" else charset._NAMED.get(ref[1:], ref)


def unescape_entities_original(s: str) -> str:
    if "&" not in s:
        return s
    if "&#" in s:
        s = charset._SURROGATE_PAIR.sub(charset._join_pair, s)
    return charset._ENTITY.sub(_entity_original, s)


def resolve_original(raw: str, markup: str, uid: str | None) -> str:
    kind = M._ALIASES[markup.lower()]
    if kind == "bbcode" and s9e.looks_like_s9e(raw):
        return "s9e"
    if kind == "auto":
        kind = detect_markup_original(raw)
        if uid and kind in ("plain", "html", "markdown"):
            kind = "bbcode"
    return kind


_HTML_ORIGINAL = (
    r"(?P<smiley><!-- s(?P<code>[^\s<>]{1,40}) --><img\b[^<>]{0,2000}><!-- s(?P=code) -->)"
    r"|(?P<br><br\s*/?>(?:\r?\n)?)|(?P<cmt><!--[^<>\n]{0,200}-->)"
    rf"|<(?P<hclose>/?)(?P<hname>a|img|hr|{bbcode._HTML_BLOCK}|{bbcode._HTML_INLINE})\b(?P<hattr>[^<>]{{0,2000}})>")
TOKEN_ORIGINAL = re.compile(f"{_HTML_ORIGINAL}|{bbcode._BB}", re.I)
TOKEN_MD_ORIGINAL = re.compile(
    f"(?P<sent>[{bbcode.MD_QUOTE_OPEN}{bbcode.MD_QUOTE_CLOSE}])"
    f"|{bbcode.MD_RAW_START}(?P<raw>[^{bbcode.MD_RAW_END}]*){bbcode.MD_RAW_END}|{_HTML_ORIGINAL}|{bbcode._BB}", re.I)
MD_PIECES = [*PIECES, bbcode.MD_QUOTE_OPEN, bbcode.MD_QUOTE_CLOSE, bbcode.MD_RAW_START, bbcode.MD_RAW_END]


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \n\t\r\xa0\x00\x1f\x7f\x85\u2028\u3000\ufeffa.é😀~")), max_size=40)
       | st.text() | SOUP)
def test_normalize_ws_as_original(s: str) -> None:
    assert normalize_ws(s) == normalize_ws_original(s)


ENTITIES = ["&quot;", "&amp;", "&lt;", "&gt;", "&", "&#", "&#55357;", "&#56832;", "&#xD83D;", "&#xDE00;", ";",
            "amp;", "quot;", "&nbsp;", "&#128512;", "&#x1F600", "x", " ", "&#0;", "&#128;", "&QUOT;", "&ampx;",
            "&#99999999;", "lt;", "#"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(ENTITIES), max_size=12).map("".join) | st.text() | SOUP)
def test_unescape_entities_as_original(s: str) -> None:
    assert unescape_entities(s) == unescape_entities_original(s)


MD_SIGNS = st.lists(st.sampled_from(["`x`", "**b", "__u", "~~s", "](u)", "<http:", "<mailto:", "# ", "> ", "```",
                                     "~~~", "\n", "   ", "x", "#", ">", "<br>", "&amp;", "[/b]"]), max_size=12)


@settings(max_examples=1000, deadline=None)
@given(SOUP | st.text() | MD_SIGNS.map("".join), st.sampled_from([UID, None, ""]),
       st.sampled_from(["auto", "AUTO", "bbcode", "Plain", "html", "markdown"]))
def test_detect_and_resolve_as_original(raw: str, uid: str | None, markup: str) -> None:
    assert detect_markup(raw) == detect_markup_original(raw)
    assert _resolve(raw, markup, uid) == resolve_original(raw, markup, uid)


def tokens(rx: re.Pattern[str], s: str) -> list[tuple[int, int, str, tuple[str | None, ...]]]:
    """Each token's span, which alternative matched (as the converter tells) and its groups."""
    names = ("code", "hclose", "hname", "hattr", "close", "name", "attr", "raw")
    out = []
    for m in rx.finditer(s):
        if "sent" in rx.groupindex:  # the original: a group per alternative
            kind = next(k for k in ("name", "br", "smiley", "cmt", "hname", "sent", "raw") if m[k] is not None)
            kind = {"hname": "hattr", "sent": "qopen" if m[0] == bbcode.MD_QUOTE_OPEN else "qclose"}.get(kind, kind)
        elif "raw" in rx.groupindex or rx is bbcode._TOKEN:  # rewritten: the group that closed last
            kind = {"attr": "name"}.get(m.lastgroup or "", m.lastgroup or "")
        else:
            kind = next(k for k in ("name", "br", "smiley", "cmt", "hname") if m[k] is not None)
            kind = {"hname": "hattr"}.get(kind, kind)
        out.append((m.start(), m.end(), kind, tuple(m.group(n) for n in names if n in rx.groupindex)))
    return out


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(MD_PIECES), max_size=40).map("".join))
def test_token_regexes_as_original(s: str) -> None:
    assert tokens(bbcode._TOKEN, s) == tokens(TOKEN_ORIGINAL, s)
    assert tokens(bbcode._TOKEN_MD, s) == tokens(TOKEN_MD_ORIGINAL, s)
