"""CSV files and one XLSX workbook from the package's flat tables, written as the reports stream in; every
sheet and file carries the marking.

The CSV files hold every person of the package. The XLSX workbook is for reading: its ``persons`` sheet
lists everyone (with ``full_report``), its detail sheets hold the persons with a full report (the same
selection as the PDF, docs/package.md); the CSV files carry the detail of everyone else.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import IO, Any

import xlsxwriter

from rescue.package.tables import DETAIL, FORMULA_START, HEADERS, safe_row
from rescue.package.xlsx_rows import fast_row


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

    def reports(self, reports: list[tuple[list[Any], list[tuple[str, list[Any]]], bool]]) -> None:
        """The rows of a chunk of reports: (persons row, [(table, detail row)…], full report?) each."""
        # each file is its own stream: a chunk's rows are gathered per table and written with one ``writerows``
        # call each (same rows, same order within every file)
        out: dict[str, list[list[Any]]] = {t: [] for t in self._writers}
        persons = out["persons"].append
        adders = {t: rows.append for t, rows in out.items()}
        fs = FORMULA_START
        for prow, detail, _full in reports:
            persons(safe_row(prow))
            for table, row in detail:  # safe_row, inlined
                adders[table]([("'" + v if v[:1] in fs else v) if v.__class__ is str
                               else (" ".join(str(x) for x in v) if v.__class__ is list else v) for v in row])
        for table, rows in out.items():
            if rows:
                self._writers[table].writerows(rows)

    def close(self) -> list[Path]:
        for fh in self._files:
            fh.close()
        return self.paths


class XlsxSink:
    """One sheet per table; rows written in order (xlsxwriter's constant-memory mode, each row's XML written
    at once by ``xlsx_rows.fast_row``). The workbook's creation time is the package's ``created``."""

    def __init__(self, path: Path, banner: str, cover: list[tuple[str, str]], created: str | None = None) -> None:
        self.path = path
        self.wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                                  "strings_to_urls": False, "strings_to_numbers": False})
        if created:  # the package's own time (ISO 8601 UTC), not the clock: the same package, the same bytes
            at = dt.datetime.fromisoformat(created.removesuffix("Z")).replace(tzinfo=dt.UTC)
            self.wb.set_properties({"created": at})
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
        fast_row(ws, r, row)

    def rows(self, table: str, rows: list[list[Any]]) -> None:
        for row in rows:
            self.row(table, row)

    def close(self) -> Path:
        self.wb.close()
        return self.path


__all__ = ["DETAIL", "CsvSink", "XlsxSink"]
