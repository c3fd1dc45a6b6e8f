"""Reading project spreadsheets (CSV, XLSX, told apart by content) into a ``Table``, and a
cell into the value it holds: a number, an amount, a list.

A file that cannot be read at all is an ``InvalidInput`` naming the file; a cell that cannot
be read is a ``ValueError`` whose message says what to write instead.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ascn.core import formats
from ascn.core.errors import InvalidInput
from ascn.opendata.imports.columns import COLUMN_NAMES, REQUIRED_COLUMNS, max_bytes, max_rows
from ascn.opendata.spreadsheets import cell_text
from ascn.plans.validation import AMOUNT_LIMIT, CENT

# An XLSX is a ZIP: refuse one that inflates beyond this (a "zip bomb") before parsing it.
MAX_XLSX_INFLATED_BYTES = 100 * 1024 * 1024
LIST_SEPARATOR = re.compile(r"\s*[;\n]\s*")
# A spreadsheet's computed cell (=A2*1.1) can carry binary noise: 110000.00000000001.
FLOAT_NOISE = Decimal("0.000001")

# Leading bytes of formats people upload by mistake, named so the message can say what it is.
KNOWN_BINARY = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("Excel 97–2003 (.xls) or Word")),
    (b"\x1f\x8b", "gzip"),
)


@dataclass(frozen=True)
class Layout:
    """What a spreadsheet of one kind of record holds: its column names, the required ones,
    and how its messages name its rows. Projects by default; indicator values
    (``opendata.indicator_import``) read through the same machinery."""

    columns: tuple[str, ...]
    required: tuple[str, ...]
    no_rows: Any  # lazy translation
    too_many_rows: Any  # lazy translation, with %(limit)s
    # columns read past, not refused: what the platform's own download adds (a project's id)
    ignored: tuple[str, ...] = ()


PROJECTS = Layout(
    tuple(COLUMN_NAMES),
    tuple(REQUIRED_COLUMNS),
    gettext_lazy("The file has a header but no project rows."),
    gettext_lazy("The file has more than %(limit)s project rows: split it into smaller files."),
    # /data/projects.csv's first and last columns: a downloaded file imports again
    ignored=("id", "sample"),
)


@dataclass
class Table:
    """A spreadsheet's header and its non-blank data rows, numbered as the spreadsheet shows them."""

    file_format: str
    header: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return len(self.rows)


def _reject(message: str) -> InvalidInput:
    return InvalidInput(message, field="file")


def detect_format(data: bytes) -> str:
    """``"xlsx"`` or ``"csv"`` by content (never by the file name), or a 422 naming what it is."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise _reject(_("This file is a damaged ZIP archive, not an XLSX workbook.")) from exc
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise _reject(
            _("This file is a ZIP archive but not an Excel workbook: upload a .xlsx or .csv file.")
        )
    for magic, name in KNOWN_BINARY:
        if data.startswith(magic):
            raise _reject(
                _("This is a %(kind)s file: upload a CSV or XLSX (Excel) file.") % {"kind": name}
            )
    if b"\x00" in data[:65536]:
        raise _reject(_("This file is neither CSV nor XLSX: upload a CSV or XLSX (Excel) file."))
    return "csv"


def _header_name(value: Any) -> str:
    return re.sub(r"\s+", "_", str(value or "").strip().lower())


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _checked_header(raw: Iterable[Any], layout: Layout) -> tuple[list[str], list[int]]:
    """The column names and their positions; 422 on a missing, unknown or repeated column."""
    names, positions = [], []
    for index, value in enumerate(raw):
        name = _header_name(value)
        if name and name not in layout.ignored:
            names.append(name)
            positions.append(index)
    if not names:
        raise _reject(
            _("The first row must name the columns (%(columns)s).")
            % {"columns": ", ".join(layout.required)}
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise _reject(_("The column “%(column)s” appears twice.") % {"column": repeated[0]})
    missing = [name for name in layout.required if name not in names]
    if missing:
        raise _reject(
            (
                _("A required column is missing: %(columns)s.")
                if len(missing) == 1
                else _("Required columns are missing: %(columns)s.")
            )
            % {"columns": ", ".join(missing)}
        )
    unknown = [name for name in names if name not in layout.columns]
    if unknown:
        raise _reject(
            _("Unknown column “%(column)s”. The columns are: %(columns)s.")
            % {"column": unknown[0], "columns": ", ".join(layout.columns)}
        )
    return names, positions


def _collect(
    file_format: str,
    header_row: Iterable[Any],
    rows: Iterator[tuple[int, Any]],
    limit: int,
    layout: Layout,
) -> Table:
    names, positions = _checked_header(header_row, layout)
    table = Table(file_format, names)
    for number, raw in rows:
        raw = list(raw)
        values = {
            name: (raw[pos] if pos < len(raw) else None)
            for name, pos in zip(names, positions, strict=True)
        }
        if all(_blank(value) for value in values.values()):
            continue
        if len(table.rows) >= limit:
            raise _reject(str(layout.too_many_rows) % {"limit": formats.number(limit)})
        table.rows.append((number, values))
    if not table.rows:
        raise _reject(str(layout.no_rows))
    return table


def _read_csv(data: bytes, limit: int, layout: Layout) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _reject(
            _(
                "This file is not a UTF-8 CSV. In your spreadsheet, save it as "
                "“CSV UTF-8 (comma delimited)” or upload it as XLSX."
            )
        ) from exc
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in some locales separate CSV fields with ";" or a tab.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise _reject(_("The file is empty."))
        return _collect("csv", header, enumerate(reader, start=2), limit, layout)
    except csv.Error as exc:
        raise _reject(
            _("This CSV cannot be read near line %(line)s: %(error)s.")
            % {"line": reader.line_num, "error": exc}
        ) from exc


def _read_xlsx(data: bytes, limit: int, layout: Layout) -> Table:
    import openpyxl  # noqa: PLC0415 - start-up: openpyxl loads only when a spreadsheet is read or written

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_INFLATED_BYTES:
            raise _reject(_("This workbook unpacks to more than 100 MB: it cannot be imported."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise _reject(_("This XLSX workbook cannot be read: %(error)s") % {"error": exc}) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise _reject(_("The first sheet of the workbook is empty."))
        return _collect("xlsx", header, enumerate(rows, start=2), limit, layout)
    finally:
        workbook.close()


def read_table(data: bytes, *, limit: int | None = None, layout: Layout = PROJECTS) -> Table:
    """Parse an uploaded file (CSV or XLSX, told apart by content) into a ``Table`` of the
    ``layout``'s columns (a project spreadsheet unless told otherwise)."""
    limit = max_rows() if limit is None else limit
    if not data:
        raise _reject(_("The file is empty."))
    if len(data) > max_bytes():
        raise _reject(
            _("The file is larger than %(mb)s MB: split it into smaller files.")
            % {"mb": max_bytes() // (1024 * 1024)}
        )
    file_format = detect_format(data)
    if file_format == "xlsx":
        return _read_xlsx(data, limit, layout)
    return _read_csv(data, limit, layout)


# --- cells ----------------------------------------------------------------------------------


def number_cell(value: Any) -> Decimal:
    """A number as a spreadsheet holds it, or as text (``1,250,000.75``, spaces between
    thousands)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = cell_text(value).replace(" ", "").replace("\u00a0", "")
    text = formats.ungrouped(text)
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(_("Not a number")) from exc
    if not number.is_finite():
        raise ValueError(_("Not a number"))
    return number


def amount_cell(value: Any) -> Decimal:
    """An amount of money as typed: to the cent, never rounded (but a computed cell's binary
    noise is). Whether it is a budget's amount is the project's rule (``validation.amount``)."""
    number = number_cell(value)
    if abs(number) >= AMOUNT_LIMIT:
        return number
    cents = number.quantize(CENT)
    if isinstance(value, float) and abs(number - cents) < FLOAT_NOISE:
        number = cents
    if number != cents:
        raise ValueError(_("At most two decimal places"))
    return cents


def list_cell(value: Any) -> list[str]:
    """The items of a cell, separated by ``;`` or line breaks."""
    return [item for item in LIST_SEPARATOR.split(cell_text(value)) if item]
