"""rescue.text.markup: every forum markup to the author's own plain text plus credited quotes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rescue.text.markup import ParsedText, Quote, _convert, detect_markup, to_plain

_ESC = {ord("0"): 0, ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("Z"): 26, ord("b"): 8}


def sql_string(data: bytes, marker: bytes) -> bytes:
    """The mysqldump-quoted string that contains ``marker``, unescaped (a test helper)."""
    i = data.index(marker)
    j = data.rindex(b"'", 0, i) + 1
    out = bytearray()
    while data[j] != ord("'"):
        if data[j] == ord("\\"):
            j += 1
            out.append(_ESC.get(data[j], data[j]))
        else:
            out.append(data[j])
        j += 1
    return bytes(out)


def plain(raw: str, markup: str = "auto", **kw: str) -> str:
    return to_plain(raw, markup, **kw).text


# -- bodies as they are in the fixtures -------------------------------------------------------

PHPBB30 = ("First line with [b:1a2b3c4d]bold[/b:1a2b3c4d] and café<br />Second line: it's a "
           "back\\slash, tab\there, emoji as NCR &#128512;")
PHPBB30_TEXT = "First line with bold and café\nSecond line: it's a back\\slash, tab here, emoji as NCR 😀"
S9E = "<r><B><s>[b]</s>bold<e>[/b]</e></B> reply in 3.2+ s9e XML form</r>"
MYBB = "Line1 [b]bold[/b] cafÃ©\r\nLine2 with 'quote' and back\\slash"
SMF = "Line1 [b]bold[/b] café 😀<br>Line2 it&#039;s &quot;quoted&quot;&nbsp; spaced"
DISCOURSE_RAW = "Line1 **bold** café 😀\nLine2\twith tab and back\\slash"
DISCOURSE_COOKED = "<p>Line1 <strong>bold</strong> café 😀<br>\nLine2\twith tab and back\\slash</p>"
DISCOURSE_TEXT = "Line1 bold café 😀\nLine2 with tab and back\\slash"


@pytest.mark.parametrize(("raw", "uid", "kind", "expected"), [
    (PHPBB30, "1a2b3c4d", "bbcode", PHPBB30_TEXT),
    (PHPBB30, None, "bbcode", PHPBB30_TEXT),
    (S9E, None, "s9e", "bold reply in 3.2+ s9e XML form"),
    (MYBB, None, "bbcode", "Line1 bold cafÃ©\nLine2 with 'quote' and back\\slash"),
    (SMF, None, "bbcode", "Line1 bold café 😀\nLine2 it's \"quoted\" spaced"),
    (DISCOURSE_RAW, None, "markdown", DISCOURSE_TEXT),
    (DISCOURSE_COOKED, None, "html", DISCOURSE_TEXT),
    ("PM body<br>line2", None, "bbcode", "PM body\nline2"),
    ("PM body line1\nline2", None, "plain", "PM body line1\nline2"),
    ("<p>PM body</p>", None, "html", "PM body"),
])
def test_fixture_bodies(raw: str, uid: str | None, kind: str, expected: str) -> None:
    assert detect_markup(raw) == kind
    assert to_plain(raw, bbcode_uid=uid) == ParsedText(expected, ())
    assert to_plain(raw, kind, bbcode_uid=uid).text == expected


def test_fixture_files_read_from_disk(dumps: Path) -> None:
    d = dumps  # tests/fixtures/forum-dumps (conftest)
    phpbb = (d / "phpbb30_default.sql").read_bytes()
    body = sql_string(phpbb, b"First line with").decode("utf-8")
    assert plain(body, bbcode_uid="1a2b3c4d") == PHPBB30_TEXT
    assert plain(sql_string(phpbb, b"<r><B>").decode()) == "bold reply in 3.2+ s9e XML form"
    smf = (d / "smf21_default.sql").read_bytes()
    assert plain(sql_string(smf, b"Line1 [b]").decode()) == "Line1 bold café 😀\nLine2 it's \"quoted\" spaced"
    mybb = (d / "mybb18_default_utf8mb4.sql").read_bytes()
    assert plain(sql_string(mybb, b"Line1 [b]").decode()).startswith("Line1 bold cafÃ©\nLine2")
    pg = (d / "discourse_mini_pg_dump_inserts.sql").read_text("utf-8")
    raw = pg.split("INSERT INTO public.posts VALUES (1, 1, 1, 1, '", 1)[1].split("', '", 1)[0]
    assert plain(raw) == DISCOURSE_TEXT


# -- detection --------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "kind"), [
    ("<t>just text</t>", "s9e"),
    ('<r xmlns:x="y"><QUOTE author="A">q</QUOTE>me</r>', "s9e"),
    ("[quote=Bob]hi[/quote]", "bbcode"),
    ("[*:1a2b3c4d]item", "bbcode"),
    ('<!-- m --><a class="postlink" href="http://example.org/">example.org</a><!-- m -->', "bbcode"),
    ('[quote="bob, post:2, topic:1"]\nhi\n[/quote]', "markdown"),
    ("<p>hello</p>", "html"),
    ('<a href="http://example.org/">x</a>', "html"),
    ("> quoted\nanswer", "markdown"),
    ("see [the docs](http://example.org/)", "markdown"),
    ("```\ncode\n```", "markdown"),
    ("line<br />line", "bbcode"),
    ("fish &amp; chips", "bbcode"),
    ("just words, 2 < 3 and [citation needed]", "plain"),
    ("", "plain"),
])
def test_detect_markup(raw: str, kind: str) -> None:
    assert detect_markup(raw) == kind


def test_unknown_markup_name_raises() -> None:
    with pytest.raises(ValueError, match="unknown markup"):
        to_plain("x", "wiki")


def test_explicit_bbcode_with_s9e_body_uses_s9e() -> None:
    assert plain(S9E, "bbcode") == "bold reply in 3.2+ s9e XML form"


def test_empty() -> None:
    assert to_plain("") == ParsedText("", ())
    assert to_plain("   \n\n ") == ParsedText("", ())


# -- quotes: every dialect, credited to the quoted author -------------------------------------

def Q(author: str | None, account: str | None, post: str | None, text: str, depth: int = 1,
      topic: str | None = None) -> Quote:
    return Quote(author, account, post, text, depth, topic)


@pytest.mark.parametrize(("raw", "quote", "own"), [
    # phpBB 3.0/3.1: HTML-escaped body, uid on every tag
    ("[quote=&quot;Alice&quot;:1a2b3c4d]See you at noon[/quote:1a2b3c4d]Fine by me",
     Q("Alice", None, None, "See you at noon"), "Fine by me"),
    # phpBB 3.2+ source form
    ('[quote="Alice" post_id=5 time=1262649600 user_id=3]See you at noon[/quote]Fine by me',
     Q("Alice", "3", "5", "See you at noon"), "Fine by me"),
    # s9e XML
    ('<r><QUOTE author="Alice" post_id="5" time="1262649600" user_id="3"><s>[quote="Alice" '
     'post_id=5 time=1262649600 user_id=3]</s>See you at noon<e>[/quote]</e></QUOTE>Fine by me</r>',
     Q("Alice", "3", "5", "See you at noon"), "Fine by me"),
    # MyBB
    ("[quote='Alice' pid='5' dateline='1262649600']See you at noon[/quote]\nFine by me",
     Q("Alice", None, "5", "See you at noon"), "Fine by me"),
    ("[quote=Alice]See you at noon[/quote]Fine by me", Q("Alice", None, None, "See you at noon"),
     "Fine by me"),
    # SMF 2.x and 1.x
    ("[quote author=Alice Smith link=msg=5 date=1262649600]See you at noon[/quote]<br>Fine by me",
     Q("Alice Smith", None, "5", "See you at noon"), "Fine by me"),
    ("[quote author=Alice link=topic=12.msg34#msg34 date=1262649600]See you at noon[/quote]Fine",
     Q("Alice", None, "34", "See you at noon", topic="12"), "Fine"),
    # vBulletin 3/4 and 5
    ("[QUOTE=Alice;5]See you at noon[/QUOTE]Fine by me", Q("Alice", None, "5", "See you at noon"),
     "Fine by me"),
    ("[QUOTE=Alice;n77]See you at noon[/QUOTE]Fine by me",
     Q("Alice", None, "77", "See you at noon"), "Fine by me"),
    # XenForo
    ('[QUOTE="Alice, post: 5, member: 3"]See you at noon[/QUOTE]Fine by me',
     Q("Alice", "3", "5", "See you at noon"), "Fine by me"),
    # IPB 2
    ("[quote name='Alice' date='x' post='5']See you at noon[/quote]Fine by me",
     Q("Alice", None, "5", "See you at noon"), "Fine by me"),
    # Discourse raw (BBCode inside Markdown) and cooked
    ('[quote="alice, post:2, topic:1"]\nSee you at **noon**\n[/quote]\n\nFine by me',
     Q("alice", None, "2", "See you at noon", topic="1"), "Fine by me"),
    ('[quote="Alice Smith, post:2, topic:1, username:alice"]\nSee you\n[/quote]\nFine',
     Q("alice", None, "2", "See you", topic="1"), "Fine"),
    ('<aside class="quote no-group" data-username="alice" data-post="2" data-topic="1">\n'
     '<div class="title">\n<div class="quote-controls"></div>\n<img alt="" width="24" '
     'height="24" src="/user_avatar/a.png" class="avatar"> alice:</div>\n<blockquote>\n'
     "<p>See you at noon</p>\n</blockquote>\n</aside>\n<p>Fine by me</p>",
     Q("alice", None, "2", "See you at noon", topic="1"), "Fine by me"),
    # Invision
    ('<blockquote class="ipsQuote" data-ipsquote="" data-ipsquote-contentcommentid="5" '
     'data-ipsquote-contentid="9" data-ipsquote-userid="3" data-ipsquote-username="Alice">'
     "<div class=\"ipsQuote_citation\">Alice said:</div><div class=\"ipsQuote_contents\">"
     "<p>See you at noon</p></div></blockquote><p>Fine by me</p>",
     Q("Alice", "3", "5", "See you at noon", topic="9"), "Fine by me"),
    # plain HTML and Markdown
    ("<blockquote>See you at noon</blockquote>Fine by me", Q(None, None, None, "See you at noon"),
     "Fine by me"),
    ("> See you at noon\n\nFine by me", Q(None, None, None, "See you at noon"), "Fine by me"),
])
def test_quote_dialects(raw: str, quote: Quote, own: str) -> None:
    r = to_plain(raw)
    assert r.quotes == (quote,)
    assert r.text == own


def test_nested_quotes_are_separated_and_ordered() -> None:
    raw = ("[quote=&quot;Alice&quot;:1a2b3c4d]Bring a map.[quote=&quot;Bob&quot;:1a2b3c4d]Where "
           "do we meet?[/quote:1a2b3c4d]At the station.[/quote:1a2b3c4d]See you there.")
    r = to_plain(raw, bbcode_uid="1a2b3c4d")
    assert r.text == "See you there."
    assert r.quotes == (Q("Alice", None, None, "Bring a map.\nAt the station."),
                        Q("Bob", None, None, "Where do we meet?", 2))


@pytest.mark.parametrize("raw", [
    "[quote=A]one [quote=B]two [quote=C]three[/quote] two[/quote] one[/quote]mine",
    '<r><QUOTE author="A">one <QUOTE author="B">two <QUOTE author="C">three</QUOTE> two</QUOTE>'
    " one</QUOTE>mine</r>",
    '<blockquote data-author="A">one <blockquote data-author="B">two <blockquote data-author="C">'
    "three</blockquote> two</blockquote> one</blockquote>mine",
    "> one\n> > two\n> > > three\n> > two\n> one\n\nmine",
])
def test_three_levels_in_every_markup(raw: str) -> None:
    r = to_plain(raw)
    assert r.text == "mine"
    assert [(q.depth, q.text) for q in r.quotes] == [(1, "one\none"), (2, "two\ntwo"), (3, "three")]
    if "A" in raw:
        assert [q.author for q in r.quotes] == ["A", "B", "C"]


def test_markdown_quote_lazy_continuation_and_blank_line() -> None:
    r = to_plain("> first line\nsame paragraph\n\n> second quote\n\nmine")
    assert [q.text for q in r.quotes] == ["first line\nsame paragraph", "second quote"]
    assert r.text == "mine"


def test_sibling_quotes_and_text_between() -> None:
    r = to_plain("[quote=A]a[/quote]between[quote=B]b[/quote]after")
    assert r.text == "between\nafter"
    assert [(q.author, q.text, q.depth) for q in r.quotes] == [("A", "a", 1), ("B", "b", 1)]


def test_unclosed_quote_is_closed_at_the_end() -> None:
    r = to_plain("mine [quote=A]theirs [quote=B]deeper [/quote]")
    assert r.text == "mine"
    assert [(q.author, q.text, q.depth) for q in r.quotes] == [("A", "theirs", 1), ("B", "deeper", 2)]


def test_stray_closing_quote_is_ignored() -> None:
    r = to_plain("[quote=A]x[/quote][/quote] tail")
    assert r.text == "tail"
    assert len(r.quotes) == 1


# -- links, images, code, lists, smilies, entities, whitespace --------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("[url=http://example.org/page]the page[/url]", "the page (http://example.org/page)"),
    ('[url="http://example.org/page"]the page[/url]', "the page (http://example.org/page)"),
    ("[url=http://example.org/page:1a2b3c4d]the page[/url:1a2b3c4d]", "the page (http://example.org/page)"),
    ("[url]http://example.org/page[/url]", "http://example.org/page"),
    ("[url=http://example.org/]http://example.org[/url]", "http://example.org"),
    ("[url=http://example.org/][/url]", "http://example.org/"),
    ("[url=http://example.org/?a=1&amp;b=2]x[/url]", "x (http://example.org/?a=1&b=2)"),
    ("[email]someone@example.org[/email]", "someone@example.org"),
    ("[email=someone@example.org]write me[/email]", "write me (someone@example.org)"),
    ('<!-- m --><a class="postlink" href="http://www.example.org/a/long/path">http://www.example.org/a/'
     " ... /path</a><!-- m --> ok",
     "http://www.example.org/a/ ... /path (http://www.example.org/a/long/path) ok"),
    ('<!-- e --><a href="mailto:someone@example.org">someone@example.org</a><!-- e -->',
     "someone@example.org"),
    ('<r><URL url="http://example.org/"><s>[url=http://example.org/]</s>site<e>[/url]</e></URL></r>',
     "site (http://example.org/)"),
    ('<r><URL url="http://example.org/">http://example.org/</URL></r>', "http://example.org/"),
    ('<r><EMAIL email="someone@example.org">someone@example.org</EMAIL></r>', "someone@example.org"),
    ('<r><EMAIL email="someone@example.org"><s>[email=someone@example.org]</s>mail me<e>[/email]</e>'
     "</EMAIL></r>", "mail me (someone@example.org)"),
    ('<p><a href="https://example.org/x">read this</a></p>', "read this (https://example.org/x)"),
    ('<p><a class="mention" href="/u/alice">@alice</a> hi</p>', "@alice hi"),
    ('<p><a href="javascript:alert(1)">click</a></p>', "click"),
    ("see [the docs](http://example.org/docs) now", "see the docs (http://example.org/docs) now"),
    ("see <http://example.org/docs>", "see http://example.org/docs"),
    ("[http://example.org](http://example.org)", "http://example.org"),
])
def test_links(raw: str, expected: str) -> None:
    assert plain(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("look [img]http://example.org/a.png[/img] here", "look http://example.org/a.png here"),
    ("[img:1a2b3c4d]http://example.org/a.png[/img:1a2b3c4d]", "http://example.org/a.png"),
    ('<r><IMG src="http://example.org/a.png"><s>[img]</s>http://example.org/a.png<e>[/img]</e></IMG></r>',
     "http://example.org/a.png"),
    ('<p>look <img src="http://example.org/a.png" alt="a"> here</p>', "look http://example.org/a.png here"),
    ("look ![a photo](upload://abc.png) here", "look upload://abc.png here"),
    ('<!-- s:) --><img src="{SMILIES_PATH}/icon_e_smile.gif" alt=":)" title="Smile" /><!-- s:) --> fine',
     ":) fine"),
    ('<!-- s:-? --><img src="{SMILIES_PATH}/icon_e_confused.gif" alt=":-?" /><!-- s:-? -->', ":-?"),
    ("<r><E>:)</E> fine</r>", ":) fine"),
    ('<p>great <img src="/images/emoji/twitter/smile.png?v=12" title=":smile:" class="emoji" '
     'alt=":smile:"></p>', "great :smile:"),
])
def test_images_and_smilies(raw: str, expected: str) -> None:
    assert plain(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("[code]if [b]x[/b] then\n  go[/code]after", "if [b]x[/b] then\ngo\nafter"),
    ("[code:1a2b3c4d]a &#91;b&#93; &lt;c&gt;[/code:1a2b3c4d]", "a [b] <c>"),
    ("[php]echo 1;[/php]", "echo 1;"),
    ("[code]unclosed [b]bold[/b]", "[code]unclosed bold"),
    ("<r><CODE><s>[code]</s>x = [1]<e>[/code]</e></CODE></r>", "x = [1]"),
    ("<pre><code>line one\n  line two</code></pre><p>after</p>", "line one\nline two\n\nafter"),
    ("```\n[b]not bold[/b] **kept**\n```\nafter", "[b]not bold[/b] **kept**\nafter"),
    ("use `a_b * c` here", "use a_b * c here"),
    ("> ```\n> quoted code\n> ```", ""),
    ("[code][quote=A]not a quote[/quote][/code]", "[quote=A]not a quote[/quote]"),
])
def test_code_is_kept_as_its_text(raw: str, expected: str) -> None:
    assert plain(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("[list][*]one[*]two[/list]after", "one\ntwo\nafter"),
    ("[list=1][*]one[/*][*]two[/*][/list]", "one\ntwo"),
    ("[list:1a2b3c4d][*:1a2b3c4d]one[/*:m:1a2b3c4d][*:1a2b3c4d]two[/*:m:1a2b3c4d][/list:u:1a2b3c4d]",
     "one\ntwo"),
    ("[list][li]one[/li][li]two[/li][/list]", "one\ntwo"),
    ("<r><LIST><LI><s>[*]</s>one</LI><LI><s>[*]</s>two</LI></LIST></r>", "one\ntwo"),
    ("<ul><li>one</li><li>two</li></ul>", "one\ntwo"),
    ("- one\n- two\n1. three\n+ four", "one\ntwo\nthree\nfour"),
])
def test_lists_as_lines(raw: str, expected: str) -> None:
    assert plain(raw, "markdown" if raw.startswith("-") else "auto") == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("fish &amp;amp; chips", "fish &amp; chips"),
    ("&lt;b&gt;not a tag&lt;/b&gt;", "<b>not a tag</b>"),
    ("a&nbsp;&nbsp;&nbsp;b &quot;c&quot; &#39;d&#39; &#128512; &#x1F600;", "a b \"c\" 'd' 😀 😀"),
    ("<r>fish &amp;amp; chips &#128512;</r>", "fish &amp; chips 😀"),
    ("<p>fish &amp;amp; chips</p>", "fish &amp; chips"),
    ("[b]fish &amp;amp; chips[/b]", "fish &amp; chips"),
    ("**fish &amp;amp; chips**", "fish &amp; chips"),
])
def test_entities_decoded_exactly_once(raw: str, expected: str) -> None:
    assert plain(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("[b:1a2b3c4d]bold[/b:1a2b3c4d] [i:1a2b3c4d]it[/i:1a2b3c4d] [color=red:1a2b3c4d]red[/color:1a2b3c4d]",
     "bold it red"),
    ("[size=150:zz9yy8xx]big[/size:zz9yy8xx]", "big"),
    ("[b]bold[/b] [u]under[/u] [s]gone[/s] [color=#ff0000]red[/color] [size=5]big[/size] "
     "[font=Arial]f[/font]", "bold under gone red big f"),
    ("[center]middle[/center]next", "middle\nnext"),
    ("[mytag=1]kept content[/mytag]", "kept content"),
    ("array[i] = [citation needed] and [b]unclosed [u]u[/u]",
     "array[i] = [citation needed] and [b]unclosed u"),
    ("<r><COLOR color=\"red\"><s>[color=red]</s>red<e>[/color]</e></COLOR> <UNKNOWN>kept</UNKNOWN></r>",
     "red kept"),
    ("<div><custom-el>kept</custom-el></div>", "kept"),
    ("<p>ok</p><script>alert('x')</script><style>p{}</style><p>fine</p>", "ok\n\nfine"),
    ("<p>ok</p><script>never closed", "ok"),
    ("<p>a<!-- hidden --> b</p><!-- never closed", "a b"),
])
def test_tags_uid_unknown_and_dropped(raw: str, expected: str) -> None:
    assert plain(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("  many    spaces\there  ", "many spaces here"),
    ("a\n\n\n\n\nb", "a\n\nb"),
    ("a \n  b\r\nc\rd", "a\nb\nc\nd"),
    ("line<br />\nnext<br>after<br/>end", "line\nnext\nafter\nend"),
    ("<p>one</p>\n\n\n<p>two</p>\n<div>three</div> <div>four</div>", "one\n\ntwo\n\nthree\nfour"),
    ("<p>soft\nwrapped   html</p>", "soft wrapped html"),
    ("<r>line one<br/>\nline two</r>", "line one\nline two"),
    ("<t>line one<br/>line two</t>", "line one\nline two"),
    ("ctrl\x00chars\x07gone", "ctrlcharsgone"),
])
def test_whitespace_normalised(raw: str, expected: str) -> None:
    assert plain(raw) == expected


def test_markdown_inline_markup() -> None:
    assert plain("# Title #\nsome *em* and _em_ and ~~old~~ text\n\n---\nsnake_case_name stays") == (
        "Title\nsome em and em and old text\n\nsnake_case_name stays")
    assert plain(r"\*not em\* and 2 * 3 * 4", "markdown") == "*not em* and 2 * 3 * 4"
    assert plain(r"\*literal\*") == r"\*literal\*"  # no Markdown sign: plain text keeps it
    assert plain("**see** http://example.org/__init__/a_b_ and `x`") == (
        "see http://example.org/__init__/a_b_ and x")


# -- hostile input: no crash, no hang, no stack overflow --------------------------------------

DEEP = 10_000
NESTED = {
    "bbcode": "[quote=a]" * DEEP + "core" + "[/quote]" * DEEP + "mine",
    "s9e": "<r>" + '<QUOTE author="a">' * DEEP + "core" + "</QUOTE>" * DEEP + "mine</r>",
    "html": "<blockquote>" * DEEP + "core" + "</blockquote>" * DEEP + "mine",
    "markdown": "> " * DEEP + "core\n\nmine",
}


@pytest.mark.parametrize("kind", sorted(NESTED))
def test_ten_thousand_nested_quotes(kind: str) -> None:
    r = to_plain(NESTED[kind])
    assert r.text == "mine"
    assert len(r.quotes) == DEEP
    assert r.quotes[-1] == Quote(r.quotes[-1].author, None, None, "core", DEEP)
    assert all(q.text == "" for q in r.quotes[:-1])


@pytest.mark.parametrize("raw", [
    "[quote]" * 50_000,
    "[/quote]" * 50_000,
    "<div>" * 50_000 + "x",
    "</div>" * 50_000,
    "<r>" + "<B>" * 50_000,
    "[url=http://x]" * 50_000 + "[/url]" * 50_000,
    "[b][i][u]" * 30_000,
    "<a href='x'>" * 50_000,
    "<<<<>>>>" * 20_000,
    "[[[[]]]]" * 20_000,
    "> " * 50_000,
    "`" * 100_000,
    "**_" * 50_000,
    "![" * 50_000 + "](" * 50_000,
    "<!--" * 50_000,
    "&#" * 50_000,
    "[code]" * 50_000,
    "<!-- s:) --><img " * 20_000,
    "<p><script>" * 20_000,
])
def test_malformed_markup_terminates_quickly(raw: str) -> None:
    for kind in ("auto", "bbcode", "s9e", "html", "markdown", "plain"):
        start = time.perf_counter()
        result = _convert(raw, detect_markup(raw) if kind == "auto" else kind, None)
        assert isinstance(result, ParsedText)
        assert time.perf_counter() - start < 20, (kind, raw[:30])


def test_script_is_never_text_in_html() -> None:
    r = to_plain('<p>hi</p><script type="text/javascript">document.write("x")</script>'
                 "<style>.a{}</style><iframe src=\"http://example.org/\"></iframe><p>there</p>", "html")
    assert r.text == "hi\n\nthere"


def test_one_megabyte_body_in_linear_time() -> None:
    unit = "[b]word[/b] [quote=A]quoted[/quote] <br />text &amp; more "
    raw = unit * (1_000_000 // len(unit))
    start = time.perf_counter()
    r = to_plain(raw)
    assert time.perf_counter() - start < 15
    assert len(r.quotes) == raw.count("[quote=A]")
    assert r.text.startswith("word")


@pytest.mark.slow
@pytest.mark.parametrize(("unit", "kind"), [
    ("[b]word[/b] [quote=A]quoted[/quote] <br />text &amp; more ", "bbcode"),
    ('<B><s>[b]</s>bold<e>[/b]</e></B> <QUOTE author="A">q</QUOTE> text', "s9e"),
    ("<p>para <strong>bold</strong> <a href='http://example.org/'>link</a></p>", "html"),
    ("> quote line\n**bold** _em_ [link](http://example.org/) `code`\n\n", "markdown"),
    ("<", "bbcode"),
    ("[", "markdown"),
])
def test_ten_megabyte_bodies(unit: str, kind: str) -> None:
    raw = unit * (10_000_000 // len(unit))
    if kind == "s9e":
        raw = f"<r>{raw}</r>"
    start = time.perf_counter()
    assert isinstance(to_plain(raw, kind), ParsedText)
    assert time.perf_counter() - start < 120


# -- properties ---------------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "[quote]", "[/quote]", "[quote=A]", '[quote="B" post_id=2 user_id=3]', "[b]", "[/b]", "[url=",
    "[url]", "[/url]", "[*]", "[list]", "[/list]", "[code]", "[/code]", "[img]", "[/img]", ":1a2b3c4d]",
    "<r>", "</r>", "<t>", "</t>", "<QUOTE author=\"C\">", "</QUOTE>", "<s>", "</s>", "<e>", "<br/>",
    "<p>", "</p>", "<blockquote>", "</blockquote>", '<aside class="quote" data-username="d">',
    "</aside>", '<div class="title">', "<a href='http://x'>", "</a>", "<script>", "</script>",
    "<!--", "-->", "<pre>", "</pre>", "> ", "\n", "\n\n", "```", "`", "**", "_", "*", "![", "](", ")",
    "&amp;", "&#128512;", "&", "&#", ";", "&nbsp;", "[", "]", "<", ">", "=", '"', "'", " ", "\t",
    "word", "Ã©", "\\", "\x00", "\r",
])


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_never_raises_on_any_text(raw: str) -> None:
    for kind in ("bbcode", "s9e", "html", "markdown", "plain"):
        r = _convert(raw, kind, None)
        assert r.text == r.text.strip()
        assert all(q.depth >= 1 for q in r.quotes)
    assert isinstance(to_plain(raw), ParsedText)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=60).map("".join), st.sampled_from(["1a2b3c4d", None]))
def test_never_raises_on_markup_soup(raw: str, uid: str | None) -> None:
    for kind in ("bbcode", "s9e", "html", "markdown", "plain"):
        r = _convert(raw, kind, uid)
        assert "\n\n\n" not in r.text
        for q in r.quotes:
            assert q.depth >= 1
            assert "\n\n\n" not in q.text
    assert detect_markup(raw) in ("s9e", "bbcode", "html", "markdown", "plain")


_WORDS = st.text(alphabet="abcdefghij ", min_size=1, max_size=8).map(lambda s: " ".join(s.split()))
_WORDS = _WORDS.filter(bool)


@st.composite
def _quote_tree(draw: st.DrawFn, depth: int = 1) -> tuple[str, list[tuple[int, str, str]]]:
    """A post body of text and nested quotes, and the (depth, author, text) each quote must give."""
    body: list[str] = []
    own: list[str] = []
    found: list[tuple[int, str, str]] = []
    for _ in range(draw(st.integers(0, 3 if depth < 4 else 0))):
        author = draw(st.sampled_from(["Ann", "Ben", "Cleo"]))
        words = draw(_WORDS)
        inner, inner_found = draw(_quote_tree(depth + 1))
        body.append(f"{words} [quote={author}]{inner}[/quote]")
        own.append(words)
        found.append((depth, author, ""))
        found.extend(inner_found)
    tail = draw(_WORDS)
    body.append(tail)
    own.append(tail)
    return " ".join(body), [(depth - 1, "own", "\n".join(own)), *found]


@settings(max_examples=200, deadline=None)
@given(_quote_tree())
def test_every_quoted_word_goes_to_its_author(tree: tuple[str, list[tuple[int, str, str]]]) -> None:
    raw, expected = tree
    r = to_plain(raw, "bbcode")
    own = [e for e in expected if e[1] == "own"]
    assert r.text == own[0][2]
    assert [(q.depth, q.author) for q in r.quotes] == [(d, a) for d, a, _ in expected if a != "own"]
    assert [q.text for q in r.quotes] == [t for d, a, t in own[1:]]
