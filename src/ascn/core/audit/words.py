"""The audit trail in people's words: a record's kind by its name ("Meeting", not
``meetings.meeting``), what happened ("checked in"), and each changed field by its label with
the records it points to by their names ("host city: — → Phuket", not ``host_city: None → 12``).

Names are read for one page of entries at a time: one query per kind of record the page's
changes point to, whatever the number of entries.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from ascn.core import formats
from ascn.core.models import AuditEntry

EMPTY = "—"
# What happened, in the reader's language, by the last part of the audit code (the codes
# themselves stay English); a verb not listed here is shown as its code's words.
ACTION_WORDS = {
    "abandoned": pgettext_lazy("audit action", "abandoned"),
    "accepted": pgettext_lazy("audit action", "accepted"),
    "added": pgettext_lazy("audit action", "added"),
    "advanced": pgettext_lazy("audit action", "advanced"),
    "announced": pgettext_lazy("audit action", "announced"),
    "assessed": pgettext_lazy("audit action", "assessed"),
    "awarded": pgettext_lazy("audit action", "awarded"),
    "cancelled": pgettext_lazy("audit action", "cancelled"),
    "changed": pgettext_lazy("audit action", "changed"),
    "check_in_undone": pgettext_lazy("audit action", "check in undone"),
    "checked_in": pgettext_lazy("audit action", "checked in"),
    "completed": pgettext_lazy("audit action", "completed"),
    "confirmed": pgettext_lazy("audit action", "confirmed"),
    "created": pgettext_lazy("audit action", "created"),
    "declined": pgettext_lazy("audit action", "declined"),
    "deleted": pgettext_lazy("audit action", "deleted"),
    "disabled": pgettext_lazy("audit action", "disabled"),
    "disbursed": pgettext_lazy("audit action", "disbursed"),
    "document_attached": pgettext_lazy("audit action", "document attached"),
    "enabled": pgettext_lazy("audit action", "enabled"),
    "ended": pgettext_lazy("audit action", "ended"),
    "endorsed": pgettext_lazy("audit action", "endorsed"),
    "entered": pgettext_lazy("audit action", "entered"),
    "flags_dismissed": pgettext_lazy("audit action", "flags dismissed"),
    "funding_committed": pgettext_lazy("audit action", "funding committed"),
    "funding_withdrawn": pgettext_lazy("audit action", "funding withdrawn"),
    "granted": pgettext_lazy("audit action", "granted"),
    "language": pgettext_lazy("audit action", "language"),
    "linked": pgettext_lazy("audit action", "linked"),
    "made": pgettext_lazy("audit action", "made"),
    "minutes_saved": pgettext_lazy("audit action", "minutes saved"),
    "moderated": pgettext_lazy("audit action", "moderated"),
    "moved": pgettext_lazy("audit action", "moved"),
    "not_confirmed": pgettext_lazy("audit action", "not confirmed"),
    "parties_changed": pgettext_lazy("audit action", "parties changed"),
    "promoted": pgettext_lazy("audit action", "promoted"),
    "published": pgettext_lazy("audit action", "published"),
    "regenerated": pgettext_lazy("audit action", "regenerated"),
    "registered": pgettext_lazy("audit action", "registered"),
    "replaced": pgettext_lazy("audit action", "replaced"),
    "reset": pgettext_lazy("audit action", "reset"),
    "retried": pgettext_lazy("audit action", "retried"),
    "returned": pgettext_lazy("audit action", "returned"),
    "revoked": pgettext_lazy("audit action", "revoked"),
    "saved": pgettext_lazy("audit action", "saved"),
    "set": pgettext_lazy("audit action", "set"),
    "shortlisted": pgettext_lazy("audit action", "shortlisted"),
    "submitted": pgettext_lazy("audit action", "submitted"),
    "transitioned": pgettext_lazy("audit action", "transitioned"),
    "translated": pgettext_lazy("audit action", "translated"),
    "updated": pgettext_lazy("audit action", "updated"),
    "uploaded": pgettext_lazy("audit action", "uploaded"),
    "verified": pgettext_lazy("audit action", "verified"),
    "waitlisted": pgettext_lazy("audit action", "put on the waiting list"),
    "withdrawn": pgettext_lazy("audit action", "withdrawn"),
}
_PLAIN = object()


def object_type_choices() -> list[tuple[str, str]]:
    """Every kind of record the trail names, as ``(label, "Name (app)")``, by name: the
    platform's own records, not Django's tables (sessions, content types) nor those it
    derives or keeps itself (a model's ``audited = False``: tallies, the search index).
    Named in the active language, kept once per language (it was kept once, in whichever
    language asked first)."""
    return _object_type_choices(get_language() or settings.LANGUAGE_CODE)


@cache
def _object_type_choices(language: str) -> list[tuple[str, str]]:
    choices = [
        (model._meta.label_lower, f"{capfirst(model._meta.verbose_name)} ({model._meta.app_label})")
        for model in apps.get_models()
        if model.__module__.startswith("ascn.") and getattr(model, "audited", True)
    ]
    return sorted(choices, key=lambda choice: choice[1].lower())


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_name(object_type: str) -> str:
    model = _model(object_type)
    return str(capfirst(model._meta.verbose_name)) if model else object_type


def action_words(action: str) -> str:
    """``meetings.registration.checked_in`` → "checked in" (in the reader's language)."""
    verb = action.rsplit(".", 1)[-1]
    return str(ACTION_WORDS.get(verb) or verb.replace("_", " "))


# Changes recorded under a name that is no field of the record nor of its parts: counts,
# the scope of a role, a reviewer's comment.
CHANGE_LABELS: dict[str, Any] = {
    "added": pgettext_lazy("audit change", "rows added"),
    "amount": pgettext_lazy("audit change", "amount"),
    "api_tokens_revoked": pgettext_lazy("audit change", "API tokens revoked"),
    "attempt": pgettext_lazy("audit change", "attempt"),
    "changed": pgettext_lazy("audit change", "rows changed"),
    "comment": pgettext_lazy("audit change", "comment"),
    "created": pgettext_lazy("audit change", "created"),
    "datasets": pgettext_lazy("audit change", "datasets"),
    "format": pgettext_lazy("audit change", "format"),
    "membership": pgettext_lazy("audit change", "role"),
    "note": pgettext_lazy("audit change", "note"),
    "open_flags": pgettext_lazy("audit change", "open flags"),
    "reason": pgettext_lazy("audit change", "reason"),
    "removed": pgettext_lazy("audit change", "rows removed"),
    "rows": pgettext_lazy("audit change", "rows"),
    "scope": pgettext_lazy("audit change", "where the role applies"),
    "via": pgettext_lazy("audit change", "how"),
}


# The words for the values of those changes that are codes, by the change's name.
CHANGE_VALUES: dict[str, Mapping[str, Any]] = {}


def name_changes(labels: Mapping[str, Any], values: Mapping[str, Any] | None = None) -> None:
    """Label changes recorded under names of an app's own (``accounts``: a person's choice
    of delivery for each kind of notification, by the kind), at the app's start; ``values``:
    the words for the codes those changes record (the choices' labels, e.g. ``app`` → "In
    the platform only")."""
    CHANGE_LABELS.update(labels)
    if values is not None:
        CHANGE_VALUES.update(dict.fromkeys(labels, values))


@cache  # per kind of record and name: a page asks it for every change of every entry
def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    """The field ``name`` of ``model``, else of one of its parts (a project's milestones, a
    plan's projects: the records that point to it from its own app), which a change of the
    record can name (``physical_pct`` of a project's progress update)."""
    if model is None:
        return None
    fields = {field.name: field for field in model._meta.get_fields()}
    field = fields.get(name) or fields.get(name.removesuffix("_id"))
    if isinstance(field, models.Field):
        return field
    for relation in model._meta.related_objects:
        part = relation.related_model
        if isinstance(part, type) and part._meta.app_label == model._meta.app_label:
            try:
                found = part._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(found, models.Field) and not found.auto_created:
                return found
    return None


def _label(field: models.Field | None, name: str) -> str:
    if field is not None and field.verbose_name:
        return str(field.verbose_name)
    return str(CHANGE_LABELS.get(name) or name.replace("_", " "))


def _related(field: models.Field | None) -> type[models.Model] | None:
    if field is not None and field.is_relation and field.related_model is not None:
        related = field.related_model
        return related if isinstance(related, type) else None
    return None


def _shown(value: Any, names: dict[str, str] | None = None) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if names is not None:
        if isinstance(value, list):
            return formats.listed(names.get(str(v), f"#{v}") for v in value)
        return names.get(str(value), f"#{value}")
    if value is True:
        return _("yes")
    if value is False:
        return _("no")

    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return formats.listed(_shown(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and ISO_DATE.match(value):
        return _when(value)
    return str(value)


# A date or a date and time as the trail keeps them (ISO 8601): shown as the pages show them.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?)?$")


def _when(value: str) -> str:
    try:
        if len(value) == len("2024-03-01"):
            return formats.day(dt.date.fromisoformat(value))
        return formats.moment(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return value


def describe(entries: Iterable[AuditEntry]) -> None:
    """Set ``type_name``, ``action_words`` and ``change_lines`` on each entry of a page."""
    entries = list(entries)
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    # per entry: (label, before, after, the model the values point to); before is ``_PLAIN``
    # for a change recorded as one value rather than a before/after pair
    Row = tuple[str, Any, Any, type[models.Model] | None]
    plan: list[tuple[AuditEntry, list[Row]]] = []
    for entry in entries:
        model = _model(entry.object_type)
        rows: list[Row] = []
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        for name, change in changes.items():
            field = _field(model, name)
            if not (isinstance(change, dict) and set(change) <= {"before", "after"}):
                rows.append((_label(field, name), _PLAIN, change, None))
                continue
            related = _related(field)
            label = _label(field, name)
            before, after = change.get("before"), change.get("after")
            if related is not None:
                for value in (before, after):
                    for pk in value if isinstance(value, list) else [value]:
                        if pk not in (None, ""):
                            wanted[related].add(str(pk))
            if field is not None and field.choices and related is None:
                labels = {str(k): str(v) for k, v in field.flatchoices}
                before, after = labels.get(str(before), before), labels.get(str(after), after)
            elif field is None and name in CHANGE_VALUES:
                words = {str(k): str(v) for k, v in CHANGE_VALUES[name].items()}
                before, after = words.get(str(before), before), words.get(str(after), after)
            rows.append((label, before, after, related))
        plan.append((entry, rows))
    names: dict[type[models.Model], dict[str, str]] = {}
    for related, pks in wanted.items():
        valid = [pk for pk in pks if pk.isdigit()] if _int_pk(related) else list(pks)
        names[related] = {
            str(obj.pk): str(obj) for obj in related._default_manager.filter(pk__in=valid)
        }
    for entry, rows in plan:
        entry.type_name = type_name(entry.object_type)  # type: ignore[attr-defined]
        entry.action_words = action_words(entry.action)  # type: ignore[attr-defined]
        lines = (
            _line(label, before, after, names.get(related) if related else None)
            for label, before, after, related in rows
        )
        # an empty field recorded as None before and "" after changed nothing a person sees
        entry.change_lines = [  # type: ignore[attr-defined]
            line for line in lines if not line.endswith(f": {EMPTY} → {EMPTY}")
        ]


def _line(label: str, before: Any, after: Any, names: dict[str, str] | None) -> str:
    if before is _PLAIN:
        return f"{label}: {_shown(after)}"
    return f"{label}: {_shown(before, names)} → {_shown(after, names)}"


def _int_pk(model: type[models.Model]) -> bool:
    return isinstance(model._meta.pk, models.AutoField | models.BigAutoField | models.IntegerField)
