"""CSV files and one XLSX workbook from the package's flat tables, written as the reports stream in; every
sheet and file carries the marking.

The CSV files hold every person of the package. The XLSX workbook is for reading: its ``persons`` sheet
lists everyone (with ``full_report``), its detail sheets hold the persons with a full report (the same
selection as the PDF, docs/package.md); the CSV files carry the detail of everyone else.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Any

import xlsxwriter

from rescue.package.tables import DETAIL, HEADERS, safe_cell, safe_row


class CsvSink:
    def __init__(self, folder: Path, banner: str, ref: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.paths = [folder / f"{name}.csv" for name in HEADERS]
        self._files: list[IO[str]] = []
        self._writers: dict[str, Any] = {}
        for name, path in zip(HEADERS, self.paths, strict=True):
            fh = path.open("w", encoding="utf-8", newline="")
            self._files.append(fh)
            w = csv.writer(fh)
            w.writerow([f"# {banner} | {ref}"])
            w.writerow(HEADERS[name])
            self._writers[name] = w

    def row(self, table: str, row: list[Any]) -> None:
        self._writers[table].writerow(safe_row(row))

    def rows(self, table: str, rows: list[list[Any]]) -> None:
        self._writers[table].writerows(safe_row(r) for r in rows)

    def close(self) -> list[Path]:
        for fh in self._files:
            fh.close()
        return self.paths


class XlsxSink:
    """One sheet per table; rows written in order (xlsxwriter's constant-memory mode: a row is flushed to
    the sheet's temporary file when the next one starts)."""

    def __init__(self, path: Path, banner: str, cover: list[tuple[str, str]]) -> None:
        self.path = path
        self.wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                                  "strings_to_urls": False, "strings_to_numbers": False})
        self.bold = self.wb.add_format({"bold": True})
        banner_fmt = self.wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#8B0000"})
        sheet = self.wb.add_worksheet("package")
        sheet.write_string(0, 0, banner, banner_fmt)
        for i, (k, v) in enumerate(cover, start=2):
            sheet.write_string(i, 0, k, self.bold)
            sheet.write_string(i, 1, v)
        self.sheets: dict[str, Any] = {}
        self.next_row: dict[str, int] = {}
        for name, header in HEADERS.items():
            ws = self.wb.add_worksheet(name[:31])
            ws.write_string(0, 0, banner, banner_fmt)
            for c, h in enumerate(header):
                ws.write_string(1, c, h, self.bold)
            ws.freeze_panes(2, 0)
            self.sheets[name] = ws
            self.next_row[name] = 2

    def row(self, table: str, row: list[Any]) -> None:
        ws = self.sheets[table]
        r = self.next_row[table]
        self.next_row[table] = r + 1
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, bool):
                ws.write_boolean(r, c, v)
            elif isinstance(v, int | float):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(safe_cell(v)))

    def rows(self, table: str, rows: list[list[Any]]) -> None:
        for row in rows:
            self.row(table, row)

    def close(self) -> Path:
        self.wb.close()
        return self.path


__all__ = ["DETAIL", "CsvSink", "XlsxSink"]
