"""Workbench log-in: passwords, sessions, CSRF, TOTP, security headers, the log of logons."""

from __future__ import annotations

import re
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient

from rescue.web import create_app
from rescue.workflow import audit, open_workflow
from rescue.workflow.users import User
from tests.web_fixture import Fixture, login, make_operation, password


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    return make_operation(tmp_path_factory.mktemp("web-auth"))


@pytest.fixture()
def client(fx: Fixture) -> TestClient:
    return TestClient(create_app(fx.root))


def test_login_sets_a_strict_httponly_session_and_logout_ends_it(client: TestClient) -> None:
    assert client.get("/api/me").status_code == 401
    assert client.get("/suspects", follow_redirects=False).headers["location"] == "/login"
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    r = client.post("/login", data={"username": "analyst", "password": password("analyst"), "csrf_token": token[1]},
                    follow_redirects=False)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "rescue_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    me = client.get("/api/me").json()
    assert (me["username"], me["role"], me["scoped"]) == ("analyst", "analyst", False)
    assert client.post("/logout", data={"csrf_token": me["csrf_token"]}, follow_redirects=False).status_code == 303
    assert client.get("/api/me").status_code == 401


def test_wrong_password_and_unknown_user_fail_alike_and_are_logged(fx: Fixture, client: TestClient) -> None:
    for user, pw in (("analyst", "not the password at all"), ("nobody", "whatever password")):
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        r = client.post("/login", data={"username": user, "password": pw, "csrf_token": token[1]})
        assert r.status_code == 401 and "Wrong user name or password" in r.text
    with open_workflow(fx.root).session() as s:
        failed = [e for e in audit.iter_entries(s) if e.action == "logon" and '"failed"' in e.details]
    assert {e.actor for e in failed} >= {"analyst", "nobody"}


def test_csrf_is_required_on_every_state_changing_request(client: TestClient) -> None:
    # the login form itself: no token, or a token that is not the cookie's
    r = client.post("/login", data={"username": "analyst", "password": password("analyst")})
    assert r.status_code == 403
    csrf = login(client, "analyst")
    for headers, data in (({}, {}), ({"X-CSRF-Token": "forged"}, {}), ({}, {"csrf_token": "forged"})):
        r = client.post("/logout", headers=headers, data=data)
        assert r.status_code == 403, (headers, data)
    r = client.post("/api/suspects/PDE1000000000001/justification", json={"justification": "case 1 review of file"})
    assert r.status_code == 403
    r = client.post("/api/suspects/PDE1000000000001/justification", json={"justification": "case 1 review of file"},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    assert client.get("/api/me").status_code == 200  # still logged in: the forged requests changed nothing


def test_totp_second_factor(fx: Fixture, client: TestClient) -> None:
    secret = pyotp.random_base32()
    wf = open_workflow(fx.root)
    with wf.session() as s:
        user = s.get(User, "reviewer2")
        assert user is not None
        user.totp_secret = secret
    try:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        r = client.post("/login", data={"username": "reviewer2", "password": password("reviewer2"),
                                        "csrf_token": token[1]}, follow_redirects=False)
        assert r.headers["location"] == "/login/totp"
        assert client.get("/api/me").status_code == 401  # the password alone opens nothing
        form = client.get("/login/totp").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert csrf
        bad = client.post("/login/totp", data={"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111",
                                               "csrf_token": csrf[1]})
        assert bad.status_code == 401
        assert client.get("/api/me").status_code == 401
        login_page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login_page.text)
        assert token
        client.post("/login", data={"username": "reviewer2", "password": password("reviewer2"),
                                    "csrf_token": token[1]}, follow_redirects=False)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login/totp").text)
        assert csrf
        ok = client.post("/login/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf[1]},
                         follow_redirects=False)
        assert ok.status_code == 303 and ok.headers["location"] == "/"
        assert client.get("/api/me").json()["username"] == "reviewer2"
    finally:
        with wf.session() as s:
            user = s.get(User, "reviewer2")
            assert user is not None
            user.totp_secret = None
        wf.close()


def test_security_headers_on_pages_api_and_errors(client: TestClient) -> None:
    login(client, "analyst")
    for path in ("/", "/api/dashboard", "/login", "/suspects/nope", "/static/app.js"):
        h = client.get(path).headers
        csp = h["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"


def test_no_inline_script_in_any_template() -> None:
    templates = Path(__file__).parents[1] / "src" / "rescue" / "web" / "templates"
    for t in templates.glob("*.html"):
        text = t.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), t.name
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", text), t.name  # no inline event handlers
        assert "|safe" not in text.replace(" ", ""), t.name
        assert "style=" not in text, t.name


def test_repeated_failures_lock_the_user_name_out(client: TestClient) -> None:
    def attempt(pw: str) -> int:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        r = client.post("/login", data={"username": "auditor", "password": pw, "csrf_token": token[1]},
                        follow_redirects=False)
        return r.status_code

    assert [attempt(f"wrong password {i}") for i in range(5)] == [401] * 5
    assert attempt(password("auditor")) == 429  # even the right password, until the lock-out has passed


def test_openapi_describes_the_json_api(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/suspects", "/api/suspects/{pid}", "/api/suspects/{pid}/graph", "/api/outcomes/import",
            "/api/search", "/api/audit/verify", "/api/packages/{country}/{version}/release"} <= paths
    assert client.get("/docs").status_code == 404  # no CDN-loaded Swagger UI (CSP): the description only
