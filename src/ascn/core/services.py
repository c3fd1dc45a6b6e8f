"""What every service shares — locking a record and checking the version the person edited,
the actor the audit trail names, the audit entry and announcement that end a write — and the writes of the Secretariat's back office (Django
admin), audited and announced like any other."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

from ascn.core import audit, events
from ascn.core.documents import document_title
from ascn.core.errors import InvalidInput, PermissionDenied, StaleEdit
from ascn.core.models import AuditEntry, VersionedModel
from ascn.core.permissions import ScopedPolicy, is_secretariat

if TYPE_CHECKING:
    from ascn.core.types import Actor, User

M = TypeVar("M", bound=models.Model)
V = TypeVar("V", bound=VersionedModel)


def lock(obj: M) -> M:
    """``obj`` read again under a row lock (SELECT … FOR UPDATE) for the rest of the
    transaction: the state a service checks is the state it writes over."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def lock_version(obj: V, version: int | None) -> V:
    """``lock``, then refuse a stale edit: ``version`` is what the person saw (None: no
    check, for writes that do not edit what they read)."""
    locked = lock(obj)
    if version is not None and locked.version != version:
        raise StaleEdit(locked, version)
    return locked


def _column(obj: models.Model, name: str) -> str:
    """The attribute that holds ``name``'s value as stored: a relation's id, not its record."""
    field = obj._meta.get_field(name)
    return field.attname if isinstance(field, models.Field) else name


def fields_digest(obj: models.Model, fields: Iterable[str]) -> str:
    """What ``obj`` holds in ``fields``, as a short digest: a form that edits only those
    fields carries it from when it was opened (``lock_fields``)."""
    held = {name: getattr(obj, _column(obj, name)) for name in fields}
    return hashlib.sha256(json.dumps(held, default=str, sort_keys=True).encode()).hexdigest()[:32]


def lock_fields(obj: V, version: int | None, fields: Iterable[str], opened: str | None) -> V:
    """``lock_version`` for an edit of some of a record's fields only, on a record others
    edit in parts (a meeting's facts, its minutes): a stale ``version`` still saves when
    none of ``fields`` changed since the form was opened (``opened``: their
    ``fields_digest`` then), since what was saved meanwhile is in other fields and stays.
    When one of them changed, or nothing says how they were, it is a 409 as ever."""
    locked = lock(obj)
    unchanged = bool(opened) and opened == fields_digest(locked, fields)
    if version is not None and locked.version != version and not unchanged:
        raise StaleEdit(locked, version)
    return locked


def require_and_lock(
    policy: ScopedPolicy[V], actor: Actor, action: str, obj: V, version: int | None
) -> V:
    """``policy.require`` the ``action`` on ``obj`` (the system, ``actor=None``, may take
    any), then ``lock_version``."""
    if actor is not None:
        policy.require(actor, action, obj)
    return lock_version(obj, version)


def user_or_none(actor: Actor) -> User | None:
    """The signed-in user to name as a record's author (``created_by``), None for the
    system or an anonymous caller (the audit trail says "system")."""
    return actor if actor is not None and actor.is_authenticated else None


def audit_and_announce(
    actor: Actor, action: str, obj: models.Model, changes: dict[str, Any] | None = None
) -> AuditEntry:
    """The two steps that end every write, in this order: record the audit entry
    (``audit.record``), then announce the change to the subscribers (``events.changed``)
    with the changes the entry holds. A deletion records its entry and wraps the delete in
    ``events.deleting`` instead."""
    entry = audit.record(actor, action, obj, changes)
    events.changed(obj, entry.changes)
    return entry


def save_version(actor: Actor, action: str, obj: V, changes: dict[str, Any]) -> bool:
    """Write an edit of a versioned record if ``changes`` (its audit diff) is not empty:
    bump ``version``, save, then ``audit_and_announce``. Returns whether it wrote."""
    if not changes:
        return False
    obj.version += 1
    obj.save()
    audit_and_announce(actor, action, obj, changes)
    return True


def save_version_since(
    actor: Actor, action: str, obj: V, before: dict[str, Any], fields: list[str]
) -> bool:
    """``save_version`` with what changed among ``fields`` since ``before`` (their
    ``audit.snapshot`` taken before the edit)."""
    return save_version(actor, action, obj, audit.diff(before, audit.snapshot(obj, fields)))


def save_new(
    actor: Actor,
    action: str,
    obj: M,
    fields: list[str],
    check: Callable[[Any], None] | None = None,
) -> M:
    """Write a new record: ``check`` it (by default ``validate``), save it, then
    ``audit_and_announce`` the ``fields`` it was created with."""
    (check or validate)(obj)
    obj.save()
    audit_and_announce(actor, action, obj, audit.diff({}, audit.snapshot(obj, fields)))
    return obj


def save_fields(actor: Actor, action: str, obj: M, **values: Any) -> M:
    """Set ``values`` on ``obj`` and save only those fields — with ``version`` bumped on a
    versioned record and ``updated_at`` where the model keeps one — then
    ``audit_and_announce`` each field before and after."""
    before = audit.snapshot(obj, list(values))
    for field, value in values.items():
        setattr(obj, field, value)
    fields = list(values)
    if isinstance(obj, VersionedModel):
        obj.version += 1
        fields.append("version")
    if any(field.name == "updated_at" for field in obj._meta.concrete_fields):
        fields.append("updated_at")
    obj.save(update_fields=fields)
    audit_and_announce(actor, action, obj, audit.diff(before, values))
    return obj


def save_changes(
    actor: Actor,
    action: str,
    obj: models.Model,
    values: dict[str, Any],
    check: Callable[[Any], None] | None = None,
) -> bool:
    """Write ``values`` to ``obj`` if they change it: set them, ``check`` the record (by
    default ``validate``), bump ``version`` on a versioned record, save, then
    ``audit_and_announce`` what changed. Returns whether it wrote (nothing is set, written
    or audited otherwise)."""
    changes = audit.diff(audit.snapshot(obj, list(values)), values)
    if not changes:
        return False
    for field, value in values.items():
        setattr(obj, field, value)
    (check or validate)(obj)
    if isinstance(obj, VersionedModel):
        obj.version += 1
    obj.save()
    audit_and_announce(actor, action, obj, changes)
    return True


def upsert(
    actor: Actor, model: type[M], lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[M, bool]:
    """Create the record found by ``lookup`` with ``values``, or update it with what really
    changes (``save_changes``); audited as ``<app>.<model>.created`` or ``.updated``.
    Returns the record and whether anything was written (seed loaders rely on this to be
    idempotent)."""
    obj = model._default_manager.select_for_update().filter(**lookup).order_by("pk").first()
    if obj is None:
        new = model(**lookup, **values)
        return save_new(actor, action_name(new, "created"), new, [*lookup, *values]), True
    return obj, save_changes(actor, action_name(obj, "updated"), obj, values)


def free_slug(
    model: type[models.Model], base: str, *, reserved: frozenset[str] = frozenset()
) -> str:
    """``base``, or ``base-2``, ``base-3``… the first slug that no ``model`` record holds and
    that is not ``reserved`` (a fixed page's address beside the records' own)."""
    taken = set(model._default_manager.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken or slug in reserved:
        n += 1
        slug = f"{base}-{n}"
    return slug


def only_fields(changes: dict[str, Any], allowed: Iterable[str]) -> None:
    """Refuse (422) a change to any field but the ``allowed`` ones, naming them all."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise InvalidInput(_("These cannot be changed here: %s") % ", ".join(sorted(unknown)))


def no_unknown_field(changes: Iterable[str], allowed: Iterable[str]) -> None:
    """Refuse (422) a change to any field but the ``allowed`` ones, naming the first of them
    (alphabetically) as the field at fault, so that a form shows the refusal beside it."""
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise InvalidInput(_("Unknown field: %s") % unknown[0], field=unknown[0])


def action_name(obj: models.Model, verb: str) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}"


def validate(obj: models.Model) -> None:
    """``full_clean`` as a 422 naming the first field at fault."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput(f"{field}: {' '.join(messages)}", field=field) from exc


def _require_secretariat(actor: Actor) -> None:
    if actor is not None and not is_secretariat(actor):
        raise PermissionDenied(_("Only the Secretariat uses the back office."))


@transaction.atomic
def back_office_save(*, actor: Actor, obj: models.Model, changed_fields: list[str]) -> models.Model:
    """Save a record edited in the admin, auditing the changed fields before and after."""
    _require_secretariat(actor)
    creating = obj._state.adding
    stored = None if creating else lock(obj)
    before: dict[str, Any] = {} if stored is None else audit.snapshot(stored, changed_fields)
    validate(obj)
    if isinstance(obj, VersionedModel) and isinstance(stored, VersionedModel):
        obj.version = stored.version + 1
    obj.save()
    after = audit.snapshot(obj, changed_fields)
    audit_and_announce(
        actor,
        action_name(obj, "created" if creating else "updated"),
        obj,
        audit.diff(before, after),
    )
    return obj


class _EveryRow(Collector):
    """Lists every row a deletion takes by cascade: Django deletes some in bulk unread (a
    project's milestones and documents), which would go unannounced. Many-to-many links
    still go in bulk (nothing follows a link apart from its records)."""

    def can_fast_delete(self, objs: Any, from_field: Any = None) -> bool:
        meta = getattr(objs, "_meta", None) or getattr(getattr(objs, "model", None), "_meta", None)
        if meta is not None and meta.auto_created:
            return super().can_fast_delete(objs, from_field)
        return False


@transaction.atomic
def back_office_delete(*, actor: Actor, obj: models.Model) -> None:
    """Delete a record from the admin: audited, and announced for it and for every record
    that goes with it by cascade (their search entries, tallies … follow)."""
    _require_secretariat(actor)
    audit.record(actor, action_name(obj, "deleted"), obj, {})
    collector = _EveryRow(using=router.db_for_write(type(obj), instance=obj))
    collector.collect([obj])
    going = [instance for instances in collector.data.values() for instance in instances]
    with events.deleting(*going):
        collector.delete()  # the rows just listed: ``obj.delete()`` would collect them again


def save_with_file(obj: M, file: File, name: str, file_field: str = "file") -> M:
    """Save a new uploaded document's row with its ``file`` stored as ``name``: the row is
    validated first (``validate``, with the name in place), so that a refused one stores
    nothing."""
    stored = getattr(obj, file_field)
    stored.name = name
    validate(obj)
    stored.save(name, file, save=False)
    obj.save()
    return obj


def save_uploaded_pdf(
    actor: Actor,
    model: type[M],
    file: UploadedFile,
    name: str,
    *,
    title: str | None,
    size: int,
    **fields: Any,
) -> M:
    """Save a new ``model`` row for a checked PDF (``save_with_file``, stored as ``name``):
    titled ``title`` or the file's name, with its ``size``, its uploader and ``fields``."""
    document = model(
        title=document_title(title, file), size=size, uploaded_by=user_or_none(actor), **fields
    )
    return save_with_file(document, file, name)


def delete_with_file(obj: models.Model, file_field: str = "file") -> None:
    """Delete an uploaded document's row (announced) and, once the transaction commits, its
    file: a rolled-back delete keeps both."""
    stored = getattr(obj, file_field)
    file_name, storage = stored.name, stored.storage
    with events.deleting(obj):
        obj.delete()
    if file_name:
        transaction.on_commit(lambda: storage.delete(file_name))
