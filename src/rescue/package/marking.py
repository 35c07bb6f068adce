"""Handling codes (Europol, SIENA) and Traffic Light Protocol 2.0 markings of a package."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rescue.errors import UsageError

HANDLING = {
    "H0": "may only be used for preventing and combating crime, in line with the law",
    "H1": "not to be disclosed in judicial proceedings without the provider's permission",
    "H2": "not to be disseminated without the provider's permission",
    "H3": "other restrictions and comments",
}
TLP = {
    "TLP:RED": "individual recipients only, no further disclosure",
    "TLP:AMBER+STRICT": "the recipient's organisation only",
    "TLP:AMBER": "need-to-know within the recipient's organisation and its clients",
    "TLP:GREEN": "within the recipient's community, not via public channels",
    "TLP:CLEAR": "no limit",
}
DEFAULT_TLP = "TLP:AMBER+STRICT"


@dataclass(frozen=True)
class Marking:
    handling_code: str
    tlp: str
    conditions: str = ""

    def __post_init__(self) -> None:
        if self.handling_code not in HANDLING:
            raise UsageError(f"handling code {self.handling_code!r} is not one of {', '.join(HANDLING)}")
        if self.tlp not in TLP:
            raise UsageError(f"TLP marking {self.tlp!r} is not one of {', '.join(TLP)}")
        if self.handling_code == "H3" and not self.conditions.strip():
            raise UsageError("handling code H3 needs its restrictions in words (--conditions)")

    @property
    def banner(self) -> str:
        """The line printed on every page: TLP, handling code, what it means."""
        text = f"{self.tlp} | {self.handling_code}: {HANDLING[self.handling_code]}"
        if self.conditions:
            text += f" ({self.conditions})"
        return text

    def to_json(self) -> dict[str, Any]:
        return {"handling_code": self.handling_code, "handling_text": HANDLING[self.handling_code],
                "conditions": self.conditions, "tlp": self.tlp, "tlp_text": TLP[self.tlp], "banner": self.banner}


def normalise_tlp(value: str) -> str:
    v = value.strip().upper().replace(" ", "")
    if not v.startswith("TLP:"):
        v = "TLP:" + v
    return v
