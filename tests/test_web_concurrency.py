"""Many users at once: concurrent sessions reading persons (each view a processing-log entry) and recording
outcomes give no error, and the log stays one gapless chain."""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi.testclient import TestClient

from rescue.web import create_app
from rescue.workflow import audit, open_workflow
from tests.web_fixture import DE1, FR1, PERSONS, login, make_operation


def test_concurrent_clients(tmp_path: Path) -> None:
    fx = make_operation(tmp_path)
    app = create_app(fx.root)
    errors: list[str] = []
    views = 0
    lock = threading.Lock()

    def worker(user: str, pids: list[str]) -> None:
        nonlocal views
        client = TestClient(app)
        csrf = login(client, user)
        h = {"X-CSRF-Token": csrf}
        for pid in pids:
            client.post(f"/api/suspects/{pid}/justification", json={"justification": "concurrency test"}, headers=h)
        for i in range(6):
            pid = pids[i % len(pids)]
            for url in (f"/api/suspects/{pid}", f"/api/suspects/{pid}/graph", "/api/suspects?sort=score",
                        f"/suspects/{pid}", "/api/dashboard"):
                r = client.get(url)
                if r.status_code != 200:
                    errors.append(f"{user} {url} {r.status_code}")
                with lock:
                    views += 1
            if user.startswith("lo_"):
                r = client.post("/api/outcomes", json={"person_id": pid, "outcome": "searched",
                                                       "date": "2026-01-02"}, headers=h)
                if r.status_code != 200:
                    errors.append(f"{user} outcome {r.status_code} {r.text[:100]}")

    plan = [("analyst", list(PERSONS)), ("reviewer", list(PERSONS)), ("admin", list(PERSONS)),
            ("lo_de", [DE1]), ("lo_fr", [FR1]), ("analyst", [DE1, FR1])]
    threads = [threading.Thread(target=worker, args=p) for p in plan]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert views == 6 * 6 * 5
    with open_workflow(fx.root).session() as s:
        v = audit.verify(s)
    assert v.ok and v.entries > views // 2
