"""The 4x4 evaluation of every fact in a package (Europol Regulation Art. 29; standards.md).

Source reliability: A (no doubt), B (mostly reliable), C (mostly unreliable), X (cannot be assessed).
Information accuracy: 1 (not in doubt), 2 (known personally to the source), 3 (corroborated by
information already recorded), 4 (cannot be corroborated).

How a package derives each grade: one rule per kind of fact (``GRADE_RULES``, printed in every package's
annex and in docs/package.md), so that the same fact always gets the same grade and a reader can check why.
A record the seized server wrote itself is A1; what it logged (IP addresses) A2; the registration e-mail B3/B4;
whatever a member wrote or claimed X3/X4 (3 when corroborated); inferences (attribution, links) B3/B4; the risk
tier, an advisory assessment, B4.
"""

from __future__ import annotations

RECORD = "A1"
SERVER_LOG = "A2"
COMPUTED = "A2"
ANALYST = "B2"
INFERENCE_STRONG = "B3"
INFERENCE_WEAK = "B4"
ASSESSMENT = "B4"
XREF = "B3"

RELIABILITY = {
    "A": "no doubt as to authenticity, trustworthiness and competence",
    "B": "has in most instances proved to be reliable",
    "C": "has in most instances proved to be unreliable",
    "X": "reliability cannot be assessed",
}
ACCURACY = {
    "1": "accuracy not in doubt",
    "2": "known personally to the source but not to the official passing it on",
    "3": "not known personally to the source but corroborated by information already recorded",
    "4": "not known personally to the source and cannot be corroborated",
}

GRADE_RULES: list[tuple[str, str, str]] = [
    ("record written by the seized server (account, times, posts, messages, who messaged whom)", "A1",
     "read directly from the hash-registered seizure"),
    ("connection logged by the server (IP address and time)", "A2",
     "the server knew it; the official cannot check it personally"),
    ("registration e-mail address", "B3/B4", "held by the server, typed by the member; 3 when corroborated"),
    ("member's own claim (birth date, location, selector written in text, profile field)", "X3/X4",
     "the member cannot be assessed; 3 when corroborated by another account or sighting"),
    ("country evidence item", "as graded by analyse", "docs/analyse.md"),
    ("country attribution", "B3/B4", "inference: B3 with strong evidence of two kinds or more"),
    ("same-person link", "B2/B3/B4", "analyst decision B2; selector or address B3; attributes or style B4"),
    ("risk indicator from the member's text", "X3/X4", "a claim about himself; 3 with two items or more"),
    ("risk indicator from records", "A2", "computed from server records"),
    ("risk tier", "B4", "advisory assessment supporting a human decision"),
    ("cross-investigation hit", "B3", "another investigation's record, corroborated by the equal value"),
    ("media hit", "A2/B3", "a file matched by SHA-256 / a near-duplicate by perceptual hash (PDQ)"),
]


def claim(corroborated: bool) -> str:
    return "X3" if corroborated else "X4"


def registration_email(corroborated: bool) -> str:
    return "B3" if corroborated else "B4"


def selector_grade(origin: str, field: str, corroborated: bool) -> str:
    """A selector sighting: the registration e-mail is held by the server (B), anything else the member wrote
    or chose (X); an IP address from the server's log is A2."""
    if origin == "accounts" and field == "email":
        return registration_email(corroborated)
    return claim(corroborated)


def attribution_grade(strong_types: int) -> str:
    return INFERENCE_STRONG if strong_types >= 2 else INFERENCE_WEAK


def link_grade(method: str) -> str:
    if method == "decision":
        return ANALYST
    if method in ("selector", "ip"):
        return INFERENCE_STRONG
    return INFERENCE_WEAK


def indicator_grade(indicator_class: str, items: int) -> str:
    if indicator_class == "behaviour":
        return "X3" if items >= 2 else "X4"
    return COMPUTED


def media_grade(bucket: str | None, distance: int | None) -> str:
    """A file the person uploaded, matched by its SHA-256 (A2: the hash set's owner knows the file); a
    near-duplicate by perceptual hash (PDQ distance > 0) is corroborated, not certain (B3)."""
    if (bucket or "").startswith("near") or (distance or 0) > 0:
        return "B3"
    return "A2"


def is_grade(value: str) -> bool:
    return len(value) == 2 and value[0] in RELIABILITY and value[1] in ACCURACY
