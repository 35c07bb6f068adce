"""Identity resolution (one person, many accounts) and matching against other investigations.

    summary = resolve(con, decisions_path=op_dir / "decisions" / "identity.jsonl")  # inside `analyse`
    decide(op_dir, "src-…:45", "src-…:1325", "same", who="analyst1", reason="same greeting and phone")
    xref(op_dir, [other_op_dir])                       # both stores at hand
    export_filter(op_dir, out_path, key)               # hashed selectors for another agency …
    check_filter(their_op_dir, filter_path, key)       # … which checks them on its own data: hit/no-hit

See docs/identity.md. Resolution reads the evidence tables and the findings ``selectors``,
``email_enrichment``, ``ip_enrichment`` and ``account_signals``; it replaces ``persons`` and
``person_accounts`` and writes ``person_links``, ``identity_review``, ``identity_suppressed`` and
``analyst_decisions``.
"""

from __future__ import annotations

from rescue.identity.config import IdentityConfig
from rescue.identity.config import load as load_config
from rescue.identity.decisions import DECISIONS_FILE, Decision, decide
from rescue.identity.evaluate import evaluate
from rescue.identity.filters import FilterCheck, FilterExport, check_filter, export_filter
from rescue.identity.resolve import IdentitySummary, resolve
from rescue.identity.xref import XrefSummary, xref

__all__ = [
    "DECISIONS_FILE", "Decision", "FilterCheck", "FilterExport", "IdentityConfig", "IdentitySummary",
    "XrefSummary", "check_filter", "decide", "evaluate", "export_filter", "load_config", "resolve", "xref",
]
