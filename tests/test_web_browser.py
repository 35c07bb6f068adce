"""The workbench in a real browser: Debian's Chromium driven by Playwright against ``rescue serve``.

Every page is watched: a JavaScript dialog (the planted payloads call ``alert``), an uncaught error or a
Content-Security-Policy violation fails the test. Skips without Chromium only outside CI (CI_STRICT).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.browser_fixture import (
    PAYLOAD_LABEL,
    BrowserOp,
    Server,
    build_operation,
    bundle_built,
    chromium_available,
    launch,
    password,
)

STRICT = bool(os.environ.get("CI_STRICT"))
if not STRICT:
    if not chromium_available():
        pytest.skip("Debian's chromium is not installed (.ci/setup.d/chromium.sh installs it)", allow_module_level=True)
    pytest.importorskip("playwright.sync_api")
    pytest.importorskip("rescue.package")

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

WATCH = """
(() => {
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__rescueReport("csp", e.violatedDirective + " " + (e.blockedURI || "") + " " + (e.sourceFile || ""));
  });
})();
"""


class Watch:
    """What a page did that it must not: dialogs, uncaught errors, CSP violations, console errors."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.csp: list[str] = []
        self.console: list[str] = []

    def attach(self, page: Page) -> None:
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", lambda msg: self.console.append(msg.text) if msg.type == "error" else None)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def report(self, _source: Any, kind: str, text: str) -> None:
        if kind == "csp":
            self.csp.append(text)

    def assert_clean(self) -> None:
        assert not self.dialogs, f"a script ran a dialog: {self.dialogs}"
        assert not self.errors, f"uncaught page errors: {self.errors}"
        assert not self.csp, f"Content-Security-Policy violations: {self.csp}"
        # a 404 page is a console error in Chromium ("Failed to load resource"); anything else is not expected
        others = [c for c in self.console if "Failed to load resource" not in c]
        assert not others, f"console errors: {others}"


@pytest.fixture(scope="module")
def bop(small_world: Path, tmp_path_factory: pytest.TempPathFactory) -> BrowserOp:
    from tests.package_fixtures import shared_analysed

    return build_operation(shared_analysed(small_world, tmp_path_factory), tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def server(bop: BrowserOp) -> Iterator[Server]:
    with Server(bop.root) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = launch(pw)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(browser: Browser, watch: Watch) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.expose_binding("__rescueReport", watch.report)
    context.add_init_script(WATCH)
    pg = context.new_page()
    watch.attach(pg)
    pg.set_default_timeout(20_000)
    try:
        yield pg
    finally:
        context.close()


def login(page: Page, server: Server, user: str) -> None:
    page.goto(server.url + "/login")
    page.fill("#login-form input[name=username]", user)
    page.fill("#login-form input[name=password]", password(user))
    page.click("#login-form button[type=submit]")
    expect(page.locator("#whoami")).to_contain_text(user)


def open_person(page: Page, server: Server, pid: str, why: str = "Case 2026/114: review of the released lead") -> None:
    page.goto(f"{server.url}/suspects/{pid}")
    expect(page.locator("#justify-form")).to_be_visible()
    page.fill("#justify-form textarea[name=justification]", why)
    page.click("#justify-form button[type=submit]")
    page.wait_for_url(f"{server.url}/suspects/{pid}")


def listed_persons(page: Page) -> list[str]:
    return [str(p) for p in page.locator("#suspect-table tr[data-person]").evaluate_all(
        "rows => rows.map(r => r.dataset.person)")]


def need_bundle() -> None:
    if not bundle_built():
        if STRICT:
            pytest.fail("the front-end bundle is missing: make frontend")
        pytest.skip("the front-end bundle is not built (make frontend)")


def test_csp_refuses_inline_script_and_the_watch_sees_it(page: Page, watch: Watch, server: Server) -> None:
    login(page, server, "analyst")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1';
                             document.body.appendChild(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__inline") is None
    assert any("script-src" in v for v in watch.csp), watch.csp
    assert any("Content Security Policy" in c for c in watch.console), watch.console
    watch.csp.clear()
    watch.console.clear()
    watch.assert_clean()


def test_dashboard_draws_charts_and_the_world_map(page: Page, watch: Watch, server: Server, bop: BrowserOp) -> None:
    need_bundle()
    login(page, server, "analyst")
    assert page.evaluate("() => document.documentElement.dataset.bundle") == "workbench"
    expect(page.locator("#chart-activity[data-chart=drawn] canvas")).to_have_count(1)
    expect(page.locator("#map[data-map=drawn] svg.worldmap")).to_have_count(1)
    home = page.locator(f"#map svg a path[data-country={bop.home}]")
    expect(home).to_have_count(1)
    assert int(page.locator("#map").get_attribute("data-countries") or 0) >= 3
    # a real click on a point of the country's shape that is not covered by another country
    page.locator("#map svg").scroll_into_view_if_needed()
    point = home.evaluate("""p => {
        const b = p.getBoundingClientRect();
        for (let i = 1; i < 40; i++) for (let j = 1; j < 40; j++) {
          const x = b.left + b.width * i / 40, y = b.top + b.height * j / 40;
          if (document.elementFromPoint(x, y) === p) return [x, y];
        }
        return null; }""")
    assert point, "the country is not clickable anywhere"
    page.mouse.click(point[0], point[1])
    page.wait_for_url(f"{server.url}/suspects?country={bop.home}")
    expect(page.locator("#suspect-table tr[data-person]").first).to_be_visible()
    countries = page.locator("#suspect-table tr[data-person] td:nth-child(7)").all_inner_texts()
    assert countries and set(countries) == {bop.home}
    watch.assert_clean()


def test_opening_a_suspect_asks_a_justification_and_draws_the_graph(page: Page, watch: Watch, server: Server,
                                                                   bop: BrowserOp) -> None:
    login(page, server, "analyst")
    pid = bop.planted_person
    page.goto(f"{server.url}/suspects?q={pid}")
    page.click(f"#suspect-table tr[data-person='{pid}'] a")
    page.wait_for_url(f"{server.url}/suspects/{pid}/justify")
    page.fill("#justify-form textarea[name=justification]", "short")  # under 10 characters: refused by the form
    page.click("#justify-form button[type=submit]")
    assert page.url.endswith("/justify")
    why = "Case 2026/114: contact analysis for the weekly review"
    page.fill("#justify-form textarea[name=justification]", why)
    page.click("#justify-form button[type=submit]")
    page.wait_for_url(f"{server.url}/suspects/{pid}")
    expect(page.locator("#person-title")).to_contain_text(PAYLOAD_LABEL)  # seized text shown as text
    expect(page.locator("#accounts")).to_contain_text(PAYLOAD_LABEL)
    if bundle_built():
        expect(page.locator("#graph[data-graph=drawn]")).to_have_count(1)
        labels = page.evaluate("() => window.RescueGraph.nodes().map(n => n.data('label'))")
        assert int(page.locator("#graph").get_attribute("data-nodes") or 0) >= 2
        assert any(PAYLOAD_LABEL[:20] in str(label) for label in labels)
        expect(page.locator("#timeline[data-chart=drawn] canvas")).to_have_count(1)
    assert page.evaluate("() => window.__pwned") is None
    watch.assert_clean()
    # the consultation and its justification are in the processing log
    page.click("#logout")
    login(page, server, "auditor")
    page.goto(f"{server.url}/audit")
    expect(page.locator("#audit-table")).to_contain_text(why)
    expect(page.locator("#chain-status")).to_contain_text("intact")
    watch.assert_clean()


def test_package_approval_needs_a_second_person(page: Page, watch: Watch, server: Server, bop: BrowserOp) -> None:
    ref = f"{bop.pending}/1"
    login(page, server, "analyst")  # the drafter
    page.goto(f"{server.url}/packages/{ref}")
    expect(page.locator("#package-status")).to_have_text("draft")
    expect(page.locator("#approve-form")).to_have_count(0)
    status = page.evaluate("""async (url) => (await fetch(url, {method: 'POST', credentials: 'same-origin',
                                 headers: {'X-CSRF-Token': document.body.dataset.csrf}})).status""",
                           f"/api/packages/{ref}/approve")
    assert status == 403
    page.click("#logout")
    login(page, server, "reviewer")
    page.goto(f"{server.url}/packages")
    page.click(f"#packages tr[data-package='{ref}'] a")
    expect(page.locator("#package-status")).to_have_text("draft")
    expect(page.locator("#package-persons li")).to_have_count(len(bop.pending_persons))  # whom the draft names
    page.click("#approve-form button[type=submit]")
    expect(page.locator("#package-status")).to_have_text("approved")
    meta = page.locator("dl.meta").inner_text()
    assert "analyst" in meta and "reviewer" in meta
    watch.assert_clean()


def test_liaison_records_an_arrest(page: Page, watch: Watch, server: Server, bop: BrowserOp) -> None:
    login(page, server, "liaison_home")
    before = int(page.locator("#figures [data-figure=arrests]").inner_text().replace(",", ""))
    pid = bop.home_persons[-1]
    open_person(page, server, pid)
    page.select_option("#outcome-form select[name=outcome]", "arrested")
    page.fill("#outcome-form input[name=date]", dt.date.today().isoformat())
    page.fill("#outcome-form input[name=note]", "arrested at home address")
    page.click("#outcome-form button[type=submit]")
    page.goto(f"{server.url}/outcomes")
    row = page.locator("#outcome-table tr", has_text=pid)
    expect(row).to_contain_text("arrested")
    page.goto(server.url + "/")
    expect(page.locator("#figures [data-figure=arrests]")).to_have_text(str(before + 1))
    watch.assert_clean()


def test_liaison_cannot_reach_another_country(page: Page, watch: Watch, server: Server, bop: BrowserOp) -> None:
    login(page, server, "liaison_home")
    expect(page.locator("#nav-search")).to_have_count(0)
    page.goto(f"{server.url}/suspects?per_page=200")
    shown = set(listed_persons(page))
    assert shown and shown <= set(bop.home_persons)
    page.goto(f"{server.url}/suspects?country={bop.other}")
    assert listed_persons(page) == []
    other = bop.other_persons[0]
    pending = bop.pending_persons[0]
    for path in (f"/suspects/{other}", f"/suspects/{other}/justify", f"/api/suspects/{other}",
                 f"/api/suspects/{other}/graph", f"/suspects/{pending}", f"/packages/{bop.other}/1",
                 f"/api/packages/{bop.other}/1", f"/packages/{bop.pending}/1"):
        response = page.goto(server.url + path)
        assert response is not None and response.status == 404, (path, response and response.status)
    page.goto(server.url + "/packages")
    refs = page.locator("#packages tr[data-package]").evaluate_all("rows => rows.map(r => r.dataset.package)")
    assert refs and all(str(r).startswith(bop.home + "/") for r in refs)
    if bundle_built():
        page.goto(server.url + "/")
        expect(page.locator("#map[data-map=drawn]")).to_have_count(1)
        drawn = page.locator("#map svg a path[data-country]").evaluate_all("ps => ps.map(p => p.dataset.country)")
        # The home country, and the lead country of any deconfliction notice released to it — nothing else.
        with duckdb.connect(str(bop.root / "store.duckdb"), read_only=True) as con:
            leads = {str(r[0]) for r in con.execute(
                "SELECT DISTINCT country FROM attribution WHERE person_id IN (SELECT unnest(?::VARCHAR[])) "
                "AND country IS NOT NULL", [bop.home_persons]).fetchall()}
        assert bop.home in drawn and sorted(drawn) == sorted(leads)
    watch.assert_clean()
