"""Writes made in the Secretariat's back office (Django admin), audited like any other."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models.deletion import Collector

from ascn.core import audit, events
from ascn.core.errors import InvalidInput, PermissionDenied
from ascn.core.permissions import is_secretariat


def action_name(obj: models.Model, verb: str) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}"


def validate(obj: models.Model) -> None:
    """``full_clean`` as a 422 naming the first field at fault."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput(f"{field}: {' '.join(messages)}", field=field) from exc


def _require_secretariat(actor) -> None:
    if actor is not None and not is_secretariat(actor):
        raise PermissionDenied("Only the Secretariat uses the back office.")


@transaction.atomic
def back_office_save(*, actor, obj: models.Model, changed_fields: list[str]) -> models.Model:
    """Save a record edited in the admin, auditing the changed fields before and after."""
    _require_secretariat(actor)
    creating = obj._state.adding
    before: dict[str, Any] = {}
    if not creating:
        stored = type(obj).objects.select_for_update().get(pk=obj.pk)
        before = audit.snapshot(stored, changed_fields)
    validate(obj)
    if hasattr(obj, "version") and not creating:
        obj.version = stored.version + 1
    obj.save()
    after = audit.snapshot(obj, changed_fields)
    entry = audit.record(
        actor,
        action_name(obj, "created" if creating else "updated"),
        obj,
        audit.diff(before, after),
    )
    events.changed(obj, entry.changes)
    return obj


@transaction.atomic
def back_office_delete(*, actor, obj: models.Model) -> None:
    """Delete a record from the admin: audited, and announced for it and for every record
    that goes with it by cascade (their search entries, tallies … follow)."""
    _require_secretariat(actor)
    audit.record(actor, action_name(obj, "deleted"), obj, {})
    collector = Collector(using=router.db_for_write(type(obj), instance=obj))
    collector.collect([obj])
    going = [instance for instances in collector.data.values() for instance in instances]
    with events.deleting(*going):
        obj.delete()
