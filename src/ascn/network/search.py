"""What the network registry puts in the search: cities and the people in office, and the
names of the member states and focus areas that the search's facets show."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ascn.core.search import (
    Source,
    joined,
    named,
    register,
    register_country_names,
    register_facet_labels,
    register_names,
)
from ascn.core.visibility import Visibility
from ascn.network.framework import focus_area_names
from ascn.network.models import Appointment, City, Person
from ascn.network.queries import (
    focus_area_labels,
    member_state_labels,
    member_state_names,
)


def _current_appointments() -> QuerySet:
    return Appointment.objects.current().select_related("city", "member_state")


def _cities() -> QuerySet:
    return City.objects.select_related("member_state").prefetch_related(
        Prefetch(
            "appointments",
            queryset=_current_appointments().select_related("person"),
            to_attr="current_appointments",
        )
    )


def _city(city) -> dict[str, Any]:
    officers = getattr(city, "current_appointments", [])
    return {
        "ref": city.slug,
        "title": named(city.name, city.alt_names),
        "body": joined(
            city.member_state.label,
            *(f"{a.person.full_name} {a.get_role_display()}" for a in officers),
        ),
        "url": city.get_absolute_url(),
        "visibility": Visibility.PUBLIC,
        "member_state": city.member_state.code,
        "city_id": city.pk,
    }


def _people() -> QuerySet:
    return Person.objects.prefetch_related(
        Prefetch("appointments", queryset=_current_appointments(), to_attr="current_appointments")
    )


def _person(person) -> dict[str, Any] | None:
    offices = getattr(person, "current_appointments", [])
    if not offices:
        return None  # not in the directory
    first = offices[0]
    where = (
        first.city.get_absolute_url() if first.city_id else first.member_state.get_absolute_url()
    )
    return {
        "ref": str(person.pk),
        "title": person.full_name,  # public fields only: never e-mail or phone
        "body": joined(
            *(
                f"{a.get_role_display()}, {a.city.name if a.city_id else a.member_state.label}\n"
                f"{a.designation}"
                for a in offices
            ),
            first.member_state.label,
        ),
        "url": where,
        "visibility": Visibility.PUBLIC,
        "member_state": first.member_state.code,
        "city_id": first.city_id,
    }


register(
    Source(
        "city",
        _("Cities"),
        "network.City",
        _cities,
        _city,
        # a city's entry names its officers
        parts={
            "network.appointment": lambda appointment: [appointment.city],
            "network.person": lambda person: list(
                {a.city for a in person.appointments.all() if a.city_id}
            ),
        },
        follows={"network.memberstate": lambda state: Q(member_state_id=state.pk)},
    )
)
register(
    Source(
        "person",
        _("People"),
        "network.Person",
        _people,
        _person,
        parts={"network.appointment": lambda appointment: [appointment.person]},
        follows={
            "network.city": lambda city: Q(appointments__city_id=city.pk),
            "network.memberstate": lambda state: Q(appointments__member_state_id=state.pk),
        },
    )
)
register_facet_labels("country", member_state_labels)
register_facet_labels("focus_area", focus_area_labels)
register_country_names(member_state_names)  # "Vietnam" finds what the texts call "Viet Nam"
register_names(focus_area_names)  # "Keselamatan dan Keamanan" finds "Safety & Security"
