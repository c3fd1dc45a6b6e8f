"""The import template people fill in: a CSV, or a workbook with a sheet of the codes."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _

from ascn.network.models import City, FocusArea, Outcome
from ascn.opendata.imports.columns import COLUMN_NAMES, examples, max_rows
from ascn.opendata.spreadsheets import csv_bytes, xlsx_fit_columns, xlsx_write_rows
from ascn.plans import codelists
from ascn.plans.models import FinancingInstrument

# The columns whose cell the workbook offers as a list of the codes sheet's codes.
PICKED_FROM_CODES = ("city", "status", "project_type")


def template_rows(example_city: City | None = None) -> tuple[list[str], list[str]]:
    """The header and one example row of the import template (``columns.examples``)."""
    example = examples(example_city)
    return COLUMN_NAMES, [example[name] for name in COLUMN_NAMES]


def template_csv(example_city: City | None = None) -> bytes:
    header, example = template_rows(example_city)
    return csv_bytes([header, example])


def code_lists() -> list[tuple[str, list[tuple[str, str]]]]:
    """Each coded column with its codes and what they mean, for the codes sheet."""
    cities = City.objects.select_related("member_state").order_by("member_state__name", "name")
    return [
        ("city", [(c.slug, f"{c.name} ({c.member_state.name})") for c in cities]),
        ("focus_areas", [(a.code, a.name) for a in FocusArea.objects.all()]),
        ("outcomes", [(o.code, o.name) for o in Outcome.objects.all()]),
        ("status", list(codelists.codelist(codelists.PROJECT_STATUS).items())),
        ("project_type", list(codelists.codelist(codelists.PROJECT_TYPE).items())),
        ("sectors", list(codelists.codelist(codelists.PROJECT_SECTOR).items())),
        ("financing_sought", [(c, str(label)) for c, label in FinancingInstrument.choices]),
        ("sdg_targets", [(c, str(label)) for c, label in codelists.SDG11_TARGETS.items()]),
    ]


def template_xlsx(example_city: City | None = None) -> bytes:
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
    xlsx_write_rows(codes, [["column", "code", "meaning"]])
    first_row: dict[str, tuple[int, int]] = {}
    for column, entries in code_lists():
        start = codes.max_row + 1
        xlsx_write_rows(codes, [[column, code, label] for code, label in entries], bold_first=False)
        first_row[column] = (start, codes.max_row)
    xlsx_fit_columns(codes)
    for column in PICKED_FROM_CODES:
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
