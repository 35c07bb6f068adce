"""Hash sets: VICS 2.0 round trip with unknown fields, ICSE CSV, plain lists, NSRL RDSv3, enable/disable."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import duckdb
import pytest

from rescue.media import tables
from rescue.media.hashsets.common import SetFormatError
from rescue.media.hashsets.registry import add_feedback, export_set, import_set, list_sets, set_enabled
from rescue.media.safety import MediaError

MD5 = ["%032x" % (0xABC0 + i) for i in range(6)]
SHA1 = ["%040x" % (0xDEF0 + i) for i in range(6)]
PDQ = ["%064x" % (0x1234567 * (i + 1)) for i in range(6)]


def _con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    tables.ensure(con)
    return con


def _vics_cases() -> dict[str, object]:
    return {
        "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases",
        "value": [{
            "CaseID": "6f1c1d2e-0000-4000-8000-000000000001", "CaseNumber": "TEST-1", "SourceApplicationName": "gen",
            "VendorSpecificBlock": {"kept": [1, 2, 3]},
            "Media": [
                {"MD5": MD5[0].upper(), "MediaID": 1, "Category": 1, "SHA1": SHA1[0].upper(), "Series": "Blue",
                 "VictimIdentified": True, "OffenderIdentified": False, "IsDistributed": True, "Comments": "",
                 "Tags": ["t"], "MediaSize": 1234, "UnknownFutureField": {"x": None, "y": 1.5},
                 "AlternativeHashes": [{"HashName": "PDQ", "HashValue": PDQ[0]},
                                       {"HashName": "SHA256", "HashValue": "ab" * 32}],
                 "MediaFiles": [{"FileName": "a.jpg", "FilePath": "x\\y", "Deleted": False, "Unallocated": False}]},
                {"MD5": MD5[1], "Category": 5, "IsPrecategorized": True},
                {"MD5": "nothex", "Category": 1},
            ]}],
    }


def test_vics_round_trip_keeps_unknown_fields(tmp_path: Path) -> None:
    con = _con(tmp_path)
    src = tmp_path / "set.json"
    doc = _vics_cases()
    src.write_text(json.dumps(doc))
    got = import_set(con, src)
    assert (got["format"], got["role"], got["entries"], got["skipped"]) == ("vics", "notable", 2, 1)
    assert "value[0].Media[2]" in got["first_skip"]
    rows = con.execute("SELECT md5, sha1, sha256, pdq, category, scheme, series, victim_identified "
                       "FROM media_set_hashes ORDER BY row_index").fetchall()
    assert rows[0] == (MD5[0], SHA1[0], "ab" * 32, PDQ[0], "1", "VIC-US", "Blue", True)
    assert rows[1][4:6] == ("5", "VIC-US")
    out = tmp_path / "out.json"
    assert export_set(con, got["set_id"], out) == 2
    expected = json.loads(json.dumps(doc))
    expected["value"][0]["Media"] = expected["value"][0]["Media"][:2]  # the unreadable record is not kept
    assert json.loads(out.read_text()) == expected


def test_vics_media_document_byte_identical_when_compact(tmp_path: Path) -> None:
    con = _con(tmp_path)
    doc = {"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Media",
           "value": [{"MD5": MD5[2], "Category": "A", "Odd": [1]}], "Trailer": "kept"}
    src = tmp_path / "uk.json"
    src.write_text(json.dumps(doc))
    sid = import_set(con, src)["set_id"]
    assert con.execute("SELECT category, scheme FROM media_set_hashes").fetchall() == [("A", "CAID")]
    out = tmp_path / "uk-out.json"
    export_set(con, sid, out)
    assert json.dumps(json.loads(out.read_text())) == src.read_text()


def test_icse_csv_and_export_to_vics(tmp_path: Path) -> None:
    con = _con(tmp_path)
    src = tmp_path / "icse.csv"
    header = ("MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;Series name;"
              "Number of submissions;File Available;Media Type;Baseline")
    src.write_text(f"{header}\n{MD5[3]};{SHA1[3]};;11;Yes;No;No;Green;4;Yes;Image;Yes\n"
                   f"{MD5[4]};;;12;No;;;;1;No;Image;No\nzz;;;;;;;;;;;\n")
    got = import_set(con, src)
    assert (got["format"], got["entries"], got["skipped"]) == ("icse", 2, 1)
    assert "line 4" in got["first_skip"]
    rows = con.execute("SELECT md5, category, scheme, series, is_distributed FROM media_set_hashes "
                       "ORDER BY row_index").fetchall()
    assert rows == [(MD5[3], "baseline", "Interpol Baseline", "Green", True),
                    (MD5[4], "not baseline", "Interpol Baseline", None, False)]
    same = tmp_path / "again.csv"
    export_set(con, got["set_id"], same)
    assert same.read_text().splitlines()[:3] == src.read_text().splitlines()[:3]
    as_vics = tmp_path / "v.json"
    export_set(con, got["set_id"], as_vics, "vics")
    media = json.loads(as_vics.read_text())["value"]
    assert media[0]["MD5"] == MD5[3].upper() and media[0]["Series"] == "Green"


def test_plain_lists_nsrl_and_toggles(tmp_path: Path) -> None:
    con = _con(tmp_path)
    plain = tmp_path / "list.txt"
    plain.write_text(f"# comment\n{MD5[0]}\n{SHA1[1]}  file\n\n{'c' * 64}\nnot-a-hash\n")
    got = import_set(con, plain, category="2", scheme="VIC-US")
    assert (got["entries"], got["skipped"]) == (3, 1)
    rds = tmp_path / "RDS_min.db"
    db = sqlite3.connect(rds)
    db.executescript("""
        CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT NULL,
          file_name VARCHAR NOT NULL, file_size INTEGER NOT NULL, package_id INTEGER NOT NULL,
          CONSTRAINT PK_FILE__FILE PRIMARY KEY (sha256, sha1, md5, file_name, file_size, package_id));
        CREATE TABLE MFG (manufacturer_id INTEGER NOT NULL, name VARCHAR NOT NULL);
        CREATE TABLE OS (operating_system_id INTEGER, name VARCHAR NOT NULL, version VARCHAR NOT NULL,
          manufacturer_id INTEGER NOT NULL);
        CREATE TABLE PKG (package_id INTEGER NOT NULL, name VARCHAR NOT NULL, version VARCHAR NOT NULL,
          operating_system_id INTEGER NOT NULL, manufacturer_id INTEGER NOT NULL, language VARCHAR NOT NULL,
          application_type VARCHAR NOT NULL);
        CREATE TABLE VERSION (version VARCHAR UNIQUE NOT NULL, build_set VARCHAR NOT NULL,
          build_date TIMESTAMP NOT NULL, release_date TIMESTAMP NOT NULL, description VARCHAR NOT NULL);
    """)
    db.executemany("INSERT INTO FILE VALUES (?, ?, ?, ?, ?, ?)",
                   [("D" * 64, SHA1[5].upper(), MD5[5].upper(), "setup.exe", 10, 1),
                    ("D" * 64, SHA1[5].upper(), MD5[5].upper(), "setup2.exe", 10, 2)])
    db.commit()
    db.close()
    nsrl = import_set(con, rds)
    assert (nsrl["format"], nsrl["role"], nsrl["entries"]) == ("nsrl", "known", 1)
    assert con.execute("SELECT md5, sha256 FROM media_set_hashes WHERE set_id = ?",
                       [nsrl["set_id"]]).fetchall() == [(MD5[5], "d" * 64)]
    set_enabled(con, nsrl["set_id"], False)
    assert [s["enabled"] for s in list_sets(con)] == [True, False]
    out = tmp_path / "sha1.txt"
    export_set(con, got["set_id"], out, "plain", "sha1")
    assert out.read_text() == f"{SHA1[1]}\n"
    with pytest.raises(MediaError, match="no hash set"):
        set_enabled(con, "S999", True)
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\0" * 100)
    with pytest.raises(SetFormatError):
        import_set(con, bad)


def test_feedback_needs_scheme_with_category(tmp_path: Path) -> None:
    con = _con(tmp_path)
    with pytest.raises(MediaError, match="scheme"):
        add_feedback(con, MD5[0], "recategorise", analyst="a", category="2")
    with pytest.raises(MediaError, match="verdict"):
        add_feedback(con, MD5[0], "maybe", analyst="a")
    assert add_feedback(con, MD5[0].upper(), "false-positive", analyst="a") == "md5"
    assert con.execute("SELECT hash_value, verdict FROM media_feedback").fetchall() == [(MD5[0], "false-positive")]
