"""The audit trail: explicit entries recorded by the services, inside the write's
transaction — who did what to which record, the fields before and after, the request id and
the client address. The entry is only the entry: what must follow a write (search index,
caches, tallies) is announced separately by the service (``core.events``).

Modules: ``queries`` (the trail as the Secretariat reads it), ``api`` (``/api/v1/audit``),
``views``/``urls`` (``/audit/`` and its CSV).
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import TYPE_CHECKING, Any

from django.db import models

from ascn.core.middleware import current_request_meta
from ascn.core.models import AuditEntry

if TYPE_CHECKING:
    from ascn.core.types import Actor


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.date | dt.datetime | decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields that changed, as ``{field: {"before": x, "after": y}}``."""
    changed: dict[str, dict[str, Any]] = {}
    for field in sorted(set(before) | set(after)):
        old, new = _jsonable(before.get(field)), _jsonable(after.get(field))
        if old != new:
            changed[field] = {"before": old, "after": new}
    return changed


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {field: getattr(obj, field) for field in fields}


def record(
    actor: Actor, action: str, obj: models.Model, changes: dict[str, Any] | None = None
) -> AuditEntry:
    request_id, client_ip = current_request_meta()
    user = actor if actor is not None and actor.is_authenticated else None
    entry = AuditEntry.objects.create(
        actor=user,
        actor_label=user.email if user is not None else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        changes=changes or {},
        request_id=request_id,
        client_ip=client_ip,
    )
    return entry
