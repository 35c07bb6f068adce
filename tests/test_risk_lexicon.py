"""Risk lexicons: term syntax, multilingual phrases, negation, reported speech, quotation, prefilter.

All phrases are clinical and non-explicit (see DESIGN.md, content rules).
"""

from __future__ import annotations

import functools

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rescue.risk.config import load
from rescue.risk.lexicon import LexiconError, compile_term, fold
from rescue.risk.matcher import Matcher, Tokens, clean

PH = {"channel": ["e-mail", "telegram", "mail"]}


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load())


def found(m: Matcher, text: str, profile: str | None = None) -> set[tuple[str, str]]:
    return {(h.indicator, h.language) for h in m.scan(text, profile)}


def kinds(m: Matcher, text: str) -> set[str]:
    return {h.indicator for h in m.scan(text)}


POSITIVE = [
    # (text, indicator, language)
    ("I work as a primary school teacher.", "access_to_children", "en"),
    ("I coach the under-12 football team on Saturdays.", "access_to_children", "en"),
    ("I volunteer at the scout group twice a week.", "access_to_children", "en"),
    ("I babysit for the neighbours on weekends.", "access_to_children", "en"),
    ("Ich arbeite als Grundschullehrerin.", "access_to_children", "de"),
    ("Ich trainiere samstags die U12.", "access_to_children", "de"),
    ("Je suis professeur des écoles.", "access_to_children", "fr"),
    ("Je suis professeur des ecoles.", "access_to_children", "fr"),  # written without accents
    ("Trabajo como maestro de primaria.", "access_to_children", "es"),
    ("Ik werk als basisschoolleraar.", "access_to_children", "nl"),
    ("Pracuję jako nauczyciel w podstawówce.", "access_to_children", "pl"),
    ("Pracuje jako nauczyciel w podstawowce.", "access_to_children", "pl"),
    ("Lavoro come maestro elementare.", "access_to_children", "it"),
    ("Treino a equipa infantil aos sábados.", "access_to_children", "pt"),
    ("Let's continue by e-mail.", "private_channel", "en"),
    ("Better to talk on Telegram, not here.", "private_channel", "en"),
    ("Lass uns per Mail weiterschreiben.", "private_channel", "de"),
    ("Continuons par e-mail.", "private_channel", "fr"),
    ("Mejor hablamos por Kik, no aquí.", "private_channel", "es"),
    ("Laten we per mail verder praten.", "private_channel", "nl"),
    ("Piszmy dalej mailowo.", "private_channel", "pl"),
    ("Meglio sentirci su Skype, non qui.", "private_channel", "it"),
    ("Vamos continuar por e-mail.", "private_channel", "pt"),
    ("We could meet in person when I'm in town.", "meeting", "en"),
    ("Ich bin nächsten Monat in Berlin, wir könnten uns treffen.", "meeting", "de"),
    ("On pourrait se voir quand je passe en ville.", "meeting", "fr"),
    ("El mes que viene estaré en Madrid, podríamos quedar.", "meeting", "es"),
    ("We kunnen afspreken als ik in de stad ben.", "meeting", "nl"),
    ("Moglibyśmy się spotkać, jak będę w mieście.", "meeting", "pl"),
    ("Potremmo vederci di persona quando sono in città.", "meeting", "it"),
    ("Podíamos encontrar-nos quando eu estiver na cidade.", "meeting", "pt"),
    ("I uploaded the files to https://files.example/f/abc", "filehost", "en"),
    ("Ich habe die Dateien auf https://files.example/f/abc hochgeladen.", "filehost", "de"),
    ("Le dossier est sur https://files.example/f/abc.", "filehost", "fr"),
    ("La carpeta está en https://files.example/f/abc.", "filehost", "es"),
    ("De map staat op https://files.example/f/abc.", "filehost", "nl"),
    ("Wrzuciłem pliki na https://files.example/f/abc", "filehost", "pl"),
    ("Ho caricato i file su https://files.example/f/abc", "filehost", "it"),
    ("Carreguei os ficheiros em https://files.example/f/abc", "filehost", "pt"),
]


@pytest.mark.parametrize(("text", "indicator", "language"), POSITIVE)
def test_phrases_in_eight_languages(matcher: Matcher, text: str, indicator: str, language: str) -> None:
    assert (indicator, language) in found(matcher, text)


@pytest.mark.parametrize("text", [
    "I am not a teacher.", "I have never worked with children.", "I don't work as a teacher anymore",
    "Ich bin kein Lehrer.", "Nie jestem nauczycielem.", "Je ne suis pas professeur des écoles.",
    "No trabajo como maestro.", "Let's not continue by e-mail.",
])
def test_negation_cancels(matcher: Matcher, text: str) -> None:
    assert not kinds(matcher, text)


@pytest.mark.parametrize("text", [
    "The teacher was late.", "My guitar teacher is great.", "Er sagt, er sei Lehrer.", "Nice to meet you!",
    "I went to the stadium with my brother on Sunday.", "Good to see young players getting a chance.",
    "The folder on my desktop is a mess.",  # sharing words without a link
    "Meeting", "We spent a week in Lisbon in May.", "Il mio vecchio maestro era severo.",
])
def test_neutral_text_is_no_indicator(matcher: Matcher, text: str) -> None:
    assert not kinds(matcher, text)


def test_reported_speech_is_weaker(matcher: Matcher) -> None:
    own, = matcher.scan("I'm a teacher at the primary school.")
    told, = matcher.scan('He said "I\'m a teacher at the primary school" but who knows.')
    assert not own.reported and told.reported and told.weight == pytest.approx(own.weight * 0.5)
    third, = matcher.scan("My neighbour says I should apply, she is a teacher and I am a driver.")
    assert third.reported


def test_profile_field_needs_no_first_person(matcher: Matcher) -> None:
    assert not kinds(matcher, "Primary school teacher")  # free text: who is the teacher?
    assert found(matcher, "Primary school teacher", "occupation") == {("access_to_children", "en")}
    assert ("access_to_children", "de") in found(matcher, "Jugendtrainer", "occupation")
    assert not kinds(matcher, "Electrician")


def test_contact_offer_is_weaker_than_moving_away(matcher: Matcher) -> None:
    offer, = matcher.scan("add me on Telegram: t.me/someone")
    move, = matcher.scan("Better to talk on Telegram, not here.")
    assert offer.group == "contact_offer" and move.group == "move" and offer.weight < move.weight


def test_suffix_stemming_and_compounds() -> None:
    term = compile_term("teacher", 3, PH)
    assert next(term.ends(["teachers"], 0), None) == 1
    assert next(term.ends(["teacherlike1"], 0), None) is None  # more than three letters added
    compound = compile_term("*lehrer", 3, PH)
    assert next(compound.ends(["grundschullehrerin"], 0), None) == 1
    hyphen = compile_term("(continue|talk) ... (by|on) {channel}", 3, PH)
    words = Tokens(fold("let's continue this by E-Mail")).words
    assert next(hyphen.ends(words, words.index("continue")), None) == len(words)
    assert next(hyphen.ends(["continue", "by", "email"], 0), None) == 3


@pytest.mark.parametrize("bad", ["", "(a|b", "a)", "... teacher", "teacher ...", "{nope} x", "te(ach)er", "(a|b)?",
                                 "re:(unclosed"])
def test_bad_terms_are_refused(bad: str) -> None:
    with pytest.raises(LexiconError):
        compile_term(bad, 3, PH)


def test_fold_keeps_offsets() -> None:
    for text in ["Młodzików Straße École “quoted” ﬁle", "İstanbul ǅ ﬀ"]:
        assert len(fold(text)) == len(text)
    assert fold("Młodzików Straße") == "mlodzikow strase"


def test_snippet_is_short_escaped_plain_text() -> None:
    assert clean('<script>alert(1)</script>\u202e x\n\ty', 200) == "&lt;script&gt;alert(1)&lt;/script&gt; x y"
    assert len(clean("word " * 100, 50)) <= 50


WORDS = ["I", "am", "a", "teacher", "primary", "school", "not", "never", "we", "could", "meet", "in", "person",
         "let's", "continue", "by", "e-mail", "Telegram", "the", "files", "uploaded", "to", "https://x.example/f/1",
         "folder", "Lehrer", "ich", "bin", "kein", "nauczyciel", "jestem", "écoles", "professeur", "des", "je", "suis",
         "said", '"', ",", ".", "my", "daughter", "Grundschullehrer", "youth", "club", "volunteer", "at", "coach"]


@functools.cache
def _shared() -> tuple[Matcher, duckdb.DuckDBPyConnection]:
    return Matcher(load()), duckdb.connect()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14))
def test_prefilter_never_drops_a_text_with_a_hit(words: list[str]) -> None:
    """DuckDB's prefilter (RE2 on the raw text) must select every text in which the matcher finds a hit."""
    m, duck = _shared()
    text = " ".join(words)
    if m.scan(text):
        got = duck.execute("SELECT " + m.prefilter_sql("$t"), {"t": text, **m.prefilter_params()}).fetchall()
        assert got[0][0], text
