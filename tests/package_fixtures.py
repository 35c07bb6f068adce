"""Shared set-up of the package tests: an analysed small world with cross-investigation hits, a media
triage table as the media stage writes it, and the workflow users."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import pytest

from rescue import identity, operation
from rescue.flow import analyse_operation
from rescue.ingest.pipeline import ingest
from rescue.workflow import open_workflow
from rescue.workflow.users import add_user

SCHEMAS = Path(__file__).resolve().parents[1] / "src" / "rescue" / "data" / "package"


def analysed_world(world: Path, base: Path) -> Path:
    other = operation.init(base / "other", name="earlier-case")
    ingest(other, world / "other" / "phpbb.sql")
    analyse_operation(other)
    op = operation.init(base / "op", name="test-op", agency="TEST")
    ingest(op, world / "forum" / "phpbb.sql")
    analyse_operation(op)
    identity.xref(op.root, [other.root])
    add_media_links(op.store_path)
    wf = open_workflow(op.root)
    try:
        with wf.session() as s:
            add_user(s, "ann", "analyst")
            add_user(s, "adam", "admin")
            add_user(s, "rita", "reviewer")
            add_user(s, "rob", "reviewer")
            add_user(s, "lou", "liaison", country="DE")
    finally:
        wf.close()
    return op.root


def add_media_links(store: Path) -> None:
    """The table the media-triage stage writes: a few attachments of attributed persons, one in a known series."""
    con = duckdb.connect(str(store))
    try:
        con.execute("""
          create or replace table media_person_links as
          with a as (
            select a.*, pa.person_id, row_number() over (order by a.source_id, a.attachment_id) as n
            from attachments a join person_accounts pa using (source_id, account_id)
            join attribution t using (person_id) where t.country is not null)
          select person_id, source_id, account_id, attachment_id, 'F' || attachment_id as file_id,
                 coalesce(sha256, repeat('0', 64)) as sha256,
                 case n % 3 when 0 then 'known-notable' when 1 then 'near-duplicate' else 'unseen' end as bucket,
                 case when n % 3 = 2 then 'U0001' end as series_id,
                 case when n % 3 = 0 then 'series-test-1' end as known_series,
                 case when n % 3 < 2 then '1' end as category, case when n % 3 < 2 then 'test-scheme' end as scheme,
                 case when n % 3 = 1 then 12 else 0 end as distance, 'attachment-file' as link
          from a where n <= 30
          union all
          select * from (
            select null, source_id, account_id, attachment_id, 'F' || attachment_id, repeat('1', 64), 'unseen',
                   null, null, null, null, 0, 'same-sha256'
            from attachments order by attachment_id limit 3)
        """)
    finally:
        con.close()


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


_CACHE: dict[Path, Path] = {}


def shared_analysed(world: Path, base_factory: Any) -> Path:
    """One analysed operation per test session (both package test modules use it; copy it before changing it)."""
    if world not in _CACHE:
        _CACHE[world] = analysed_world(world, base_factory.mktemp("package-world"))
    return _CACHE[world]


def fresh_op(small_world: Path, factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A private copy of the shared analysed world, with an empty packages folder."""
    dst = tmp_path / "op"
    shutil.copytree(shared_analysed(small_world, factory), dst, ignore=shutil.ignore_patterns("packages"))
    (dst / "packages").mkdir()
    return dst


def top_country(op: Path) -> str:
    """The country with the most attributed persons."""
    con = duckdb.connect(str(op / "store.duckdb"), read_only=True)
    try:
        row = con.execute("select country from attribution where country is not null group by 1 "
                          "order by count(*) desc, 1 limit 1").fetchall()
    finally:
        con.close()
    return str(row[0][0])
