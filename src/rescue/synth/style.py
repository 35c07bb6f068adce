"""Writing fingerprints: per-person habits that survive across that person's accounts.

A fingerprint is a row of small integers (``STYLE_WIDTH`` bytes, stored in a numpy matrix so a
world of millions stays small): preferred function-word variants, recurring misspellings,
punctuation and case habits, emoticons, greetings and sign-offs, sentence count and line
breaks. :func:`fingerprint` turns a row into the replacement rules applied to every sentence.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rescue.synth.common import Rand

# Function-word slots: (canonical, variants...); a person keeps one variant per slot.
FUNCTION_WORDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (("I think", "imo", "IMHO", "I reckon", "I guess", "in my opinion"),
           ("really", "rly", "truly", "totally"), ("going to", "gonna"), ("want to", "wanna"),
           (" you ", " u ", " ya "), ("Thanks", "Thx", "Cheers", "Ta", "Thank you"),
           ("Okay", "OK", "Ok", "Alright"), ("Maybe", "Perhaps", "Possibly"),
           ("Anyway", "Anyways", "Anyhow"), ("Also,", "Plus,", "Btw,"), ("Honestly", "Tbh", "To be fair"),
           ("I have", "I've", "Ive"), ("I am", "I'm", "Im"), ("do not", "don't", "dont"),
           ("can not", "can't", "cannot", "cant"), ("is not", "isn't", "isnt"), ("it is", "it's", "its")),
    "de": (("nicht", "net", "nich"), ("vielleicht", "vllt", "evtl."), ("gerade", "grad"), ("ich", "i"),
           ("Danke", "Thx", "Merci", "Danke dir")),
    "fr": (("beaucoup", "bcp"), ("pourquoi", "pq"), ("quelque", "qq"), ("je suis", "chuis"),
           ("Merci", "Mci", "Merci bien")),
    "es": (("porque", "xq", "pq"), ("también", "tb", "tmb"), ("que ", "q "), ("Gracias", "Grax", "Thx")),
    "nl": (("niet", "nie"), ("misschien", "mss"), ("ook", "oók"), ("Bedankt", "Thx", "Dank je")),
    "pl": (("nie wiem", "nwm"), ("chyba", "chyba że"), ("Dzięki", "Dzieki", "Thx")),
    "it": (("che ", "ke "), ("perché", "xké", "perchè"), ("comunque", "cmq"), ("Grazie", "Grz", "Thx")),
    "pt": (("você", "vc"), ("também", "tb", "tbm"), ("não", "n"), ("Obrigado", "Obg", "Valeu")),
}

MISSPELLINGS: tuple[tuple[str, str], ...] = (
    ("definitely", "definately"), ("really", "realy"), ("because", "becuase"), ("the ", "teh "),
    ("probably", "propably"), ("though", "tho"), ("a lot", "alot"), ("interesting", "intresting"),
    ("believe", "beleive"), ("until", "untill"), ("tomorrow", "tommorow"), ("weird", "wierd"),
    ("would have", "would of"), ("separate", "seperate"), ("their", "thier"), ("Welcome", "Wellcome"),
    ("recommend", "reccomend"), ("opinion", "opinon"), ("Sorry", "Sry"), ("course", "coarse"),
)

EMOTICON_SETS: tuple[tuple[str, ...], ...] = (
    (":)",), (":-)", ";-)"), (":D", "xD"), ("^^",), (":P", ":)"), ("\U0001F600",), ("lol",),
    ("haha",), ("=)",), ("\U0001F44D", "\U0001F642"), (";)",), (":-D",), ("\U0001F602",), (":o", ":)"),
)
# phpBB 3.0 default smilies: code -> (image, title)
PHPBB_SMILIES: dict[str, tuple[str, str]] = {
    ":)": ("icon_e_smile.gif", "Smile"), ":-)": ("icon_e_smile.gif", "Smile"),
    ";)": ("icon_e_wink.gif", "Wink"), ";-)": ("icon_e_wink.gif", "Wink"),
    ":D": ("icon_e_biggrin.gif", "Very Happy"), ":-D": ("icon_e_biggrin.gif", "Very Happy"),
    ":P": ("icon_razz.gif", "Razz"), ":o": ("icon_e_surprised.gif", "Surprised"),
    ":(": ("icon_e_sad.gif", "Sad"),
}

GREETINGS: dict[str, tuple[str, ...]] = {
    "en": ("Hi all,", "Hey guys,", "Hello,", "Hi everyone!", "Morning all,", "Hey,"),
    "de": ("Hallo zusammen,", "Moin,", "Servus,", "Hi Leute,"), "fr": ("Salut à tous,", "Bonjour,", "Coucou,"),
    "es": ("Hola a todos,", "Buenas,"), "nl": ("Hoi allemaal,", "Hallo,"), "pl": ("Cześć,", "Witam,"),
    "it": ("Ciao a tutti,", "Salve,"), "pt": ("Olá pessoal,", "Oi gente,"), "sv": ("Hej alla,",),
    "da": ("Hej,",), "nb": ("Hei,",), "fi": ("Moi,",), "cs": ("Ahoj,",), "sk": ("Ahoj,",),
    "hu": ("Sziasztok,",), "ro": ("Salut,",), "el": ("Γεια σας,",), "ru": ("Привет всем,",),
    "uk": ("Привіт,",), "tr": ("Merhaba,",), "ja": ("こんにちは。",), "hr": ("Bok,",), "bg": ("Здравейте,",),
    "sl": ("Živjo,",), "et": ("Tere,",), "lt": ("Labas,",), "lv": ("Sveiki,",),
}
SIGNOFFS: dict[str, tuple[str, ...]] = {
    "en": ("Cheers", "Thanks", "Regards", "Best", "Take care"), "de": ("LG", "Gruß", "mfg", "VG"),
    "fr": ("A+", "Bisous", "Cordialement"), "es": ("Saludos", "Un saludo"), "nl": ("Groetjes", "Gr."),
    "pl": ("Pozdrawiam", "Pozdro"), "it": ("Saluti", "Ciao"), "pt": ("Abraços", "Abs"), "sv": ("mvh",),
    "da": ("Hilsen",), "nb": ("Hilsen",), "fi": ("Terv.",), "cs": ("Díky",), "sk": ("Vďaka",),
    "hu": ("Üdv",), "ro": ("Mersi",), "el": ("Ευχαριστώ",), "ru": ("Спасибо",), "uk": ("Дякую",),
    "tr": ("Sağol",), "ja": ("よろしく",), "hr": ("Pozdrav",), "bg": ("Поздрави",), "sl": ("Lp",),
    "et": ("Aitäh",), "lt": ("Ačiū",), "lv": ("Paldies",),
}

N_FW = 17  # function-word slot bytes (max over languages)
STYLE_WIDTH = 3 + N_FW + 9


@dataclass(frozen=True, slots=True)
class Fingerprint:
    replacements: tuple[tuple[str, str], ...]
    punct: int
    case: int
    emoticons: tuple[str, ...]
    emo_rate: float
    greeting: str
    signoff: str
    greet_rate: float
    sentences: float
    separator: str

    def sentence(self, s: str) -> str:
        for old, new in self.replacements:
            if old in s:
                s = s.replace(old, new)
        c = self.case
        if c == 1:
            s = s.lower()
        elif c == 2 and "I " in s:
            s = s.replace("I ", "i ")
        elif c == 3 and s[:1].isupper():
            s = s[0].lower() + s[1:]
        p = self.punct
        if p == 0 or not s:
            return s
        if p == 1 and s.endswith("."):
            return s[:-1] + "..."
        if p == 2 and s.endswith("."):
            return s[:-1] + "!"
        if p == 3 and s[-1] in ".!":
            return s[:-1]
        if p == 5:
            return s.replace("?", " ?").replace("!", " !")
        if p == 6:
            return s.replace("?", "??").replace("!", "!!")
        return s

    def join(self, sentences: list[str]) -> str:
        sep = self.separator
        if self.punct == 4:
            sep = "  " if sep == " " else sep
        if self.punct == 7 and len(sentences) > 1:
            first = sentences[0][:-1] if sentences[0].endswith(".") else sentences[0]
            sentences = [first + ", " + sentences[1][:1].lower() + sentences[1][1:], *sentences[2:]]
        return sep.join(sentences)


def random_styles(rng: np.random.Generator, n: int) -> npt.NDArray[np.uint8]:
    """``n`` random fingerprint rows."""
    m = rng.integers(0, 256, size=(n, STYLE_WIDTH), dtype=np.uint8)
    # Most people keep the canonical function word: variant 0 two times out of three.
    fw = m[:, 3:3 + N_FW]
    fw[rng.random(fw.shape) < 0.6] = 0
    return m


@functools.lru_cache(maxsize=65536)
def fingerprint(row: bytes, lang: str, native: str) -> Fingerprint:
    """The rules of a fingerprint row for text in ``lang`` written by a ``native`` speaker."""
    reps: list[tuple[str, str]] = []
    for k, slot in enumerate(FUNCTION_WORDS.get(lang, ())):
        choice = row[3 + k] % len(slot)
        if choice:
            reps.append((slot[0], slot[choice]))
            if slot[0][:1].isupper():
                reps.append((slot[0].lower(), slot[choice].lower()))
    if lang == "en":
        for b in row[0:3]:
            if b < 3 * len(MISSPELLINGS):
                reps.append(MISSPELLINGS[b % len(MISSPELLINGS)])
    tail = row[3 + N_FW:]
    greet_lang = native if (tail[6] % 4 == 0 and native in GREETINGS) else lang
    greetings = GREETINGS.get(greet_lang, GREETINGS["en"])
    signoffs = SIGNOFFS.get(greet_lang, SIGNOFFS["en"])
    return Fingerprint(
        replacements=tuple(reps),
        punct=tail[0] % 8 if tail[0] < 160 else 0,
        case=tail[1] % 4 if tail[1] < 110 else 0,
        emoticons=EMOTICON_SETS[tail[2] % len(EMOTICON_SETS)],
        emo_rate=(0.0, 0.08, 0.25, 0.5)[tail[3] % 4],
        greeting=greetings[tail[4] % len(greetings)],
        signoff=signoffs[tail[5] % len(signoffs)],
        greet_rate=(0.05, 0.25, 0.6)[tail[7] % 3],
        sentences=1.2 + (tail[8] % 5) * 0.7,
        separator=(" ", " ", "\n", "\n\n")[(tail[8] >> 4) % 4],
    )


def sentence_count(rng: Rand, fp: Fingerprint) -> int:
    return max(1, min(9, round(rng.gauss(fp.sentences, 0.9))))
