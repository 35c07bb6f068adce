"""Identity resolution (one person, many accounts) and matching against other investigations.

    analyse.run(op, resolve_persons=lambda con: resolve(con, decisions_path=op.root / DECISIONS_FILE,
                                                        cfg=load_config(op.root)))   # in `rescue analyse`
    decide(op_dir, "src-…:45", "src-…:1325", "same", who="analyst1", reason="same greeting and phone")
    resolve_operation(op_dir); analyse.attribute(op)  # apply decisions without a full re-analysis
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
from rescue.identity.resolve import IdentitySummary, resolve, resolve_operation
from rescue.identity.xref import XrefSummary, xref

__all__ = [
    "DECISIONS_FILE", "Decision", "FilterCheck", "FilterExport", "IdentityConfig", "IdentitySummary",
    "XrefSummary", "check_filter", "decide", "evaluate", "export_filter", "load_config", "resolve",
    "resolve_operation", "xref",
]
