"""The workbench part of `rescue demo`: the search index, demo logins with known passwords (printed on the
terminal), and packages so that every role has something to do: the country with most persons has a released
package (its liaison officer sees it), the second one a draft waiting for a reviewer's approval.

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


def prepare_demo_workbench(op_root: Path) -> tuple[list[str], list[tuple[str, str, str | None, str]]]:
    """Index, logins and packages of the demo operation; returns lines to print and the logins."""
    import duckdb

    from rescue.package import approve, build_drafts, release
    from rescue.web import search

    lines = []
    built = search.build(op_root)
    lines.append(f"search index: {built.posts:,} posts and {built.messages:,} messages in {built.seconds:.1f} s")
    with duckdb.connect(str(op_root / "store.duckdb"), read_only=True) as ro:
        top = [str(r[0]) for r in ro.execute("SELECT country FROM attribution WHERE country IS NOT NULL "
                                             "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2").fetchall()]
    top = top or ["DE"]
    logins = create_demo_users(op_root, top[0])
    drafts = build_drafts(op_root, by="analyst", countries=top, formats=("json", "csv", "xlsx"))
    for d in drafts.drafts:
        if d.country == top[0]:
            approve(op_root, d.country, d.version, "reviewer")
            release(op_root, d.country, d.version, "reviewer", [f"{d.country} national CSE unit (demo)"])
            lines.append(f"package {d.ref}: {d.persons} persons, drafted by analyst, approved and released by "
                         f"reviewer (liaison_{d.country.lower()} sees them)")
        else:
            lines.append(f"package {d.ref}: {d.persons} persons, drafted by analyst, waiting for a reviewer's "
                         "approval (four eyes)")
    return lines, logins
