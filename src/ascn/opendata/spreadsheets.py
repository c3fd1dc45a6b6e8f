"""Tables written as the files people open: CSV (UTF-8 with a byte-order mark, so Excel reads
ASEAN scripts right), XLSX, and the same table as JSON; and a spreadsheet's cell read as text.

Text that a spreadsheet would run as a formula is defused in every file written here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, defused with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """CSV in UTF-8 with a byte-order mark, cells defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_write_rows(sheet, rows: Iterable[Iterable[Any]], *, bold_first: bool = True) -> None:
    """Append rows to an openpyxl sheet; text never becomes a formula."""
    from openpyxl.styles import Font  # noqa: PLC0415 - start-up: openpyxl loads only when a spreadsheet is read or written

    for index, row in enumerate(rows):
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
            if index == 0 and bold_first:
                cell.font = Font(bold=True)


def xlsx_fit_columns(sheet, *, widest: int = 60) -> None:
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 - start-up: openpyxl loads only when a spreadsheet is read or written

    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            length = len(cell_text(cell.value))
            widths[cell.column] = max(widths.get(cell.column, 0), length)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(widest, max(10, width + 2))


# --- one table (a header and its rows) as a file ---------------------------------------------


def _text(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def _xlsx_value(value: Any) -> Any:
    """A number stays a number in a spreadsheet (a sum, a chart work on it); the rest as the
    CSV writes it."""
    if isinstance(value, Decimal) and value.is_finite():
        return value
    return _text(value)


def as_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    return csv_bytes([header, *([_text(v) for v in row] for row in rows)])


DICTIONARY_SHEET = "Data dictionary"


def as_xlsx(
    header: list[str],
    rows: list[list[Any]],
    sheet_name: str,
    *,
    dictionary: list[list[str]] | None = None,
) -> bytes:
    """The table on the first sheet; its data dictionary (a header and a row per column),
    when given, on a second sheet."""
    import openpyxl  # noqa: PLC0415 - start-up: openpyxl loads only when a spreadsheet is read or written
    from openpyxl.styles import Alignment  # noqa: PLC0415 - start-up: as above

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_name[:31]
    xlsx_write_rows(sheet, [header, *([_xlsx_value(v) for v in row] for row in rows)])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, Decimal) and cell.value.as_tuple().exponent == -2:
                cell.number_format = "0.00"  # an amount, as the CSV writes it
    xlsx_fit_columns(sheet)
    if dictionary:
        about = workbook.create_sheet(DICTIONARY_SHEET)
        xlsx_write_rows(about, [[safe_cell(value) for value in row] for row in dictionary])
        xlsx_fit_columns(about, widest=80)
        for row in about.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        about.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_json(items: list[dict[str, Any]]) -> bytes:
    return json.dumps({"items": items, "count": len(items)}, ensure_ascii=False).encode()
