"""Render a package document into its folder in every format, and write the manifest of hashes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

FORMATS = ("json", "pdf", "csv", "xlsx", "ftm", "i2")
MANIFEST = "manifest.json"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def render_all(doc: dict[str, Any], folder: Path, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write every requested format; return the files written (relative order fixed)."""
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    if "json" in formats:
        path = folder / "package.json"
        path.write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8")
        files.append(path)
    if "pdf" in formats:
        from rescue.package.write_pdf import write_pdf

        files.append(write_pdf(doc, folder / "package.pdf"))
    if "csv" in formats:
        from rescue.package.write_tables import write_csv

        files.extend(write_csv(doc, folder / "csv"))
    if "xlsx" in formats:
        from rescue.package.write_tables import write_xlsx

        files.append(write_xlsx(doc, folder / "package.xlsx"))
    if "ftm" in formats:
        from rescue.package.write_exchange import write_ftm

        (folder / "aleph").mkdir(exist_ok=True)
        files.append(write_ftm(doc, folder / "aleph" / "entities.ftm.json"))
    if "i2" in formats:
        from rescue.package.write_exchange import write_i2

        files.extend(write_i2(doc, folder / "i2"))
    return files


def write_manifest(doc: dict[str, Any], folder: Path, files: list[Path]) -> tuple[Path, str]:
    """manifest.json: the package's identity and marking and every file with its sha256 and size.
    Returns the path and the manifest's own sha256 (recorded in the workflow store)."""
    entries = [{"path": p.relative_to(folder).as_posix(), "sha256": sha256_file(p), "bytes": p.stat().st_size}
               for p in sorted(files)]
    manifest = {
        "format": "rescue-package-manifest", "format_version": 1,
        "country": doc["country"], "version": doc["version"], "kind": doc["kind"],
        "base_version": doc["base_version"], "operation": doc["operation"], "generated_at": doc["generated_at"],
        "drafted_by": doc["drafted_by"], "marking": doc["marking"], "persons": doc["summary"]["persons"],
        "hash": "sha256", "files": entries,
    }
    path = folder / MANIFEST
    data = (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")
    path.write_bytes(data)
    return path, hashlib.sha256(data).hexdigest()


def verify_folder(folder: Path, manifest_sha256: str) -> list[str]:
    """Problems found: the manifest changed, a listed file is missing or altered, an unlisted file appeared."""
    path = folder / MANIFEST
    if not path.is_file():
        return [f"{path}: missing"]
    data = path.read_bytes()
    problems = []
    if hashlib.sha256(data).hexdigest() != manifest_sha256:
        problems.append(f"{path}: altered since it was drafted (sha256 differs from the workflow store)")
    manifest = json.loads(data)
    listed = set()
    for f in manifest["files"]:
        p = folder / f["path"]
        listed.add(p.resolve())
        if not p.is_file():
            problems.append(f"{p}: missing")
        elif sha256_file(p) != f["sha256"]:
            problems.append(f"{p}: altered (sha256 differs from the manifest)")
    for p in folder.rglob("*"):
        if p.is_file() and p.name != MANIFEST and p.resolve() not in listed:
            problems.append(f"{p}: not in the manifest")
    return problems
