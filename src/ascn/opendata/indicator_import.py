"""Importing a city's indicator values from a spreadsheet (CSV or XLSX), read by the projects'
import machinery (``opendata.imports``: the file told apart by content, its header checked,
each problem a ``RowError`` in its row and column) and written through
``indicators.services.value_enter``, all or nothing: one problem anywhere and nothing is
written. Small files (a city reports tens of values a year) run in the request."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ascn.core import formats
from ascn.core.errors import DomainError
from ascn.indicators.models import Indicator
from ascn.indicators.services import value_enter
from ascn.network.models import City
from ascn.opendata.imports import RowError, read_table, row_error
from ascn.opendata.imports.reading import Layout, number_cell
from ascn.opendata.spreadsheets import cell_text

if TYPE_CHECKING:
    from ascn.core.types import Actor

# (column, what to write, example)
COLUMNS = (
    ("city", gettext_lazy("The city's code (slug), e.g. phuket."), "phuket"),
    ("indicator", gettext_lazy("The indicator's code, as in the catalogue."), "11.6.2"),
    ("year", gettext_lazy("The year the figure describes."), "2023"),
    ("value", gettext_lazy("A number in the indicator's unit, without the unit."), "21.5"),
    (
        "source",
        gettext_lazy("Publication or agency, with its year."),
        "Pollution Control Department 2023",
    ),
    ("method_note", gettext_lazy("How it was measured (optional)."), "Mean of two stations"),
    ("visibility", gettext_lazy("draft, network or public (optional; draft when empty)."), "draft"),
)
LAYOUT = Layout(
    columns=tuple(name for name, _help, _example in COLUMNS),
    required=("city", "indicator", "year", "value", "source"),
    no_rows=gettext_lazy("The file has a header but no indicator values."),
    too_many_rows=gettext_lazy(
        "The file has more than %(limit)s rows: split it into smaller files."
    ),
)


@dataclass
class IndicatorImport:
    name: str
    rows: int = 0
    written: int = 0
    errors: list[RowError] = field(default_factory=list)


def template_csv(city: str | None) -> bytes:
    """The header and one example row (naming one of the person's cities when given)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LAYOUT.columns)
    writer.writerow(
        [city or example if name == "city" else example for name, _h, example in COLUMNS]
    )
    return out.getvalue().encode("utf-8-sig")


def import_values(*, actor: Actor, data: bytes, name: str) -> IndicatorImport:
    """Check every row through the service and write them all, or — at the first problem
    anywhere — none (the rows checked so far are rolled back), reporting every problem.
    A file that cannot be read at all raises ``InvalidInput`` naming ``file``."""
    table = read_table(data, layout=LAYOUT)
    result = IndicatorImport(name=name, rows=table.row_count)
    cities = {c.slug: c for c in City.objects.all()}
    indicators = {i.code: i for i in Indicator.objects.all()}
    with transaction.atomic():
        for number, row in table.rows:
            city = cities.get(cell_text(row.get("city")).strip().lower())
            indicator = indicators.get(cell_text(row.get("indicator")).strip())
            if city is None:
                result.errors.append(RowError(number, "city", _("Unknown city code.")))
            if indicator is None:
                result.errors.append(RowError(number, "indicator", _("Unknown indicator code.")))
            if city is None or indicator is None:
                continue
            try:
                year = _number(number, row, "year")
                value = _number(number, row, "value", as_typed=True)
                with transaction.atomic():
                    value_enter(
                        actor=actor,
                        city=city,
                        indicator=indicator,
                        year=year,
                        value=value,
                        source=cell_text(row.get("source")),
                        method_note=cell_text(row.get("method_note")),
                        visibility=cell_text(row.get("visibility")).strip().lower() or "draft",
                    )
                result.written += 1
            except _CellError as problem:
                result.errors.append(problem.error)
            except DomainError as problem:
                result.errors.append(row_error(number, problem))
        if result.errors:
            transaction.set_rollback(True)
            result.written = 0
    return result


class _CellError(Exception):
    def __init__(self, error: RowError):
        super().__init__(error.message)
        self.error = error


def _number(row_number: int, row: dict, column: str, *, as_typed: bool = False):
    """The cell's number; with ``as_typed``, a figure written as text is read as the page's
    language writes it, as the form reads it (``18,4`` on an Indonesian page is 18.4)."""
    cell = row.get(column)
    try:
        if as_typed and isinstance(cell, str):
            cell = formats.typed_number(cell)
        return number_cell(cell)
    except ValueError as exc:
        raise _CellError(RowError(row_number, column, str(exc))) from exc
