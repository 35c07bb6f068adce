"""Matching on generated pictures and their transformations; buckets, feedback, series, links, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from rescue.media.generated import TRANSFORMS, encode
from rescue.media.hashsets.registry import add_feedback, import_set, set_enabled
from rescue.media.intake import run_intake
from rescue.media.match import run_match
from rescue.media.process import process_bytes
from rescue.operation import Operation
from tests.media_util import jpeg, new_op, pictures, query, rescue

CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media"


def _vics(path: Path, originals: list[bytes], series: str = "Alpha") -> None:
    media = []
    for i, data in enumerate(originals):
        row = process_bytes(data, 1 << 26)
        media.append({"MD5": row["md5"], "Category": 1, "Series": series, "VictimIdentified": i % 2 == 0,
                      "AlternativeHashes": [{"HashName": "PDQ", "HashValue": row["pdq"]}]})
    path.write_text(json.dumps({"@odata.context": CONTEXT, "value": media}))


@pytest.fixture(scope="module")
def transformed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Operation, int]:
    tmp = tmp_path_factory.mktemp("recall")
    op = new_op(tmp)
    imgs = pictures(60, seed=11)
    _vics(tmp / "known.json", [jpeg(img) for img in imgs])
    src = tmp / "seized"
    src.mkdir()
    for i, img in enumerate(imgs):
        for name in ("mirror", "rotate90", "rotate270", "flip", "resize_half"):
            (src / f"{name}-{i:03d}.jpg").write_bytes(jpeg(TRANSFORMS[name](img), quality=75))
        (src / f"reencoded-{i:03d}.jpg").write_bytes(jpeg(img, quality=40))
    for j, img in enumerate(pictures(40, seed=12)):  # unrelated pictures: must stay unseen
        (src / f"other-{j:03d}.png").write_bytes(encode(img, "PNG"))
    run_intake(op, src, workers=2)
    con = duckdb.connect(str(op.store_path))
    import_set(con, tmp / "known.json", name="known")
    run_match(con)
    con.close()
    return op, len(imgs)


@pytest.mark.parametrize("name", ["mirror", "rotate90", "rotate270", "flip", "resize_half", "reencoded"])
def test_recall_of_transformed_copies(transformed: tuple[Operation, int], name: str) -> None:
    op, n = transformed
    [(found, worst)] = query(op, f"""SELECT count(*), max(distance) FROM media_triage t JOIN media_files f
        USING (file_id) WHERE f.inner_path LIKE '{name}-%' AND t.bucket = 'near-duplicate'""")
    assert int(str(found)) / n >= 0.98
    assert worst is not None and int(str(worst)) <= 31


def test_unrelated_pictures_stay_unseen(transformed: tuple[Operation, int]) -> None:
    op, _ = transformed
    rows = query(op, """SELECT t.bucket, t.distance FROM media_triage t JOIN media_files f USING (file_id)
                        WHERE f.inner_path LIKE 'other-%'""")
    assert len(rows) == 40 and {r[0] for r in rows} == {"unseen"}


def test_near_duplicates_carry_distance_category_and_series(transformed: tuple[Operation, int]) -> None:
    op, _ = transformed
    rows = query(op, """SELECT t.distance, t.category, t.scheme, t.known_series, m.variant FROM media_triage t
                        JOIN media_files f USING (file_id) JOIN media_matches m USING (file_id)
                        WHERE f.inner_path = 'mirror-000.jpg'""")
    assert rows and all(r[0] is not None and r[1:4] == ("1", "VIC-US", "Alpha") for r in rows)
    assert min(int(str(r[4])) for r in rows) > 0  # found through a dihedral variant, not as is


def _seized(tmp_path: Path) -> tuple[Operation, list[bytes], Path]:
    op = new_op(tmp_path)
    imgs = pictures(8, seed=21)
    data = [jpeg(img) for img in imgs]
    src = tmp_path / "seized"
    src.mkdir()
    for i in range(4):
        (src / f"known-{i}.jpg").write_bytes(data[i])
    (src / "mirror-4.jpg").write_bytes(jpeg(TRANSFORMS["mirror"](imgs[4])))
    (src / "new-a.jpg").write_bytes(data[6])
    (src / "new-a-small.jpg").write_bytes(jpeg(TRANSFORMS["resize_half"](imgs[6]), 60))
    (src / "new-b.jpg").write_bytes(data[7])
    (src / "readme.txt").write_text("installer notes")
    _vics(tmp_path / "known.json", data[:6])
    (tmp_path / "nsrl.txt").write_text(process_bytes(b"installer notes", 0)["md5"] + "\n")
    return op, data, src


def test_buckets_feedback_and_series(tmp_path: Path) -> None:
    op, data, src = _seized(tmp_path)
    run_intake(op, src, workers=1)
    con = duckdb.connect(str(op.store_path))
    import_set(con, tmp_path / "known.json", name="known")
    import_set(con, tmp_path / "nsrl.txt", name="nsrl", role="known")
    result = run_match(con)
    assert result.buckets == {"known-notable": 4, "near-duplicate": 1, "unseen": 3, "known": 1}
    series = con.execute("""SELECT f.inner_path, s.series_id, s.size FROM media_series s JOIN media_files f
                            USING (file_id) ORDER BY 1""").fetchall()
    assert [r[2] for r in series] == [2, 2, 1]
    assert series[0][1] == series[1][1] != series[2][1]
    md5 = process_bytes(data[0], 0)["md5"]
    add_feedback(con, md5, "false-positive", analyst="a1", note="checked")
    add_feedback(con, process_bytes(data[1], 0)["md5"], "recategorise", analyst="a1", category="B", scheme="CAID")
    result = run_match(con)
    assert result.suppressed == 2  # its exact MD5 match and its PDQ match (distance 0)
    got = dict(con.execute("""SELECT f.inner_path, t.bucket || '/' || coalesce(t.category, '') || '/' ||
                              coalesce(t.scheme, '') FROM media_triage t JOIN media_files f USING (file_id)""")
               .fetchall())
    assert got["known-0.jpg"] == "unseen//" and got["known-1.jpg"] == "known-notable/B/CAID"
    set_enabled(con, "known", False)
    assert run_match(con).buckets.get("known-notable", 0) == 0
    set_enabled(con, "known", True)
    # a negative set (verified not pertinent) puts an unseen file in "known"
    (tmp_path / "negative.txt").write_text(process_bytes(data[7], 0)["sha256"] + "\n")
    import_set(con, tmp_path / "negative.txt", name="cleared", role="negative")
    run_match(con)
    [(bucket, role)] = con.execute("""
        SELECT t.bucket, m.role FROM media_triage t JOIN media_files f USING (file_id)
        JOIN media_matches m USING (file_id) WHERE f.inner_path = 'new-b.jpg'""").fetchall()
    assert (bucket, role) == ("known", "negative")
    con.close()


def test_threshold_is_per_set(tmp_path: Path) -> None:
    import io

    from PIL import Image

    op, data, src = _seized(tmp_path)
    with Image.open(io.BytesIO(data[5])) as im:  # in the set, not seized as is: a smaller, coarser copy
        (src / "small-5.jpg").write_bytes(jpeg(TRANSFORMS["resize_half"](im.convert("RGB")), 40))
    run_intake(op, src, workers=1)
    con = duckdb.connect(str(op.store_path))
    import_set(con, tmp_path / "known.json", name="strict", threshold=0)
    run_match(con)
    bucket = "SELECT bucket, distance FROM media_triage JOIN media_files USING (file_id) WHERE inner_path = ?"
    assert con.execute(bucket, ["small-5.jpg"]).fetchall() == [("unseen", None)]
    import_set(con, tmp_path / "known.json", name="usual", threshold=31)
    run_match(con)
    [(got, distance)] = con.execute(bucket, ["small-5.jpg"]).fetchall()
    assert got == "near-duplicate" and 0 < int(str(distance)) <= 31
    con.close()


def test_links_to_attachments_accounts_and_persons(tmp_path: Path) -> None:
    op, data, src = _seized(tmp_path)
    files = tmp_path / "forum-files"
    files.mkdir()
    (files / "2_aa11").write_bytes(data[2])  # a known picture posted as an attachment
    (files / "3_bb22").write_bytes(data[7])  # an unseen one
    con = duckdb.connect(str(op.store_path))
    from rescue.store.duck import ensure_schema

    ensure_schema(con)
    con.execute("""INSERT INTO attachments (source_id, attachment_id, account_id, filename, stored_name, sha256)
                   VALUES ('src1', '10', '2', 'garden.png', '2_aa11', NULL),
                          ('src1', '11', '3', 'x.png', '3_bb22', NULL),
                          ('src1', '12', '3', 'y.png', 'missing', NULL)""")
    con.execute("CREATE TABLE person_accounts (person_id VARCHAR, source_id VARCHAR, account_id VARCHAR)")
    con.execute("INSERT INTO person_accounts VALUES ('P1', 'src1', '2'), ('P2', 'src1', '3')")
    con.close()
    out = rescue("media", "intake", op.root, src, "--workers", "1")
    assert out.returncode == 0, out.stderr
    out = rescue("media", "intake", op.root, files, "--attachments", "src1", "--workers", "1")
    assert out.returncode == 0 and "2 files mapped to attachments" in out.stdout, out.stdout + out.stderr
    assert rescue("media", "hashset", "import", op.root, tmp_path / "known.json").returncode == 0
    out = rescue("media", "match", op.root)
    assert out.returncode == 0 and "known-notable: 5" in out.stdout, out.stdout + out.stderr
    rows = query(op, """SELECT person_id, account_id, attachment_id, bucket, category, scheme, series_id, method,
                               link, unseen_series_id IS NOT NULL FROM media_person_links ORDER BY 1, link""")
    assert ("P1", "2", "10", "known-notable", "1", "VIC-US", "Alpha", "md5", "attachment-file", False) in rows
    assert ("P1", "2", "10", "known-notable", "1", "VIC-US", "Alpha", "md5", "same-sha256", False) in rows
    unseen = [r for r in rows if r[2] == "11"]
    assert len(unseen) == 2 and all(r[3:6] == ("unseen", None, None) and r[9] and r[6] for r in unseen)
    out = rescue("media", "summary", op.root)
    assert "links to forum attachments: 4 (2 persons)" in out.stdout, out.stdout


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    op = new_op(tmp_path)
    out = rescue("media", "hashset", "import", op.root, tmp_path / "nope.json")
    assert out.returncode != 0 and out.stderr.strip().count("\n") == 0
    assert out.stderr.startswith("rescue: error:") and "nope.json" in out.stderr
    out = rescue("media", "intake", op.root, tmp_path / "absent")
    assert out.returncode != 0 and "absent" in out.stderr and out.stderr.strip().count("\n") == 0
    out = rescue("media", "hashset", "disable", op.root, "S404")
    assert out.returncode != 0 and "no hash set" in out.stderr
