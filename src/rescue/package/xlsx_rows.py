"""One XLSX row at a time, written as xlsxwriter's constant-memory mode writes it — without its per-cell calls.

xlsxwriter stores each cell of the current row as a tuple, checks and widens the sheet's dimensions per cell,
and writes the row's XML when the next row starts; at 60,000 persons that bookkeeping was most of the time of
the workbook. :func:`fast_row` writes the finished row's XML to the sheet's row file at once, with the same
bytes (cell references, inline strings with xlsxwriter's control-character and whitespace rules, numbers as
``%.16G``, booleans) and the same dimensions, after letting xlsxwriter flush the row it still holds (the
banner and header rows, written the ordinary way). Cells are plain strings: a seized string that looks like
xlsxwriter's rich-string markup (``<r>…</r>``) is escaped like any other, never written raw.
``tests/test_package_xlsx.py`` checks the bytes against xlsxwriter's own per-cell writes.
"""

from __future__ import annotations

import re
from math import isinf, isnan
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from rescue.package.tables import FORMULA_START

_CONTROL_1 = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL_2 = re.compile(r"([\x00-\x08\x0b-\x1f])")
_ESCAPES = re.compile('["&<>\n]')
_EDGE_SPACE = re.compile(r"^\s|\s$")
_COLS = [xl_col_to_name(c) for c in range(64)]
STR_MAX = 32767  # Excel's longest cell string, in UTF-16 units


def _text(value: str) -> str:
    """An inline string cell's ``<is>`` content, as xlsxwriter writes it in constant-memory mode."""
    if len(value) > STR_MAX // 2 and len(value.encode("utf-16-le", "surrogatepass")) // 2 > STR_MAX:
        n = 0
        for i, ch in enumerate(value):
            n += 2 if ord(ch) > 0xFFFF else 1
            if n > STR_MAX:
                value = value[:i]
                break
    if "_x" in value:
        value = _CONTROL_1.sub(r"_x005F\1", value)
    if not value.isprintable():
        value = _CONTROL_2.sub(lambda m: f"_x{ord(m.group(1)):04X}_", value)
        value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = ' xml:space="preserve"' if _EDGE_SPACE.search(value) else ""
    if _ESCAPES.search(value):
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<is><t{preserve}>{value}</t></is>"


def fast_row(ws: Any, r: int, row: list[Any]) -> None:
    """Write ``row`` (None: no cell; bool; int or float; anything else as text, formula-safe) as row ``r`` of
    the constant-memory worksheet ``ws``; rows must come in increasing order."""
    if r >= ws.xls_rowmax or len(row) > len(_COLS) or r < ws.previous_row:
        _slow_row(ws, r, row)
        return
    ref = str(r + 1)
    cells = []
    cmin = cmax = -1
    for c, v in enumerate(row):
        if v is None:
            continue
        k = v.__class__
        if k is bool:
            cells.append(f'<c r="{_COLS[c]}{ref}" t="b"><v>{1 if v else 0}</v></c>')
        elif k is int or k is float:
            if k is float and (isnan(v) or isinf(v)):
                _slow_row(ws, r, row)  # xlsxwriter refuses these; let it say so
                return
            cells.append(f'<c r="{_COLS[c]}{ref}"><v>{v:.16G}</v></c>')
        else:
            if k is list:
                v = " ".join(str(x) for x in v)
            elif k is not str:
                v = str(v)
            elif v[:1] in FORMULA_START:
                v = "'" + v
            cells.append(f'<c r="{_COLS[c]}{ref}" t="inlineStr">{_text(v)}</c>')
        if cmin < 0:
            cmin = c
        cmax = c
    if not cells:
        return
    if r > ws.previous_row:
        ws._write_single_row(r)  # xlsxwriter writes the row it holds (a header) and moves on to row r
    if ws.dim_rowmin is None or r < ws.dim_rowmin:
        ws.dim_rowmin = r
    if ws.dim_rowmax is None or r > ws.dim_rowmax:
        ws.dim_rowmax = r
    if ws.dim_colmin is None or cmin < ws.dim_colmin:
        ws.dim_colmin = cmin
    if ws.dim_colmax is None or cmax > ws.dim_colmax:
        ws.dim_colmax = cmax
    ws.fh.write(f'<row r="{ref}">{"".join(cells)}</row>')


def _slow_row(ws: Any, r: int, row: list[Any]) -> None:
    """The same row through xlsxwriter's own calls (rows beyond the sheet, values it rejects)."""
    fs = FORMULA_START
    for c, v in enumerate(row):
        if v is None:
            continue
        if isinstance(v, bool):
            ws.write_boolean(r, c, v)
        elif isinstance(v, int | float):
            ws.write_number(r, c, v)
        else:
            text = " ".join(str(x) for x in v) if isinstance(v, list) else str(v)
            ws.write_string(r, c, "'" + text if isinstance(v, str) and text[:1] in fs else text)
