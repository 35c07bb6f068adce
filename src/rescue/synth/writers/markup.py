"""Body segments as MyBB MyCode, SMF BBCode and Discourse Markdown (phpBB 3.0: :mod:`.phpbb_text`).

- MyBB stores what the member typed (no escaping), line breaks as ``\\n``, quotes as
  ``[quote='Name' pid='5' dateline='…']``.
- SMF escapes on input (``htmlspecialchars`` with ``ENT_QUOTES``), line breaks as ``<br>``, quotes as
  ``[quote author=Name link=msg=5 date=…]``.
- Discourse keeps the Markdown as typed in ``raw`` (and the HTML it renders in ``cooked``), quotes as
  ``[quote="name, post:2, topic:7"]`` on their own lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape as _html_escape

from rescue.synth.body import Bold, Link, Mail, Quote, Segment, Smiley

QuoteOpen = Callable[[Quote], str]


def smf_escape(s: str) -> str:
    """SMF's ``Util::htmlspecialchars($s, ENT_QUOTES)``."""
    return _html_escape(s, quote=True).replace("&#x27;", "&#039;")


def _same(s: str) -> str:
    return s


def bbcode(body: Iterable[Segment], *, quote_open: QuoteOpen, choice: int, esc: Callable[[str], str] = _same,
           newline: str = "\n", out: list[str] | None = None) -> str:
    """MyCode / SMF BBCode of a body; ``choice`` varies how links and addresses are written."""
    t: list[str] = [] if out is None else out
    for seg in body:
        if isinstance(seg, str):
            s = esc(seg)
            t.append(s.replace("\n", newline) if newline != "\n" and "\n" in s else s)
        elif isinstance(seg, Smiley):
            t.append(esc(seg.code))
        elif isinstance(seg, Mail):
            t.append(f"[email]{esc(seg.address)}[/email]" if choice % 2 else esc(seg.address))
        elif isinstance(seg, Link):
            t.append(f"[url]{esc(seg.url)}[/url]" if choice % 2 else esc(seg.url))
        elif isinstance(seg, Bold):
            t.append(f"[b]{esc(seg.text)}[/b]")
        elif isinstance(seg, Quote):
            t.append(quote_open(seg))
            bbcode(seg.body, quote_open=quote_open, choice=choice + 1, esc=esc, newline=newline, out=t)
            t.append("[/quote]")
            t.append(newline)
    return "".join(t) if out is None else ""


def markdown(body: Iterable[Segment], *, quote_open: QuoteOpen, choice: int) -> str:
    """Discourse ``raw``: Markdown as typed; a quote block stands on its own lines."""
    t: list[str] = []
    for seg in body:
        if isinstance(seg, str):
            t.append(seg)
        elif isinstance(seg, Smiley):
            t.append(seg.code)
        elif isinstance(seg, Mail):
            t.append(seg.address)
        elif isinstance(seg, Link):
            t.append(f"[{seg.url}]({seg.url})" if choice % 2 else seg.url)
        elif isinstance(seg, Bold):
            t.append(f"**{seg.text}**")
        elif isinstance(seg, Quote):
            inner = markdown(seg.body, quote_open=quote_open, choice=choice + 1)
            t.append(f"{quote_open(seg)}\n{inner}\n[/quote]\n\n")
    return "".join(t)


def html_body(body: Iterable[Segment], *, quote_block: Callable[[Quote, str], str]) -> str:
    """A body as HTML paragraphs; ``quote_block(quote, inner HTML)`` renders a quote."""
    t: list[str] = []
    for seg in body:
        if isinstance(seg, str):
            t.append(_html_escape(seg, quote=False).replace("\n", "<br>\n"))
        elif isinstance(seg, Smiley):
            t.append(_html_escape(seg.code, quote=False))
        elif isinstance(seg, Mail):
            a = _html_escape(seg.address)
            t.append(f'<a href="mailto:{a}">{a}</a>')
        elif isinstance(seg, Link):
            u = _html_escape(seg.url)
            t.append(f'<a href="{u}" rel="noopener nofollow ugc">{u}</a>')
        elif isinstance(seg, Bold):
            t.append(f"<strong>{_html_escape(seg.text, quote=False)}</strong>")
        elif isinstance(seg, Quote):
            t.append(f"</p>\n{quote_block(seg, html_body(seg.body, quote_block=quote_block))}\n<p>")
    html = "<p>" + "".join(t) + "</p>"
    return html.replace("<p></p>", "").replace("<p>\n", "<p>").strip()


def cooked(body: Iterable[Segment], *, quote_attrs: Callable[[Quote], str]) -> str:
    """Discourse ``cooked``: the HTML its Markdown engine renders (paragraphs, quotes as ``aside``)."""

    def aside(q: Quote, inner: str) -> str:
        return f'<aside class="quote no-group" {quote_attrs(q)}>\n<blockquote>\n{inner}\n</blockquote>\n</aside>'

    return html_body(body, quote_block=aside)
