"""Selectors (e-mail, phone, messenger handles) and the ways people write them down.

``value`` is always the normalised form recorded in ``truth/selectors.csv``; :func:`written`
returns how a person types it in a post (plain, or obfuscated to dodge filters).
"""

from __future__ import annotations

import functools
import random

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from rescue.errors import SynthError
from rescue.synth.common import Rand
from rescue.synth.names import handle

KINDS = ("email", "phone", "skype", "icq", "telegram", "kik", "jabber", "session")
MESSENGERS = ("skype", "icq", "telegram", "kik", "jabber", "session")
LABEL = {"skype": "Skype", "icq": "ICQ", "telegram": "Telegram", "kik": "Kik", "jabber": "Jabber",
         "session": "Session", "email": "mail", "phone": "phone"}
JABBER_SERVERS = ("jabber.org", "jabber.de", "xmpp.jp", "jabber.at", "jabber.fr", "jabbim.cz",
                  "jabber.ru", "404.city", "yax.im", "jabber.hot-chilli.net")

_MOBILE = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


@functools.cache
def _mobile_example(cc: str) -> tuple[str, str]:
    """(country calling code, national number) of phonenumbers' example mobile number for ``cc``."""
    example = phonenumbers.example_number_for_type(cc, PhoneNumberType.MOBILE)
    if example is None:
        raise SynthError(f"phonenumbers has no mobile numbering plan for {cc}")
    return str(example.country_code), str(example.national_number)


def make_phone(rng: random.Random, cc: str) -> str:
    """A mobile number valid for ``cc`` (checked with phonenumbers), in E.164."""
    code, nn = _mobile_example(cc)
    keep = 3 if len(nn) > 8 else 2
    for _ in range(200):
        cand = nn[:keep] + "".join(rng.choice("0123456789") for _ in range(len(nn) - keep))
        num = phonenumbers.parse(f"+{code}{cand}")
        if (phonenumbers.is_valid_number(num) and phonenumbers.region_code_for_number(num) == cc
                and phonenumbers.number_type(num) in _MOBILE):
            return phonenumbers.format_number(num, PhoneNumberFormat.E164)
    raise SynthError(f"cannot generate a valid phone number for {cc}")


def make_handle(rng: random.Random, kind: str, given: str, birth_year: int) -> str:
    """A normalised messenger identifier of ``kind``."""
    if kind == "icq":
        return str(rng.randrange(100_000, 999_999_999))
    if kind == "session":
        return "05" + "".join(rng.choice("0123456789abcdef") for _ in range(64))
    h = handle(rng, given, birth_year).lower()
    if kind == "skype":
        return ("live:" + h) if rng.random() < 0.4 else h
    if kind == "jabber":
        return f"{h.replace('_', '.')}@{rng.choice(JABBER_SERVERS)}"
    if kind == "telegram":
        return h.replace(".", "_")[:32]
    return h  # kik


def _spaced(s: str, rng: Rand) -> str:
    sep = rng.choice((" ", "-", "."))
    step = rng.choice((1, 2, 3))
    return sep.join(s[i:i + step] for i in range(0, len(s), step))


def _email_forms(local: str, domain: str, rng: Rand) -> tuple[str, str]:
    host, _, tld = domain.rpartition(".")
    forms = (
        ("at-dot", f"{local} at {host} dot {tld}"),
        ("at-dot-brackets", f"{local} [at] {host} [dot] {tld}"),
        ("at-dot-parens", f"{local}(at){host}(dot){tld}"),
        ("spaced-symbols", f"{local} @ {host} . {tld}"),
        ("at-word", f"{local} at {domain}"),
        ("at-dot-caps", f"{local} AT {host} DOT {tld}"),
        ("bracket-at", f"{local}[@]{domain}"),
    )
    return forms[rng.randrange(len(forms))]


def _phone_written(value: str, rng: Rand, obfuscate: bool) -> tuple[str, str]:
    num = phonenumbers.parse(value)
    if not obfuscate:
        fmt = rng.choice((PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.NATIONAL,
                          PhoneNumberFormat.E164))
        return {0: "e164", 1: "international", 2: "national"}[int(fmt)], phonenumbers.format_number(num, fmt)
    national = phonenumbers.format_number(num, PhoneNumberFormat.NATIONAL)
    digits = "".join(ch for ch in national if ch.isdigit())
    if rng.random() < 0.5:
        return "spaced-digits", " ".join(digits)
    return "grouped-digits", _spaced(digits, rng)


def written(kind: str, value: str, rng: Rand, obfuscate: bool) -> tuple[str, str]:
    """(variant name, text as the person writes it) for a normalised selector value."""
    if kind == "email":
        if not obfuscate:
            return "plain", value
        local, _, domain = value.partition("@")
        return _email_forms(local, domain, rng)
    if kind == "phone":
        return _phone_written(value, rng, obfuscate)
    if kind == "icq":
        return ("grouped-digits", _spaced(value, rng)) if obfuscate else ("plain", value)
    if kind == "session":
        if obfuscate:
            return "grouped", " ".join(value[i:i + 6] for i in range(0, len(value), 6))
        return "plain", value
    if kind == "jabber" and obfuscate:
        local, _, domain = value.partition("@")
        return _email_forms(local, domain, rng)
    if kind == "telegram":
        if obfuscate:
            return "t-dot-me-spaced", f"t . me / {value}"
        return rng.choice((("at-handle", "@" + value), ("t-me", "t.me/" + value), ("plain", value)))
    if kind == "skype" and obfuscate:
        return "spaced", " ".join(value)
    return "plain", value


LEADS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"email": ("my mail is", "you can reach me at", "drop me a line at", "write to me at", "e-mail:"),
           "phone": ("my number is", "text me on", "call me on", "phone:"),
           "msg": ("add me on {K}:", "my {K} is", "{K}:", "you can find me on {K} as", "ping me on {K}:")},
    "de": {"email": ("meine Mail ist", "schreib mir an", "E-Mail:"),
           "phone": ("meine Nummer ist", "ruf mich an unter", "Handy:"),
           "msg": ("adde mich bei {K}:", "mein {K} ist", "{K}:")},
    "fr": {"email": ("mon mail c'est", "écris-moi à", "mail :"),
           "phone": ("mon numéro c'est", "appelle-moi au", "tél :"),
           "msg": ("ajoute-moi sur {K} :", "mon {K} :", "{K} :")},
    "es": {"email": ("mi correo es", "escríbeme a", "correo:"),
           "phone": ("mi número es", "llámame al", "tel:"),
           "msg": ("agrégame en {K}:", "mi {K} es", "{K}:")},
    "nl": {"email": ("mijn mail is", "mail me op", "e-mail:"),
           "phone": ("mijn nummer is", "bel me op", "tel:"),
           "msg": ("voeg me toe op {K}:", "mijn {K} is", "{K}:")},
    "pl": {"email": ("mój mail to", "napisz do mnie na", "e-mail:"),
           "phone": ("mój numer to", "zadzwoń na", "tel.:"),
           "msg": ("dodaj mnie na {K}:", "mój {K} to", "{K}:")},
    "it": {"email": ("la mia mail è", "scrivimi a", "mail:"),
           "phone": ("il mio numero è", "chiamami al", "cell:"),
           "msg": ("aggiungimi su {K}:", "il mio {K} è", "{K}:")},
    "pt": {"email": ("meu email é", "escreve para", "email:"),
           "phone": ("meu número é", "liga para", "tel:"),
           "msg": ("me adiciona no {K}:", "meu {K} é", "{K}:")},
}


def lead(kind: str, lang: str, rng: Rand) -> str:
    table = LEADS.get(lang, LEADS["en"])
    key = kind if kind in ("email", "phone") else "msg"
    return rng.choice(table[key]).replace("{K}", LABEL[kind])
