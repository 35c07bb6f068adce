"""What a finder returns, and the label keywords shared by the finders."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Found:
    """One selector found in a text: normalised value and where it was written."""

    kind: str
    value: str
    start: int
    end: int
    obfuscated: bool = False
    detail: str | None = None


class Spans:
    """Character spans already taken by a more specific finder."""

    def __init__(self) -> None:
        self._spans: list[tuple[int, int]] = []

    def add(self, start: int, end: int) -> None:
        self._spans.append((start, end))

    def overlaps(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self._spans)


# Words that introduce a selector, per kind (lower case; several languages). Used to decide whether an
# e-mail-shaped value is an e-mail or a Jabber ID, and to accept "name at host.tld" written without
# brackets only when it is introduced as an address.
MAIL_WORDS = re.compile(
    r"(?:e-?mail|mail|correo|courriel|write|schreib|écri|escr[ií]b|scriv|napisz|reach|contact|kontakt|"
    r"adresse|address|direcci|indirizzo|endereço|drop me|line at)", re.I)
JABBER_WORDS = re.compile(r"(?:jabber|xmpp|\bjid\b|\bomemo\b|\botr\b)", re.I)

XMPP_SERVERS = frozenset({
    "jabber.org", "jabber.de", "xmpp.jp", "jabber.at", "jabber.fr", "jabbim.cz", "jabber.ru", "404.city",
    "yax.im", "jabber.hot-chilli.net", "jabber.ccc.de", "xmpp.is", "creep.im", "exploit.im", "conversations.im",
    "jabb3r.org", "dismail.de", "xabber.org", "blah.im", "jabber.cz", "draugr.de", "jabberes.org", "jwchat.org",
    "xmpp.zone", "jabber.cat", "trashserver.net", "jabber.systemli.org", "magicbroccoli.de",
    "jabber.calyxinstitute.org", "xmpp.earth", "jabber.space", "jabber.me", "jabbers.one", "jabber.uk",
    "jabber.sk", "jabber.no",
})


def is_xmpp_domain(domain: str) -> bool:
    return domain in XMPP_SERVERS or domain.startswith(("jabber.", "xmpp.")) or domain.endswith((".jabber.org",))


def nearest_label(text: str, start: int, window: int = 48) -> str | None:
    """'mail' or 'jabber': whichever label word stands closest before ``start`` (same line), or None."""
    lo = max(0, start - window)
    nl = text.rfind("\n", lo, start)
    seg = text[(nl + 1 if nl >= 0 else lo):start]
    best: tuple[int, str] | None = None
    for kind, rx in (("mail", MAIL_WORDS), ("jabber", JABBER_WORDS)):
        for m in rx.finditer(seg):
            if best is None or m.end() > best[0]:
                best = (m.end(), kind)
    return best[1] if best else None
