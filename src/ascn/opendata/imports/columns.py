"""The columns of a project spreadsheet, the limits of an upload, and an error in a cell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ascn.core.errors import DomainError
from ascn.plans.validation import PROJECT_REQUIRED


def max_bytes() -> int:
    return settings.ASCN_IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.ASCN_IMPORT_MAX_ROWS


def background_rows() -> int:
    """Files with more rows than this run as a background task."""
    return settings.ASCN_IMPORT_BACKGROUND_ROWS


@dataclass(frozen=True)
class Column:
    name: str
    help: Any  # lazy translation
    example: Any  # a code or number, or a lazy translation (a title: in the reader's language)

    @property
    def required(self) -> bool:
        """A column no project can do without: its city, and what ``project_create`` requires."""
        return self.name == "city" or self.name in PROJECT_REQUIRED


COLUMNS: tuple[Column, ...] = (
    Column("city", _("The city's code (slug), e.g. phuket."), "phuket"),
    Column("title", _("Up to 200 characters."), _("Smart flood drainage")),
    Column(
        "description",
        _("A paragraph on what the project does."),
        _("Sensors and automated pumps for the old town's drainage network."),
    ),
    Column(
        "focus_areas",
        _("ASCF focus area codes, separated by ;"),
        "quality-environment;built-infrastructure",
    ),
    Column("status", _("An OC4IDS project status code."), "preparation"),
    Column("budget_amount", _("A number, without currency signs."), "2500000"),
    Column("budget_currency", _("An ISO 4217 code, e.g. USD."), "USD"),
    Column(
        "funding_secured", _("A number in the budget's currency; at most the budget."), "500000"
    ),
    Column(
        "outcomes", _("ASCF strategic outcome codes, separated by ;"), "sustainable-environment"
    ),
    Column("sdg_targets", _("SDG 11 targets, separated by ;"), "11.5;11.b"),
    Column("project_type", _("An OC4IDS project type code."), "construction"),
    Column(
        "sectors",
        _("OC4IDS project sector codes, separated by ;"),
        "waterAndWaste;naturalResources.floodProtection",
    ),
    Column(
        "financing_sought",
        _("Financing instruments, separated by ;"),
        "grant;technical_assistance",
    ),
    Column("period_start", _("A date, YYYY-MM-DD."), "2026-01-01"),
    Column("period_end", _("A date, YYYY-MM-DD."), "2028-12-31"),
    Column("location_description", _("Where the works are."), _("Old town")),
    Column("lat", _("Latitude in decimal degrees (−90 to 90)."), "7.8804"),
    Column("lon", _("Longitude in decimal degrees (−180 to 180)."), "98.3923"),
)
COLUMN_NAMES = [column.name for column in COLUMNS]
REQUIRED_COLUMNS = [column.name for column in COLUMNS if column.required]
EXAMPLES = {column.name: column.example for column in COLUMNS}


def examples(city: Any = None) -> dict[str, str]:
    """Each column's example as the reader reads it, of ``city`` (a ``network.City``: its slug
    and its coordinates) when given — a Chief Smart City Officer's template is of her own
    city, not a project in Hanoi placed in Phuket."""
    out = {name: str(example) for name, example in EXAMPLES.items()}
    if city is not None:
        out.update(city=city.slug, lat=str(city.latitude), lon=str(city.longitude))
    return out


# Where a project's field that is not a column of its own shows in the spreadsheet.
FIELD_COLUMN = {"locations": "location_description"}

# A rule's problem worded for a cell where the rule's own words do not fit a spreadsheet.
CELL_WORDING = {
    "required": _("Required, e.g. %(example)s"),
    "half-a-point": _("Give both lat and lon, or neither"),
    "not-a-date": _("Not a date: write it as YYYY-MM-DD, e.g. 2026-03-31"),
}


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


def column_for_field(field_name: str | None) -> str:
    """The spreadsheet column a project's field is in ("" for the row as a whole)."""
    if field_name in COLUMN_NAMES:
        return str(field_name)
    return FIELD_COLUMN.get(field_name or "", field_name or "")


def row_error(row: int | None, problem: DomainError) -> RowError:
    """A service's or a rule's refusal in its row and column (the field an ``InvalidInput``
    names; a coordinate's problem in the ``lat`` or ``lon`` column)."""
    params = getattr(problem, "params", {})
    column = params.get("coordinate") or column_for_field(getattr(problem, "field", None))
    return RowError(row, column, worded(getattr(problem, "rule", ""), column) or problem.message)


def worded(rule: str, column: str) -> str | None:
    """A rule's problem as the cells of ``column`` word it, if not in the rule's own words."""
    wording = CELL_WORDING.get(rule)
    return None if wording is None else str(wording) % {"example": EXAMPLES.get(column, "")}
