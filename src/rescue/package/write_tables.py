"""CSV files and one XLSX workbook from the package's flat tables; every sheet and file carries the marking."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import xlsxwriter

from rescue.package.tables import safe_cell, tables


def write_csv(doc: dict[str, Any], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    banner = doc["marking"]["banner"]
    for name, (header, rows) in tables(doc).items():
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([f"# {banner} | {doc['country']}/{doc['version']}"])
            w.writerow(header)
            w.writerows([safe_cell(v) for v in row] for row in rows)
        paths.append(path)
    return paths


def write_xlsx(doc: dict[str, Any], path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False})
    try:
        bold = wb.add_format({"bold": True})
        banner_fmt = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#8B0000"})
        banner = doc["marking"]["banner"]
        cover = wb.add_worksheet("package")
        cover.write_string(0, 0, banner, banner_fmt)
        lines = [("country", doc["country"]), ("version", str(doc["version"])), ("kind", doc["kind"]),
                 ("operation", doc["operation"].get("name", "")), ("generated at", doc["generated_at"]),
                 ("drafted by", doc["drafted_by"]), ("persons", str(doc["summary"]["persons"]))]
        for i, (k, v) in enumerate(lines, start=2):
            cover.write_string(i, 0, k, bold)
            cover.write_string(i, 1, v)
        for name, (header, rows) in tables(doc).items():
            ws = wb.add_worksheet(name[:31])
            ws.write_string(0, 0, banner, banner_fmt)
            for c, h in enumerate(header):
                ws.write_string(1, c, h, bold)
            for r, row in enumerate(rows, start=2):
                for c, v in enumerate(row):
                    v = safe_cell(v)
                    if v is None:
                        continue
                    if isinstance(v, bool):
                        ws.write_boolean(r, c, v)
                    elif isinstance(v, int | float):
                        ws.write_number(r, c, v)
                    else:
                        ws.write_string(r, c, str(v))
            ws.freeze_panes(2, 0)
    finally:
        wb.close()
    return path
