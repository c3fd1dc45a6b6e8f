"""Writes to the network registry. Each checks permission, validates, writes and audits."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ascn.core.errors import InvalidInput
from ascn.core.services import lock, save_fields, save_new, upsert
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
