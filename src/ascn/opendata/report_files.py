"""The M&E report (``opendata.reports``) as files: the CSV and XLSX downloads, each table as the
page shows it with numbers kept as numbers, and the progress-over-time chart, drawn by the
task worker (``core.drawings``)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ascn.core.drawings import Payload, digest, drawn
from ascn.core.svg import label_svg
from ascn.opendata.report_tables import CENT, ReportTable
from ascn.opendata.reports import MeReport
from ascn.opendata.spreadsheets import csv_bytes, xlsx_fit_columns, xlsx_write_rows
from ascn.plans.charts import labels as chart_labels
from ascn.plans.charts import labels_of, progress_spec, svg_of

# --- downloads ------------------------------------------------------------------------------


def _raw(value: Any, kind: str) -> Any:
    """A cell for CSV/XLSX: numbers stay numbers (USD to the cent), None is empty."""
    if value is None:
        return None
    if kind == "usd":
        return value.quantize(CENT)
    return value


def _about_rows(report: MeReport) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [_("ASCN monitoring and evaluation report")],
        [_("Filters"), report.filters_text],
        [_("Projects"), report.project_count],
        [_("Of which sample (illustrative) data"), report.sample_count],
        [_("Progress as of"), report.period_end],
        [_("Exchange rates as of"), report.rates_date or _("no rate on record")],
        # ISO 8601 in the site's time zone with its offset, as text: unambiguous to a reader
        # and to a program (a spreadsheet's date-time cell cannot hold an offset)
        [
            _("Generated"),
            timezone.localtime(report.generated_at).replace(microsecond=0).isoformat(),
        ],
    ]
    for currency, count in report.unconverted.items():
        rows.append([_("Not in the USD sums (no rate)"), f"{currency}: {count}"])
    return rows


def _table_rows(table: ReportTable) -> list[list[Any]]:
    rows = [table.columns]
    rows += [[_raw(v, k) for v, k in zip(row, table.kinds, strict=True)] for row in table.rows]
    if table.total:
        rows.append([_raw(v, k) for v, k in zip(table.total, table.kinds, strict=True)])
    return rows


def report_csv(report: MeReport) -> bytes:
    """Every table one after the other, each under its title and separated by a blank line."""
    rows: list[list[Any]] = [*_about_rows(report), []]
    for table in report.tables:
        rows.append([table.title])
        rows += _table_rows(table)
        rows.append([])
    return csv_bytes([[_csv_cell(value) for value in row] for row in rows])


def _csv_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


SHEET_NAMES = {
    "focus-status": gettext_lazy("Focus area x status"),
    "member-states": gettext_lazy("Member states"),
    "cities": gettext_lazy("Cities"),
    "instruments": gettext_lazy("Financing instruments"),
    "progress": gettext_lazy("Latest progress"),
    "progress-over-time": gettext_lazy("Progress over time"),
    "indicator-targets": gettext_lazy("Indicator targets"),
}


def sheet_name(name: Any) -> str:
    """A sheet's name as a workbook allows it: at most 31 characters, none of ``[]:*?/\\``."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(name)).strip()[:31].rstrip()


def report_xlsx(report: MeReport) -> bytes:
    """One sheet per table (named as in ``SHEET_NAMES``), and an "About" sheet last."""
    import openpyxl  # noqa: PLC0415 - start-up: openpyxl and vl-convert load only for a report's download
    from openpyxl.styles import Font  # noqa: PLC0415 - start-up: openpyxl and vl-convert load only for a report's download

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for table in report.tables:
        sheet = workbook.create_sheet(sheet_name(SHEET_NAMES[table.key]))
        xlsx_write_rows(sheet, _table_rows(table))
        for column, kind in enumerate(table.kinds, start=1):
            number_format = {
                "usd": "#,##0.00",
                "pct": "0.0",
                "int": "#,##0",
                "date": "yyyy-mm-dd",
            }.get(kind)
            if number_format:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                    cell.number_format = number_format
        if table.total:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        sheet.freeze_panes = sheet.cell(row=2, column=table.header_columns + 1)
        xlsx_fit_columns(sheet)
    about = workbook.create_sheet(sheet_name(_("About")))
    xlsx_write_rows(about, _about_rows(report))
    xlsx_fit_columns(about, widest=80)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the chart -----------------------------------------------------------------------------


PROGRESS_CHART = "opendata.me-progress"


def progress_chart_svg(report: MeReport) -> str:
    """The average progress over time (``MeReport.series``) as inline SVG ('' when nothing
    was reported, or while the task worker draws it: ``core.drawings``).

    The SVG is hidden from assistive technology: the figure's caption says what it shows
    and the table under it holds every value (the chart's data-table alternative).
    """
    if not report.series:
        return ""
    rows = [
        (end.isoformat(), str(physical), str(financial))
        for end, physical, financial, _count in report.series
    ]
    payload = {
        "rows": rows,
        "title": _("Average progress of the reporting projects, %(f)s")
        % {"f": report.filters_text},
        "x_title": _("End of period"),
        "labels": chart_labels()._asdict(),
    }
    # "v4": drawn to scale with the page (``progress-chart``), 420 px wide, words of 14 px;
    # an older drawing is not reused
    return drawn(PROGRESS_CHART, digest("v4", payload), lambda: payload)


def progress_summary(report: MeReport) -> str:
    """One sentence on how progress moved, for the chart's caption."""
    if not report.series:
        return ""
    first, last = report.series[0], report.series[-1]
    return _(
        "From %(first)s to %(last)s the average physical progress went from %(p0)s%% to "
        "%(p1)s%% and the average financial progress from %(f0)s%% to %(f1)s%%."
    ) % {
        "first": date_format(first[0]),
        "last": date_format(last[0]),
        "p0": first[1],
        "p1": last[1],
        "f0": first[2],
        "f1": last[2],
    }


def draw_progress_chart(payload: Payload) -> str:
    """Draw the report's progress chart (in the task worker) from ``progress_chart_svg``'s
    payload; hidden from assistive technology (the table under it has every value)."""
    rows = [(dt.date.fromisoformat(d), Decimal(p), Decimal(f)) for d, p, f in payload["rows"]]
    labels = labels_of(payload.get("labels", {}))
    spec = progress_spec(rows, title=payload["title"], labels=labels)
    spec["encoding"]["x"]["title"] = payload["x_title"]
    # the project chart's class: as wide as the page allows, its height following (a phone
    # showed it 338 px tall at half its width, the drawing centred in white)
    attributes = ' class="progress-chart" aria-hidden="true" focusable="false"'
    return label_svg(svg_of(spec, labels), attributes=attributes, head="")
