"""Writes to the network registry. Each checks permission, validates, writes and audits."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ascn.core import audit
from ascn.core.errors import InvalidInput, refuse_all
from ascn.core.services import (
    audit_and_announce,
    free_slug,
    lock,
    lock_version,
    only_fields,
    save_changes,
    save_fields,
    save_new,
    upsert,
    validate,
)
from ascn.network.models import Appointment, City, MemberState, Person
from ascn.network.permissions import require_registry_editor

if TYPE_CHECKING:
    from ascn.core.types import Actor

M = TypeVar("M", bound=models.Model)


@transaction.atomic
def registry_upsert(
    *, actor: Actor, model: type[M], lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[M, bool]:
    """Create or update the record found by ``lookup``; audit only what really changed.

    Returns the record and whether anything was written (the seed loader relies on this to
    be idempotent).
    """
    require_registry_editor(actor)
    return upsert(actor, model, lookup, values)


@transaction.atomic
def appointment_create(
    *,
    actor: Actor,
    person: Person,
    role: str,
    member_state: MemberState,
    city: City | None = None,
    designation: str = "",
    start_date: dt.date | None = None,
    source: str = "",
    succeeds: bool = False,
) -> Appointment:
    """Record an officer's appointment. ``succeeds``: the officers who hold the same office
    now (the city's CSCOs, or the state's National Representative) hand over on
    ``start_date``: their appointments end that day and stay in the history."""
    require_registry_editor(actor)
    if role not in Appointment.Role.values:
        raise InvalidInput(_("Unknown role."), field="role")
    if role == Appointment.Role.CSO and city is None:
        raise InvalidInput(_("A Chief Smart City Officer is appointed for a city."), field="city")
    if role == Appointment.Role.NATIONAL_REPRESENTATIVE:
        city = None
    if city is not None and city.member_state_id != member_state.pk:
        raise InvalidInput(
            _("%(city)s is not in %(member_state)s.")
            % {"city": city, "member_state": member_state},
            field="city",
        )

    if succeeds and start_date is None:
        raise InvalidInput(
            _("Give the date the successor takes office: the predecessors' appointments end then."),
            field="start_date",
        )
    if start_date and start_date > timezone.localdate() + dt.timedelta(days=366):
        raise InvalidInput(_("An appointment starts within a year from today."), field="start_date")
    if succeeds and start_date is not None:
        for predecessor in _holders(role, member_state, city, on=start_date):
            if predecessor.start_date and predecessor.start_date > start_date:
                raise InvalidInput(
                    _("%(name)s took office after that date.")
                    % {"name": predecessor.person.full_name},
                    field="start_date",
                )
            save_fields(actor, "network.appointment.ended", predecessor, end_date=start_date)
    appointment = Appointment(
        person=person,
        role=role,
        member_state=member_state,
        city=city,
        designation=designation.strip(),
        start_date=start_date,
        source=source.strip(),
    )
    return save_new(
        actor,
        "network.appointment.created",
        appointment,
        ["person", "role", "member_state", "city", "designation", "start_date"],
    )


def _holders(
    role: str, member_state: MemberState, city: City | None, *, on: dt.date
) -> list[Appointment]:
    """The appointments to the same office still running on ``on`` (locked)."""
    holders = Appointment.objects.filter(role=role, member_state=member_state, city=city).filter(
        models.Q(end_date__isnull=True) | models.Q(end_date__gt=on)
    )
    return list(holders.select_for_update(of=("self",)).select_related("person").order_by("pk"))


@transaction.atomic
def officer_appoint(
    *, actor: Actor, full_name: str, email: str = "", **appointment: Any
) -> Appointment:
    """Record an appointment of the registry's person of that name and e-mail (a new
    person when there is none): ``appointment_create``'s arguments, all or nothing."""
    require_registry_editor(actor)
    full_name = " ".join(full_name.split())
    email = email.strip()
    if not full_name:
        raise InvalidInput(_("Give the officer's full name."), field="full_name")
    person = Person.objects.filter(full_name__iexact=full_name, email__iexact=email).first()
    if person is None:
        person = save_new(
            actor,
            "network.person.created",
            Person(full_name=full_name, email=email),
            ["full_name", "email"],
        )
    return appointment_create(actor=actor, person=person, **appointment)


@transaction.atomic
def appointment_end(*, actor: Actor, appointment: Appointment, end_date: dt.date) -> Appointment:
    """End an appointment; the record stays as history."""
    require_registry_editor(actor)
    appointment = lock(appointment)
    if appointment.end_date is not None:
        raise InvalidInput(_("This appointment has already ended."), field="end_date")
    if appointment.start_date and end_date < appointment.start_date:
        raise InvalidInput(_("An appointment cannot end before it starts."), field="end_date")
    return save_fields(actor, "network.appointment.ended", appointment, end_date=end_date)


MEMBER_STATE_FIELDS = ["official_name", "asean_member_since", "note", "source"]
CITY_FIELDS = [
    "name",
    "alt_names",
    "cohort",
    "cohort_source",
    "cohort_note",
    "latitude",
    "longitude",
    "population",
    "population_year",
    "population_source",
    "population_note",
]
# Pages of the city list that a city's slug must never take.
RESERVED_CITY_SLUGS = frozenset({"compare", "new", "map"})


def _stripped(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def _check_city(city: City) -> None:
    """The rules a person can break, each on its field, before the model's own checks: every
    one broken is refused at once (``refuse_all``)."""
    problems = []
    if not city.name:
        problems.append(InvalidInput(_("Give the city's name."), field="name"))
    this_year = timezone.localdate().year
    if city.population is not None and city.population_year is None:
        problems.append(
            InvalidInput(_("Give the year of the population figure."), field="population_year")
        )
    elif city.population_year is not None and not 1900 <= city.population_year <= this_year:
        problems.append(
            InvalidInput(
                _("The population year is between 1900 and this year."), field="population_year"
            )
        )
    if city.population is not None and not city.population_source:
        problems.append(
            InvalidInput(_("Give the source of the population figure."), field="population_source")
        )
    if not 2018 <= city.cohort <= this_year:
        problems.append(
            InvalidInput(
                _("A city joins the network in 2018 or later, and not after this year."),
                field="cohort",
            )
        )
    if city.latitude is None or not -90 <= city.latitude <= 90:
        problems.append(InvalidInput(_("The latitude is between −90 and 90."), field="latitude"))
    if city.longitude is None or not -180 <= city.longitude <= 180:
        problems.append(
            InvalidInput(_("The longitude is between −180 and 180."), field="longitude")
        )
    refuse_all(problems)
    validate(city)


@transaction.atomic
def member_state_update(
    *, actor: Actor, member_state: MemberState, version: int, **changes: Any
) -> MemberState:
    """Edit a member state's official name, ASEAN membership date, note and source (the
    Secretariat); a stale ``version`` is a 409 and nothing is written."""
    require_registry_editor(actor)
    only_fields(changes, MEMBER_STATE_FIELDS)
    state = lock_version(member_state, version)
    values = _stripped(changes)
    since = values.get("asean_member_since")
    if since is not None and since > timezone.localdate():
        raise InvalidInput(
            _("The date of ASEAN membership cannot be in the future."),
            field="asean_member_since",
        )
    save_changes(actor, "network.memberstate.updated", state, values)
    return state


@transaction.atomic
def city_create(
    *,
    actor: Actor,
    member_state: MemberState,
    name: str,
    cohort: int,
    latitude: Any,
    longitude: Any,
    slug: str = "",
    **optional: Any,
) -> City:
    """Add a city to the network (the Secretariat). Its slug is made from its name unless
    given; a taken slug gets ``-2``, ``-3``…"""
    require_registry_editor(actor)
    unknown = set(optional) - set(CITY_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    name = " ".join((name or "").split())
    slug = (slug or "").strip()
    if slug:
        if City.objects.filter(slug=slug).exists() or slug in RESERVED_CITY_SLUGS:
            raise InvalidInput(_("Another city has this address."), field="slug")
    else:
        base = slugify(name)[:70]
        if not base:
            raise InvalidInput(_("Give the city's name in Latin letters."), field="name")
        slug = free_slug(City, base, reserved=RESERVED_CITY_SLUGS)
    city = City(
        slug=slug,
        member_state=member_state,
        name=name,
        cohort=cohort,
        latitude=latitude,
        longitude=longitude,
        **_stripped(optional),
    )
    _check_city(city)
    city.save()
    audit_and_announce(
        actor,
        "network.city.created",
        city,
        audit.diff(
            {}, {"slug": slug, "member_state": member_state.pk, **audit.snapshot(city, CITY_FIELDS)}
        ),
    )
    return city


@transaction.atomic
def city_update(*, actor: Actor, city: City, version: int, **changes: Any) -> City:
    """Edit a city's record (the Secretariat); a stale ``version`` is a 409 and nothing is
    written. The slug and the member state stay."""
    require_registry_editor(actor)
    only_fields(changes, CITY_FIELDS)
    city = lock_version(city, version)
    values = _stripped(changes)
    if "name" in values:
        values["name"] = " ".join((values["name"] or "").split())
    save_changes(actor, "network.city.updated", city, values, check=_check_city)
    return city
