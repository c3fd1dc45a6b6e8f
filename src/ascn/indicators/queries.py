"""Reads of the catalogue and of the cities' values, each starting from what the user may see.

The comparisons never mix years silently: a city's "latest" value carries its year, and the
medians say how many cities and which years they were drawn from."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median
from typing import TYPE_CHECKING

from django.db.models import OuterRef, QuerySet, Subquery

from ascn.core.queries import filter_given
from ascn.indicators.models import Indicator, IndicatorValue, ProjectIndicator
from ascn.indicators.permissions import value_policy
from ascn.network.models import City, size_class_q

if TYPE_CHECKING:
    from ascn.core.types import Actor

MAX_COMPARED = 6


def catalogue(
    *, framework: str | None = None, focus_area: str | None = None
) -> QuerySet[Indicator]:
    qs = filter_given(Indicator.objects.all(), framework=framework, focus_area__code=focus_area)
    return qs.select_related("focus_area", "outcome")


def values_for(
    user: Actor, *, city: str | None = None, indicator: str | None = None
) -> QuerySet[IndicatorValue]:
    qs = value_policy.visible(user, IndicatorValue.objects.all())
    qs = filter_given(qs, city__slug=city, indicator__code=indicator)
    return qs.select_related("indicator", "city__member_state", "verified_by")


def _latest(rows: list[IndicatorValue]) -> dict[tuple[int, int], IndicatorValue]:
    """Each (city, indicator)'s most recent value among ``rows``."""
    latest: dict[tuple[int, int], IndicatorValue] = {}
    for row in rows:
        key = (row.city_id, row.indicator_id)
        if key not in latest or row.year > latest[key].year:
            latest[key] = row
    return latest


@dataclass
class Median:
    value: Decimal | None
    cities: int
    years: tuple[int, ...]  # the years those cities' latest values are from


def _median(rows: list[tuple[int, Decimal, int]]) -> Median:
    """The median of (city, value, year) rows, each a city's latest value."""
    if not rows:
        return Median(None, 0, ())
    middle = Decimal(median(value for _city, value, _year in rows)).quantize(Decimal("0.01"))
    return Median(
        middle.normalize() if middle else Decimal(0),
        len(rows),
        tuple(sorted({year for _city, _value, year in rows})),
    )


def latest_rows(user: Actor, indicator_ids: set[int]) -> dict[int, list[tuple[int, Decimal, int]]]:
    """Each city's latest value of each indicator the user may see, as (city, value, year)
    rows by indicator: the latest year is found per city by the (city, indicator, year)
    index, and only those rows are read (one per city, not one per year)."""
    visible = value_policy.visible(user, IndicatorValue.objects.all())
    latest_year = (
        visible.filter(city_id=OuterRef("city_id"), indicator_id=OuterRef("indicator_id"))
        .order_by("-year")
        .values("year")[:1]
    )
    rows = visible.filter(indicator_id__in=indicator_ids, year=Subquery(latest_year)).values_list(
        "indicator_id", "city_id", "value", "year"
    )
    found: dict[int, list[tuple[int, Decimal, int]]] = defaultdict(list)
    for indicator_id, city_id, value, year in rows:
        found[indicator_id].append((city_id, value, year))
    return found


@dataclass
class CityIndicator:
    indicator: Indicator
    latest: IndicatorValue
    trend: list[IndicatorValue]  # oldest first
    network: Median
    size_class: Median


@dataclass
class CitySummary:
    city: City
    rows: list[CityIndicator] = field(default_factory=list)


def city_summary(user: Actor, city: City) -> CitySummary:
    """The city's indicators: each one's latest value (with its year), its trend, and the
    medians of every city's latest value — across the network and within the city's size
    class — over what the user may see."""
    own = list(values_for(user).filter(city=city).order_by("year"))
    summary = CitySummary(city)
    if not own:
        return summary
    by_indicator: dict[int, list[IndicatorValue]] = defaultdict(list)
    for row in own:
        by_indicator[row.indicator_id].append(row)
    latest = latest_rows(user, set(by_indicator))
    same_size: set[int] = set()
    if city.size_class:
        same_size = set(
            City.objects.filter(size_class_q(city.size_class)).values_list("pk", flat=True)
        )
    for trend in sorted(
        by_indicator.values(), key=lambda t: (t[0].indicator.position, t[0].indicator.code)
    ):
        everyone = latest.get(trend[0].indicator_id, [])
        summary.rows.append(
            CityIndicator(
                indicator=trend[0].indicator,
                latest=trend[-1],
                trend=trend,
                network=_median(everyone),
                size_class=_median([row for row in everyone if row[0] in same_size]),
            )
        )
    return summary


@dataclass
class Comparison:
    cities: list[City]
    indicators: list[Indicator]
    # (city id, indicator id) → that city's latest value of the indicator
    latest: dict[tuple[int, int], IndicatorValue]
    unknown: list[str]  # slugs asked for that name no city

    def cell(self, indicator: Indicator, city: City) -> IndicatorValue | None:
        return self.latest.get((city.pk, indicator.pk))

    def ranking(self, indicator: Indicator) -> list[IndicatorValue]:
        """The cities' latest values of ``indicator``, best first by its direction (as
        given for a neutral one); each keeps its year."""
        rows = [v for (c, i), v in self.latest.items() if i == indicator.pk]
        reverse = indicator.direction == "higher"
        if indicator.direction == "neutral":
            return sorted(rows, key=lambda v: v.city.name)
        return sorted(rows, key=lambda v: v.value, reverse=reverse)


def parse_city_slugs(text: str) -> list[str]:
    """``a,b,c`` → the distinct slugs in order (blank ones dropped)."""
    seen: list[str] = []
    for slug in (part.strip().lower() for part in (text or "").split(",")):
        if slug and slug not in seen:
            seen.append(slug)
    return seen


def compare(user: Actor, slugs: list[str]) -> Comparison:
    """Up to ``MAX_COMPARED`` cities side by side: each indicator any of them reports, with
    each city's latest value and its year. The years are read first as plain rows, then only
    the latest value of each city and indicator is loaded whole (at 50 indicators × 8 years,
    a sixth of the rows)."""
    slugs = slugs[:MAX_COMPARED]
    found = {c.slug: c for c in City.objects.filter(slug__in=slugs).select_related("member_state")}
    cities = [found[s] for s in slugs if s in found]
    by_id = {c.pk: c for c in cities}
    best: dict[tuple[int, int], tuple[int, int]] = {}  # (city, indicator) → (year, value id)
    keys = value_policy.visible(user, IndicatorValue.objects.filter(city__in=cities))
    for pk, city_id, indicator_id, year in keys.values_list(
        "id", "city_id", "indicator_id", "year"
    ):
        if (city_id, indicator_id) not in best or year > best[(city_id, indicator_id)][0]:
            best[(city_id, indicator_id)] = (year, pk)
    rows = IndicatorValue.objects.filter(pk__in=[pk for _year, pk in best.values()])
    latest: dict[tuple[int, int], IndicatorValue] = {}
    for row in rows.select_related("indicator"):
        row.city = by_id[row.city_id]
        latest[(row.city_id, row.indicator_id)] = row
    indicators = {row.indicator_id: row.indicator for row in latest.values()}
    ordered = sorted(indicators.values(), key=lambda i: (i.position, i.code))
    return Comparison(cities, ordered, latest, [s for s in slugs if s not in found])


@dataclass
class ProjectTarget:
    link: ProjectIndicator
    latest: IndicatorValue | None  # the project's city's latest value the user may see


def project_targets(user: Actor, project_id: int, city_id: int) -> list[ProjectTarget]:
    """The indicators a project aims to move, each with its city's latest value (and year)."""
    links = list(ProjectIndicator.objects.filter(project_id=project_id).select_related("indicator"))
    if not links:
        return []
    rows = list(
        values_for(user).filter(city_id=city_id, indicator__in=[link.indicator for link in links])
    )
    latest = _latest(rows)
    return [ProjectTarget(link, latest.get((city_id, link.indicator_id))) for link in links]
