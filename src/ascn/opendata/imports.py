"""Reading project spreadsheets (CSV, XLSX) and checking them row by row.

Nothing here writes to the database: ``services.import_job_run`` saves what ``RowChecker``
found clean, through ``plans.services.project_create``. Every problem is an ``RowError``
a person can act on: the row number as the spreadsheet shows it (the header is row 1), the
column, and what to change.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ascn.core.errors import InvalidInput
from ascn.network.models import City, FocusArea, Outcome
from ascn.plans import codelists
from ascn.plans.models import FinancingInstrument, Project
from ascn.plans.permissions import project_policy

# An XLSX is a ZIP: refuse one that inflates beyond this (a "zip bomb") before parsing it.
MAX_XLSX_INFLATED_BYTES = 100 * 1024 * 1024
LIST_SEPARATOR = re.compile(r"\s*[;\n]\s*")
THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
SDG11_TARGET = re.compile(r"^11\.[1-7abc]$")


def max_bytes() -> int:
    return settings.ASCN_IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.ASCN_IMPORT_MAX_ROWS


def background_rows() -> int:
    """Files with more rows than this run as a background task."""
    return settings.ASCN_IMPORT_BACKGROUND_ROWS


# --- the columns -------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: Any  # lazy translation
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("city", True, gettext_lazy("The city's code (slug), e.g. phuket."), "phuket"),
    Column("title", True, gettext_lazy("Up to 200 characters."), "Smart flood drainage"),
    Column(
        "description",
        True,
        gettext_lazy("A paragraph on what the project does."),
        "Sensors and automated pumps for the old town's drainage network.",
    ),
    Column(
        "focus_areas",
        True,
        gettext_lazy("ASCF focus area codes, separated by ;"),
        "quality-environment;built-infrastructure",
    ),
    Column("status", True, gettext_lazy("An OC4IDS project status code."), "preparation"),
    Column("budget_amount", True, gettext_lazy("A number, without currency signs."), "2500000"),
    Column("budget_currency", True, gettext_lazy("An ISO 4217 code, e.g. USD."), "USD"),
    Column(
        "funding_secured",
        False,
        gettext_lazy("A number in the budget's currency; at most the budget."),
        "500000",
    ),
    Column(
        "outcomes",
        False,
        gettext_lazy("ASCF strategic outcome codes, separated by ;"),
        "sustainable-environment",
    ),
    Column("sdg_targets", False, gettext_lazy("SDG 11 targets, separated by ;"), "11.5;11.b"),
    Column("project_type", False, gettext_lazy("An OC4IDS project type code."), "construction"),
    Column(
        "sectors",
        False,
        gettext_lazy("OC4IDS project sector codes, separated by ;"),
        "waterAndWaste;naturalResources.floodProtection",
    ),
    Column(
        "financing_sought",
        False,
        gettext_lazy("Financing instruments, separated by ;"),
        "grant;technical_assistance",
    ),
    Column("period_start", False, gettext_lazy("A date, YYYY-MM-DD."), "2026-01-01"),
    Column("period_end", False, gettext_lazy("A date, YYYY-MM-DD."), "2028-12-31"),
    Column("location_description", False, gettext_lazy("Where the works are."), "Old town"),
    Column("lat", False, gettext_lazy("Latitude in decimal degrees (−90 to 90)."), "7.8804"),
    Column("lon", False, gettext_lazy("Longitude in decimal degrees (−180 to 180)."), "98.3923"),
)
COLUMN_NAMES = [column.name for column in COLUMNS]
REQUIRED_COLUMNS = [column.name for column in COLUMNS if column.required]

# Where a service's error about a field shows in the spreadsheet.
FIELD_COLUMN = {
    "locations": "location_description",
    "focus_areas": "focus_areas",
    "outcomes": "outcomes",
    "city": "city",
    None: "",
}


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


# --- reading files -------------------------------------------------------------------------

# Leading bytes of formats people upload by mistake, named so the message can say what it is.
KNOWN_BINARY = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\xd0\xcf\x11\xe0", "Excel 97–2003 (.xls) or Word"),
    (b"\x1f\x8b", "gzip"),
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


def _checked_header(raw: Iterable[Any]) -> tuple[list[str], list[int]]:
    """The column names and their positions; 422 on a missing, unknown or repeated column."""
    names, positions = [], []
    for index, value in enumerate(raw):
        name = _header_name(value)
        if name:
            names.append(name)
            positions.append(index)
    if not names:
        raise _reject(
            _("The first row must name the columns (%(columns)s).")
            % {"columns": ", ".join(REQUIRED_COLUMNS)}
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise _reject(_("The column “%(column)s” appears twice.") % {"column": repeated[0]})
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise _reject(
            (
                _("A required column is missing: %(columns)s.")
                if len(missing) == 1
                else _("Required columns are missing: %(columns)s.")
            )
            % {"columns": ", ".join(missing)}
        )
    unknown = [name for name in names if name not in COLUMN_NAMES]
    if unknown:
        raise _reject(
            _("Unknown column “%(column)s”. The columns are: %(columns)s.")
            % {"column": unknown[0], "columns": ", ".join(COLUMN_NAMES)}
        )
    return names, positions


def _collect(
    file_format: str, header_row: Iterable[Any], rows: Iterator[tuple[int, Any]], limit: int
) -> Table:
    names, positions = _checked_header(header_row)
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
            raise _reject(
                _("The file has more than %(limit)s project rows: split it into smaller files.")
                % {"limit": f"{limit:,}"}
            )
        table.rows.append((number, values))
    if not table.rows:
        raise _reject(_("The file has a header but no project rows."))
    return table


def _read_csv(data: bytes, limit: int) -> Table:
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
        return _collect("csv", header, enumerate(reader, start=2), limit)
    except csv.Error as exc:
        raise _reject(
            _("This CSV cannot be read near line %(line)s: %(error)s.")
            % {"line": reader.line_num, "error": exc}
        ) from exc


def _read_xlsx(data: bytes, limit: int) -> Table:
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
        return _collect("xlsx", header, enumerate(rows, start=2), limit)
    finally:
        workbook.close()


def read_table(data: bytes, *, limit: int | None = None) -> Table:
    """Parse an uploaded file (CSV or XLSX, told apart by content) into a ``Table``."""
    limit = max_rows() if limit is None else limit
    if not data:
        raise _reject(_("The file is empty."))
    if len(data) > max_bytes():
        raise _reject(
            _("The file is larger than %(mb)s MB: split it into smaller files.")
            % {"mb": max_bytes() // (1024 * 1024)}
        )
    file_format = detect_format(data)
    return _read_xlsx(data, limit) if file_format == "xlsx" else _read_csv(data, limit)


# --- cell values ---------------------------------------------------------------------------


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


def _number(value: Any) -> Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = cell_text(value).replace(" ", "").replace("\u00a0", "")
    if THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(_("Not a number")) from exc
    if not number.is_finite():
        raise ValueError(_("Not a number"))
    return number


# A spreadsheet's computed cell (=A2*1.1) can carry binary noise: 110000.00000000001.
FLOAT_NOISE = Decimal("0.000001")


def _amount(value: Any) -> Decimal:
    number = _number(value)
    if isinstance(value, float) and abs(number - number.quantize(Decimal("0.01"))) < FLOAT_NOISE:
        number = number.quantize(Decimal("0.01"))
    if number < 0:
        raise ValueError(_("Must not be negative"))
    if number >= Decimal("1e16"):
        raise ValueError(_("Too large (at most 15 digits before the decimal point)"))
    if number != number.quantize(Decimal("0.01")):
        raise ValueError(_("At most two decimal places"))
    return number.quantize(Decimal("0.01"))


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(cell_text(value))
    except ValueError as exc:
        raise ValueError(_("Not a date: write it as YYYY-MM-DD, e.g. 2026-03-31")) from exc


def _items(value: Any) -> list[str]:
    return [item for item in LIST_SEPARATOR.split(cell_text(value)) if item]


def _lookup(names: dict[str, str], aliases: dict[str, str]):
    """Resolve a code, or a name written instead of the code, case-insensitively."""

    def resolve(text: str) -> str | None:
        return names.get(text) or aliases.get(text.casefold())

    return resolve


# --- checking rows -------------------------------------------------------------------------


@dataclass
class CheckedRow:
    row: int
    values: dict[str, Any]  # keyword arguments for plans.services.project_create


class RowChecker:
    """Checks rows against the codelists, the network and what ``actor`` may do.

    The lookups (cities, focus areas, outcomes, titles already taken) are read once.
    """

    def __init__(self, actor, table: Table):
        self.actor = actor
        self.cities = {city.slug: city for city in City.objects.select_related("member_state")}
        self.city_by_name = {city.name.casefold(): city.slug for city in self.cities.values()}
        focus = {area.code: area.name for area in FocusArea.objects.all()}
        outcomes = {outcome.code: outcome.name for outcome in Outcome.objects.all()}
        self.focus_codes = list(focus)
        self.outcome_codes = list(outcomes)
        self.focus_area = _lookup(
            {c: c for c in focus}, {n.casefold(): c for c, n in focus.items()}
        )
        self.outcome = _lookup(
            {c: c for c in outcomes}, {n.casefold(): c for c, n in outcomes.items()}
        )
        self.codes = {
            name: _lookup(
                {c: c for c in codelists.codelist(name)},
                {t.casefold(): c for c, t in codelists.codelist(name).items()}
                | {c.casefold(): c for c in codelists.codelist(name)},
            )
            for name in (codelists.PROJECT_STATUS, codelists.PROJECT_TYPE, codelists.PROJECT_SECTOR)
        }
        instruments = dict(FinancingInstrument.choices)
        self.instrument = _lookup(
            {c: c for c in instruments},
            {str(label).casefold(): c for c, label in instruments.items()}
            | {c.replace("_", " "): c for c in instruments},
        )
        self.allowed_city_ids: dict[int, bool] = {}
        slugs = {cell_text(values.get("city")).lower() for _row, values in table.rows}
        wanted = [self.cities[slug].pk for slug in slugs if slug in self.cities]
        # Compared case-insensitively in Python: SQLite's LOWER() folds only ASCII letters.
        self.taken_titles = {
            (city_id, title.casefold())
            for city_id, title in Project.objects.filter(city_id__in=wanted).values_list(
                "city_id", "title"
            )
        }
        self.seen_titles: dict[tuple[int, str], int] = {}

    def _may_import_into(self, city: City) -> bool:
        if city.pk not in self.allowed_city_ids:
            self.allowed_city_ids[city.pk] = project_policy.can(
                self.actor, "change", Project(city=city)
            )
        return self.allowed_city_ids[city.pk]

    def check(self, row: int, raw: dict[str, Any]) -> tuple[CheckedRow | None, list[RowError]]:
        errors: list[RowError] = []
        values: dict[str, Any] = {}

        def error(column: str, message: str) -> None:
            errors.append(RowError(row, column, message))

        def text(column: str) -> str:
            return cell_text(raw.get(column))

        # city, and whether the actor may add projects there
        slug = text("city").lower()
        city = self.cities.get(slug)
        if not slug:
            error("city", _("Required: the city's code, e.g. phuket"))
        elif city is None:
            by_name = self.city_by_name.get(slug.casefold())
            if by_name:
                error("city", _("Use the city's code “%(slug)s”, not its name") % {"slug": by_name})
            else:
                error("city", _("Unknown city code “%(slug)s”") % {"slug": slug})
        elif not self._may_import_into(city):
            error(
                "city",
                _("You may not add projects for %(city)s: only for cities you are an officer of")
                % {"city": city.name},
            )
        else:
            values["city"] = city

        for column, limit in (("title", 200), ("description", None)):
            value = text(column)
            if not value:
                error(column, _("Required"))
            elif limit and len(value) > limit:
                error(
                    column,
                    _("At most %(limit)s characters (this has %(n)s)")
                    % {"limit": limit, "n": len(value)},
                )
            else:
                values[column] = value

        if city is not None and "title" in values:
            key = (city.pk, values["title"].casefold())
            if key in self.taken_titles:
                error(
                    "title",
                    _("%(city)s already has a project with this title") % {"city": city.name},
                )
            elif key in self.seen_titles:
                error(
                    "title",
                    _("Same city and title as row %(row)s") % {"row": self.seen_titles[key]},
                )
            else:
                self.seen_titles[key] = row

        # codes and code lists
        areas = []
        for item in _items(raw.get("focus_areas")):
            code = self.focus_area(item)
            if code is None:
                error(
                    "focus_areas",
                    _("Unknown focus area “%(item)s”; use %(codes)s")
                    % {"item": item, "codes": ", ".join(self.focus_codes)},
                )
            elif code not in areas:
                areas.append(code)
        if not areas and not any(e.column == "focus_areas" for e in errors):
            error("focus_areas", _("Required: at least one ASCF focus area"))
        values["focus_areas"] = areas

        outcomes = []
        for item in _items(raw.get("outcomes")):
            code = self.outcome(item)
            if code is None:
                error(
                    "outcomes",
                    _("Unknown outcome “%(item)s”; use %(codes)s")
                    % {"item": item, "codes": ", ".join(self.outcome_codes)},
                )
            elif code not in outcomes:
                outcomes.append(code)
        if outcomes:
            values["outcomes"] = outcomes

        status = text("status")
        if not status:
            error("status", _("Required: an OC4IDS project status, e.g. preparation"))
        elif (code := self.codes[codelists.PROJECT_STATUS](status)) is None:
            error(
                "status",
                _("Unknown status “%(value)s”; use %(codes)s")
                % {
                    "value": status,
                    "codes": ", ".join(codelists.codelist(codelists.PROJECT_STATUS)),
                },
            )
        else:
            values["status"] = code

        project_type = text("project_type")
        if project_type:
            if (code := self.codes[codelists.PROJECT_TYPE](project_type)) is None:
                error(
                    "project_type",
                    _("Unknown project type “%(value)s”; use %(codes)s")
                    % {
                        "value": project_type,
                        "codes": ", ".join(codelists.codelist(codelists.PROJECT_TYPE)),
                    },
                )
            else:
                values["project_type"] = code

        sectors = []
        for item in _items(raw.get("sectors")):
            code = self.codes[codelists.PROJECT_SECTOR](item)
            if code is None:
                error(
                    "sectors",
                    _("Unknown OC4IDS sector “%(item)s” (see the codes sheet of the template)")
                    % {"item": item},
                )
            elif code not in sectors:
                sectors.append(code)
        if sectors:
            values["sectors"] = sectors

        instruments = []
        for item in _items(raw.get("financing_sought")):
            code = self.instrument(item.casefold())
            if code is None:
                error(
                    "financing_sought",
                    _("Unknown instrument “%(item)s”; use %(codes)s")
                    % {"item": item, "codes": ", ".join(FinancingInstrument.values)},
                )
            elif code not in instruments:
                instruments.append(code)
        if instruments:
            values["financing_sought"] = instruments

        targets = []
        for item in _items(raw.get("sdg_targets")):
            if not SDG11_TARGET.match(item.lower()):
                error(
                    "sdg_targets",
                    _("“%(item)s” is not an SDG 11 target (11.1 … 11.7, 11.a … 11.c)")
                    % {"item": item},
                )
            elif item.lower() not in targets:
                targets.append(item.lower())
        if targets:
            values["sdg_targets"] = targets

        # money
        if _blank(raw.get("budget_amount")):
            error("budget_amount", _("Required: a number"))
        else:
            try:
                values["budget_amount"] = _amount(raw["budget_amount"])
            except ValueError as exc:
                error("budget_amount", str(exc))
        currency = text("budget_currency").upper()
        if not currency:
            error("budget_currency", _("Required: an ISO 4217 code, e.g. USD"))
        elif currency not in codelists.codelist(codelists.CURRENCY):
            error("budget_currency", _("Unknown currency “%(code)s”") % {"code": currency})
        else:
            values["budget_currency"] = currency
        if not _blank(raw.get("funding_secured")):
            try:
                values["funding_secured"] = _amount(raw["funding_secured"])
            except ValueError as exc:
                error("funding_secured", str(exc))
            else:
                budget = values.get("budget_amount")
                if budget is not None and values["funding_secured"] > budget:
                    error("funding_secured", _("More than the budget"))

        # period
        for column in ("period_start", "period_end"):
            if not _blank(raw.get(column)):
                try:
                    values[column] = _date(raw[column])
                except ValueError as exc:
                    error(column, str(exc))
        start, end = values.get("period_start"), values.get("period_end")
        if start and end and end < start:
            error("period_end", _("Before the start of the period"))

        # location
        location: dict[str, Any] = {}
        description = text("location_description")
        if description:
            if len(description) > 300:
                error("location_description", _("At most 300 characters"))
            location["description"] = description
        coordinates = {}
        for column, bound in (("lat", 90), ("lon", 180)):
            if not _blank(raw.get(column)):
                try:
                    number = float(_number(raw[column]))
                except ValueError as exc:
                    error(column, str(exc))
                    continue
                if not -bound <= number <= bound:
                    error(column, _("Must be between −%(b)s and %(b)s") % {"b": bound})
                else:
                    coordinates[column] = number
        given = {c for c in ("lat", "lon") if not _blank(raw.get(c))}
        if len(given) == 1:
            missing = ({"lat", "lon"} - given).pop()
            error(missing, _("Give both lat and lon, or neither"))
        elif len(coordinates) == 2:
            location.update(coordinates)
        if location:
            location.setdefault("description", "")
            values["locations"] = [location]

        if errors:
            return None, errors
        return CheckedRow(row, values), []


def column_for_field(field_name: str | None) -> str:
    """The spreadsheet column a service's validation error refers to."""
    if field_name in COLUMN_NAMES:
        return str(field_name)
    return FIELD_COLUMN.get(field_name, str(field_name or ""))


# --- the template --------------------------------------------------------------------------


def template_rows(example_city: str | None = None) -> tuple[list[str], list[str]]:
    """The header and one example row of the import template."""
    example = [column.example for column in COLUMNS]
    if example_city:
        example[0] = example_city
    return COLUMN_NAMES, example


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, defused with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """CSV in UTF-8 with a byte-order mark (so Excel reads ASEAN scripts right), cells defused."""
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


def template_csv(example_city: str | None = None) -> bytes:
    header, example = template_rows(example_city)
    return csv_bytes([header, example])


def template_xlsx(example_city: str | None = None) -> bytes:
    """The template workbook: a ``projects`` sheet to fill in and a ``codes`` sheet to look up."""
    import openpyxl  # noqa: PLC0415 - start-up: openpyxl loads only when a spreadsheet is read or written
    from openpyxl.worksheet.datavalidation import DataValidation  # noqa: PLC0415 - start-up: openpyxl loads only when a spreadsheet is read or written

    header, example = template_rows(example_city)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "projects"
    xlsx_write_rows(sheet, [header, example])
    # Numbers and dates typed as such, as a person filling the sheet would.
    for column in ("budget_amount", "funding_secured", "lat", "lon"):
        cell = sheet.cell(row=2, column=COLUMN_NAMES.index(column) + 1)
        cell.value = float(cell.value) if "." in cell.value else int(cell.value)
    for column in ("period_start", "period_end"):
        cell = sheet.cell(row=2, column=COLUMN_NAMES.index(column) + 1)
        cell.value = dt.date.fromisoformat(cell.value)
        cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    xlsx_fit_columns(sheet)

    codes = workbook.create_sheet("codes")
    lists: list[tuple[str, list[tuple[str, str]]]] = [
        ("city", [(c.slug, f"{c.name} ({c.member_state.name})") for c in _cities()]),
        ("focus_areas", [(a.code, a.name) for a in FocusArea.objects.all()]),
        ("outcomes", [(o.code, o.name) for o in Outcome.objects.all()]),
        ("status", codelists.choices(codelists.PROJECT_STATUS)),
        ("project_type", codelists.choices(codelists.PROJECT_TYPE)),
        ("sectors", codelists.choices(codelists.PROJECT_SECTOR)),
        ("financing_sought", [(c, str(label)) for c, label in FinancingInstrument.choices]),
        ("sdg_targets", [(t, f"SDG target {t}") for t in SDG11_TARGETS]),
    ]
    xlsx_write_rows(codes, [["column", "code", "meaning"]])
    first_row: dict[str, tuple[int, int]] = {}
    for column, entries in lists:
        start = codes.max_row + 1
        xlsx_write_rows(codes, [[column, code, label] for code, label in entries], bold_first=False)
        first_row[column] = (start, codes.max_row)
    xlsx_fit_columns(codes)
    for column in ("city", "status", "project_type"):
        start, end = first_row[column]
        validation = DataValidation(
            type="list",
            formula1=f"codes!$B${start}:$B${end}",
            allow_blank=column == "project_type",
            showErrorMessage=True,
            errorTitle=_("Not a known code"),
            error=_("Pick a code from the list (see the codes sheet)."),
        )
        letter = sheet.cell(row=1, column=COLUMN_NAMES.index(column) + 1).column_letter
        validation.add(f"{letter}2:{letter}{max_rows() + 1}")
        sheet.add_data_validation(validation)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SDG11_TARGETS = [f"11.{n}" for n in "1234567abc"]


def _cities():
    return City.objects.select_related("member_state").order_by("member_state__name", "name")
