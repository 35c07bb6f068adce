"""Settings of the analysis: thresholds, weights and operator-supplied lists, from operation.toml.

Everything has a default; an operation overrides it in an ``[analyse]`` table, for example::

    [analyse]
    tor_exit_list = "lists/tor-exits.txt"       # relative to the operation folder
    country_mmdb = "/licensed/GeoIP2-Country.mmdb"
    cgnat_min_accounts = 8
    cgnat_window_days = 30
    memory_limit = "4GB"                        # DuckDB's share; beyond it, it spills to disk
    threads = 2

    [analyse.weights]
    phone = 2.5

Unknown keys are an error (a typo must not silently keep a default).
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rescue.errors import OperationError

# Evidence weights (see docs/analyse.md). "Strong" types can carry an attribution alone; weak ones only
# add to a country that strong evidence already supports, and count against one they contradict.
DEFAULT_WEIGHTS: dict[str, float] = {
    "ip_residential": 3.0,
    "phone": 2.0,
    "phone_national": 0.6,
    "email_isp": 1.5,
    "email_national": 1.0,
    "cctld": 0.6,
    "declared_location": 1.5,
    "timezone": 0.4,
    "language": 0.3,
}
WEAK_TYPES = frozenset({"timezone", "language", "phone_national"})


@dataclass(frozen=True)
class AnalyseConfig:
    # Operator-supplied lists and licensed databases (paths; relative ones are under the operation folder).
    tor_exit_list: Path | None = None
    country_mmdb: Path | None = None
    asn_mmdb: Path | None = None
    use_misp: bool = True
    # Shared addresses (CGNAT, campus NAT): this many unrelated persons within the window.
    cgnat_min_accounts: int = 8
    cgnat_window_days: int = 30
    cgnat_factor: float = 0.0  # share of the residential weight a shared address keeps (0: none)
    # A mobile carrier's address (data/mobile_asns.txt) used by this many persons is carrier-grade NAT.
    cgnat_mobile_persons: int = 2
    # A pool (carrier NAT, public Wi-Fi): this many persons, of whom at least cgnat_pool_side were, in the
    # months they used it, mostly on another address (it was not their main connection).
    cgnat_pool_persons: int = 3
    cgnat_pool_side: int = 2
    # IP kinds that do not count as the member's own connection.
    ignore_ip_kinds: tuple[str, ...] = ("login_attempt",)
    # IP evidence: days of sightings at which the weight saturates; short stays in a minority country.
    ip_full_days: int = 5
    travel_max_days: int = 30
    travel_factor: float = 0.25
    # All of an account's home-network sightings within travel_max_days while it was active (any address)
    # more than stay_activity_ratio times as long: perhaps a stay, not home; weight × stay_factor.
    stay_factor: float = 0.5
    stay_activity_ratio: float = 4.0
    # Evidence found inside quotes counts for the quoted author at this factor.
    quote_factor: float = 0.5
    # Language of the member's own text (lingua, offline): minimum characters, characters read. lingua's CPU
    # time grows with the characters read: 200 instead of 500 costs 0.49x (0.38x with the low-accuracy mode),
    # languages identical for 90 % of accounts, attribution unchanged (bench/results/2026-11-29-language-r1.md).
    language_min_chars: int = 200
    language_max_chars: int = 200
    language_min_confidence: float = 0.5
    # Decision: the top country needs this much strong weight, this share of all weight, and the
    # confidence must reach min_confidence; otherwise the attribution abstains (country NULL).
    # A time zone that excludes a country counts this much against it (a clock set for another region is
    # telling; a time zone shared by thirty countries says little for any one of them).
    timezone_against: float = 1.0
    min_strong_weight: float = 1.0
    min_share: float = 0.55
    min_confidence: float = 0.3
    strength_scale: float = 2.5
    # Resources (rescue.analyse.limits): what DuckDB may hold in memory before it spills to
    # <operation>/.analyse-tmp ("": min(50 % of RAM, 8 GB)), and its threads (0: every core).
    memory_limit: str = ""
    threads: int = 0
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def weight(self, evidence_type: str) -> float:
        return self.weights.get(evidence_type, 0.0)

    def to_json(self) -> str:
        def conv(v: Any) -> Any:
            return str(v) if isinstance(v, Path) else v

        return json.dumps({f.name: conv(getattr(self, f.name)) for f in dataclasses.fields(self)},
                          sort_keys=True, default=str)


_PATHS = ("tor_exit_list", "country_mmdb", "asn_mmdb")


def from_mapping(data: dict[str, Any], root: Path, where: str = "[analyse]") -> AnalyseConfig:
    known = {f.name: f for f in dataclasses.fields(AnalyseConfig)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise OperationError(f"{where}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
        if key in _PATHS:
            p = Path(str(value)).expanduser()
            kwargs[key] = p if p.is_absolute() else root / p
        elif key == "weights":
            if not isinstance(value, dict):
                raise OperationError(f"{where}.weights: expected a table of evidence type = weight")
            w = dict(DEFAULT_WEIGHTS)
            for k, v in value.items():
                if k not in DEFAULT_WEIGHTS:
                    raise OperationError(f"{where}.weights: unknown evidence type {k!r}")
                w[k] = float(v)
            kwargs[key] = w
        elif key == "ignore_ip_kinds":
            kwargs[key] = tuple(str(v) for v in value)
        else:
            default = getattr(AnalyseConfig(), key)
            try:
                kwargs[key] = type(default)(value)
            except (TypeError, ValueError) as exc:
                raise OperationError(f"{where}: bad value for {key}: {value!r}") from exc
    return AnalyseConfig(**kwargs)


def load(root: Path) -> AnalyseConfig:
    """The ``[analyse]`` table of ``root/operation.toml`` (defaults when absent)."""
    path = root / "operation.toml"
    if not path.is_file():
        return AnalyseConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise OperationError(f"{path}: {exc}") from exc
    section = data.get("analyse", {})
    if not isinstance(section, dict):
        raise OperationError(f"{path}: [analyse] must be a table")
    return from_mapping(section, root, f"{path} [analyse]")
