"""VICS 2.0 sets are read as a stream: memory does not follow the file's size, a malformed end leaves nothing."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import duckdb
import pytest

from rescue.media import tables
from rescue.media.hashsets import registry
from rescue.media.hashsets.common import SetFormatError
from rescue.media.hashsets.registry import export_set, import_set

CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/{}/$metadata#{}"


def _con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    tmp_path.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    tables.ensure(con)
    return con


def _media(i: int) -> dict[str, object]:
    return {"MD5": f"{i:032x}", "MediaID": i, "Category": i % 6, "SHA1": f"{i:040X}", "Series": f"S{i % 97}",
            "VictimIdentified": i % 2 == 0, "Comments": "generated entry", "Tags": ["a", "b"],
            "AlternativeHashes": [{"HashName": "PDQ", "HashValue": f"{i * 7919:064x}"}],
            "VendorField": {"n": i, "x": 0.25}}


def _write_cases(path: Path, n: int) -> None:
    """One case holding all the media (the case a whole-document parser must load at once)."""
    with path.open("w") as fh:
        context = json.dumps(CONTEXT.format("UK", "Cases"))
        fh.write('{"@odata.context": ' + context + ', "value": [{"CaseID": "c-1", "CaseNumber": "T-1", "Media": [')
        for i in range(n):
            fh.write(("," if i else "") + json.dumps(_media(i)))
        fh.write(f'], "TotalMediaFiles": {n}}}], "Trailer": {{"kept": true}}}}')


def _import_peak(tmp_path: Path, n: int) -> tuple[int, int, Path, duckdb.DuckDBPyConnection, dict[str, object]]:
    src = tmp_path / f"big{n}.json"
    _write_cases(src, n)
    con = _con(tmp_path / str(n))
    tracemalloc.start()
    try:
        got = import_set(con, src)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (got["format"], got["entries"], got["skipped"]) == ("vics", n, 0)
    return peak, src.stat().st_size, src, con, got


def test_large_case_document_in_bounded_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "BATCH", 1_000)
    small, _, _, _, _ = _import_peak(tmp_path, 3_000)
    peak, size, src, con, got = _import_peak(tmp_path, 12_000)
    # a whole-document parse holds every record as Python objects (several times the file's size); the
    # stream holds one batch of rows: four times the records, the same peak
    assert peak < 1.2 * small + (1 << 19), (small, peak)
    assert peak < size, (peak, size)
    [(scheme, cats)] = con.execute("SELECT min(scheme), count(DISTINCT category) FROM media_set_hashes").fetchall()
    assert (scheme, cats) == ("CAID", 6)
    out = tmp_path / "out.json"
    tracemalloc.start()
    try:
        assert export_set(con, str(got["set_id"]), out) == 12_000
        _, export_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert export_peak < size / 2, (export_peak, size)  # written as a stream too
    assert json.loads(out.read_text()) == json.loads(src.read_text())  # round trip, unknown fields included


def test_media_layout_and_mixed_elements(tmp_path: Path) -> None:
    doc = {"@odata.context": CONTEXT.format("US", "Media"), "value": [_media(1), 7, _media(2), {"MD5": "zz"}]}
    src = tmp_path / "m.json"
    src.write_text(json.dumps(doc))
    con = _con(tmp_path)
    got = import_set(con, src)
    assert (got["entries"], got["skipped"]) == (2, 2)
    assert got["first_skip"].startswith("value[1]: not an object")
    out = tmp_path / "out.json"
    export_set(con, got["set_id"], out)
    assert json.loads(out.read_text())["value"] == [_media(1), _media(2)]
    # a case document: an element without a Media list is skipped, the cases around it are kept
    doc = {"@odata.context": CONTEXT.format("US", "Cases"),
           "value": [{"CaseID": "a", "Media": [_media(3)]}, {"CaseID": "b"}, {"CaseID": "e", "Media": []},
                     {"Media": [_media(4), _media(5)], "Z": 1}]}
    src.write_text(json.dumps(doc))
    got = import_set(con, src)
    assert (got["entries"], got["skipped"], got["first_skip"]) == (3, 1, "value[1]: not a case (no Media list)")
    export_set(con, got["set_id"], out)
    del doc["value"][1]  # the element that was not a case is not kept
    assert json.loads(out.read_text()) == doc


def test_truncated_document_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "BATCH", 500)
    src = tmp_path / "cut.json"
    _write_cases(src, 3_000)
    data = src.read_bytes()
    src.write_bytes(data[: len(data) * 2 // 3])  # cut in the middle of the Media list, after several batches
    con = _con(tmp_path)
    with pytest.raises(SetFormatError, match=r"cut\.json:byte \d+: not JSON"):
        import_set(con, src)
    assert con.execute("SELECT count(*) FROM media_set_hashes").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM media_sets").fetchall() == [(0,)]
    src.write_text('{"@odata.context": "x", "value": 3}')
    with pytest.raises(SetFormatError, match="no VICS 'value' list"):
        import_set(con, src, fmt="vics")


def test_hostile_nesting_is_skipped(tmp_path: Path) -> None:
    deep = "[" * 5000 + "]" * 5000
    src = tmp_path / "deep.json"
    head = json.dumps({"@odata.context": CONTEXT.format("US", "Media")})[:-1]
    src.write_text(head + f', "value": [{json.dumps(_media(9))}, {{"MD5": "{5:032x}", "X": {deep}}}]}}')
    con = _con(tmp_path)
    got = import_set(con, src)
    assert (got["entries"], got["skipped"]) == (1, 1)
    assert "nested too deep" in got["first_skip"]
