"""The figures of the public dashboards: aggregate queries over what anonymous may see.

Every figure starts from the policies' ``visible(AnonymousUser(), ...)`` (public records
only), whoever is looking: the dashboards are the network's public face. Each section is
one or two ``GROUP BY`` queries, so the page costs the same number of queries whatever the
number of projects (``tests/dashboards/test_dashboards.py`` caps it).

The project and deal figures come from the per-city tallies (``ascn.dashboards.tallies``,
kept in step by every write) unless a year is chosen: a year is a condition on each
project's period, which the tallies do not keep, so those figures are summed from the
projects themselves (``direct`` below). Both ways give the same numbers
(``tests/dashboards/test_tallies.py``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    FloatField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast

from ascn.core.visibility import Visibility
from ascn.dashboards.models import (
    AreaPairTally,
    CityCount,
    OrganisationTally,
    StateDealTally,
    StateTally,
)
from ascn.deals.models import Engagement, EngagementStage
from ascn.deals.queries import counted_stage
from ascn.funding import queries as funding_queries
from ascn.funding.models import Programme
from ascn.network import maps
from ascn.network.models import City, FocusArea, MemberState
from ascn.partners import queries as partners_queries
from ascn.partners.models import Organisation
from ascn.plans import codelists, disclosure, money
from ascn.plans import queries as plans_queries
from ascn.plans.models import Project
from ascn.plans.permissions import project_policy

ZERO = Decimal("0")
GAP = Case(
    When(budget_amount__gt=F("funding_secured"), then=F("budget_amount") - F("funding_secured")),
    default=Value(ZERO),
    output_field=DecimalField(max_digits=18, decimal_places=2),
)


@dataclass(frozen=True)
class Filters:
    member_state: MemberState | None = None
    focus_area: FocusArea | None = None
    year: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.member_state or self.focus_area or self.year)


def year_q(year: int, prefix: str = "") -> Q:
    """A project counts in a year when its period overlaps it (as in the M&E report).
    ``prefix`` is the path to the project (``"project__"`` from an engagement)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    started = Q(**{f"{prefix}period_start__lte": end}) | Q(
        **{f"{prefix}period_start__isnull": True, f"{prefix}created_at__date__lte": end}
    )
    running = Q(**{f"{prefix}period_end__gte": start}) | Q(**{f"{prefix}period_end__isnull": True})
    return started & running


def public_projects(filters: Filters) -> QuerySet[Project]:
    qs = plans_queries.public_projects()
    if filters.member_state:
        qs = qs.filter(city__member_state=filters.member_state)
    if filters.focus_area:
        tagged = Project.focus_areas.through.objects.filter(focusarea=filters.focus_area)
        qs = qs.filter(pk__in=tagged.values("project_id"))
    if filters.year:
        qs = qs.filter(year_q(filters.year))
    return qs


def public_organisations() -> QuerySet[Organisation]:
    return partners_queries.public_organisations().order_by()


def public_programmes() -> QuerySet[Programme]:
    return funding_queries.public_programmes().order_by()


def public_engagements(filters: Filters) -> QuerySet[Engagement]:
    """Deals on public projects with public organisations: counted, never listed.

    The same projects as ``public_projects`` (what anonymous may see, then the filters),
    written as joins from the engagement: ``project IN (subquery)`` next to the
    organisation's visibility made SQLite walk every public organisation × every public
    project (over 30 s at 100,000 projects)."""
    qs = Engagement.objects.filter(
        **{f"project__{project_policy.visibility_field}": Visibility.PUBLIC},
        organisation__visibility=Visibility.PUBLIC,
    ).order_by()
    if filters.member_state:
        qs = qs.filter(project__city__member_state=filters.member_state)
    if filters.focus_area:
        qs = qs.filter(project__focus_areas=filters.focus_area)  # one link per pair: no dupes
    if filters.year:
        qs = qs.filter(year_q(filters.year, "project__"))
    return qs


# --- the sections ---------------------------------------------------------------------------


@dataclass
class Overview:
    member_states: int
    cities: int
    cohorts: int
    projects: int
    organisations: int
    engagements: int
    # with a year: member states whose date of joining ASEAN is not on record (not counted)
    states_undated: int = 0


def member_cities(filters: Filters) -> QuerySet[City]:
    """The network's cities for the filters: with a year, those that had joined by then
    (their cohort is the year they joined)."""
    cities = City.objects.order_by()
    if filters.member_state:
        cities = cities.filter(member_state=filters.member_state)
    if filters.year:
        cities = cities.filter(cohort__lte=filters.year)
    return cities


def member_states(filters: Filters) -> tuple[int, int]:
    """How many member states the figures cover, and how many were left out because their
    date of joining ASEAN is not on record (only with a year: a state admitted later, as
    Timor-Leste in 2025, is not counted in earlier years)."""
    states = MemberState.objects.order_by()
    if filters.member_state:
        states = states.filter(pk=filters.member_state.pk)
    if not filters.year:
        return states.count(), 0
    counts = states.aggregate(
        members=Count("id", filter=Q(asean_member_since__lte=dt.date(filters.year, 12, 31))),
        undated=Count("id", filter=Q(asean_member_since__isnull=True)),
    )
    return counts["members"], counts["undated"]


def overview(filters: Filters, *, projects: int, organisations: int, engagements: int) -> Overview:
    city_counts = member_cities(filters).aggregate(
        n=Count("id"), cohorts=Count("cohort", distinct=True)
    )
    states, undated = member_states(filters)
    return Overview(
        member_states=states,
        cities=city_counts["n"],
        cohorts=city_counts["cohorts"],
        projects=projects,
        organisations=organisations,
        engagements=engagements,
        states_undated=undated,
    )


@dataclass
class ProjectFigures:
    """What one ``GROUP BY`` member state, status and currency says about the projects."""

    total: int
    by_status: dict[str, int]
    # (member state id, currency) → [projects, budget, secured, sought]
    money: dict[tuple[int, str], list]
    samples: int
    last_updated: dt.datetime | None


def project_aggregates() -> dict:
    """The sums of a group of projects, as the tallies keep them."""
    return {
        "projects": Count("id"),
        "budget": Sum("budget_amount"),
        "secured": Sum("funding_secured"),
        "sought": Sum(GAP),
        "samples": Count("id", filter=Q(sample=True)),
        "updated": Max("updated_at"),
    }


def tally_aggregates() -> dict:
    """The sums of a group of tallies, in the order of ``project_aggregates`` (named apart
    from the tallies' own fields)."""
    return {
        "n": Sum("projects"),
        "budget_sum": Sum("budget"),
        "secured_sum": Sum("secured"),
        "sought_sum": Sum("sought"),
        "samples_sum": Sum("samples"),
        "updated": Max("updated_at"),
    }


Tally = TypeVar("Tally", StateTally, StateDealTally, CityCount, AreaPairTally)


def tallied(model: type[Tally], filters: Filters) -> QuerySet[Tally]:
    """The tally rows for the filters (no year): one focus area's rows, or the rows of
    every project (``focus_area`` null), of one member state or all."""
    # Typed loosely: the tables name their scope differently (member_state, city).
    qs: QuerySet[Any] = model.objects.order_by()
    if filters.focus_area:
        qs = qs.filter(focus_area=filters.focus_area)
    else:
        qs = qs.filter(focus_area__isnull=True)
    if filters.member_state:
        if model in (StateTally, StateDealTally):
            qs = qs.filter(member_state=filters.member_state)
        else:
            qs = qs.filter(city__member_state=filters.member_state)
    return qs


def project_figures(filters: Filters, *, direct: bool = False) -> ProjectFigures:
    """``direct``: from the projects even without a year (what the tallies must equal)."""
    grouped: Iterable[tuple[Any, ...]]
    if direct or filters.year:
        grouped = (
            public_projects(filters)
            .values_list("city__member_state_id", "status", "budget_currency")
            .annotate(**project_aggregates())
        )
    else:
        grouped = (
            tallied(StateTally, filters)
            .values_list("member_state_id", "status", "currency")
            .annotate(**tally_aggregates())
        )
    return _figures(grouped)


def _figures(grouped: Iterable[tuple[Any, ...]]) -> ProjectFigures:
    by_status: dict[str, int] = defaultdict(int)
    money_rows: dict[tuple[int, str], list] = {}
    total = samples = 0
    last = None
    for state_id, status, currency, n, budget, secured, sought, sample_n, updated in grouped:
        total += n
        samples += sample_n
        by_status[status] += n
        row = money_rows.setdefault((state_id, currency), [0, ZERO, ZERO, ZERO])
        row[0] += n
        row[1] += budget or ZERO
        row[2] += secured or ZERO
        row[3] += sought or ZERO
        if updated and (last is None or updated > last):
            last = updated
    return ProjectFigures(total, dict(by_status), money_rows, samples, last)


def status_titles() -> dict[str, str]:
    return {code: str(title) for code, title in codelists.labels(codelists.PROJECT_STATUS).items()}


def projects_by_status(figures: ProjectFigures) -> list[tuple[str, str, int]]:
    """``(code, title, count)`` for every OC4IDS status, in the codelist's order."""
    return [
        (code, title, figures.by_status.get(code, 0)) for code, title in status_titles().items()
    ]


def deals_by_stage(filters: Filters, *, direct: bool = False) -> list[tuple[str, str, int]]:
    if direct or filters.year:
        deals = public_engagements(filters).annotate(counted=counted_stage())
        counts = dict(deals.values_list("counted").annotate(n=Count("id")))
    else:
        counts = dict(
            tallied(StateDealTally, filters).values_list("stage").annotate(n=Sum("deals"))
        )
    return [(code, str(label), counts.get(code, 0)) for code, label in EngagementStage.choices]


@dataclass
class FundingRow:
    code: str
    name: str
    projects: int = 0
    budget: Decimal = ZERO
    secured: Decimal = ZERO
    sought: Decimal = ZERO


@dataclass
class Funding:
    rows: list[FundingRow]
    rates_date: dt.date | None
    unconverted: dict[str, int] = field(default_factory=dict)  # currency → projects

    @property
    def total(self) -> FundingRow:
        total = FundingRow("", "")
        for row in self.rows:
            total.projects += row.projects
            total.budget += row.budget
            total.secured += row.secured
            total.sought += row.sought
        return total


def _usd(amount: Decimal | None, currency: str, rates: dict) -> Decimal | None:
    usd = money.to_usd(amount or ZERO, currency, rates=rates)
    return usd.amount if usd else None


def funding_by_state(figures: ProjectFigures, filters: Filters) -> Funding:
    """Funding sought (the gap: budget − secured, never negative) and secured, in USD.

    Summed per member state and currency by the database (``project_figures``); each
    currency is converted at the latest rate on record (``money.latest_rates``).
    ``rates_date`` is the newest of the rates used.
    """
    rates = money.latest_rates()
    states = MemberState.objects.order_by("name")
    if filters.member_state:
        states = states.filter(pk=filters.member_state.pk)
    rows = {state.pk: FundingRow(state.code, state.label) for state in states}
    unconverted: dict[str, int] = defaultdict(int)
    used_dates = set()
    for (state_id, currency), (n, budget, secured, sought) in figures.money.items():
        row = rows.get(state_id)
        if row is None:  # outside the member-state filter: cannot happen, never counted
            continue
        row.projects += n
        if not currency:  # real projects whose sources publish no budget: counted only
            continue
        budget_usd = _usd(budget, currency, rates)
        if budget_usd is None:
            unconverted[currency] += n
            continue
        if currency != "USD":
            used_dates.add(rates[currency].date)
        secured_usd = _usd(secured, currency, rates) or ZERO
        row.budget += budget_usd
        row.secured += secured_usd
        # the gap from the dollars above where it is the budget less what is secured (each
        # project's is), so that a row adds up to the cent; converted apart, three roundings
        # missed one (Malaysia: 6,358,254.77 budget, 4,165,753.12 + 2,192,501.64)
        exact = (sought or ZERO) == (budget or ZERO) - (secured or ZERO)
        row.sought += budget_usd - secured_usd if exact else _usd(sought, currency, rates) or ZERO
    return Funding(
        rows=list(rows.values()),
        rates_date=max(used_dates) if used_dates else None,
        unconverted=dict(sorted(unconverted.items())),
    )


def projects_by_focus_area(filters: Filters, *, direct: bool = False) -> list[tuple[str, str, int]]:
    """A project with several focus areas counts once under each.

    With a focus area chosen, the chart shows the areas its projects share with it: the
    cities' pair counts (``AreaPairTally``) summed, or with a year the links counted."""
    if direct or filters.year:
        counts = dict(
            Project.focus_areas.through.objects.filter(
                project_id__in=public_projects(filters).values("pk")
            )
            .values_list("focusarea_id")  # no join: the ids are matched to the areas here
            .annotate(n=Count("project_id"))
            .order_by()
        )
    elif filters.focus_area:
        pairs = tallied(AreaPairTally, filters).values_list("other_area_id")
        counts = dict(pairs.annotate(n=Sum("projects")))
    else:
        rows = StateTally.objects.order_by().filter(focus_area__isnull=False)
        if filters.member_state:
            rows = rows.filter(member_state=filters.member_state)
        counts = dict(rows.values_list("focus_area_id").annotate(n=Sum("projects")))
    return [
        (area.code, area.label, counts.get(area.pk, 0))
        for area in FocusArea.objects.order_by("position", "code")
    ]


def organisations_by_kind(*, direct: bool = False) -> tuple[list[tuple[str, str, int]], int]:
    """Public organisations per kind, and how many of them are sample data (from their
    tally; ``direct``: counted from the organisations)."""
    rows: Iterable[tuple[str, int, int]]
    if direct:
        rows = (
            public_organisations()
            .values_list("kind")
            .annotate(n=Count("id"), samples=Count("id", filter=Q(sample=True)))
        )
    else:
        rows = OrganisationTally.objects.values_list("kind", "organisations", "samples")
    counts, samples = {}, 0
    for kind, n, sample_n in rows:
        counts[kind] = n
        samples += sample_n
    items = [(code, str(label), counts.get(code, 0)) for code, label in Organisation.Kind.choices]
    return items, samples


@dataclass
class ProgrammeRow:
    slug: str
    name: str
    sponsor: str
    currency: str
    total: Decimal
    awarded: Decimal
    total_usd: Decimal | None
    awarded_usd: Decimal | None
    sample: bool = False

    @property
    def balance(self) -> Decimal:
        return self.total - self.awarded

    @property
    def balance_usd(self) -> Decimal | None:
        if self.total_usd is None or self.awarded_usd is None:
            return None
        return self.total_usd - self.awarded_usd


def programmes() -> list[ProgrammeRow]:
    rates = money.latest_rates()
    rows = []
    fields = ("slug", "name", "sponsor__name", "currency", "total_amount", "awarded_amount")
    for slug, name, sponsor, currency, total, awarded, sample in (
        public_programmes().values_list(*fields, "sample").order_by("name")
    ):
        rows.append(
            ProgrammeRow(
                slug,
                name,
                sponsor or "",
                currency,
                total,
                awarded,
                _usd(total, currency, rates),
                _usd(awarded, currency, rates),
                sample,
            )
        )
    return rows


def disclosure_by_state(filters: Filters, *, direct: bool = False) -> list[disclosure.Completeness]:
    """The public projects' mean disclosure completeness per member state (``city`` blank),
    summed from the cities' counts (or, with a year, from the projects): a dozen rows, what
    the page shows when the cities are too many to list."""
    rows: QuerySet[Any, tuple[Any, ...]]
    if direct or filters.year:
        rows = (
            public_projects(filters)
            .values_list("city__member_state__name")
            .annotate(n=Count("*"), **disclosure.held_sums())
        )
    else:
        rows = (
            tallied(CityCount, filters)
            .values_list("city__member_state__name")
            .annotate(n=Sum("projects"), **disclosure.held_sums())
        )
    return disclosure.from_sums((state, "", *sums) for state, *sums in rows.order_by())


def disclosure_by_city(filters: Filters, *, direct: bool = False) -> list[disclosure.Completeness]:
    """The public projects' mean disclosure completeness per city: the sums kept in the
    cities' counts (one query over a few thousand rows), or with a year (``direct``: even
    without) one ``GROUP BY`` over the projects. (With a member state and a focus area,
    the ``GROUP BY`` took PostgreSQL 50–75 ms at 100,000 projects.)"""
    if direct or filters.year:
        return disclosure.completeness_by_city(public_projects(filters))
    return disclosure.from_sums(
        tallied(CityCount, filters).values_list(
            "city__member_state__name",
            "city__name",
            "projects",
            *disclosure.STORED_COUNTS.values(),
        )
    )


def cache_seconds() -> int:
    """How long computed figures are kept (0: computed every time).

    At 100,000 projects the aggregate queries take most of a second on SQLite; public
    statistics a minute old are fine. Tests compute every time unless they set it."""
    return settings.ASCN_DASHBOARD_CACHE_SECONDS


def city_project_counts(filters: Filters, *, direct: bool = False) -> dict[int, int]:
    """City id → number of public projects (for the filters)."""
    qs: QuerySet[Any, tuple[int, int]]
    if direct or filters.year:
        qs = public_projects(filters).values_list("city_id").annotate(n=Count("id"))
    else:
        qs = tallied(CityCount, filters).values_list("city_id", "projects")
    return dict(qs.order_by())


CITY_COUNTS_KEY = "dashboards:v1:city-counts"


def public_project_counts() -> dict[int, int]:
    """City id → number of public projects, for the home page's map (kept for
    ``cache_seconds``)."""
    seconds = cache_seconds()
    counts = cache.get(CITY_COUNTS_KEY) if seconds else None
    if counts is None:
        counts = city_project_counts(Filters())
        if seconds:
            cache.set(CITY_COUNTS_KEY, counts, seconds)
    return counts


def map_cities(cities: QuerySet[City], counts: dict[int, int]) -> list[dict]:
    """Cities as the map's plain dicts (``ascn.network.maps``), with their project counts.

    Read as plain values, not model instances, and each link made from one reversed URL:
    3,000 cities."""
    marker = "city-slug-placeholder"
    url = City(slug=marker).get_absolute_url()
    fields = ("pk", "name", "slug", "member_state__name", "cohort", "lat", "lon")
    # coordinates cast to floats in SQL: no Decimal made and converted for 6,000 values
    cities = cities.annotate(
        lat=Cast("latitude", FloatField()), lon=Cast("longitude", FloatField())
    )
    return [
        {
            "name": name,
            "slug": slug,
            "country_name": country,
            "cohort": cohort,
            "lat": float(lat),
            "lon": float(lon),
            "url": url.replace(marker, slug),
            "projects": counts.get(pk, 0),
        }
        for pk, name, slug, country, cohort, lat, lon in cities.values_list(*fields)
    ]


def cities_by_name(filters: Filters) -> QuerySet[City]:
    """The member cities in the order the map's rows (and its digest) take them."""
    return member_cities(filters).order_by("name", "pk")


def busiest_cities(filters: Filters, counts: dict[int, int], n: int) -> list[dict]:
    """The rows of ``map_cities`` (by name) that hold the ``n`` member cities with the most
    public projects whatever the order among equal counts: every city whose count reaches
    the n-th highest — a few more than n, where 3,000 cities are 3,000 rows. Every member
    city when that cannot be told from them: fewer than n cities counted (the others have
    no project), or fewer than n of them on the map (a city without coordinates is not)."""
    cities = cities_by_name(filters)
    ranked = sorted(counts.values(), reverse=True)
    if len(ranked) >= n:
        least = ranked[n - 1]
        ids = [pk for pk, count in counts.items() if count >= least]
        rows = map_cities(cities.filter(pk__in=ids), counts)
        if sum(map(maps.placeable, rows)) >= n:
            return rows
    return map_cities(cities, counts)
