"""Writes to partner organisations. Each checks permission, validates, writes and audits.

The rules each write checks are in ``partners.validation``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ascn.core import audit
from ascn.core.errors import InvalidInput, PermissionDenied
from ascn.core.permissions import is_secretariat
from ascn.core.services import (
    audit_and_announce,
    lock,
    lock_version,
    no_unknown_field,
    save_fields,
    save_version,
    upsert,
    validate,
)
from ascn.core.visibility import shown_more_widely
from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy
from ascn.partners.validation import EDITABLE_FIELDS, check_ticket_range, clean_organisation_values

if TYPE_CHECKING:
    from ascn.core.types import Actor


@transaction.atomic
def organisation_create(
    *, actor: Actor, name: str, kind: str, slug: str = "", sample: bool = False, **values: Any
) -> Organisation:
    """A new organisation profile (the Secretariat onboards partners)."""
    if not is_secretariat(actor):
        raise PermissionDenied(_("Only the Secretariat adds organisations."))
    clean = clean_organisation_values({"name": name, "kind": kind, **values})
    slug = slugify(slug or clean["name"])[:100]
    if not slug:
        raise InvalidInput(_("Give the organisation a name with letters or digits."), field="slug")
    if Organisation.objects.filter(slug=slug).exists():
        raise InvalidInput(_("An organisation with this slug exists already."), field="slug")
    org = Organisation(slug=slug, sample=sample, **clean)
    check_ticket_range(org)
    validate(org)
    org.save()
    audit_and_announce(
        actor,
        "partners.organisation.created",
        org,
        audit.diff({}, {"slug": slug, "sample": sample, **clean}),
    )
    return org


@transaction.atomic
def organisation_upsert_seed(*, slug: str, values: dict[str, Any]) -> tuple[Organisation, bool]:
    """The seed loader's write (actor: the system). Writes and audits only what changed."""
    return upsert(None, Organisation, {"slug": slug}, values)


# What the Secretariat's verification vouches for: an organisation's members changing one of
# them withdraw it (``organisation_update``).
VERIFIED_FIELDS = ("name", "kind", "headquarters_country", "website")


@transaction.atomic
def organisation_update(
    *, actor: Actor, organisation: Organisation, version: int, **changes: Any
) -> Organisation:
    organisation_policy.require(actor, "change", organisation)
    org = lock_version(organisation, version)
    no_unknown_field(changes, EDITABLE_FIELDS)
    changes = clean_organisation_values(changes)
    if (
        org.verified
        and not is_secretariat(actor)
        and any(getattr(org, f) != changes[f] for f in VERIFIED_FIELDS if f in changes)
    ):
        # what the Secretariat verified is who the organisation is: a new name, kind, seat or
        # website from its own members goes back to the Secretariat's list to verify
        changes["verified"] = False
    before = audit.snapshot(org, list(changes))
    for field, value in changes.items():
        setattr(org, field, value)
    check_ticket_range(org)
    if "visibility" in changes:
        _seen_by_its_programmes_readers(org)
    validate(org)
    save_version(actor, "partners.organisation.updated", org, audit.diff(before, changes))
    return org


def _seen_by_its_programmes_readers(org: Organisation) -> None:
    """An organisation is seen by at least everyone who sees a funding programme it sponsors
    or implements, which names it (the other side of ``funding.validation.check_partners``):
    made draft under a public programme, its name would stay on the programme's page."""
    for programmes in (org.programmes, org.implemented_programmes):
        seen = programmes.values_list("visibility", flat=True).distinct()
        if any(shown_more_widely(visibility, than=org.visibility) for visibility in seen):
            raise InvalidInput(
                _(
                    "A funding programme this organisation sponsors or implements is shown to "
                    "more readers: show the programme to fewer readers first."
                ),
                field="visibility",
            )


@transaction.atomic
def organisation_verify(
    *, actor: Actor, organisation: Organisation, verified: bool = True
) -> Organisation:
    if not is_secretariat(actor):
        raise PermissionDenied(_("Only the Secretariat verifies organisations."))
    org = lock(organisation)
    if org.verified != verified:
        save_fields(actor, "partners.organisation.verified", org, verified=verified)
    return org
