"""Demo logins for the demo operation only (`rescue demo`): known passwords, printed on the terminal.

Never used outside a folder made by `rescue demo`; real operations add users with `rescue users add`.
"""

from __future__ import annotations

from pathlib import Path

from rescue.web.passwords import hash_password
from rescue.workflow import audit, open_workflow, users


def demo_logins(liaison_country: str) -> list[tuple[str, str, str | None, str]]:
    """(user name, role, country, password) of every demo login."""
    cc = liaison_country.upper()
    return [
        ("admin", "admin", None, "demo-admin-password"),
        ("analyst", "analyst", None, "demo-analyst-password"),
        ("reviewer", "reviewer", None, "demo-reviewer-password"),
        ("reviewer2", "reviewer", None, "demo-reviewer2-password"),
        (f"liaison_{cc.lower()}", "liaison", cc, f"demo-liaison-{cc.lower()}-password"),
        ("liaison_zz", "liaison", "ZZ", "demo-liaison-zz-password"),
        ("auditor", "auditor", None, "demo-auditor-password"),
    ]


def create_demo_users(op_root: Path, liaison_country: str) -> list[tuple[str, str, str | None, str]]:
    logins = demo_logins(liaison_country)
    wf = open_workflow(op_root)
    try:
        with wf.session() as s:
            for name, role, country, password in logins:
                if s.get(users.User, name) is None:
                    users.add_user(s, name, role, country=country, full_name=f"Demo {role}",
                                   password_hash=hash_password(password))
                    audit.append(s, actor="cli:rescue-demo", action="alteration", object_kind="user", object_id=name,
                                 country=country, details={"change": "added", "role": role, "demo": True})
    finally:
        wf.close()
    return logins
