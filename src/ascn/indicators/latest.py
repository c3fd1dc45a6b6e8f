"""Each city's latest value of each indicator, per audience, kept on the value rows.

Who sees a value depends on its visibility (``draft``/``network``/``public``), so "the latest
value" of a city depends on who asks: an anonymous visitor sees the latest *public* one, a
signed-in member the latest *public or network* one, the Secretariat — and the owners of the
city's drafts (its CSCO, its state's National Representative) for that city — the latest of
all. Three flags on ``IndicatorValue`` mark those rows (``latest_public``, ``latest_shared``,
``latest_any``); the services set them in the transaction of every write that can move them
(``refresh``), and ``rebuild`` recomputes them all (a migration, ``manage.py
indicators_rebuild_latest``, the benchmark's bulk-inserted rows).

The reads (``queries``) then take one row per city and indicator from a partial index
instead of finding each city's latest year among all its years (1.2 million values at 3,000
cities × 50 indicators × 8 years).

Real and sample values never mix. A sample value (demo mode only) is a city's latest only
where the audience sees no real value of that city's indicator: a real value of any year
comes first. The stored medians are taken over the real flagged rows alone
(``sample=False``), so a sample value never moves a median, and no median is taken over
sample values (docs/indicators.md, "Real and sample values").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from statistics import median
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery

from ascn.core.visibility import Visibility
from ascn.network.models import City, size_class_for

if TYPE_CHECKING:
    from ascn.indicators.models import IndicatorMedian, IndicatorValue

# audience → the visibilities it sees (beyond its own drafts)
AUDIENCES: dict[str, tuple[str, ...]] = {
    "public": (Visibility.PUBLIC,),
    "shared": (Visibility.PUBLIC, Visibility.NETWORK),
    "any": (Visibility.PUBLIC, Visibility.NETWORK, Visibility.DRAFT),
}
FLAGS = [f"latest_{audience}" for audience in AUDIENCES]
# The sorted values kept on each side of a stored median: an owner's median (their own
# drafts swapped in) is corrected from them without a query when they own at most this many
# cities with a value of the indicator (a CSCO: one).
WINDOW = 8


@dataclass
class Median:
    value: Decimal | None
    cities: int
    years: tuple[int, ...]  # the years those cities' latest values are from


def shaped(middle: Decimal | None, cities: int, years: Iterable[int]) -> Median:
    """A median as shown: to the cent, without trailing zeros."""
    if middle is None or not cities:
        return Median(None, 0, ())
    middle = Decimal(middle).quantize(Decimal("0.01"))
    return Median(middle.normalize() if middle else Decimal(0), cities, tuple(sorted(set(years))))


def median_of(rows: list[tuple[int, Decimal, int]]) -> Median:
    """The median of (city, value, year) rows, each a city's latest value."""
    if not rows:
        return Median(None, 0, ())
    return shaped(
        median(value for _city, value, _year in rows),
        len(rows),
        (year for _city, _value, year in rows),
    )


def size_classes() -> dict[int, str]:
    """Each city's size class (cities without a population have none)."""
    return size_classes_of(None)


def size_classes_of(city_ids: set[int] | None) -> dict[int, str]:
    """These cities' size classes (None: every city's)."""
    cities = City.objects.all() if city_ids is None else City.objects.filter(pk__in=city_ids)
    return {
        pk: size
        for pk, population in cities.values_list("pk", "population")
        if (size := size_class_for(population))
    }


def refresh_medians(
    value_model: type[IndicatorValue],
    median_model: type[IndicatorMedian],
    indicator_ids: Iterable[int],
    sizes: dict[int, str] | None = None,
) -> None:
    """Recompute the stored medians of these indicators, for every audience, across the
    network and per size class, from the flagged real rows (one per city; sample values
    are left out)."""
    sizes = size_classes() if sizes is None else sizes
    for indicator_id in indicator_ids:
        made = []
        for audience in AUDIENCES:
            rows = list(
                value_model.objects.filter(
                    indicator_id=indicator_id, sample=False, **{f"latest_{audience}": True}
                ).values_list("city_id", "value", "year")
            )
            groups: dict[str, list[tuple[int, Decimal, int]]] = defaultdict(list)
            for row in rows:
                groups[""].append(row)
                if size := sizes.get(row[0]):
                    groups[size].append(row)
            for size_class, members in groups.items():
                found = median_of(members)
                ordered = sorted((value, year, city) for city, value, year in members)
                start = max(0, (len(ordered) - 1) // 2 - WINDOW)
                made.append(
                    median_model(
                        indicator_id=indicator_id,
                        audience=audience,
                        size_class=size_class,
                        value=found.value,
                        cities=found.cities,
                        # [year, how many cities' latest value is of that year]
                        years=sorted(Counter(year for _c, _v, year in members).items()),
                        window_start=start,
                        window=[
                            [str(value), year, city]
                            for value, year, city in ordered[start : len(ordered) // 2 + WINDOW + 1]
                        ],
                    )
                )
        median_model.objects.filter(indicator_id=indicator_id).delete()
        median_model.objects.bulk_create(made)


def refresh(
    model: type[IndicatorValue], city_id: int, indicator_id: int, record: Any = None
) -> None:
    """Set the three flags of one city's values of one indicator (a handful of rows, read
    through the (city, indicator, year) index). ``record``, when given, is the value just
    written: its flags in memory are brought up to date too."""
    rows = list(
        model.objects.filter(city_id=city_id, indicator_id=indicator_id).values_list(
            "pk", "year", "visibility", "sample", *FLAGS
        )
    )
    wanted: dict[str, int | None] = {}
    for audience, seen in AUDIENCES.items():
        # a real value of any year before a sample value
        best = max(
            (
                (not sample, year, pk)
                for pk, year, visibility, sample, *_f in rows
                if visibility in seen
            ),
            default=None,
        )
        wanted[audience] = best[2] if best else None
    for pk, _year, _visibility, _sample, *flags in rows:
        changes = {
            f"latest_{audience}": wanted[audience] == pk
            for audience, flag in zip(AUDIENCES, flags, strict=True)
            if flag != (wanted[audience] == pk)
        }
        if changes:
            model.objects.filter(pk=pk).update(**changes)
    if record is not None:
        for audience in AUDIENCES:
            setattr(record, f"latest_{audience}", wanted[audience] == record.pk)


def _same_pair(model: type[IndicatorValue], seen: tuple[str, ...], *, sample: bool) -> QuerySet:
    """The values of the outer row's city and indicator an audience sees, real or sample."""
    return model.objects.filter(
        city_id=OuterRef("city_id"),
        indicator_id=OuterRef("indicator_id"),
        visibility__in=seen,
        sample=sample,
    )


def _latest_year(model: type[IndicatorValue], seen: tuple[str, ...], *, sample: bool) -> Subquery:
    return Subquery(
        _same_pair(model, seen, sample=sample)
        .values("city_id")
        .annotate(top=Max("year"))
        .values("top")
    )


def rebuild(model: type[IndicatorValue], median_model: type[IndicatorMedian] | None = None) -> int:
    """Recompute every flag (two UPDATEs per audience: the real values, then the sample
    ones where no real value is seen) and, given ``median_model``, every
    stored median; the number of values."""
    for audience, seen in AUDIENCES.items():
        flag = f"latest_{audience}"
        model.objects.filter(**{flag: True}).update(**{flag: False})
        model.objects.filter(
            visibility__in=seen, sample=False, year=_latest_year(model, seen, sample=False)
        ).update(**{flag: True})
        # a sample value only where the audience sees no real value of the city's indicator
        model.objects.filter(
            visibility__in=seen, sample=True, year=_latest_year(model, seen, sample=True)
        ).exclude(Exists(_same_pair(model, seen, sample=False))).update(**{flag: True})
    if median_model is not None:
        median_model.objects.all().delete()
        indicators = model.objects.values_list("indicator_id", flat=True).distinct()
        refresh_medians(model, median_model, list(indicators))
    return model.objects.count()


def owner_q(scope_q: Q, **within: Any) -> Q:
    """The rows that are a city's latest value for a signed-in member whose own scope
    (``scope_q``: their cities and member states) sees every value: the latest of all in
    their scope, the latest shared one elsewhere. ``within`` (``indicator=…``) narrows each
    of the two parts, so that each reads its own partial index: narrowed outside the OR,
    SQLite read all the indicator's values of every year (a CSCO's ranking page: 31 → 15 ms
    of SQL)."""
    return (Q(latest_any=True, **within) & scope_q) | (Q(latest_shared=True, **within) & ~scope_q)
