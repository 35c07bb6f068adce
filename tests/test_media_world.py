"""Media linked to a generated world: the forum's attachment files → accounts → persons."""

from __future__ import annotations

from pathlib import Path

import duckdb

from rescue import analyse, operation
from rescue.media.generated import TRANSFORMS, encode
from rescue.media.hashsets.registry import import_set
from rescue.media.intake import run_intake
from rescue.media.links import map_attachment_files
from rescue.media.match import run_match
from tests.media_util import query


def test_attachments_link_to_persons(small_world: Path, tmp_path: Path) -> None:
    from PIL import Image

    from rescue.ingest.pipeline import ingest

    op = operation.init(tmp_path / "op")
    ingest(op, small_world / "forum" / "phpbb.sql")
    analyse.run(op)
    files = small_world / "forum" / "files"
    pngs = sorted(p for p in files.iterdir() if p.read_bytes().startswith(b"\x89PNG"))
    assert len(pngs) >= 4
    [(source_id,)] = query(op, "SELECT DISTINCT source_id FROM attachments")
    res = run_intake(op, files, workers=1, attachments_source=str(source_id))
    con = duckdb.connect(str(op.store_path))
    mapped = map_attachment_files(con, res.intake_id, str(source_id))
    [(n_attach,)] = con.execute("SELECT count(*) FROM attachments").fetchall()
    assert mapped == n_attach == res.files
    # a hash set that knows two of the posted pictures: one exactly, one only by PDQ
    seized = tmp_path / "seized"
    seized.mkdir()
    known_exact, known_near = pngs[0], pngs[1]
    (seized / "copy.png").write_bytes(known_exact.read_bytes())
    with Image.open(known_near) as im:
        (seized / "mirrored.png").write_bytes(encode(TRANSFORMS["mirror"](im.convert("RGB")), "PNG"))
    (tmp_path / "set.txt").write_text(
        "\n".join(r[0] for r in con.execute(
            "SELECT md5 FROM media_files WHERE inner_path = ?", [known_exact.name]).fetchall()) + "\n")
    con.close()
    run_intake(op, seized, workers=1)
    con = duckdb.connect(str(op.store_path))
    import_set(con, tmp_path / "set.txt", name="agency list", category="1", scheme="VIC-US")
    run_match(con)
    con.close()
    rows = query(op, """SELECT l.person_id, l.account_id, l.bucket, l.category, l.scheme, l.link, f.inner_path
                        FROM media_person_links l JOIN media_files f USING (file_id)""")
    own = [r for r in rows if r[5] == "attachment-file"]
    assert len(own) == mapped and all(r[0] is not None for r in own)
    copy = [r for r in rows if r[6] == "copy.png"]
    assert copy and copy[0][2:5] == ("known-notable", "1", "VIC-US") and copy[0][0] is not None
    [(posted_bucket,)] = query(op, f"""SELECT DISTINCT bucket FROM media_person_links
                                       WHERE link = 'attachment-file' AND sha256 = (
                                       SELECT sha256 FROM media_files WHERE inner_path = '{known_exact.name}')""")
    assert posted_bucket == "known-notable"
    unseen = query(op, "SELECT count(*) FROM media_person_links "
                       "WHERE bucket = 'unseen' AND unseen_series_id = series_id")
    assert int(str(unseen[0][0])) > 0
