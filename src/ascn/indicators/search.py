"""What the cities' indicator values put in the search: one entry per value, found by the
indicator's code, name and definition, the city and the source; seen by whoever may see the
value (a draft only by its city, their National Representative and the Secretariat)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ascn.core.search import Source, codes_text, joined, register
from ascn.indicators.models import IndicatorValue


def _values() -> QuerySet:
    return IndicatorValue.objects.select_related("indicator__focus_area", "city__member_state")


def _value(value: IndicatorValue) -> dict[str, Any]:
    indicator, city = value.indicator, value.city
    return {
        "ref": str(value.pk),
        "title": f"{city.name}: {indicator.code} {indicator.name} ({value.year})",
        "body": joined(
            f"{value.value.normalize():f} {indicator.unit}",
            indicator.definition,
            value.source,
            value.method_note,
            city.member_state.name,
        ),
        "url": reverse("city-indicators", args=[city.slug]),
        "visibility": value.visibility,
        "owner_city_id": value.city_id,
        "owner_member_state_id": city.member_state_id,
        "member_state": city.member_state.code,
        "city_id": value.city_id,
        "focus_areas": codes_text([indicator.focus_area.code]),
    }


register(
    Source(
        "indicator_value",
        _("City indicators"),
        "indicators.IndicatorValue",
        _values,
        _value,
        follows={
            "network.city": lambda city: Q(city_id=city.pk),
            "network.memberstate": lambda state: Q(city__member_state_id=state.pk),
        },
    )
)
