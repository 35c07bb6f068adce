"""Hostile seized content: payloads planted in user names, thread titles, posts, messages, selectors and
evidence come back escaped on every page that shows them, and never as markup."""

from __future__ import annotations

from pathlib import Path

import markupsafe
import pytest
from fastapi.testclient import TestClient

from rescue.web import create_app, search
from tests.web_fixture import DE1, PAYLOADS, XX1, Fixture, login, make_operation


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    f = make_operation(tmp_path_factory.mktemp("web-hostile"))
    search.build(f.root)
    return f


def _assert_escaped(body: str, where: str) -> int:
    """No payload appears raw; returns how many appear escaped."""
    shown = 0
    for p in PAYLOADS:
        assert p not in body, f"{where}: raw payload {p!r}"
        if str(markupsafe.escape(p)) in body:
            shown += 1
    lowered = body.lower()
    assert "<script>alert" not in lowered and "onerror=\"alert" not in lowered and "<svg onload" not in lowered
    assert 'href="javascript:' not in lowered, where
    return shown


def test_payloads_are_escaped_on_every_page(fx: Fixture) -> None:
    client = TestClient(create_app(fx.root))
    csrf = login(client, "analyst")
    for pid in (DE1, XX1):
        r = client.post(f"/suspects/{pid}/justify", data={"justification": "hostile content test", "csrf_token": csrf},
                        follow_redirects=False)
        assert r.status_code == 303
    origin, src, item = fx.items[DE1]
    pages = {
        "/suspects": 1,  # XX1's label is an <img onerror> payload
        f"/suspects/{DE1}": 3,  # location/occupation, selector detail, attribution reason, thread, snippet
        f"/suspects/{XX1}": 3,
        f"/suspects/{DE1}/items/{origin}/{src}/{item}": 2,  # subject, body, thread title
        "/search?q=weekend": 2,
        f"/suspects/{DE1}/items/messages/{src}/1": 2,
    }
    for url, at_least in pages.items():
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        assert _assert_escaped(r.text, url) >= at_least, url
    # the risk snippet is stored HTML-escaped: shown once-escaped (readable), not double-escaped
    profile = client.get(f"/suspects/{DE1}").text
    assert "let us meet &lt;script&gt;alert(5)&lt;/script&gt;" in profile
    assert "&amp;lt;script" not in profile


def test_json_api_returns_seized_text_as_data_never_markup(fx: Fixture) -> None:
    client = TestClient(create_app(fx.root))
    csrf = login(client, "analyst")
    client.post(f"/api/suspects/{DE1}/justification", json={"justification": "hostile content test"},
                headers={"X-CSRF-Token": csrf})
    r = client.get(f"/api/suspects/{DE1}")
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert any(PAYLOADS[0] in (a["location"] or "") for a in r.json()["accounts"])  # data, exactly as seized
    hits = client.get("/api/search", params={"q": "weekend"}).json()["hits"]
    assert hits and all(isinstance(seg[0], str) for h in hits for seg in h["segments"])
    assert not any("<b>" in seg[0] for h in hits for seg in h["segments"])  # no engine-made HTML


def test_media_are_grey_placeholders_and_nothing_is_served_inline(tmp_path: Path) -> None:
    import duckdb

    fx = make_operation(tmp_path)
    con = duckdb.connect(str(fx.root / "store.duckdb"))
    con.execute("CREATE TABLE IF NOT EXISTS media_person_links (person_id VARCHAR, media_id VARCHAR)")
    con.execute("INSERT INTO media_person_links VALUES (?, 'm1'), (?, 'm2')", [DE1, DE1])
    con.close()
    client = TestClient(create_app(fx.root))
    csrf = login(client, "analyst")
    client.post(f"/suspects/{DE1}/justify", data={"justification": "media placeholder test", "csrf_token": csrf})
    body = client.get(f"/suspects/{DE1}").text
    assert body.count('class="placeholder"') == 2 and "<img" not in body
    assert "2 media item(s) linked" in body
