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
  period; the progress over time (of the network, or of the member state the report is
  filtered to) is the average of those latest values over the projects that had reported by
  then.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ascn.accounts.models import User
from ascn.core import formats, prepared
from ascn.indicators.queries import values_for
from ascn.network.models import FocusArea, MemberState
from ascn.opendata.report_tables import (
    ProjectSums,
    ReportTable,
    city_table,
    focus_status_table,
    indicator_targets_table,
    instrument_table,
    latest_progress_table,
    latest_rows,
    progress,
    series_table,
    state_table,
)
from ascn.plans import money
from ascn.plans.models import ProgressUpdate, Project
from ascn.plans.queries import projects_for

ROWS_ON_SCREEN = 500  # of a table on the page: the downloads hold every row
CHUNK = 2000  # rows read at a time from the database


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
            self.member_state.label if self.member_state else _("all member states"),
        ]
        return formats.listed(parts)


def _year_q(year: int) -> Q:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    started = Q(period_start__lte=end) | Q(period_start__isnull=True, created_at__date__lte=end)
    running = Q(period_end__gte=start) | Q(period_end__isnull=True)
    return started & running


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
    sums = ProjectSums(money.usd_amounts(rates))  # the same arithmetic as ``to_usd``
    # the instruments as their JSON text: a few distinct lists, each decoded once
    visible = visible.annotate(instruments_json=Cast("financing_sought", TextField()))
    for row in visible.values_list(*ProjectSums.FIELDS).iterator(chunk_size=CHUNK):
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
        focus_status_table(areas, list(by_area_status), sums.per_status),
        state_table(states, sums, member_state),
        city_table(sums),
        instrument_table(sums),
    ]
    reporting, series = progress(updates.iterator(chunk_size=CHUNK), period_end, year)
    tables.append(latest_progress_table(latest_rows(visible, period_end, progress_rows)))
    tables.append(series_table(series, member_state))
    tables.append(indicator_targets_table(user, ids, year))
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
