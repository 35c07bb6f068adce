"""What a run of the analysis wrote: counts, attribution figures, timings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass
class AnalyseSummary:
    """What a run wrote: row counts per findings table, attribution figures, timings per step."""

    counts: dict[str, int] = field(default_factory=dict)
    persons: int = 0
    attributed: int = 0
    abstained: int = 0
    countries: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    step_seconds: dict[str, float] = field(default_factory=dict)
    geo_provider: str = ""
    notes: list[str] = field(default_factory=list)  # lines from later steps (risk, identity)

    @property
    def coverage(self) -> float:
        return self.attributed / self.persons if self.persons else 0.0

    def lines(self) -> list[str]:
        """A short plain-text summary for the terminal (one item per line)."""
        top = ", ".join(f"{cc} {n}" for cc, n in list(self.countries.items())[:12])
        more = f", … {len(self.countries) - 12} more" if len(self.countries) > 12 else ""
        out = [f"{self.persons:,} persons: {self.attributed:,} attributed to a country "
               f"({self.coverage:.1%}), {self.abstained:,} abstained; {self.seconds:.1f} s",
               f"countries: {top}{more}" if top else "countries: none",
               f"geolocation: {self.geo_provider}"]
        out += [f"  {name:<22} {n:>10,} rows" for name, n in self.counts.items()]
        return out + self.notes

    def to_json(self) -> str:
        d = {k: getattr(self, k) for k in ("counts", "persons", "attributed", "abstained", "countries", "seconds",
                                          "step_seconds", "geo_provider")}
        d["coverage"] = round(self.coverage, 4)
        return json.dumps(d, indent=2, sort_keys=True)
