"""Plain hash lists: one hash a line (MD5, SHA-1, SHA-256 by length, or PDQ when told); '#' comments."""

from __future__ import annotations

from pathlib import Path

from rescue.media.hashsets.common import Parsed, SetRow, hexhash

_BY_LENGTH = {32: "md5", 40: "sha1", 64: "sha256"}


def parse(path: Path, *, kind: str | None = None, category: str | None = None,
          scheme: str | None = None) -> Parsed:
    rows: list[SetRow] = []
    parsed = Parsed(rows, None, scheme)
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            text = raw.decode("ascii", "replace").split("#", 1)[0].strip()
            if not text:
                continue
            value = text.split()[0].split(",")[0].split(";")[0]
            k = kind or _BY_LENGTH.get(len(value))
            if k is None:
                parsed.skip(f"line {n}", f"not a hash: {value[:80]!r}")
                continue
            try:
                h = hexhash(value, k)
            except ValueError as exc:
                parsed.skip(f"line {n}", str(exc))
                continue
            row = SetRow(category=category, scheme=scheme if category else None)
            setattr(row, k, h)
            rows.append(row)
    return parsed


def export(rows: list[dict[str, str | None]], kind: str) -> str:
    return "".join(f"{r[kind]}\n" for r in rows if r.get(kind))
