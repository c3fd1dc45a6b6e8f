"""Reads of the catalogue and of the cities' values, each starting from what the user may see.

The comparisons never mix years silently: a city's "latest" value carries its year, and the
medians say how many cities and which years they were drawn from."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from ascn.core.permissions import scopes_of
from ascn.core.queries import filter_given
from ascn.core.visibility import Visibility
from ascn.indicators import latest
from ascn.indicators.latest import Median, shaped
from ascn.indicators.models import Indicator, IndicatorMedian, IndicatorValue, ProjectIndicator
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


def latest_q(user: Actor, **within: Any) -> Q:
    """The rows that are, for ``user``, each city's latest value of an indicator (the flags
    of ``indicators.latest``): the latest public value for an anonymous visitor, the latest
    shared one for a member, the latest of all for the Secretariat — and for the owners of
    a city's drafts (its CSCO, its state's National Representative) within their scope.
    ``within``: lookups that narrow the rows (``indicator=…``), put inside each part of the
    owners' OR (``latest.owner_q``)."""
    scopes = scopes_of(user)
    if scopes.secretariat:
        return Q(latest_any=True, **within)
    if not scopes.authenticated:
        return Q(latest_public=True, **within)
    if not (scopes.city_ids or scopes.member_state_ids):
        return Q(latest_shared=True, **within)
    return latest.owner_q(value_policy.owner_q(scopes), **within)


def latest_values(user: Actor, **within: Any) -> QuerySet[IndicatorValue]:
    """Each city's latest value of each indicator, as ``user`` sees them (one row per city
    and indicator), narrowed by the lookups ``within``."""
    return IndicatorValue.objects.filter(latest_q(user, **within))


def latest_rows(user: Actor, indicator_ids: set[int]) -> dict[int, list[tuple[int, Decimal, int]]]:
    """Each city's latest value of each indicator the user may see, as (city, value, year)
    rows by indicator: the flagged rows only, read from the partial index."""
    rows = latest_values(user, indicator_id__in=indicator_ids).order_by()
    found: dict[int, list[tuple[int, Decimal, int]]] = defaultdict(list)
    for indicator_id, city_id, value, year in rows.values_list(
        "indicator_id", "city_id", "value", "year"
    ):
        found[indicator_id].append((city_id, value, year))
    return found


@dataclass
class TrendPoint:
    year: int
    value: Decimal


@dataclass
class CityIndicator:
    indicator: Indicator
    latest: IndicatorValue
    trend: list[TrendPoint]  # oldest first
    network: Median
    size_class: Median


@dataclass
class CitySummary:
    city: City
    rows: list[CityIndicator] = field(default_factory=list)


def _audience(user: Actor) -> str:
    """Whose stored medians the user reads: ``public``, ``shared`` or ``any``."""
    scopes = scopes_of(user)
    if scopes.secretariat:
        return "any"
    return "shared" if scopes.authenticated else "public"


Key = tuple[Decimal, int, int]  # (value, year, city id): the order of the partial index


def _own_latest(
    user: Actor, indicator_ids: set[int]
) -> dict[int, tuple[list[tuple[int, Key]], list[tuple[int, Key]]]]:
    """For an owner (a CSCO, a National Representative), the indicators where a city of
    their own scope has a draft as its latest value — there their medians differ from every
    other member's — each with (the shared latest rows of their cities, to take out; the
    latest of all of their cities, to put in), as (city, key) pairs."""
    scopes = scopes_of(user)
    if scopes.secretariat or not (scopes.city_ids or scopes.member_state_ids):
        return {}
    own = IndicatorValue.objects.filter(
        value_policy.owner_q(scopes), indicator_id__in=indicator_ids, sample=False
    ).filter(Q(latest_shared=True) | Q(latest_any=True))
    rows = list(
        own.values_list(
            "indicator_id", "city_id", "value", "year", "visibility", "latest_shared", "latest_any"
        )
    )
    drafts = {
        row[0] for row in rows if row[6] and row[4] == Visibility.DRAFT
    }  # a draft is the latest
    found: dict[int, tuple[list[tuple[int, Key]], list[tuple[int, Key]]]] = {
        indicator_id: ([], []) for indicator_id in drafts
    }
    for indicator_id, city_id, value, year, _visibility, shared, any_ in rows:
        if indicator_id in found:
            if shared:
                found[indicator_id][0].append((city_id, (value, year, city_id)))
            if any_:
                found[indicator_id][1].append((city_id, (value, year, city_id)))
    return found


def _swapped_median(
    indicator_id: int,
    stored: IndicatorMedian | None,
    size_class: str,
    out: list[Key],
    into: list[Key],
) -> Median:
    """The median of the shared latest values (``stored``: their count and years) with the
    rows ``out`` taken out and ``into`` put in — an owner's own cities' latest values. Only
    a window of the sorted shared values around the median is needed (as many on each side
    as rows are swapped): from the values stored with the median when it is within them,
    else read from the partial index."""
    if not out and not into:  # none of the owner's cities is in this group
        return (
            shaped(stored.value, stored.cities, (y for y, _n in stored.years))
            if stored
            else Median(None, 0, ())
        )
    n = stored.cities if stored else 0
    total = n - len(out) + len(into)
    if total <= 0:
        return Median(None, 0, ())
    low, high = (total - 1) // 2, total // 2  # the middle rank(s), from 0
    start, stop = max(0, low - len(into)), min(n, high + len(out) + 1)
    window: list[Key] = []
    kept = stored.window if stored else []
    offset = stored.window_start if stored else 0
    if stop > start and offset <= start and stop <= offset + len(kept):
        window = [(Decimal(v), y, c) for v, y, c in kept[start - offset : stop - offset]]
    elif stop > start:
        rows = IndicatorValue.objects.filter(
            indicator_id=indicator_id, latest_shared=True, sample=False
        )
        if size_class:
            rows = rows.filter(city__in=City.objects.filter(size_class_q(size_class)))
        window = list(
            rows.order_by("value", "year", "city_id").values_list("value", "year", "city_id")[
                start:stop
            ]
        )
    first = window[0] if window else None
    taken = set(out)
    merged = sorted(
        [key for key in window if key not in taken]
        + [key for key in into if first is None or key >= first]
    )
    below = start - sum(1 for key in out if first is not None and key < first)
    below += sum(1 for key in into if first is not None and key < first)
    middle = (merged[low - below][0] + merged[high - below][0]) / 2
    years = dict(stored.years) if stored else {}
    for _value, year, _city in out:
        years[year] -= 1
    for _value, year, _city in into:
        years[year] = years.get(year, 0) + 1
    return shaped(middle, total, (year for year, count in years.items() if count > 0))


def medians(user: Actor, indicator_ids: set[int], size_class: str | None) -> dict:
    """(indicator id, "" or ``size_class``) → the median of every city's latest value the
    user may see, read from the stored medians (``indicators.latest``). Where an owner's
    own draft is their city's latest value, the shared median is corrected for their cities
    (``_swapped_median``): a few rows read, not every city's."""
    own = _own_latest(user, indicator_ids)
    found: dict[tuple[int, str], Median] = {}
    stored = {
        (row.indicator_id, row.size_class): row
        for row in IndicatorMedian.objects.filter(
            indicator_id__in=indicator_ids,
            audience=_audience(user),
            size_class__in=["", size_class or ""],
        )
    }
    for (indicator_id, group), row in stored.items():
        if indicator_id not in own:
            found[(indicator_id, group)] = shaped(
                row.value, row.cities, (year for year, _count in row.years)
            )
    if own:
        sizes = latest.size_classes_of(
            {city for pair in own.values() for side in pair for city, _k in side}
        )
        for indicator_id, (out, into) in own.items():
            for group in ["", size_class] if size_class else [""]:
                found[(indicator_id, group)] = _swapped_median(
                    indicator_id,
                    stored.get((indicator_id, group)),
                    group,
                    [key for city, key in out if not group or sizes.get(city) == group],
                    [key for city, key in into if not group or sizes.get(city) == group],
                )
    return found


def city_summary(user: Actor, city: City) -> CitySummary:
    """The city's indicators: each one's latest value (with its year), its trend, and the
    medians of every city's latest value — across the network and within the city's size
    class — over what the user may see. The years are read as plain rows (400 at 50
    indicators × 8 years); only each indicator's latest value is loaded whole."""
    years: dict[int, list[tuple[bool, int, int, Decimal]]] = defaultdict(list)
    rows = values_for(user).filter(city=city).order_by("year")
    for indicator_id, sample, year, pk, value in rows.values_list(
        "indicator_id", "sample", "year", "pk", "value"
    ):
        years[indicator_id].append((sample, year, pk, value))
    points: dict[int, list[TrendPoint]] = {}
    latest_pk: dict[int, int] = {}
    for indicator_id, found_years in years.items():
        # a real value of any year before a sample one; the trend of that kind alone
        kind, _year, newest, _value = max(found_years, key=lambda r: (not r[0], r[1]))
        latest_pk[indicator_id] = newest
        points[indicator_id] = [TrendPoint(y, v) for s, y, _pk, v in found_years if s == kind]
    summary = CitySummary(city)
    if not points:
        return summary
    size_class = city.size_class
    found = medians(user, set(points), size_class)
    nothing = Median(None, 0, ())
    # Every row is the city's own: it is set on each, not joined (a join through the
    # cities hashed all 3,000 of them: 8 → 4 ms on PostgreSQL).
    latest_rows = IndicatorValue.objects.filter(pk__in=latest_pk.values()).select_related(
        "indicator__focus_area", "indicator__outcome"
    )
    for row in sorted(latest_rows, key=lambda r: (r.indicator.position, r.indicator.code)):
        row.city = city
        summary.rows.append(
            CityIndicator(
                indicator=row.indicator,
                latest=row,
                trend=points[row.indicator_id],
                network=found.get((row.indicator_id, ""), nothing),
                size_class=found.get((row.indicator_id, size_class), nothing)
                if size_class
                else nothing,
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

    @cached_property
    def _reporting(self) -> Counter[int]:
        return Counter(i for _c, i in self.latest)

    def reporting(self, indicator: Indicator) -> int:
        """How many of the cities have a value of ``indicator`` (real or sample)."""
        return self._reporting[indicator.pk]

    def ranking(self, indicator: Indicator) -> list[IndicatorValue]:
        """The cities' latest *real* values of ``indicator``, best first (``ranked``)."""
        return ranked(indicator, [v for (_c, i), v in self.latest.items() if i == indicator.pk])

    def samples(self, indicator: Indicator) -> list[IndicatorValue]:
        """The cities whose value of ``indicator`` is a sample (demo): shown apart, unranked."""
        return sample_values([v for (_c, i), v in self.latest.items() if i == indicator.pk])


def ranked(indicator: Indicator, rows: list[IndicatorValue]) -> list[IndicatorValue]:
    """The real values among ``rows`` (sample values never rank among real ones), best
    first by the indicator's direction (by city name for a neutral one); each keeps its
    year."""
    real = [v for v in rows if not v.sample]
    if indicator.direction == "neutral":
        return sorted(real, key=lambda v: (v.city.name, v.pk))
    # equal values by city name, as ``ranking_order`` has the database order them
    sign = -1 if indicator.direction == "higher" else 1
    return sorted(real, key=lambda v: (sign * v.value, v.city.name, v.pk))


def sample_values(rows: list[IndicatorValue]) -> list[IndicatorValue]:
    """The sample values among ``rows``, by city name: never ranked."""
    return sorted((v for v in rows if v.sample), key=lambda v: v.city.name)


@dataclass
class Ranking:
    indicator: Indicator
    real: QuerySet[IndicatorValue]  # best first, ordered by the database (paged by the view)
    samples: list[IndicatorValue]  # demo only, by city name, not ranked


def ranking_order(indicator: Indicator) -> list[str]:
    """``ranked``'s order (the comparison's, in Python) as the database's: best value first, by the indicator's direction
    (by city name for a neutral one); equal values by city name."""
    if indicator.direction == "neutral":
        return ["city__name", "pk"]
    return ["-value" if indicator.direction == "higher" else "value", "city__name", "pk"]


def indicator_ranking(user: Actor, indicator: Indicator) -> Ranking:
    """Every city's latest value of ``indicator`` the user may see: the real ones ranked by
    the database (a page of them is read, not all 3,000), the sample ones (demo) apart."""
    rows = latest_values(user, indicator=indicator).select_related("city")
    return Ranking(
        indicator,
        rows.filter(sample=False).order_by(*ranking_order(indicator)),
        list(rows.filter(sample=True).order_by("city__name")),
    )


def parse_city_slugs(text: str) -> list[str]:
    """``a,b,c`` → the distinct slugs in order (blank ones dropped)."""
    seen: list[str] = []
    for slug in (part.strip().lower() for part in (text or "").split(",")):
        if slug and slug not in seen:
            seen.append(slug)
    return seen


def compare(user: Actor, slugs: list[str]) -> Comparison:
    """Up to ``MAX_COMPARED`` cities side by side: each indicator any of them reports, with
    each city's latest value and its year (the flagged rows only: at 50 indicators × 8
    years, an eighth of the rows)."""
    slugs = slugs[:MAX_COMPARED]
    found = {c.slug: c for c in City.objects.filter(slug__in=slugs).select_related("member_state")}
    cities = [found[s] for s in slugs if s in found]
    by_id = {c.pk: c for c in cities}
    cells: dict[tuple[int, int], IndicatorValue] = {}
    # unordered, and the catalogue's few indicators read once: ordering 300 rows by their
    # indicator (the model's default) and joining it to each row took most of the page's time
    for row in latest_values(user).filter(city__in=cities).order_by():
        row.city = by_id[row.city_id]
        cells[(row.city_id, row.indicator_id)] = row
    indicators = Indicator.objects.in_bulk({row.indicator_id for row in cells.values()})
    for row in cells.values():
        row.indicator = indicators[row.indicator_id]
    ordered = sorted(indicators.values(), key=lambda i: (i.position, i.code))
    return Comparison(cities, ordered, cells, [s for s in slugs if s not in found])


@dataclass
class ProjectTarget:
    link: ProjectIndicator
    latest: IndicatorValue | None  # the project's city's latest value the user may see


def project_targets(user: Actor, project_id: int, city_id: int) -> list[ProjectTarget]:
    """The indicators a project aims to move, each with its city's latest value (and year)."""
    links = list(ProjectIndicator.objects.filter(project_id=project_id).select_related("indicator"))
    if not links:
        return []
    rows = latest_values(user).filter(
        city_id=city_id, indicator__in=[link.indicator for link in links]
    )
    found = {row.indicator_id: row for row in rows}
    return [ProjectTarget(link, found.get(link.indicator_id)) for link in links]
