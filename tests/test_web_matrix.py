"""Role × route × country: every route of the app (enumerated from app.routes, so a new route cannot escape)
is tried by every role on persons and packages of every country; nothing outside a user's role or scope
comes back, and no response names a person outside a liaison officer's scope."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

from rescue.web import create_app
from rescue.web.permissions import AREAS
from tests.web_fixture import DE1, DE2, FR1, PERSONS, ROLES, XX1, Fixture, login, make_operation

PUBLIC = {"/login", "/login/totp", "/healthz", "/api/openapi.json"}
ROLE_OF = {u: ("liaison" if u.startswith("lo_") else "reviewer" if u.startswith("reviewer") else u) for u in ROLES}
# what each liaison officer may see: the persons released to their country
SCOPE = {"lo_de": {DE1}, "lo_fr": {FR1}}


def all_routes(routes: list[Any]) -> list[Any]:
    """Every route, with included routers flattened (FastAPI keeps them as _IncludedRouter entries)."""
    out: list[Any] = []
    for r in routes:
        inner = getattr(r, "original_router", None)
        if inner is not None:
            out += all_routes(list(inner.routes))
        else:
            out.append(r)
    return out


def _area(route: APIRoute) -> str | None:
    def walk(dep: Any) -> str | None:
        area = getattr(dep.call, "rescue_area", None)
        if area:
            return str(area)
        for sub in dep.dependencies:
            found = walk(sub)
            if found:
                return found
        return None

    return walk(route.dependant)


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    return make_operation(tmp_path_factory.mktemp("web-matrix"))


@pytest.fixture(scope="module")
def app(fx: Fixture) -> Any:
    return create_app(fx.root)


def test_every_route_declares_its_area(app: Any) -> None:
    seen = 0
    for route in all_routes(app.routes):
        if isinstance(route, Mount):
            assert route.path == "/static", route.path  # static assets only
            continue
        if isinstance(route, APIRoute):
            area = _area(route)
            assert area is not None, f"{route.path} has no need(area) / public() dependency"
            assert area in AREAS or (area == "public" and route.path in PUBLIC), (route.path, area)
            seen += 1
        else:
            assert isinstance(route, Route) and route.path in PUBLIC, f"unexpected route {route.path}"
    assert seen >= 30


def _instances(path: str, fx: Fixture) -> list[tuple[str, str | None, str | None]]:
    """Concrete URLs for a route template: (url, person it names, package country it names)."""
    if "{pid}" in path and "{item_id}" in path:
        out = []
        for pid in PERSONS:
            origin, src, item = fx.items[pid]
            out.append((path.replace("{pid}", pid).replace("{origin}", origin).replace("{source_id}", src)
                        .replace("{item_id}", item), pid, None))
        # another person's post through DE1's file must not open either
        origin, src, item = fx.items[FR1]
        out.append((path.replace("{pid}", DE1).replace("{origin}", origin).replace("{source_id}", src)
                    .replace("{item_id}", item), "cross", None))
        return out
    if "{pid}" in path:
        return [(path.replace("{pid}", pid), pid, None) for pid in [*PERSONS, "PNOSUCHPERSON0000"]]
    if "{country}" in path:
        return [(path.replace("{country}", cc).replace("{version}", str(v)), None, f"{cc}/{v}")
                for cc, v in (("DE", 1), ("DE", 2), ("FR", 1), ("GB", 1))]
    return [(path, None, None)]


def _visible_package(user: str, ref: str) -> bool:
    if ref == "GB/1":
        return False
    if user in SCOPE:
        return ref in {"lo_de": {"DE/1"}, "lo_fr": {"FR/1"}}[user]
    return True


def test_role_route_country_matrix(fx: Fixture, app: Any) -> None:
    checked = 0
    for user in ROLES:
        client = TestClient(app)
        csrf = login(client, user)
        role = ROLE_OF[user]
        for pid in PERSONS:  # a justification for each person first, so that the views below return content
            r = client.post(f"/api/suspects/{pid}/justification", json={"justification": "matrix test of access"},
                            headers={"X-CSRF-Token": csrf})
            expected = 403 if role == "auditor" else 404 if user in SCOPE and pid not in SCOPE[user] else 200
            assert r.status_code == expected, (user, pid, r.status_code)
        for route in all_routes(app.routes):
            if not isinstance(route, APIRoute) or route.path in PUBLIC or route.path == "/logout":
                continue
            area = _area(route)
            assert area is not None
            for method in sorted(route.methods):
                for url, pid, ref in _instances(route.path, fx):
                    if method == "GET":
                        r = client.get(url, follow_redirects=False)
                    else:  # a valid CSRF token and an empty body: past the gate, validation refuses it
                        r = client.request(method, url, headers={"X-CSRF-Token": csrf}, follow_redirects=False)
                    where = f"{user} {method} {url} -> {r.status_code}"
                    checked += 1
                    allowed_role = role in AREAS[area]
                    if not allowed_role:
                        assert r.status_code == 403, where
                        continue
                    in_scope = True
                    if pid == "cross":
                        in_scope = False
                    elif pid is not None:
                        in_scope = pid in PERSONS and (user not in SCOPE or pid in SCOPE[user])
                    if ref is not None:
                        in_scope = _visible_package(user, ref)
                    if not in_scope:
                        assert r.status_code == 404, where
                    else:
                        assert r.status_code not in (401, 403, 404, 500), where
                    if user in SCOPE and r.status_code < 400:
                        _assert_no_leak(user, r.text, where)
    assert checked > 300


def _assert_no_leak(user: str, body: str, where: str) -> None:
    hidden = [p for p in PERSONS if p not in SCOPE[user]]
    for pid in hidden:
        label = PERSONS[pid][0]
        assert pid not in body, f"{where}: names {pid}"
        if re.fullmatch(r"[a-z_]+", label):
            assert label not in body, f"{where}: names {label}"


def test_liaison_lists_hold_exactly_their_released_persons(app: Any) -> None:
    for user, scope in SCOPE.items():
        client = TestClient(app)
        login(client, user)
        rows = client.get("/api/suspects?per_page=500").json()["rows"]
        assert {r["person_id"] for r in rows} == scope
        assert client.get("/api/dashboard").json()["persons"] == len(scope)
        assert [p["country"] for p in client.get("/api/packages").json()] == [user[-2:].upper()]
        exported = client.get("/suspects/export.csv")
        assert exported.headers["content-disposition"].startswith("attachment;")
        assert {line.split(",")[1] for line in exported.text.splitlines()[1:]} == scope
    client = TestClient(app)
    login(client, "analyst")
    assert {r["person_id"] for r in client.get("/api/suspects?per_page=500").json()["rows"]} == set(PERSONS)
    assert XX1 in PERSONS and DE2 in PERSONS
