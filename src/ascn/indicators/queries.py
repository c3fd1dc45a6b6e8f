"""Reads of the catalogue and of the cities' values, each starting from what the user may see.

The comparisons never mix years silently: a city's "latest" value carries its year, and the
medians say how many cities and which years they were drawn from."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from ascn.core.permissions import scopes_of
from ascn.core.queries import filter_given
from ascn.core.visibility import Visibility
from ascn.indicators import latest as flags
from ascn.indicators.latest import Median, median_of
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


def latest_q(user: Actor) -> Q:
    """The rows that are, for ``user``, each city's latest value of an indicator (the flags
    of ``indicators.latest``): the latest public value for an anonymous visitor, the latest
    shared one for a member, the latest of all for the Secretariat — and for the owners of
    a city's drafts (its CSCO, its state's National Representative) within their scope."""
    scopes = scopes_of(user)
    if scopes.secretariat:
        return Q(latest_any=True)
    if not scopes.authenticated:
        return Q(latest_public=True)
    if not (scopes.city_ids or scopes.member_state_ids):
        return Q(latest_shared=True)
    return flags.owner_q(value_policy.owner_q(scopes))


def latest_values(user: Actor) -> QuerySet[IndicatorValue]:
    """Each city's latest value of each indicator, as ``user`` sees them (one row per city
    and indicator)."""
    return IndicatorValue.objects.filter(latest_q(user))


def latest_rows(user: Actor, indicator_ids: set[int]) -> dict[int, list[tuple[int, Decimal, int]]]:
    """Each city's latest value of each indicator the user may see, as (city, value, year)
    rows by indicator: the flagged rows only, read from the partial index."""
    rows = latest_values(user).filter(indicator_id__in=indicator_ids)
    found: dict[int, list[tuple[int, Decimal, int]]] = defaultdict(list)
    for indicator_id, city_id, value, year in rows.values_list(
        "indicator_id", "city_id", "value", "year"
    ):
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


def _audience(user: Actor) -> str:
    """Whose stored medians the user reads: ``public``, ``shared`` or ``any``."""
    scopes = scopes_of(user)
    if scopes.secretariat:
        return "any"
    return "shared" if scopes.authenticated else "public"


def _own_drafts_latest(user: Actor, indicator_ids: set[int]) -> set[int]:
    """The indicators where a city in the user's own scope has a draft as its latest value:
    there the user's medians differ from every other member's (they are computed live)."""
    scopes = scopes_of(user)
    if scopes.secretariat or not (scopes.city_ids or scopes.member_state_ids):
        return set()
    rows = IndicatorValue.objects.filter(
        value_policy.owner_q(scopes),
        indicator_id__in=indicator_ids,
        latest_any=True,
        visibility=Visibility.DRAFT,
    )
    return set(rows.values_list("indicator_id", flat=True).distinct())


def medians(user: Actor, indicator_ids: set[int], size_class: str | None) -> dict:
    """(indicator id, "" or ``size_class``) → the median of every city's latest value the
    user may see: read from the stored medians (``indicators.latest``), except where the
    user's own drafts count — those indicators are computed from the latest rows."""
    live = _own_drafts_latest(user, indicator_ids)
    found: dict[tuple[int, str], Median] = {}
    stored = IndicatorMedian.objects.filter(
        indicator_id__in=indicator_ids - live,
        audience=_audience(user),
        size_class__in=["", size_class or ""],
    )
    for row in stored:
        found[(row.indicator_id, row.size_class)] = Median(
            row.value.normalize() if row.value else row.value, row.cities, tuple(row.years)
        )
    if live:
        same_size: set[int] = set()
        if size_class:
            same_size = set(
                City.objects.filter(size_class_q(size_class)).values_list("pk", flat=True)
            )
        for indicator_id, everyone in latest_rows(user, live).items():
            found[(indicator_id, "")] = median_of(everyone)
            if size_class:
                found[(indicator_id, size_class)] = median_of(
                    [row for row in everyone if row[0] in same_size]
                )
    return found


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
    size_class = city.size_class
    found = medians(user, set(by_indicator), size_class)
    nothing = Median(None, 0, ())
    for trend in sorted(
        by_indicator.values(), key=lambda t: (t[0].indicator.position, t[0].indicator.code)
    ):
        indicator_id = trend[0].indicator_id
        summary.rows.append(
            CityIndicator(
                indicator=trend[0].indicator,
                latest=trend[-1],
                trend=trend,
                network=found.get((indicator_id, ""), nothing),
                size_class=found.get((indicator_id, size_class), nothing)
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
    each city's latest value and its year (the flagged rows only: at 50 indicators × 8
    years, an eighth of the rows)."""
    slugs = slugs[:MAX_COMPARED]
    found = {c.slug: c for c in City.objects.filter(slug__in=slugs).select_related("member_state")}
    cities = [found[s] for s in slugs if s in found]
    by_id = {c.pk: c for c in cities}
    latest: dict[tuple[int, int], IndicatorValue] = {}
    for row in latest_values(user).filter(city__in=cities).select_related("indicator"):
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
    rows = latest_values(user).filter(
        city_id=city_id, indicator__in=[link.indicator for link in links]
    )
    found = {row.indicator_id: row for row in rows}
    return [ProjectTarget(link, found.get(link.indicator_id)) for link in links]
