"""The yearly monitoring and evaluation (M&E) report of the ASCN's projects (SPEC C4).

One computation, ``me_report``, gives the tables the page shows and the CSV and XLSX
downloads hold, so the three never disagree. It reads only what the user may see
(``plans.queries.projects_for``) in a fixed number of queries, whatever the number of
projects: the projects and the progress updates (read in chunks and summed as they come,
so memory does not grow with them), the focus-area × status counts, the latest-progress
rows (as many as shown), the exchange rates, the member states and the focus areas.

Definitions, shown with the report:

* a project counts in year *Y* when its period overlaps *Y*; a project without a start
  date counts from the year it was recorded, one without an end date runs on;
* *funding sought* is a project's funding gap (budget − funding secured); amounts are
  in US dollars at the latest rate on record for each currency (one rate table for the
  whole report); a project in a currency without a rate is counted but left out of the sums;
* *progress* is each project's latest physical and financial % reported by the end of the
  period; the network's progress over time is the average of those latest values over the
  projects that had reported by then.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ascn.accounts.models import User
from ascn.core import display, prepared
from ascn.core.drawings import Payload, digest, drawn
from ascn.indicators.models import ProjectIndicator
from ascn.indicators.queries import values_for
from ascn.network.models import FocusArea, MemberState
from ascn.opendata.spreadsheets import csv_bytes, xlsx_fit_columns, xlsx_write_rows
from ascn.plans import codelists, money
from ascn.plans.charts import Labels, progress_spec
from ascn.plans.charts import labels as chart_labels
from ascn.plans.models import FinancingInstrument, ProgressUpdate, Project
from ascn.plans.queries import projects_for

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ROWS_ON_SCREEN = 500  # of a table on the page: the downloads hold every row


@dataclass
class ReportTable:
    """A table of the report. ``kinds`` says how each column reads: text, int, usd, pct, date."""

    key: str
    title: str
    columns: list[str]
    kinds: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None
    note: str = ""
    header_columns: int = 1  # the leading columns that name the row
    # the page's rows, written once when the report is kept for the page (``for_page``),
    # and how many more rows the downloads hold
    rows_html: str = ""
    more: int = 0

    def html(self, rows: list[list[Any]]) -> str:
        return display.rows_html(rows, self.kinds, CELL_CLASS, header_columns=self.header_columns)

    @property
    def total_html(self) -> str:
        return self.html([self.total]) if self.total else ""


CELL_CLASS = {
    "int": "num",
    "num": "num",
    "year": "num",
    "usd": "num",
    "pct": "num",
    "date": "nowrap",
}


@dataclass
class MeReport:
    year: int | None
    member_state: MemberState | None
    generated_at: dt.datetime
    period_end: dt.date
    project_count: int
    sample_count: int
    rates_date: dt.date | None
    unconverted: dict[str, int]
    tables: list[ReportTable]
    series: list[tuple[dt.date, Decimal, Decimal, int]]
    progress_rows_total: int

    def for_page(self) -> MeReport:
        """The report with each table's rows written as the page shows them: at most
        ``ROWS_ON_SCREEN`` of each (the downloads hold every row)."""
        for table in self.tables:
            held = self.progress_rows_total if table.key == "progress" else len(table.rows)
            table.rows_html = table.html(table.rows[:ROWS_ON_SCREEN])
            table.more = max(0, held - ROWS_ON_SCREEN)
        return self

    def table(self, key: str) -> ReportTable:
        return next(table for table in self.tables if table.key == key)

    @property
    def funding(self) -> dict[str, Decimal]:
        """The USD totals: budget, secured and sought (the member-state table's last row)."""
        total = self.table("member-states").total or []
        return dict(zip(("budget", "secured", "sought"), total[3:6], strict=False))

    @property
    def filters_text(self) -> str:
        parts = [
            _("year %(year)s") % {"year": self.year} if self.year else _("all years"),
            self.member_state.name if self.member_state else _("all member states"),
        ]
        return ", ".join(parts)


def _year_q(year: int) -> Q:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    started = Q(period_start__lte=end) | Q(period_start__isnull=True, created_at__date__lte=end)
    running = Q(period_end__gte=start) | Q(period_end__isnull=True)
    return started & running


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(TENTH, ROUND_HALF_UP)


def _quarter_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    ends = []
    year, quarter = first.year, (first.month - 1) // 3 + 1
    while True:
        month = quarter * 3
        end = dt.date(year, month, 1) + dt.timedelta(days=32)
        end = end.replace(day=1) - dt.timedelta(days=1)
        ends.append(min(end, last))
        if end >= last:
            return ends
        quarter += 1
        if quarter > 4:
            year, quarter = year + 1, 1


def _month_ends(year: int, last: dt.date) -> list[dt.date]:
    ends = []
    for month in range(1, 13):
        end = (dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
            days=1
        )
        ends.append(min(end, last))
        if end >= last:
            break
    return ends


def me_report(
    user,
    *,
    year: int | None = None,
    member_state: MemberState | None = None,
    progress_rows: int | None = None,
) -> MeReport:
    """The report for what ``user`` may see. ``progress_rows``: how many rows of the latest
    progress table to read (the page shows ``ROWS_ON_SCREEN``; None: every row,
    for the downloads).

    Memory does not grow with the number of projects: the projects are read in chunks and
    summed as they come (per city, member state, status and instrument: a few thousand
    running sums at most), the progress updates likewise (per date), and the latest
    progress table's rows are read already sorted and cut by the database."""
    today = timezone.localdate()
    period_end = min(dt.date(year, 12, 31), today) if year else today
    visible = projects_for(user, country=member_state.code if member_state else None)
    visible = visible.prefetch_related(None).select_related(None).order_by()
    if year:
        visible = visible.filter(_year_q(year))
    ids = visible.values("id")

    rates = money.latest_rates()
    sums = _ProjectSums(money.usd_amounts(rates))  # the same arithmetic as ``to_usd``
    # the instruments as their JSON text: a few distinct lists, each decoded once
    visible = visible.annotate(instruments_json=Cast("financing_sought", TextField()))
    for row in visible.values_list(*_ProjectSums.FIELDS).iterator(chunk_size=CHUNK):
        sums.add(*row)
    by_area_status = (
        Project.focus_areas.through.objects.filter(project_id__in=ids)
        .values_list("focusarea__code", "project__status")
        .annotate(n=Count("project_id", distinct=True))
    )
    updates = (
        ProgressUpdate.objects.filter(project_id__in=ids, date__lte=period_end)
        .order_by("project_id", "date", "id")
        .values_list("project_id", "date", "physical_pct", "financial_pct")
    )
    states = list(MemberState.objects.order_by("name"))
    areas = list(FocusArea.objects.order_by("position", "code"))

    tables = [
        _focus_status_table(areas, list(by_area_status), sums.per_status),
        _state_table(states, sums, member_state),
        _city_table(sums),
        _instrument_table(sums),
    ]
    reporting, series = _progress(updates.iterator(chunk_size=CHUNK), period_end, year)
    tables.append(_latest_progress_table(_latest_rows(visible, period_end, progress_rows)))
    tables.append(_series_table(series))
    tables.append(_indicator_targets_table(user, ids, year))
    rates_dates = [rate.date for rate in rates.values()]
    return MeReport(
        year=year,
        member_state=member_state,
        generated_at=timezone.now(),
        period_end=period_end,
        project_count=sums.count,
        sample_count=sums.samples,
        rates_date=max(rates_dates) if rates_dates else None,
        unconverted=dict(sorted(sums.unconverted.items())),
        tables=tables,
        series=series,
        progress_rows_total=reporting,
    )


REPORT = "opendata.me-report"


def _audience(user) -> str:
    """What ``user`` may see of what the report reads, as a digest of the two queries that
    decide it (the projects and the indicator values): users who see the same share a
    kept report."""
    seen = f"{projects_for(user).query}\n{values_for(user).query}"
    return hashlib.sha256(seen.encode()).hexdigest()[:24]


def me_report_kept(
    user,
    *,
    year: int | None = None,
    member_state: MemberState | None = None,
    page: bool = False,
) -> MeReport:
    """The report, kept in the shared cache and refreshed by the task worker once
    ``ASCN_REPORT_CACHE_SECONDS`` old (``core.prepared``): at 100,000 projects it takes
    seconds to compute, so a page never waits for it but the first time (it says when it was
    computed). ``page``: the page's report (its rows written, ``MeReport.for_page``), else
    the downloads' (every row)."""
    code = member_state.code if member_state else None
    audience = _audience(user)
    args = {"user": user.pk, "audience": audience, "year": year, "member_state": code, "page": page}
    key = ":".join([audience, str(year or ""), code or "", str(page), get_language()])
    return prepared.kept(
        REPORT,
        key,
        args,
        lambda: _computed(user, year, member_state, page),
        settings.ASCN_REPORT_CACHE_SECONDS,
    )


def _computed(user, year: int | None, member_state: MemberState | None, page: bool) -> MeReport:
    if not page:
        return me_report(user, year=year, member_state=member_state)
    report = me_report(user, year=year, member_state=member_state, progress_rows=ROWS_ON_SCREEN)
    return report.for_page()


def prepare_report(
    user: int | None, audience: str, year: int | None, member_state: str | None, page: bool
):
    """The report for arguments given as ids and codes (what the task worker is handed), for
    the ``audience`` its key names: if the reader may now see something else (their rights
    changed, their account was removed), nothing is computed for that key
    (``prepared.Outdated``)."""
    who = User.objects.filter(pk=user, is_active=True).first() if user is not None else None
    reader = who or AnonymousUser()
    if _audience(reader) != audience:
        raise prepared.Outdated(audience)
    state = MemberState.objects.filter(code=member_state).first() if member_state else None
    return _computed(reader, year, state, page)


CHUNK = 2000  # rows read at a time from the database


class _Money:
    """Running USD sums of a group of projects: how many, and budget, secured and sought
    over those with a rate (each project's amounts converted and rounded one by one)."""

    __slots__ = ("budget", "projects", "secured", "sought")

    def __init__(self) -> None:
        self.projects = 0
        self.budget = self.secured = self.sought = Decimal("0")

    def add(self, budget: Decimal | None, secured: Decimal | None, sought: Decimal | None):
        self.projects += 1
        if budget is not None:  # no rate: counted, not summed (secured and sought too)
            self.budget += budget
            self.secured += secured or Decimal("0")
            self.sought += sought or Decimal("0")

    def merge(self, other: _Money) -> None:
        self.projects += other.projects
        self.budget += other.budget
        self.secured += other.secured
        self.sought += other.sought

    def cells(self) -> list[Any]:
        return [self.budget, self.secured, self.sought, _pct(self.secured, self.budget)]


class _ProjectSums:
    """What the tables need from the projects, summed one row at a time."""

    FIELDS = (
        "status",
        "sample",
        "budget_amount",
        "budget_currency",
        "funding_secured",
        "instruments_json",
        "city__name",
        "city__member_state__code",
        "city__member_state__name",
    )

    def __init__(self, usd) -> None:
        self.usd = usd
        self.count = self.samples = 0
        self.per_status: dict[str, int] = defaultdict(int)
        self.unconverted: dict[str, int] = defaultdict(int)
        # (member state code, member state name, city name) → sums
        self.per_city: dict[tuple[str, str, str], _Money] = defaultdict(_Money)
        self.per_instrument: dict[str, _Money] = defaultdict(_Money)  # "" for none named
        self.instrument_sets: dict[str | None, tuple[str, ...]] = {}

    def add(
        self, status, sample, budget, currency, secured, instruments, city, state, state_name
    ) -> None:
        self.count += 1
        self.samples += bool(sample)
        self.per_status[status] += 1
        usd = self.usd
        amounts: tuple[Decimal | None, ...] = (None, None, None)
        if budget is not None:  # none: a real project whose sources publish no budget
            gap = max(budget - secured, Decimal("0"))
            budget_usd = usd(budget, currency)
            if budget_usd is None:
                self.unconverted[currency] += 1
            else:
                amounts = (budget_usd, usd(secured, currency), usd(gap, currency))
        self.per_city[(state, state_name, city)].add(*amounts)
        codes = self.instrument_sets.get(instruments)
        if codes is None:
            codes = tuple(set(json.loads(instruments) or ()) if instruments else ()) or ("",)
            self.instrument_sets[instruments] = codes
        for code in codes:
            self.per_instrument[code].add(*amounts)


# --- the tables ----------------------------------------------------------------------------


def _status_titles() -> dict[str, str]:
    """OC4IDS status titles, capitalised (the 0.9.5 codelist spells one in lower case)."""
    return {
        code: title[:1].upper() + title[1:]
        for code, title in codelists.codelist(codelists.PROJECT_STATUS).items()
    }


def _focus_status_table(areas, counts, per_status: dict[str, int]) -> ReportTable:
    statuses = list(_status_titles().items())
    table = ReportTable(
        "focus-status",
        _("Projects by focus area and status"),
        [_("Focus area"), *[title for _code, title in statuses], _("Total")],
        ["text", *["int"] * len(statuses), "int"],
        note=_(
            "A project with several focus areas counts once in each of its rows; the last row "
            "counts every project once."
        ),
    )
    cells = {(area, status): n for area, status, n in counts}
    for area in areas:
        row = [cells.get((area.code, code), 0) for code, _title in statuses]
        table.rows.append([area.label, *row, sum(row)])
    totals = [per_status.get(code, 0) for code, _title in statuses]
    table.total = [_("All projects"), *totals, sum(totals)]
    return table


def _money_columns() -> list[str]:
    return [
        _("Budget (USD)"),
        _("Funding secured (USD)"),
        _("Funding sought (USD)"),
        _("Secured %"),
    ]


def _state_table(states, sums: _ProjectSums, member_state) -> ReportTable:
    table = ReportTable(
        "member-states",
        _("Projects and funding by member state"),
        [_("Member state"), _("Cities with projects"), _("Projects"), *_money_columns()],
        ["text", "int", "int", "usd", "usd", "usd", "pct"],
    )
    by_state: dict[str, _Money] = defaultdict(_Money)
    cities: dict[str, set[str]] = defaultdict(set)
    everything = _Money()
    for (state, _state_name, city), city_sums in sums.per_city.items():
        by_state[state].merge(city_sums)
        cities[state].add(city)
        everything.merge(city_sums)
    for state in states:
        if member_state is not None and state.pk != member_state.pk:
            continue
        state_sums = by_state.get(state.code, _Money())
        table.rows.append(
            [state.name, len(cities[state.code]), state_sums.projects, *state_sums.cells()]
        )
    table.total = [
        _("All member states") if member_state is None else _("Total"),
        len({(state, city) for state, _state_name, city in sums.per_city}),
        everything.projects,
        *everything.cells(),
    ]
    return table


def _city_table(sums: _ProjectSums) -> ReportTable:
    table = ReportTable(
        "cities",
        _("Projects and funding by city"),
        [_("Member state"), _("City"), _("Projects"), *_money_columns()],
        ["text", "text", "int", "usd", "usd", "usd", "pct"],
        header_columns=2,
    )
    by_city: dict[tuple[str, str], _Money] = defaultdict(_Money)
    everything = _Money()
    for (_state, state_name, city), city_sums in sums.per_city.items():
        by_city[(state_name, city)].merge(city_sums)
        everything.merge(city_sums)
    for (state_name, city), city_sums in sorted(by_city.items()):
        table.rows.append([state_name, city, city_sums.projects, *city_sums.cells()])
    table.total = [_("All cities"), "", everything.projects, *everything.cells()]
    return table


def _instrument_table(sums: _ProjectSums) -> ReportTable:
    table = ReportTable(
        "instruments",
        _("Funding sought by financing instrument"),
        [_("Financing instrument"), _("Projects seeking it"), _("Funding sought (USD)")],
        ["text", "int", "usd"],
        note=_(
            "A project seeking several instruments counts under each; its whole funding gap "
            "shows in each of its rows."
        ),
    )
    rows = [(code, str(label)) for code, label in FinancingInstrument.choices]
    for code, label in [*rows, ("", _("None named"))]:
        instrument = sums.per_instrument.get(code, _Money())
        table.rows.append([label, instrument.projects, instrument.sought])
    return table


def _progress(updates, period_end: dt.date, year: int | None):
    """How many projects had reported by ``period_end``, and the network's average at each
    period end, from the updates ordered by project, date and id (read once, in chunks).

    Each project's latest values form a step function of time; it is kept as changes on the
    dates of its updates (its first update adds its values and one reporting project, each
    later one the difference to the values before it), summed per date over all projects.
    The average at a period end is then the running sum of the changes up to that date:
    memory grows with the number of dates, not of projects or updates."""
    changes: dict[dt.date, list] = {}  # date → [physical, financial, projects]
    reporting = 0
    current: int | None = None
    physical_before = financial_before = Decimal("0")
    for project_id, date, physical, financial in updates:
        change = changes.setdefault(date, [Decimal("0"), Decimal("0"), 0])
        if project_id != current:
            current, reporting = project_id, reporting + 1
            physical_before = financial_before = Decimal("0")
            change[2] += 1
        change[0] += physical - physical_before
        change[1] += financial - financial_before
        physical_before, financial_before = physical, financial
    series: list[tuple[dt.date, Decimal, Decimal, int]] = []
    if not changes:
        return reporting, series
    dates = sorted(changes)
    ends = _month_ends(year, period_end) if year else _quarter_ends(dates[0], period_end)
    physical_sum = financial_sum = Decimal("0")
    count = 0
    position = 0
    for end in ends:
        while position < len(dates) and dates[position] <= end:
            change = changes[dates[position]]
            physical_sum += change[0]
            financial_sum += change[1]
            count += change[2]
            position += 1
        if count:
            series.append(
                (
                    end,
                    (physical_sum / count).quantize(TENTH, ROUND_HALF_UP),
                    (financial_sum / count).quantize(TENTH, ROUND_HALF_UP),
                    count,
                )
            )
    return reporting, series


def _latest_rows(visible, period_end: dt.date, limit: int | None):
    """The latest update (the last by date, then by id) of each project that had reported
    by ``period_end``, by city and title, with the project's title, city and status; the
    first ``limit`` (None: all)."""
    reported = ProgressUpdate.objects.filter(date__lte=period_end).order_by()
    later = reported.filter(project_id=OuterRef("project_id")).filter(
        Q(date__gt=OuterRef("date")) | Q(date=OuterRef("date"), id__gt=OuterRef("id"))
    )
    rows = (
        reported.filter(project_id__in=visible.values("id"))
        .exclude(Exists(later))
        .order_by("project__city__name", "project__title", "project_id")
        .values_list(
            "project__title",
            "project__city__name",
            "project__status",
            "date",
            "physical_pct",
            "financial_pct",
        )
    )
    return rows if limit is None else rows[:limit]


def _latest_progress_table(latest) -> ReportTable:
    table = ReportTable(
        "progress",
        _("Latest progress by project"),
        [_("Project"), _("City"), _("Status"), _("As of"), _("Physical %"), _("Financial %")],
        ["text", "text", "text", "date", "pct", "pct"],
    )
    statuses = _status_titles()
    for title, city, status, date, physical, financial in latest:
        table.rows.append([title, city, statuses.get(status, status), date, physical, financial])
    return table


def _series_table(series) -> ReportTable:
    table = ReportTable(
        "progress-over-time",
        _("Progress over time (network average)"),
        [
            _("Period ending"),
            _("Projects reporting"),
            _("Average physical %"),
            _("Average financial %"),
        ],
        ["date", "int", "pct", "pct"],
        note=_(
            "At the end of each period: the average of each reporting project's latest "
            "physical and financial progress."
        ),
    )
    for end, physical, financial, count in series:
        table.rows.append([end, count, physical, financial])
    return table


def _indicator_targets_table(user, ids, year: int | None) -> ReportTable:
    """Each indicator with the projects that aim to move it (issue 22, item 5): their
    baseline → target and the city's latest value the user may see (up to the report's year
    when it has one), each with its year. Two queries, whatever the number of projects."""
    table = ReportTable(
        "indicator-targets",
        _("Indicators and the projects that aim to move them"),
        [
            _("Indicator"),
            _("Project"),
            _("City"),
            _("Unit"),
            _("Baseline"),
            _("Baseline year"),
            _("Target"),
            _("Target year"),
            _("City's latest value"),
            _("Year of that value"),
        ],
        ["text", "text", "text", "text", "num", "year", "num", "year", "num", "year"],
        note=_(
            "The indicators the projects name, with the baseline and target each project set "
            "and its city's latest value on record (verified or not), with its year: the years "
            "differ, so read the figures with them."
        ),
    )
    links = list(
        ProjectIndicator.objects.filter(project_id__in=ids)
        .select_related("indicator", "project__city")
        .order_by("indicator__position", "indicator__code", "project__city__name", "project__title")
    )
    if not links:
        return table
    values = values_for(user).filter(
        city_id__in={link.project.city_id for link in links},
        indicator_id__in={link.indicator_id for link in links},
    )
    if year:
        values = values.filter(year__lte=year)
    latest: dict[tuple[int, int], tuple[int, Decimal]] = {}
    for city_id, indicator_id, value_year, value in values.values_list(
        "city_id", "indicator_id", "year", "value"
    ):
        key = (city_id, indicator_id)
        if key not in latest or value_year > latest[key][0]:
            latest[key] = (value_year, value)
    for link in links:
        found = latest.get((link.project.city_id, link.indicator_id))
        table.rows.append(
            [
                f"{link.indicator.code} {link.indicator.label}",
                link.project.title,
                link.project.city.name,
                link.indicator.unit_label,
                link.baseline,
                link.baseline_year,
                link.target,
                link.target_year,
                found[1] if found else None,
                found[0] if found else None,
            ]
        )
    return table


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
        [
            _("Generated"),
            report.generated_at.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0),
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
    """The network's average progress over time as inline SVG ('' when nothing was reported,
    or while the task worker draws it: ``core.drawings``).

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
    return drawn(PROGRESS_CHART, digest(payload), lambda: payload)


def progress_summary(report: MeReport) -> str:
    """One sentence on how progress moved, for the chart's caption."""
    if not report.series:
        return ""
    first, last = report.series[0], report.series[-1]
    return _(
        "From %(first)s to %(last)s the average physical progress went from %(p0)s%% to "
        "%(p1)s%% and the average financial progress from %(f0)s%% to %(f1)s%%."
    ) % {
        "first": first[0].isoformat(),
        "last": last[0].isoformat(),
        "p0": first[1],
        "p1": last[1],
        "f0": first[2],
        "f1": last[2],
    }


def draw_progress_chart(payload: Payload) -> str:
    """Draw the report's progress chart (in the task worker) from ``progress_chart_svg``'s
    payload; hidden from assistive technology (the table under it has every value)."""
    import vl_convert  # noqa: PLC0415 - start-up: vl-convert loads only in the task worker

    rows = [(dt.date.fromisoformat(d), Decimal(p), Decimal(f)) for d, p, f in payload["rows"]]
    spec = progress_spec(rows, title=payload["title"], labels=Labels(**payload.get("labels", {})))

    spec["encoding"]["x"]["title"] = payload["x_title"]
    svg = vl_convert.vegalite_to_svg(spec)
    return re.sub(r"<svg\b", '<svg aria-hidden="true" focusable="false"', svg, count=1)
