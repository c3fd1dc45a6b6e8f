"""What the city indicators put in the search: what a person looks for, not every figure.

* the catalogue: one entry per indicator (its code, name, definition, unit, framework and
  related codes), public, leading to the indicator's page and its ranking across cities;
* each city's indicator: one entry per city and indicator a city reports — never one per
  year — leading to the city's indicator page, with the latest value of its most open
  audience (``entry_row``). At 3,000 cities × 50 indicators × 8 years that is 150,000
  entries, not 1.2 million (docs/benchmarks.md).

A city's indicator is seen by whoever may see one of its values: its entry carries the
latest *public* value when there is one (seen by everyone), else the latest *network* one
(members), else the latest draft (its city, their National Representative, the
Secretariat) — so the entry says no more than its readers may read. The entry is written
from that one value row (its flags, ``indicators.latest``); a write to any year of the
city's indicator re-reads the entries of all its years (``parts``), so the entry moves to
the row that now holds it and the others have none."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ascn.core.search import Source, codes_text, figure, joined, register
from ascn.core.visibility import Visibility
from ascn.indicators.models import Indicator, IndicatorValue


def _indicators() -> QuerySet:
    return Indicator.objects.select_related("focus_area", "outcome")


def _indicator(indicator: Indicator) -> dict[str, Any]:
    return {
        "ref": indicator.slug,
        "title": f"{indicator.code} {indicator.name}",
        "body": joined(
            indicator.definition_label,
            indicator.unit_label,
            indicator.get_framework_display(),
            indicator.references,
            indicator.outcome.label,
            indicator.focus_area.label,
        ),
        "url": reverse("indicator-detail", args=[indicator.slug]),
        "visibility": Visibility.PUBLIC,
        "focus_areas": codes_text([indicator.focus_area.code]),
    }


def _sibling(flag: str) -> Exists:
    return Exists(
        IndicatorValue.objects.filter(
            city_id=OuterRef("city_id"), indicator_id=OuterRef("indicator_id"), **{flag: True}
        )
    )


def entry_row() -> Q:
    """The one value row of a city's indicator that holds its search entry: the latest
    public value; else (no public value) the latest shared one; else the latest of all."""
    return (
        Q(latest_public=True)
        | (Q(latest_shared=True) & ~_sibling("latest_public"))
        | (Q(latest_any=True) & ~_sibling("latest_shared"))
    )


def _values() -> QuerySet:
    return IndicatorValue.objects.filter(entry_row()).select_related(
        "indicator__focus_area", "city__member_state"
    )


def _value_title(value: IndicatorValue, name: str | None = None) -> str:
    """ "Phuket: 11.6.2 Annual mean levels of fine particulate matter (2024)": the indicator's
    catalogue ``name`` in the index, its ``label`` (the page's language) in a result."""
    indicator = value.indicator
    return f"{value.city.name}: {indicator.code} {name or indicator.label} ({value.year})"


def _value(value: IndicatorValue) -> dict[str, Any]:
    indicator, city = value.indicator, value.city
    return {
        "ref": str(value.pk),
        "title": _value_title(value, indicator.name),
        "body": joined(
            f"{figure(value.value)} {indicator.unit_label}",
            indicator.definition_label,
            value.source,
            city.member_state.label,
        ),
        "url": reverse("city-indicators", args=[city.slug]),
        "visibility": value.visibility,
        "owner_city_id": value.city_id,
        "owner_member_state_id": city.member_state_id,
        "member_state": city.member_state.code,
        "city_id": value.city_id,
        "focus_areas": codes_text([indicator.focus_area.code]),
    }


def _years_of(value: IndicatorValue) -> list[IndicatorValue]:
    """Every year of the value's city and indicator: one of them holds the entry."""
    return list(
        IndicatorValue.objects.filter(city_id=value.city_id, indicator_id=value.indicator_id)
    )


register(
    Source(
        "indicator",
        _("Indicators"),
        "indicators.Indicator",
        _indicators,
        _indicator,
        titles=lambda slugs: {
            i.slug: f"{i.code} {i.label}"
            for i in Indicator.objects.filter(slug__in=slugs).only("slug", "code", "name")
        },
    )
)
register(
    Source(
        "indicator_value",
        _("City indicators"),
        "indicators.IndicatorValue",
        _values,
        _value,
        titles=lambda ids: {
            str(v.pk): _value_title(v)
            for v in IndicatorValue.objects.filter(pk__in=ids)
            .select_related("city", "indicator")
            .only("year", "city__name", "indicator__code", "indicator__name")
        },
        parts={"indicators.indicatorvalue": _years_of},
        follows={
            "network.city": lambda city: Q(city_id=city.pk),
            "network.memberstate": lambda state: Q(city__member_state_id=state.pk),
            "indicators.indicator": lambda indicator: Q(indicator_id=indicator.pk),
        },
    )
)
