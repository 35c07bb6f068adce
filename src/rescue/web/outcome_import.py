"""Reading outcome reports from CSV or XLSX: one outcome per line, every bad line reported by number.

Columns (header row, any order, case-insensitive): ``person_id``, ``outcome`` (identified, searched,
arrested, charged, convicted, safeguarded, not_pursued), ``date`` (YYYY-MM-DD), ``children`` (for
``safeguarded``), ``reason`` (for ``not_pursued``), ``note``. The file is taken whole or not at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rescue.workflow.outcomes import OutcomeInput, validate

COLUMNS = ("person_id", "outcome", "date", "children", "reason", "note")
REQUIRED = ("person_id", "outcome", "date")
MAX_BYTES = 5 << 20
MAX_ROWS = 20_000


@dataclass
class ImportResult:
    name: str
    rows: list[tuple[int, OutcomeInput]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _cells_csv(data: bytes) -> Iterator[list[Any]]:
    text = data.decode("utf-8-sig")
    yield from csv.reader(io.StringIO(text, newline=""))


def _cells_xlsx(data: bytes) -> Iterator[list[Any]]:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        for row in ws.iter_rows(values_only=True):
            yield list(row)
    finally:
        wb.close()


def _date(v: Any) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v).strip())


def read(name: str, data: bytes, allowed: Callable[[str], str | None]) -> ImportResult:
    """Parse and check a file. ``allowed(person_id)`` returns why the user may not report on that person
    (unknown, or outside their scope), or None."""
    result = ImportResult(name=name)
    if len(data) > MAX_BYTES:
        result.errors.append(f"{name}: larger than {MAX_BYTES >> 20} MiB")
        return result
    is_xlsx = data[:4] == b"PK\x03\x04"
    try:
        rows = _cells_xlsx(data) if is_xlsx else _cells_csv(data)
        header: list[str] | None = None
        for line, cells in enumerate(rows, start=1):
            if line > MAX_ROWS + 1:
                result.errors.append(f"{name}:{line}: more than {MAX_ROWS} lines")
                break
            values = ["" if c is None else c for c in cells]
            if header is None:
                header = [str(c).strip().lower() for c in values]
                unknown = [h for h in header if h and h not in COLUMNS]
                missing = [c for c in REQUIRED if c not in header]
                if unknown or missing:
                    parts = ([f"unknown column(s) {', '.join(unknown)}"] if unknown else []) + (
                        [f"missing column(s) {', '.join(missing)}"] if missing else [])
                    result.errors.append(f"{name}:1: " + "; ".join(parts) + f" (columns: {', '.join(COLUMNS)})")
                    return result
                continue
            if not any(str(v).strip() for v in values):
                continue
            rec = {h: values[i] if i < len(values) else "" for i, h in enumerate(header) if h}
            problems: list[str] = []
            try:
                when = _date(rec.get("date", ""))
            except (ValueError, TypeError):
                problems.append(f"date {str(rec.get('date', ''))!r} is not YYYY-MM-DD")
                when = dt.date.today()
            try:
                children = int(str(rec.get("children") or "0").strip() or "0")
            except ValueError:
                problems.append(f"children {rec.get('children')!r} is not a whole number")
                children = 0
            item = OutcomeInput(person_id=str(rec.get("person_id", "")).strip(),
                                kind=str(rec.get("outcome", "")).strip().lower().replace(" ", "_"),
                                event_date=when, children=children, reason=str(rec.get("reason") or ""),
                                note=str(rec.get("note") or ""))
            problems += validate(item)
            if item.person_id:
                why = allowed(item.person_id)
                if why:
                    problems.append(why)
            if problems:
                result.errors.append(f"{name}:{line}: " + "; ".join(problems))
            else:
                result.rows.append((line, item))
    except (UnicodeDecodeError, csv.Error, ValueError, OSError, KeyError) as exc:
        result.errors.append(f"{name}: cannot read as {'XLSX' if is_xlsx else 'CSV (UTF-8)'}: {exc}")
    except Exception as exc:  # openpyxl raises many types on a broken workbook
        result.errors.append(f"{name}: cannot read as XLSX: {type(exc).__name__}")
    if not result.rows and not result.errors:
        result.errors.append(f"{name}: no outcome lines")
    return result
