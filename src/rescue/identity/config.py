"""Settings of identity resolution, from the ``[identity]`` table of operation.toml.

Everything has a default; an operation overrides it, for example::

    [identity]
    value_cap = 20              # a selector value shared by more accounts links none of them
    ip_window_days = 30
    splink_threshold = 0.99

Unknown keys are an error (a typo must not silently keep a default).
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rescue.errors import OperationError

# Selector kinds that identify one person: a mailbox, a number, a messenger account, a wallet.
STRONG_KINDS: tuple[str, ...] = (
    "email", "phone", "skype", "icq", "telegram", "kik", "wickr", "threema", "session", "signal", "jabber",
    "snapchat", "discord", "matrix", "wire", "aim", "yahoo", "msn", "btc", "eth", "xmr",
)
# Kinds recorded but never linking, and why (see identity_suppressed).
WEAK_KINDS: dict[str, str] = {
    "url": "a web address is often someone else's (a shop, a file host, a news site)",
    "domain": "a domain is shared by everyone who mentions it",
    "ip": "an address written in text is not the writer's connection",
    "twitter": "a public social-media handle is often someone else's",
    "facebook": "a public social-media handle is often someone else's",
    "instagram": "a public social-media handle is often someone else's",
    "youtube": "a public channel is often someone else's",
}


@dataclass(frozen=True)
class IdentityConfig:
    # Selector graph ---------------------------------------------------------------------------------
    strong_kinds: tuple[str, ...] = STRONG_KINDS
    value_cap: int = 20              # MISP-style: a value shared by more accounts links none (suppressed)
    quoted_selectors: bool = True    # a selector seen only in a quote counts for the quoted author
    email_skip_classes: tuple[str, ...] = ("forum",)  # the forum's own addresses (admin@, support@)
    # Addresses of the server's IP log: only these classes link, only when few accounts used the address,
    # only when both accounts were seen on it within the window (dynamic addresses are re-assigned).
    ip_classes: tuple[str, ...] = ("residential",)
    ip_max_accounts: int = 3
    ip_window_days: int = 30
    ip_overlap_links: bool = True    # ... or whenever their times on the address overlap (not re-assigned)
    ip_addresses_to_link: int = 2    # ... or when they have this many such addresses in common, however far apart
    ip_ignore_kinds: tuple[str, ...] = ("login_attempt",)
    # Chaining guard: one account pair never joins two groups of at least this many accounts.
    bridge_min_size: int = 3
    # Probabilistic linkage (Splink) -------------------------------------------------------------------
    splink: bool = True
    splink_threshold: float = 0.99    # match probability at which a pair merges on attributes alone
    splink_weak: float = 0.5          # ... at which it is weak evidence (merges only with another method)
    splink_u_pairs: float = 5e6       # pairs sampled to estimate u
    splink_seed: int = 7
    splink_min_accounts: int = 100    # fewer accounts: too few pairs to train a model on
    # A blocking value (or combination) shared by more accounts proposes no pairs: it says little about who is
    # who ("europe" as location), and its pairs grow with the square of its size (at 1.8M accounts the five
    # blocking rules would propose ~1.7 billion pairs without it). 500 never bites at 84,000 accounts (max 405).
    splink_block_cap: int = 500
    # ... and each rule proposes at most this many pairs: its cap is lowered until its keys (smallest first) fit.
    # At 84,000 accounts the largest rule proposes 2.1 M pairs (no change); at 1.8 M, without it, ~200 M.
    splink_block_pairs: int = 10_000_000
    # Writing style ------------------------------------------------------------------------------------
    style: bool = True
    style_min_chars: int = 2000       # own text (posts + messages) an account needs to be compared
    style_max_chars: int = 10000      # text read per account (the first, in time order)
    style_top_k: int = 2              # a candidate is among the other's k most similar, in both directions
    style_min_score: float = 0.4      # cosine below this proposes nothing
    style_weak: float = 0.5           # mutual nearest with this cosine: weak evidence for the pair
    style_words: int = 100            # the most frequent words kept when masking topic words
    style_features: int = 5000        # features in a profile: those found in most accounts
    style_dims: int = 256             # principal directions a profile is reduced to (memory: n × dims × 4 B)
    style_sample: int = 20000         # accounts whose texts fix the vocabulary, IDF, mean and directions
    style_exact_max: int = 150000     # up to this many profiles every pair is scored; above, an IVF index
    style_probe: int = 16             # clusters of the IVF index searched per profile
    # Real names in user names and e-mail names --------------------------------------------------------
    names: bool = True
    name_token_cap: int = 30          # a name token on more accounts is too common to identify anyone
    # Combination: a pair with weak evidence of this many different methods merges.
    weak_methods_to_merge: int = 2

    def to_json(self) -> str:
        return json.dumps({f.name: getattr(self, f.name) for f in dataclasses.fields(self)}, sort_keys=True)


def from_mapping(data: dict[str, Any], where: str = "[identity]") -> IdentityConfig:
    known = {f.name for f in dataclasses.fields(IdentityConfig)}
    base = IdentityConfig()
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise OperationError(f"{where}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
        default = getattr(base, key)
        try:
            if isinstance(default, tuple):
                if not isinstance(value, list):
                    raise TypeError("expected a list")
                kwargs[key] = tuple(str(v) for v in value)
            elif isinstance(default, bool):
                if not isinstance(value, bool):
                    raise TypeError("expected true or false")
                kwargs[key] = value
            else:
                kwargs[key] = type(default)(value)
        except (TypeError, ValueError) as exc:
            raise OperationError(f"{where}: bad value for {key}: {value!r} ({exc})") from exc
    cfg = IdentityConfig(**kwargs)
    unknown = sorted(set(cfg.strong_kinds) - set(STRONG_KINDS))
    if unknown:
        raise OperationError(f"{where}: strong_kinds has kinds that are not selector kinds: {', '.join(unknown)}")
    if min(cfg.value_cap, cfg.ip_max_accounts, cfg.bridge_min_size, cfg.ip_addresses_to_link,
           cfg.splink_block_cap, cfg.splink_block_pairs) < 2:
        raise OperationError(f"{where}: value_cap, ip_max_accounts, ip_addresses_to_link, bridge_min_size, "
                             "splink_block_cap and splink_block_pairs must be at least 2")
    return cfg


def load(op_dir: Path) -> IdentityConfig:
    """The ``[identity]`` settings of the operation at ``op_dir`` (defaults when absent)."""
    path = Path(op_dir) / "operation.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return IdentityConfig()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise OperationError(f"{path}: {exc}") from exc
    section = data.get("identity", {})
    if not isinstance(section, dict):
        raise OperationError(f"{path}: [identity] must be a table")
    return from_mapping(section)
