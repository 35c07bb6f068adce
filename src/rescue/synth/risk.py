"""Planted risk indicators: clinical, non-explicit phrases (data and choice).

Indicator kinds: ``occupation`` (a job or role with access to children), ``private_channel``
(moving the contact to e-mail or a messenger), ``meeting`` (an offer to meet in person) and
``filehost`` (sharing through an outside file host). Tiers: 0 none, 1 low, 2 medium, 3 high.
"""

from __future__ import annotations

import random

from rescue.synth.common import Rand

INDICATORS = ("occupation", "private_channel", "meeting", "filehost")
TIER_NAMES = ("none", "low", "medium", "high")

# Share of persons per tier (high ~4 %) and the indicator kinds each tier gets.
TIER_SHARES = (0.80, 0.10, 0.06, 0.04)

# File hosts are documentation-safe names (RFC 2606 ``.example``).
FILEHOSTS = ("dropfiles.example", "sharebox.example.net", "upfile.example.org", "mirrorzone.example.com",
             "filelocker.example")

OCCUPATIONS: dict[str, tuple[str, ...]] = {
    "en": ("Primary school teacher", "Youth football coach (U12)", "Children's swimming instructor",
           "Daycare worker", "Scout leader", "Youth club volunteer", "School bus driver"),
    "de": ("Grundschullehrer", "Jugendtrainer (U12)", "Erzieher in einer Kita", "Schwimmlehrer für Kinder"),
    "fr": ("Professeur des écoles", "Animateur de centre de loisirs", "Entraîneur des moins de 12 ans"),
    "es": ("Maestro de primaria", "Entrenador de alevines", "Monitor de campamento infantil"),
    "nl": ("Basisschoolleraar", "Jeugdtrainer (O12)", "Pedagogisch medewerker kinderopvang"),
    "pl": ("Nauczyciel w szkole podstawowej", "Trener drużyny młodzików", "Opiekun na koloniach"),
    "it": ("Maestro elementare", "Allenatore dei pulcini", "Animatore al centro estivo"),
    "pt": ("Professor do primeiro ciclo", "Treinador de futebol infantil", "Monitor de campo de férias"),
}

PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "occupation": ("I work as a primary school teacher.", "I coach the under-12 football team on Saturdays.",
                       "I volunteer at the youth club twice a week.", "I am a swimming instructor for children.",
                       "I work at a daycare centre.", "I am a scout leader in my town."),
        "private_channel": ("Let's continue by e-mail.", "Better to talk on {messenger}, not here.",
                            "Send me a message on {messenger}, it is more private.",
                            "This forum is not the place, let's move to e-mail."),
        "meeting": ("We could meet in person when I'm in town.", "I'll be in {city} next month, we could meet up.",
                    "Maybe we can meet for a coffee when I visit {city}."),
        "filehost": ("I uploaded the files to {url}", "The folder is on {url}, ask me for the password.",
                     "Re-uploaded to {url} since the old link died."),
    },
    "de": {
        "occupation": ("Ich arbeite als Grundschullehrer.", "Ich trainiere samstags die U12."),
        "private_channel": ("Lass uns per Mail weiterschreiben.", "Besser über {messenger}, nicht hier."),
        "meeting": ("Wir könnten uns treffen, wenn ich in der Stadt bin.",
                    "Ich bin nächsten Monat in {city}, wir könnten uns treffen."),
        "filehost": ("Ich habe die Dateien auf {url} hochgeladen.", "Der Ordner liegt auf {url}."),
    },
    "fr": {
        "occupation": ("Je suis professeur des écoles.", "J'entraîne les moins de 12 ans le samedi."),
        "private_channel": ("Continuons par e-mail.", "Mieux vaut parler sur {messenger}, pas ici."),
        "meeting": ("On pourrait se voir quand je passe en ville.",
                    "Je serai à {city} le mois prochain, on pourrait se voir."),
        "filehost": ("J'ai mis les fichiers sur {url}", "Le dossier est sur {url}."),
    },
    "es": {
        "occupation": ("Trabajo como maestro de primaria.", "Entreno a los alevines los sábados."),
        "private_channel": ("Sigamos por correo.", "Mejor hablamos por {messenger}, no aquí."),
        "meeting": ("Podríamos quedar en persona cuando esté en la ciudad.",
                    "El mes que viene estaré en {city}, podríamos quedar."),
        "filehost": ("Subí los archivos a {url}", "La carpeta está en {url}."),
    },
    "nl": {
        "occupation": ("Ik werk als basisschoolleraar.", "Ik train op zaterdag de O12."),
        "private_channel": ("Laten we per mail verder praten.", "Beter via {messenger}, niet hier."),
        "meeting": ("We kunnen afspreken als ik in de stad ben.",
                    "Volgende maand ben ik in {city}, dan kunnen we afspreken."),
        "filehost": ("Ik heb de bestanden op {url} gezet.", "De map staat op {url}."),
    },
    "pl": {
        "occupation": ("Pracuję jako nauczyciel w podstawówce.", "W soboty trenuję drużynę młodzików."),
        "private_channel": ("Piszmy dalej mailowo.", "Lepiej pogadajmy na {messenger}, nie tutaj."),
        "meeting": ("Moglibyśmy się spotkać, jak będę w mieście.",
                    "W przyszłym miesiącu będę w {city}, możemy się spotkać."),
        "filehost": ("Wrzuciłem pliki na {url}", "Folder jest na {url}."),
    },
    "it": {
        "occupation": ("Lavoro come maestro elementare.", "Il sabato alleno i pulcini."),
        "private_channel": ("Continuiamo per e-mail.", "Meglio sentirci su {messenger}, non qui."),
        "meeting": ("Potremmo vederci di persona quando sono in città.",
                    "Il mese prossimo sarò a {city}, potremmo vederci."),
        "filehost": ("Ho caricato i file su {url}", "La cartella è su {url}."),
    },
    "pt": {
        "occupation": ("Trabalho como professor do primeiro ciclo.", "Treino a equipa infantil aos sábados."),
        "private_channel": ("Vamos continuar por e-mail.", "Melhor falar pelo {messenger}, não aqui."),
        "meeting": ("Podíamos encontrar-nos quando eu estiver na cidade.",
                    "No próximo mês estou em {city}, podíamos encontrar-nos."),
        "filehost": ("Carreguei os ficheiros em {url}", "A pasta está em {url}."),
    },
}

HOSTILE = ('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' OR '1'='1' -- ",
           '<svg/onload=alert(document.domain)>', "{{7*7}} ${7*7} <b>bold?</b> & &amp; done")


def indicators_for_tier(rng: random.Random, tier: int) -> tuple[str, ...]:
    """Which indicator kinds a person of ``tier`` shows (high tier: three or four)."""
    if tier <= 0:
        return ()
    if tier == 1:
        return (rng.choice(("private_channel", "filehost")),)
    if tier == 2:
        return tuple(sorted(rng.sample(INDICATORS, 2)))
    return tuple(sorted(rng.sample(INDICATORS, rng.choice((3, 4)))))


def filehost_url(rng: Rand) -> str:
    token = "".join(rng.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(8))
    return f"https://{rng.choice(FILEHOSTS)}/f/{token}"


def phrase(rng: Rand, kind: str, lang: str, *, messenger: str, city: str) -> tuple[str, str]:
    """(text, url or '') of an indicator phrase in ``lang`` (English when not available).

    A file-host phrase keeps a ``{url}`` placeholder where the link goes; the caller turns it
    into a link segment so each forum writer can render it its own way.
    """
    table = PHRASES.get(lang, PHRASES["en"])
    text = rng.choice(table[kind])
    url = filehost_url(rng) if "{url}" in text else ""
    return text.replace("{messenger}", messenger).replace("{city}", city), url
