"""``rescue identity``: analyst decisions about accounts (same / not same / unsure) and the review list.

    rescue identity review DIR                      # pairs held for review, bridges first, then by score
    rescue identity decide DIR R1a2b… --not-same --by analyst1 --reason "different photos"
    rescue identity decide DIR SRC:45 SRC:1325 --same --by analyst1 --reason "same phone in a PM" --apply
    rescue identity decisions DIR                   # every decision recorded and what became of it
    rescue identity resolve DIR                     # apply new decisions now (identity + attribution)

Decisions are appended to ``DIR/decisions/identity.jsonl`` (who, when, why) and survive every re-analysis;
each one is also entered in the operation's processing log. See docs/identity.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from rescue import operation
from rescue.errors import RescueError, UsageError

identity_app = typer.Typer(
    add_completion=False, no_args_is_help=True,
    help="Identity resolution: the review list and analyst decisions (same / not same / unsure).")
out = Console()


def _plain(value: object, limit: int = 60) -> str:
    """Seized text for the terminal: control characters out, one line, bounded length."""
    text = "".join(ch if ch.isprintable() else " " for ch in str("" if value is None else value))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _say(line: str) -> None:
    out.print(line, markup=False, highlight=False, soft_wrap=True)


def _verdict(same: bool, not_same: bool, unsure: bool) -> str:
    chosen = [v for v, on in (("same", same), ("not same", not_same), ("unsure", unsure)) if on]
    if len(chosen) != 1:
        raise UsageError("give exactly one of --same, --not-same, --unsure")
    return chosen[0]


def _apply(op_dir: Path) -> None:
    from rescue import analyse, identity

    summary = identity.resolve_operation(op_dir)
    for line in summary.lines():
        _say(line)
    analyse.attribute(operation.load(op_dir))
    _say("attribution recomputed over the new persons")


def _log(op_root: Path, who: str, action: str, object_id: str, reason: str, details: dict[str, Any]) -> None:
    """Enter the decision in the operation's processing log (hash-chained)."""
    from rescue.workflow import open_workflow
    from rescue.workflow.audit import append

    wf = open_workflow(op_root)
    try:
        with wf.session() as s:
            append(s, actor=who, action=action, object_kind="identity decision", object_id=object_id,
                   justification=reason, details=details)
    finally:
        wf.close()


@identity_app.command("decide")
def decide_cmd(
    directory: Annotated[Path, typer.Argument(help="The operation folder.")],
    refs: Annotated[list[str], typer.Argument(
        help="Two accounts (SOURCE_ID:ACCOUNT_ID, or a person id P…), or one review id R… from "
             "`rescue identity review`.")],
    same: Annotated[bool, typer.Option("--same", help="The two accounts are one person (forces the merge).")] = False,
    not_same: Annotated[bool, typer.Option(
        "--not-same", help="They are not one person (blocks the merge for good, also through other accounts).")
    ] = False,
    unsure: Annotated[bool, typer.Option("--unsure", help="Undecided: recorded, the pair stays in review.")] = False,
    by: Annotated[str, typer.Option("--by", help="Who decides (required: a decision is accountable).")] = "",
    reason: Annotated[str, typer.Option("--reason", help="Why (required).")] = "",
    apply: Annotated[bool, typer.Option(
        "--apply", help="Re-run identity resolution and attribution now (otherwise at the next `rescue analyse`).")
    ] = False,
) -> None:
    """Record an analyst decision about two accounts: same person, not the same, or unsure."""
    from rescue import identity
    from rescue.identity.decisions import review_pair

    op = operation.load(directory)
    verdict = _verdict(same, not_same, unsure)
    a: str | tuple[str, str]
    b: str | tuple[str, str]
    if len(refs) == 1 and refs[0].startswith("R"):
        a, b = review_pair(op.root, refs[0])
    elif len(refs) == 2:
        a, b = refs[0], refs[1]
    else:
        raise UsageError("give two accounts (SOURCE_ID:ACCOUNT_ID or P…) or one review id R…")
    d = identity.decide(op.root, a, b, verdict, who=by, reason=reason)
    _say(f"recorded {d.decision_id}: {d.a[0]}:{d.a[1]} and {d.b[0]}:{d.b[1]} — {d.verdict} "
         f"({d.who}, {d.at}); line {d.line} of {op.root / identity.DECISIONS_FILE}")
    try:
        _log(op.root, d.who, "alteration", d.decision_id, d.reason,
             {"a": f"{d.a[0]}:{d.a[1]}", "b": f"{d.b[0]}:{d.b[1]}", "verdict": d.verdict, "at": d.at})
    except RescueError as exc:   # the decision itself is recorded; say that the log could not be written
        _say(f"warning: processing log not written: {exc.one_line()}")
    if apply:
        _apply(op.root)
    else:
        _say("applied at the next `rescue analyse` (or now: `rescue identity resolve DIR`)")


@identity_app.command("review")
def review_cmd(
    directory: Annotated[Path, typer.Argument(help="The operation folder (after `rescue analyse`).")],
    limit: Annotated[int, typer.Option(help="Show at most this many pairs (0: all).")] = 50,
    method: Annotated[str | None, typer.Option(
        help="Only pairs with evidence of this method: selector, ip, attributes, style, decision.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="JSON lines instead of text.")] = False,
) -> None:
    """The pairs of accounts held for review (candidates): bridges first, then by score."""
    from rescue.identity.decisions import review_rows

    rows = review_rows(operation.load(directory).root, method=method, limit=limit)
    if json_out:
        for r in rows:
            sys.stdout.write(json.dumps(r, ensure_ascii=False, sort_keys=True, default=str) + "\n")
        return
    if not rows:
        _say("nothing held for review")
        return
    for r in rows:
        _say(f"{r['review_id']}  chance {float(r.get('priority') or 0):.2f}  score {float(r['score'] or 0):.3f}  "
             f"{_plain(r['reason'], 90)}")
        _say(f"    a {r['source_a']}:{r['account_a']} ({_plain(r['username_a'], 40)}; person {r['person_a']}, "
             f"{r['accounts_a']} accounts)")
        _say(f"    b {r['source_b']}:{r['account_b']} ({_plain(r['username_b'], 40)}; person {r['person_b']}, "
             f"{r['accounts_b']} accounts)")
        _say(f"    evidence: {_plain(r['evidence'], 300)}")
        if r.get("decision"):
            _say(f"    decision: {_plain(r['decision'], 120)}")
    _say(f"{len(rows)} pair(s); decide with: rescue identity decide DIR REVIEW_ID --same|--not-same|--unsure "
         "--by NAME --reason TEXT")


@identity_app.command("decisions")
def decisions_cmd(
    directory: Annotated[Path, typer.Argument(help="The operation folder.")],
) -> None:
    """Every decision recorded (who, when, why) and, after an analysis, what became of it."""
    from rescue.identity.decisions import decision_rows

    rows = decision_rows(operation.load(directory).root)
    if not rows:
        _say("no decisions recorded")
    for r in rows:
        _say(f"line {r['line']}  {r['verdict']:<8}  {r['a']}  {r['b']}  {_plain(r['who'], 30)}  {r['at']}  "
             f"{_plain(r['status'], 60)}  — {_plain(r['reason'], 120)}")


@identity_app.command("resolve")
def resolve_cmd(directory: Annotated[Path, typer.Argument(help="The operation folder (after `rescue analyse`).")]
                ) -> None:
    """Identity resolution alone (e.g. after new decisions), then the attribution over the new persons."""
    _apply(operation.load(directory).root)
