"""Writes to the network registry. Each checks permission, validates, writes and audits."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction

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
) -> Appointment:
    require_registry_editor(actor)
    if city is not None and city.member_state_id != member_state.pk:
        raise InvalidInput(f"{city} is not in {member_state}.", field="city")
    appointment = Appointment(
        person=person,
        role=role,
        member_state=member_state,
        city=city,
        designation=designation.strip(),
        start_date=start_date,
        source=source,
    )
    return save_new(
        actor,
        "network.appointment.created",
        appointment,
        ["person", "role", "member_state", "city", "designation", "start_date"],
    )


@transaction.atomic
def appointment_end(*, actor: Actor, appointment: Appointment, end_date: dt.date) -> Appointment:
    """End an appointment; the record stays as history."""
    require_registry_editor(actor)
    appointment = lock(appointment)
    if appointment.end_date is not None:
        raise InvalidInput("This appointment has already ended.", field="end_date")
    if appointment.start_date and end_date < appointment.start_date:
        raise InvalidInput("An appointment cannot end before it starts.", field="end_date")
    return save_fields(actor, "network.appointment.ended", appointment, end_date=end_date)
