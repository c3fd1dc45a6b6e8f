"""Writes to partner organisations. Each checks permission, validates, writes and audits."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ascn.core import audit
from ascn.core.errors import InvalidInput, PermissionDenied, StaleEdit
from ascn.core.permissions import is_secretariat
from ascn.core.services import validate
from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy

EDITABLE_FIELDS = ["name", "kind", "headquarters_country", "website", "description", "visibility"]


@transaction.atomic
def organisation_upsert_seed(*, slug: str, values: dict[str, Any]) -> tuple[Organisation, bool]:
    """The seed loader's write (actor: the system). Writes and audits only what changed."""
    org = Organisation.objects.select_for_update().filter(slug=slug).first()
    if org is None:
        org = Organisation(slug=slug, **values)
        validate(org)
        org.save()
        audit.record(
            None, "partners.organisation.created", org, audit.diff({}, {"slug": slug, **values})
        )
        return org, True
    changes = audit.diff(audit.snapshot(org, list(values)), values)
    if not changes:
        return org, False
    for field, value in values.items():
        setattr(org, field, value)
    validate(org)
    org.version += 1
    org.save()
    audit.record(None, "partners.organisation.updated", org, changes)
    return org, True


@transaction.atomic
def organisation_update(
    *, actor, organisation: Organisation, version: int, **changes: Any
) -> Organisation:
    organisation_policy.require(actor, "change", organisation)
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if org.version != version:
        raise StaleEdit(org, version)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown field: {sorted(unknown)[0]}", field=sorted(unknown)[0])
    before = audit.snapshot(org, list(changes))
    for field, value in changes.items():
        setattr(org, field, value)
    validate(org)
    diff = audit.diff(before, changes)
    if diff:
        org.version += 1
        org.save()
        audit.record(actor, "partners.organisation.updated", org, diff)
    return org


@transaction.atomic
def organisation_verify(
    *, actor, organisation: Organisation, verified: bool = True
) -> Organisation:
    if not is_secretariat(actor):
        raise PermissionDenied("Only the Secretariat verifies organisations.")
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if org.verified != verified:
        before = org.verified
        org.verified = verified
        org.version += 1
        org.save(update_fields=["verified", "version", "updated_at"])
        audit.record(
            actor,
            "partners.organisation.verified",
            org,
            audit.diff({"verified": before}, {"verified": verified}),
        )
    return org
