"""The tables of the M&E report (``opendata.reports``): what each holds and how its cells read,
summed from the rows ``me_report`` reads (``ProjectSums``, ``progress``)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from ascn.core import display
from ascn.indicators.models import ProjectIndicator
from ascn.indicators.queries import values_for
from ascn.network.models import MemberState
from ascn.plans import codelists
from ascn.plans.models import FinancingInstrument, ProgressUpdate

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


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
    def headings(self) -> list[tuple[str, bool]]:
        """Each column's heading, and whether it heads numbers (set right, as they are)."""
        return [
            (column, CELL_CLASS.get(kind) == "num")
            for column, kind in zip(self.columns, self.kinds, strict=True)
        ]

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


class ProjectSums:
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
            budget_usd = usd(budget, currency)
            if budget_usd is None:
                self.unconverted[currency] += 1
            else:
                # the gap from the dollars above, not converted apart: each row then adds up
                # to the cent (budget = secured + sought), where three roundings could miss one
                secured_usd = usd(secured, currency) or Decimal("0")
                amounts = (budget_usd, secured_usd, max(budget_usd - secured_usd, Decimal("0")))
        self.per_city[(state, state_name, city)].add(*amounts)
        codes = self.instrument_sets.get(instruments)
        if codes is None:
            codes = tuple(set(json.loads(instruments) or ()) if instruments else ()) or ("",)
            self.instrument_sets[instruments] = codes
        for code in codes:
            self.per_instrument[code].add(*amounts)


# --- the tables ----------------------------------------------------------------------------


def status_titles() -> dict[str, str]:
    """OC4IDS status titles, as every page shows them (``codelists.labels``)."""
    return {code: str(title) for code, title in codelists.labels(codelists.PROJECT_STATUS).items()}


def focus_status_table(areas, counts, per_status: dict[str, int]) -> ReportTable:
    statuses = list(status_titles().items())
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


def state_table(states, sums: ProjectSums, member_state) -> ReportTable:
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
            [state.label, len(cities[state.code]), state_sums.projects, *state_sums.cells()]
        )
    table.total = [
        _("All member states") if member_state is None else _("Total"),
        len({(state, city) for state, _state_name, city in sums.per_city}),
        everything.projects,
        *everything.cells(),
    ]
    return table


def city_table(sums: ProjectSums) -> ReportTable:
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
        by_city[(MemberState(name=state_name).label, city)].merge(city_sums)
        everything.merge(city_sums)
    for (state_name, city), city_sums in sorted(by_city.items()):
        table.rows.append([state_name, city, city_sums.projects, *city_sums.cells()])
    table.total = [_("All cities"), "", everything.projects, *everything.cells()]
    return table


def instrument_table(sums: ProjectSums) -> ReportTable:
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


def progress(updates, period_end: dt.date, year: int | None):
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


def latest_rows(visible, period_end: dt.date, limit: int | None):
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


def latest_progress_table(latest) -> ReportTable:
    table = ReportTable(
        "progress",
        _("Latest progress by project"),
        [_("Project"), _("City"), _("Status"), _("As of"), _("Physical %"), _("Financial %")],
        ["text", "text", "text", "date", "pct", "pct"],
    )
    statuses = status_titles()
    for title, city, status, date, physical, financial in latest:
        table.rows.append([title, city, statuses.get(status, status), date, physical, financial])
    return table


def series_table(series, member_state=None) -> ReportTable:
    """The average progress at each period end: the network's, or ``member_state``'s when the
    report is filtered to one."""
    if member_state is None:
        title = _("Progress over time (network average)")
    else:
        title = _("Progress over time (average for %(member_state)s)") % {
            "member_state": member_state.label
        }
    table = ReportTable(
        "progress-over-time",
        title,
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


def indicator_targets_table(user, ids, year: int | None) -> ReportTable:
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
