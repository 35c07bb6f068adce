"""rescue.text.fastpath: the same output as the full converters, always.

``to_plain`` (shortcuts on) must equal ``to_plain_full`` (shortcuts off) for every synthetic
body, every fixture body and generated markup soup, and the shortcuts must take the bodies they
are for. (The helpers rewritten for speed are checked against the originals in
test_text_speedups.py.)
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rescue.readers.base import RawRow, TableDef
from rescue.readers.mysqldump import iter_mysqldump
from rescue.readers.pgdump import PgDumpReader
from rescue.text import fastpath
from rescue.text.charset import decode_text
from rescue.text.markup import _resolve, to_plain, to_plain_full

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


S9E_PIECES = ["x", "word", " ", "<br/>", "<br/>", "<br/>\n", "\n", "\r", "\r\n", "&amp;", "&amp", ";", "&#55357;",
              "&#56832;", "&quot;", "&lt;", "<", ">", "<br />", "<B>", "</B>", "<s>", "</s>", "<e>", "\t", "<t>",
              "</t>", "<!-- c -->", "[b]", "[/b]"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(S9E_PIECES), max_size=30).map(lambda p: "<t>" + "".join(p) + "</t>"),
       st.sampled_from(["auto", "s9e", "bbcode"]), st.sampled_from([UID, None]))
def test_s9e_plain_same_output(raw: str, markup: str, uid: str | None) -> None:
    same(raw, markup, uid)


@pytest.mark.parametrize("raw", [
    "<t>Just text.</t>", "<t>Line one<br/>\nLine two<br/>\r\nthree<br/>four&amp;more &#128512;</t>",
    "<t>fish &amp<br/>; chips<br/></t>",
])
def test_s9e_plain_taken_and_equal(raw: str) -> None:
    assert same(raw)


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
