"""The npm-built front-end bundle: loaded when built, a notice and plain tables when not, and nothing in it
that the Content-Security-Policy would have to allow (eval, inline style)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rescue.web import create_app, state
from tests.web_fixture import Fixture, login, make_operation

BUNDLE = state.HERE / "static" / "vendor" / "workbench.js"
SCRIPT_TAG = '<script src="/static/vendor/workbench.js" defer></script>'


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    return make_operation(tmp_path_factory.mktemp("web-bundle"))


def _fake_here(tmp: Path, *, built: bool) -> Path:
    """A package folder with the real templates and a bundle present or not."""
    here = tmp / ("built" if built else "bare")
    (here / "static" / "vendor").mkdir(parents=True)
    (here / "templates").symlink_to(state.HERE / "templates", target_is_directory=True)
    if built:
        (here / "static" / "vendor" / "workbench.js").write_text("window.RescueViews = {};\n", encoding="utf-8")
    return here


@pytest.mark.parametrize("built", [False, True])
def test_pages_load_the_bundle_or_say_it_is_missing(fx: Fixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    built: bool) -> None:
    monkeypatch.setattr(state, "HERE", _fake_here(tmp_path, built=built))
    client = TestClient(create_app(fx.root))
    login(client, "analyst")
    page = client.get("/").text
    assert ('id="chart-outcomes"' in page) and ('id="map"' in page)
    assert (SCRIPT_TAG in page) is built
    assert ('id="no-bundle"' in page) is not built
    assert '<script src="/static/app.js" defer></script>' in page  # the plain-table fallback is always there


def test_the_built_bundle_needs_no_eval_and_injects_no_style() -> None:
    if not BUNDLE.is_file():
        if os.environ.get("CI_STRICT"):
            pytest.fail("the front-end bundle is missing: make frontend")
        pytest.skip("the front-end bundle is not built (make frontend)")
    js = BUNDLE.read_text(encoding="utf-8")
    assert "RescueViews" in js
    assert not re.search(r"\bnew Function\s*\(", js), "the bundle would need 'unsafe-eval'"
    assert not re.search(r"(?<![\w.$])eval\s*\(", js), "the bundle would need 'unsafe-eval'"
    assert not re.search(r"setAttribute\(\s*[\"']style[\"']", js), "inline style attributes break style-src 'self'"
    # the one <style> element a library creates (Cytoscape's) is pre-empted by graph.js
    assert js.count('createElement("style")') <= 1 and "__________cytoscape_stylesheet" in js
    assert (BUNDLE.parent / "workbench.css").is_file()
    assert "__________cytoscape_container" in (BUNDLE.parent / "workbench.css").read_text(encoding="utf-8")
