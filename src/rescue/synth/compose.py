"""Compose posts, private messages and profiles of one forum, with their planted truth.

Every post and message is a pure function of (seed, forum, id, author, category, language,
plan flags): a quote regenerates the quoted post exactly, which is how a selector ends up
inside the quote of another member (``Plant.quoted``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from rescue.synth.accounts import SEPARATE, ForumAccounts
from rescue.synth.body import Body, Bold, Link, Mail, Plant, Quote, Segment, Smiley, TextPools
from rescue.synth.common import Draws, Rand, derive, fast_rng, uniform_row
from rescue.synth.contacts import LABEL, lead, written
from rescue.synth.countries import COUNTRIES
from rescue.synth.people import Population
from rescue.synth.phrases_en import CATEGORIES, PM_OPENERS
from rescue.synth.risk import HOSTILE, OCCUPATIONS, phrase
from rescue.synth.style import PHPBB_SMILIES, Fingerprint, fingerprint, sentence_count

FP_CACHE = 1 << 18  # fingerprints remembered per composer (cleared when full)

# Plan flags of a post or message.
F_SELECTOR, F_RISK, F_HOSTILE = 1, 2, 4

JOBS = ("Electrician", "Accountant", "Software developer", "Student", "Retired", "Carpenter", "Chef",
        "Truck driver", "Engineer", "Shop assistant", "Farmer", "Plumber", "Photographer", "Mechanic",
        "IT support", "Pharmacist", "Architect", "Baker", "Nurse", "Postman", "Civil servant")
SIG_LINES = ("Carpe diem", "Keep calm and carry on", "Less is more", "Slow and steady",
             "Coffee first", "Per aspera ad astra", "Home is where the garden is")
MSN_DOMAINS = ("hotmail.", "outlook.", "live.", "msn.")  # addresses that were MSN Messenger ids
VAGUE_PLACES = ("Europe", "somewhere rainy", "the north", "Earth", "by the sea", "behind you", "the hills")


@dataclass
class Profile:
    signature: Body = field(default_factory=list)
    icq: str = ""
    jabber: str = ""
    msn: str = ""
    website: str = ""
    location: str = ""
    location_truth: str = ""  # true / vague / false / ""
    occupation: str = ""
    interests: str = ""
    plants: list[tuple[str, Plant]] = field(default_factory=list)  # (field, plant)


class Composer:
    def __init__(self, seed: int, pools: TextPools, pop: Population, acc: ForumAccounts) -> None:
        self.pools, self.pop, self.acc = pools, pop, acc
        self.post_stream = derive(seed, "post", acc.spec.key)
        self._subject = derive(seed, "subject", acc.spec.key)
        self._pm = derive(seed, "pm", acc.spec.key)
        self._profile = derive(seed, "profile", acc.spec.key)
        self._styles = pop.style.tobytes()  # row p of the style matrix: bytes [p * width, (p + 1) * width)
        self._width = int(pop.style.shape[1])
        self._fps: dict[tuple[int, str], Fingerprint] = {}

    def _fp(self, a: int, lang: str) -> Fingerprint:
        """The fingerprint of account ``a``'s person writing in ``lang``, remembered per (account, language):
        :func:`fingerprint`'s own cache is too small for a world of millions, and the style row's bytes
        (taken from one copy of the style matrix) are cheaper to slice than to extract per post."""
        key = (a, lang)
        fp = self._fps.get(key)
        if fp is None:
            if len(self._fps) >= FP_CACHE:
                self._fps.clear()
            p = int(self.acc.person[a])
            w = self._width
            fp = self._fps[key] = fingerprint(self._styles[p * w:(p + 1) * w], lang, self.pop.lang[p])
        return fp

    def disclosable(self, a: int) -> list[tuple[str, str]]:
        """Selectors account ``a`` may reveal: its own compartment, or the person's shared ones."""
        if self.acc.flags[a] & SEPARATE:
            return [self.acc.own[a], ("email", self.acc.email[a])]
        p = int(self.acc.person[a])
        out = [("email", e) for e in self.pop.shared_emails(p)] or [("email", self.acc.email[a])]
        if self.pop.phone[p]:
            out.append(("phone", self.pop.phone[p]))
        return out + self.pop.messengers(p)

    def _text(self, rng: Rand, fp: Fingerprint, lang: str, cat: str, body: Body, n: int) -> None:
        sents: list[str] = []
        for _ in range(n):
            s = self.pools.sentence(rng, lang, cat)
            if s in sents:  # one redraw against repeating oneself
                s = self.pools.sentence(rng, lang, cat)
            sents.append(s)
        sents = [fp.sentence(s) for s in sents]
        body.append(fp.join(sents))
        if fp.emo_rate and rng.random() < fp.emo_rate:
            code = fp.emoticons[int(rng.random() * len(fp.emoticons))]
            body.append(" ")
            body.append(Smiley(code) if code in PHPBB_SMILIES else code)

    def _disclose(self, rng: Rand, a: int, lang: str, body: Body, plants: list[Plant]) -> None:
        options = self.disclosable(a)
        kind, value = options[int(rng.random() * len(options))]
        p = int(self.acc.person[a])
        obf = rng.random() < (0.8 if self.pop.opsec[p] else 0.35)
        variant, text = written(kind, value, rng, obf)
        body.append(" " + lead(kind, lang, rng) + " ")
        body.append(Mail(text) if kind == "email" and not obf else text)
        plants.append(Plant(kind, value, a, "obfuscated" if obf else "plain", variant))

    def _risk(self, rng: Rand, a: int, lang: str, body: Body, plants: list[Plant],
              private: bool) -> None:
        p = int(self.acc.person[a])
        kinds = self.pop.risk_kinds[p]
        if not kinds:
            return
        public = [k for k in kinds if k in ("occupation", "filehost")] or list(kinds)
        kind = rng.choice(list(kinds) if private else public)
        msgrs = self.pop.messengers(p)
        messenger = LABEL[msgrs[0][0]] if msgrs else "e-mail"
        city = rng.choice(COUNTRIES[int(self.pop.country[p])].cities)
        text, url = phrase(rng, kind, lang, messenger=messenger, city=city)
        head, _, tail = text.partition("{url}")
        body.append(" " + head)
        if url:
            body.append(Link(url))
            body.append(tail)
        plants.append(Plant("risk", kind, a, phrase=text.replace("{url}", url)))

    def post(self, post_id: int, a: int, cat: str, lang: str, flags: int,
             quote: tuple[int, int, int] | None = None, u: list[float] | None = None,
             qu: list[float] | None = None) -> tuple[Body, list[Plant]]:
        """Body of post ``post_id`` by account ``a``; ``quote`` = (post_id, account, flags) quoted.

        ``u``/``qu``: the uniform blocks of this post and of the quoted one when the caller has them
        (computed per slice with :func:`uniform_block`); otherwise they are computed here.
        """
        rng = Draws(u if u is not None else uniform_row(self.post_stream, post_id))
        fp = self._fp(a, lang)
        body: Body = []
        plants: list[Plant] = []
        if quote is not None:
            q_body, q_plants = self.post(quote[0], quote[1], cat, lang, quote[2], None, qu)
            body.append(Quote(self.acc.username[quote[1]], quote[1], quote[0], tuple(q_body)))
            plants.extend(p.in_quote() for p in q_plants)
        if rng.random() < fp.greet_rate:
            body.append(fp.greeting + ("\n" if fp.separator != " " else " "))
        self._text(rng, fp, lang, cat, body, sentence_count(rng, fp))
        if flags & F_SELECTOR:
            self._disclose(rng, a, lang, body, plants)
        if flags & F_RISK:
            self._risk(rng, a, lang, body, plants, private=False)
        if flags & F_HOSTILE:
            body.append(f" {HOSTILE[0]} {HOSTILE[1 + post_id % (len(HOSTILE) - 1)]}")
        if rng.random() < 0.04:
            body.append(" ")
            body.append(Bold(fp.sentence(self.pools.sentence(rng, lang, cat))))
        if rng.random() < fp.greet_rate:
            body.append("\n" + fp.signoff)
        return body, plants

    def subject(self, topic_id: int, a: int, cat: str, lang: str) -> str:
        s = self.pools.subject(Draws(uniform_row(self._subject, topic_id, 2)), lang, cat)
        return s.lower() if self._fp(a, lang).case == 1 else s

    def pm(self, msg_id: int, a: int, lang: str, flags: int) -> tuple[Body, list[Plant]]:
        """Body and plants of private message ``msg_id`` from account ``a``."""
        rng = fast_rng(self._pm, msg_id)
        fp = self._fp(a, lang)
        p = int(self.acc.person[a])
        cat = CATEGORIES[int(self.pop.interests[p][int(rng.random() * 3)])]
        body: Body = []
        plants: list[Plant] = []
        if rng.random() < 0.5:
            body.append(fp.greeting + "\n")
        if lang == "en" and rng.random() < 0.5:
            body.append(fp.sentence(rng.choice(PM_OPENERS).replace("{cat}", cat)) + " ")
        self._text(rng, fp, lang, cat, body, max(1, sentence_count(rng, fp) - 1))
        if flags & F_SELECTOR:
            self._disclose(rng, a, lang, body, plants)
        if flags & F_RISK:
            self._risk(rng, a, lang, body, plants, private=True)
        if rng.random() < 0.6:
            body.append("\n" + fp.signoff)
        return body, plants

    def profile(self, a: int) -> Profile:
        rng = fast_rng(self._profile, a)
        p = int(self.acc.person[a])
        pop, prof = self.pop, Profile()
        c = COUNTRIES[int(pop.country[p])]
        separate = bool(self.acc.flags[a] & SEPARATE)
        lang = pop.text_lang(p)
        r = rng.random()
        if r < 0.25:
            prof.location, prof.location_truth = rng.choice(c.cities), "true"
        elif r < 0.35:
            prof.location, prof.location_truth = f"{rng.choice(c.cities)}, {c.name}", "true"
        elif r < 0.42:
            prof.location, prof.location_truth = rng.choice(VAGUE_PLACES), "vague"
        elif r < 0.45:
            other = COUNTRIES[(int(pop.country[p]) + 1 + rng.randrange(len(COUNTRIES) - 1)) % len(COUNTRIES)]
            prof.location, prof.location_truth = rng.choice(other.cities), "false"
        if "occupation" in pop.risk_kinds[p] and rng.random() < 0.6:
            prof.occupation = rng.choice(OCCUPATIONS.get(lang, OCCUPATIONS["en"]))
            prof.plants.append(("occupation", Plant("risk", "occupation", a, phrase=prof.occupation)))
        elif rng.random() < 0.2:
            prof.occupation = rng.choice(JOBS)
        if rng.random() < 0.3:
            prof.interests = ", ".join(CATEGORIES[int(i)] for i in pop.interests[p][: rng.randrange(1, 4)])
        if rng.random() < 0.04:
            prof.website = f"https://{self.acc.username[a].lower().replace(' ', '')[:20]}.example.net/"
        # Habits of the person, the same on every account they do not keep apart: which contact fields
        # they fill in and their signature.
        habit = rng if separate else fast_rng(self._profile ^ 0x4AB17, p)
        if not separate:
            if pop.handles["icq"][p] and habit.random() < 0.7:
                prof.icq = pop.handles["icq"][p]
                prof.plants.append(("icq", Plant("icq", prof.icq, a)))
            if pop.handles["jabber"][p] and habit.random() < 0.6:
                prof.jabber = pop.handles["jabber"][p]
                prof.plants.append(("jabber", Plant("jabber", prof.jabber, a)))
            msn = [e for e in pop.shared_emails(p) if e.partition("@")[2].startswith(MSN_DOMAINS)]
            if msn and habit.random() < 0.7:
                prof.msn = msn[0]
                prof.plants.append(("msn", Plant("email", prof.msn, a, variant="msn-field")))
        several = self.acc.by_person.count(p) > 1  # people running several accounts reuse signatures
        if habit.random() < (0.4 if several else 0.2):
            self._signature(habit, a, prof)
        return prof

    def _signature(self, rng: random.Random, a: int, prof: Profile) -> None:
        sig: list[Segment] = [Bold(rng.choice(SIG_LINES))] if rng.random() < 0.3 else [rng.choice(SIG_LINES)]
        plants: list[Plant] = []
        if rng.random() < 0.6:
            options = [d for d in self.disclosable(a) if d[0] != "email"] or [("email", self.disclosable(a)[0][1])]
            kind, value = options[int(rng.random() * len(options))]
            variant, text = written(kind, value, rng, False)
            label = LABEL[kind]
            sig.append(f"\n{label[:1].upper()}{label[1:]}: ")
            sig.append(Mail(text) if kind == "email" else text)
            plants.append(Plant(kind, value, a, "plain", variant))
        prof.signature = list(sig)
        prof.plants.extend(("signature", pl) for pl in plants)
