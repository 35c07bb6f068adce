"""Screenshots of the workbench's main pages for docs/workbench.md (synthetic data only).

    python bench/screenshots.py [--members 600] [--seed 5] [--out docs/img] [--work /tmp/rescue-shots]

Builds a small synthetic operation the way the browser tests do (tests/browser_fixture.py: ingest,
analyse, users, packages drafted, two released), records a few months of outcomes, starts
``rescue serve`` on loopback and has Debian's Chromium (Playwright) save one PNG per page: dashboard,
suspect list, profile, package review, outcomes and the processing log. Needs the front-end bundle
(``make frontend``) for the charts, the map and the graph. ``make screenshots`` runs it.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
from tests.browser_fixture import (  # noqa: E402
    BrowserOp,
    Server,
    build_operation,
    bundle_built,
    busiest,
    launch,
    password,
)

PAGES = ("dashboard", "suspects", "profile", "package", "outcomes", "audit")


def record_outcomes(bop: BrowserOp) -> None:
    """Outcomes over several months for the liaison officer's country, so that the charts have a history."""
    from rescue.workflow import open_workflow, outcomes

    today = dt.date.today()
    plan = [("identified", 0), ("searched", 0), ("arrested", 0), ("charged", 0), ("safeguarded", 2)]
    wf = open_workflow(bop.root)
    try:
        with wf.session() as s:
            for i, pid in enumerate(bop.home_persons[:12]):
                when = today - dt.timedelta(days=30 * (11 - i))
                for k, (kind, children) in enumerate(plan[: 1 + i % len(plan)]):
                    day = min(today, when + dt.timedelta(days=3 * k))
                    outcomes.record(s, outcomes.OutcomeInput(person_id=pid, kind=kind, event_date=day,
                                                             children=children or (1 + i % 3) * (kind == "safeguarded"),
                                                             note="synthetic outcome for the documentation"),
                                    country=bop.home, by="liaison_home", origin="form")
    finally:
        wf.close()


def shoot(bop: BrowserOp, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    saved: list[Path] = []
    with Server(bop.root) as srv, sync_playwright() as pw:
        browser = launch(pw)
        context = browser.new_context(viewport={"width": 1280, "height": 860}, device_scale_factor=1)
        page = context.new_page()
        page.set_default_timeout(30_000)

        def login(user: str) -> None:
            page.goto(srv.url + "/login")
            page.fill("#login-form input[name=username]", user)
            page.fill("#login-form input[name=password]", password(user))
            page.click("#login-form button[type=submit]")
            page.wait_for_selector("#whoami")

        def save(name: str, *, full: bool = True) -> None:
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(400)
            path = out / f"workbench-{name}.png"
            page.screenshot(path=str(path), full_page=full)
            saved.append(path)

        login("analyst")
        page.wait_for_selector("#map[data-map=drawn], #map[data-loaded=true]")
        save("dashboard")
        page.goto(srv.url + "/suspects?per_page=25")
        save("suspects")
        pid = busiest(bop.root / "store.duckdb", bop.home_persons)
        page.goto(f"{srv.url}/suspects/{pid}")
        page.fill("#justify-form textarea[name=justification]", "Case 2026/114: documentation of the workbench")
        page.click("#justify-form button[type=submit]")
        page.wait_for_selector("#graph[data-graph=drawn], #graph[data-loaded=true]")
        save("profile", full=False)
        graph = page.locator("#graph")
        graph.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        path = out / "workbench-graph.png"
        graph.screenshot(path=str(path))
        saved.append(path)
        page.click("#logout")
        login("reviewer")
        page.goto(f"{srv.url}/packages/{bop.pending}/1")
        save("package")
        page.click("#logout")
        login("liaison_home")
        page.goto(srv.url + "/outcomes")
        save("outcomes")
        page.click("#logout")
        login("auditor")
        page.goto(srv.url + "/audit")
        page.wait_for_selector("#chain-status.ok, #chain-status.error")
        save("audit", full=False)
        browser.close()
    return saved


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=600)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    ap.add_argument("--work", type=Path, default=Path("/tmp/rescue-shots"))
    ap.add_argument("--reuse", action="store_true", help="shoot the operation a previous run left in --work")
    args = ap.parse_args()
    if not bundle_built():
        print("screenshots: the front-end bundle is missing (make frontend)", file=sys.stderr)
        return 1
    saved_op = args.work / "operation.json"
    if args.reuse and saved_op.is_file():
        fields = json.loads(saved_op.read_text(encoding="utf-8"))
        bop = BrowserOp(**{**fields, "root": Path(fields["root"])})
    else:
        from tests.package_fixtures import analysed_world

        from rescue.synth import generate

        shutil.rmtree(args.work, ignore_errors=True)
        args.work.mkdir(parents=True)
        generate(args.work / "world", members=args.members, seed=args.seed)
        analysed = analysed_world(args.work / "world", args.work / "analysed")
        bop = build_operation(analysed, args.work / "shots", plant=False)
        record_outcomes(bop)
        saved_op.write_text(json.dumps({**dataclasses.asdict(bop), "root": str(bop.root)}), encoding="utf-8")
    args.out.mkdir(parents=True, exist_ok=True)
    for p in shoot(bop, args.out):
        print(f"{p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}  {p.stat().st_size / 1024:,.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
