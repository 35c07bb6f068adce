"""Hand-made evidence stores for tests and examples: a few accounts, posts, quotes and IP sightings.

    store = MiniStore(tmp_path / "store.duckdb")
    store.account("2", "alpha", email="alpha@web.de", timezone="UTC+01:00 (DST)")
    store.ips("2", "91.64.1.1", days=20)
    store.post("2", "10", "my number is +49 151 23456789")
    store.close()

Content is neutral placeholder text (see DESIGN.md, content rules).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rescue.store import duck

T0 = dt.datetime(2020, 1, 1, 12, 0, 0)


class MiniStore:
    def __init__(self, path: Path, source_id: str = "s1") -> None:
        self.path = path
        self.source_id = source_id
        self.con = duck.connect(path)
        duck.ensure_schema(self.con)
        self._offset = 0

    def insert(self, table: str, **values: Any) -> None:
        values.setdefault("source_id", self.source_id)
        if table not in ("sources", "quarantine"):
            self._offset += 100
            values.setdefault("prov_table", table)
            values.setdefault("prov_offset", self._offset)
        cols = ", ".join(f'"{k}"' for k in values)
        marks = ", ".join("?" for _ in values)
        self.con.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(values.values()))

    def account(self, account_id: str, username: str, **values: Any) -> None:
        values.setdefault("is_guest", False)
        values.setdefault("is_bot", False)
        values.setdefault("prov_key", account_id)
        self.insert("accounts", account_id=account_id, username=username, **values)

    def ips(self, account_id: str, ip: str, *, days: int = 1, start: dt.datetime = T0, every: int = 1,
            kind: str = "post") -> None:
        """``days`` sightings of ``ip``, one every ``every`` days from ``start``."""
        for i in range(days):
            self.insert("ip_events", account_id=account_id, ip=ip, seen_at=start + dt.timedelta(days=i * every),
                        kind=kind, prov_key=f"{account_id}-{ip}-{i}")

    def post(self, account_id: str | None, post_id: str, text: str, **values: Any) -> None:
        values.setdefault("posted_at", T0)
        self.insert("posts", post_id=post_id, account_id=account_id, body_text=text, prov_key=post_id, **values)

    def message(self, sender: str, message_id: str, text: str) -> None:
        self.insert("messages", message_id=message_id, sender_account_id=sender, body_text=text, sent_at=T0,
                    prov_key=message_id)

    def quote(self, post_id: str, seq: int, text: str, *, author: str | None = None,
              account_id: str | None = None, quoted_post_id: str | None = None) -> None:
        self.insert("quotes", container="post", container_id=post_id, seq=seq, quoted_author=author,
                    quoted_account_id=account_id, quoted_post_id=quoted_post_id, depth=1, text=text,
                    prov_key=post_id)

    def profile(self, account_id: str, field: str, value: str) -> None:
        self.insert("profile_fields", account_id=account_id, field=field, value=value, prov_key=account_id)

    def config(self, name: str, value: str) -> None:
        self.insert("forum_config", name=name, value=value, prov_key=name)

    def close(self) -> None:
        self.con.close()
