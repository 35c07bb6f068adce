"""Intake: folders, archives (hostile names, links, bombs), nested archives, EXIF, video, disk images."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path

import av
import numpy as np
import py7zr
import pytest

from rescue.media.digest import digest
from rescue.media.generated import camera_exif, encode
from rescue.media.intake import run_intake
from rescue.media.safety import Limits
from tests.media_util import jpeg, new_op, pictures, query


def _zip_with_hostile_members(path: Path, good: bytes) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("photos/good.jpg", good)
        zf.writestr("../../etc/escape.jpg", good)
        zf.writestr("/abs/path.jpg", good)
        link = zipfile.ZipInfo("photos/link.jpg")
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
        zf.writestr("bomb.bin", b"\0" * (40 << 20))


def test_folder_and_zip_safety(tmp_path: Path) -> None:
    op = new_op(tmp_path)
    src = tmp_path / "seized"
    (src / "sub").mkdir(parents=True)
    imgs = pictures(3, seed=1)
    (src / "a.jpg").write_bytes(jpeg(imgs[0]))
    (src / "sub" / "b.png").write_bytes(encode(imgs[1], "PNG"))
    (src / "notes.txt").write_text("shopping list")
    os.symlink("/etc/passwd", src / "link")
    _zip_with_hostile_members(src / "box.zip", jpeg(imgs[2]))
    result = run_intake(op, src, workers=1)
    # a.jpg, b.png, notes.txt, box.zip and the one good member
    assert result.files == 5 and result.images == 3
    assert result.quarantined == 5
    reasons = dict(query(op, "SELECT inner_path, reason FROM media_quarantine"))
    assert reasons["link"] == "symbolic link not followed"
    assert reasons["../../etc/escape.jpg"].startswith("path traversal")
    assert reasons["/abs/path.jpg"].startswith("absolute member path")
    assert reasons["photos/link.jpg"].startswith("symbolic link member")
    assert reasons["bomb.bin"].startswith("decompression bomb")
    rows = query(op, "SELECT container_kind, inner_path, md5, sha1, sha256, pdq, pdq_quality FROM media_files "
                     "WHERE inner_path = 'photos/good.jpg'")
    assert len(rows) == 1 and rows[0][0] == "zip"
    d = digest([jpeg(imgs[2])], 0)
    assert rows[0][2:5] == (d.md5, d.sha1, d.sha256)
    assert len(str(rows[0][5])) == 64 and int(str(rows[0][6])) >= 50
    assert "quarantined 1: decompression bomb" in "\n".join(result.lines())


def test_member_longer_than_declared_is_stopped(tmp_path: Path) -> None:
    op = new_op(tmp_path)
    src = tmp_path / "seized"
    src.mkdir()
    with zipfile.ZipFile(src / "ratio.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.bin", b"\0" * (3 << 20))
    result = run_intake(op, src, workers=1, limits=Limits(max_ratio=10.0))
    assert result.quarantined == 1
    assert "ratio" in str(query(op, "SELECT reason FROM media_quarantine")[0][0])


def test_tar_links_and_traversal_and_nested_zip(tmp_path: Path) -> None:
    op = new_op(tmp_path)
    src = tmp_path / "seized"
    src.mkdir()
    imgs = pictures(2, seed=2)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("deep/pic.jpg", jpeg(imgs[1]))
    with tarfile.open(src / "t.tar.gz", "w:gz") as tf:
        for name, data in (("ok/pic.jpg", jpeg(imgs[0])), ("../up.jpg", b"x"), ("ok/inner.zip", inner.getvalue())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        sym = tarfile.TarInfo("ok/sym")
        sym.type, sym.linkname = tarfile.SYMTYPE, "/etc/shadow"
        tf.addfile(sym)
    result = run_intake(op, src, workers=1)
    paths = {r[0]: r[1] for r in query(op, "SELECT inner_path, container FROM media_files")}
    assert {"t.tar.gz", "ok/pic.jpg", "ok/inner.zip", "deep/pic.jpg"} == set(paths)
    assert paths["deep/pic.jpg"].endswith("t.tar.gz!ok/inner.zip")
    assert result.quarantined == 2


def test_7z_members_streamed(tmp_path: Path) -> None:
    op = new_op(tmp_path)
    src = tmp_path / "seized"
    src.mkdir()
    imgs = pictures(3, seed=3)
    with py7zr.SevenZipFile(src / "a.7z", "w") as zf:
        for i, img in enumerate(imgs):
            zf.writestr(jpeg(img), f"dir/p{i}.jpg")
    result = run_intake(op, src, workers=2)
    rows = query(op, "SELECT inner_path, md5 FROM media_files WHERE container_kind = '7z' ORDER BY inner_path")
    assert [r[0] for r in rows] == ["dir/p0.jpg", "dir/p1.jpg", "dir/p2.jpg"]
    assert [r[1] for r in rows] == [digest([jpeg(img)], 0).md5 for img in imgs]
    assert result.images == 3


def test_exif_leads(tmp_path: Path) -> None:
    op = new_op(tmp_path)
    src = tmp_path / "seized"
    src.mkdir()
    img = pictures(1, seed=4)[0]
    exif = camera_exif("Acme Optics", "Model 7", "SN-000123", -33.8675, 151.207)
    (src / "cam.jpg").write_bytes(encode(img, "JPEG", 90, exif=exif))
    run_intake(op, src, workers=1)
    [(make, model, serial, when, lat, lon)] = query(
        op, "SELECT exif_make, exif_model, exif_serial, exif_datetime, gps_lat, gps_lon FROM media_files")
    assert (make, model, serial, when) == ("Acme Optics", "Model 7", "SN-000123", "2024:05:01 10:11:12")
    assert abs(float(str(lat)) + 33.8675) < 1e-3 and abs(float(str(lon)) - 151.207) < 1e-3


def _video(path: Path, frames: list[np.ndarray], fps: int = 5) -> None:
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("mpeg4", rate=fps)
        stream.width, stream.height = frames[0].shape[1], frames[0].shape[0]
        stream.pix_fmt = "yuv420p"
        for arr in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(arr, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def test_video_segments(tmp_path: Path) -> None:
    op = new_op(tmp_path)
    src = tmp_path / "seized"
    src.mkdir()
    a, b = (np.asarray(img.convert("RGB")) for img in pictures(2, seed=5, size=(320, 240)))
    _video(src / "clip.mp4", [a] * 15 + [b] * 15)  # two shots of 3 s at 5 fps
    run_intake(op, src, workers=1)
    [(kind, frames, duration, pdq)] = query(op, "SELECT kind, frames, duration_s, pdq FROM media_files")
    assert kind == "video" and int(str(frames)) >= 5 and 5.0 <= float(str(duration)) <= 6.5 and pdq
    segs = query(op, "SELECT segment_index, start_s, end_s FROM media_video_segments ORDER BY segment_index")
    assert len(segs) == 2
    assert float(str(segs[1][1])) == pytest.approx(3.0, abs=1.01)


def _ext4(tmp_path: Path, files: dict[str, bytes]) -> Path:
    if shutil.which("mke2fs") is None or shutil.which("debugfs") is None:
        if os.environ.get("CI_STRICT"):
            pytest.fail("mke2fs/debugfs (e2fsprogs) missing in CI")
        pytest.skip("e2fsprogs not installed")
    content = tmp_path / "content"
    content.mkdir()
    for name, data in files.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_bytes(data)
    img = tmp_path / "disk.raw"
    subprocess.run(["mke2fs", "-q", "-t", "ext4", "-d", str(content), str(img), "8M"], check=True,
                   env={**os.environ, "E2FSPROGS_FAKE_TIME": "1700000000"})
    return img


def test_raw_disk_image_with_deleted_file(tmp_path: Path) -> None:
    op = new_op(tmp_path)
    imgs = pictures(2, seed=6)
    disk = _ext4(tmp_path, {"home/a.jpg": jpeg(imgs[0]), "home/gone.jpg": jpeg(imgs[1])})
    subprocess.run(["debugfs", "-w", "-R", "rm /home/gone.jpg", str(disk)], check=True, capture_output=True)
    run_intake(op, disk, workers=1, disk_image=True)
    rows = {r[0]: r[1:] for r in query(op, "SELECT inner_path, deleted, md5, mtime FROM media_files")}
    assert rows["home/a.jpg"][0] is False
    assert rows["home/a.jpg"][1] == digest([jpeg(imgs[0])], 0).md5
    assert rows["home/a.jpg"][2] is not None
    assert rows["home/gone.jpg"][0] is True  # listed, flagged deleted


def test_e01_disk_image(tmp_path: Path) -> None:
    if shutil.which("ewfacquire") is None:
        if os.environ.get("CI_STRICT"):
            pytest.fail("ewfacquire (ewf-tools) missing in CI")
        pytest.skip("ewf-tools not installed")
    op = new_op(tmp_path)
    imgs = pictures(1, seed=7)
    disk = _ext4(tmp_path, {"DCIM/x.jpg": jpeg(imgs[0])})
    target = tmp_path / "exhibit"
    subprocess.run(["ewfacquire", "-u", "-t", str(target), "-f", "encase6", "-c", "deflate:fast", "-S", "0",
                    "-C", "case", "-D", "generated", "-E", "1", "-e", "test", "-N", "none", "-q", str(disk)],
                   check=True, capture_output=True, stdin=subprocess.DEVNULL)
    e01 = tmp_path / "exhibit.E01"
    assert e01.exists()
    run_intake(op, e01, workers=1)
    rows = query(op, "SELECT container_kind, inner_path, md5 FROM media_files WHERE container_kind = 'e01'")
    assert ("e01", "DCIM/x.jpg", digest([jpeg(imgs[0])], 0).md5) in rows


def test_decoder_crash_is_contained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that kills its worker (as a hostile file can do to a C decoder) is hashed without decoding;
    the other files are decoded as usual."""
    from rescue.media import process

    op = new_op(tmp_path)
    src = tmp_path / "seized"
    src.mkdir()
    imgs = pictures(4, seed=8)
    bad = jpeg(imgs[0])
    for i, img in enumerate(imgs):
        (src / f"p{i}.jpg").write_bytes(jpeg(img))
    original = process._image

    def crashing(row: dict[str, object], data: bytes) -> None:
        if data == bad:
            os._exit(3)  # the worker process dies, as on a segmentation fault
        original(row, data)

    monkeypatch.setattr(process, "_image", crashing)  # inherited by the forked workers
    result = run_intake(op, src, workers=2)
    assert result.files == 4
    rows = dict(query(op, "SELECT inner_path, coalesce(error, pdq) FROM media_files"))
    assert str(rows["p0.jpg"]).startswith("decoder crashed")
    assert all(len(str(rows[f"p{i}.jpg"])) == 64 for i in (1, 2, 3))
    [(md5,)] = query(op, "SELECT md5 FROM media_files WHERE inner_path = 'p0.jpg'")
    assert md5 == digest([bad], 0).md5
