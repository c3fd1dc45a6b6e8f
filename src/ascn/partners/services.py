"""Writes to partner organisations. Each checks permission, validates, writes and audits."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ascn.core import audit, events
from ascn.core.errors import InvalidInput, PermissionDenied
from ascn.core.permissions import is_secretariat
from ascn.core.services import lock, lock_version, validate
from ascn.core.visibility import Visibility
from ascn.network.models import FocusArea, MemberState
from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy
from ascn.plans import codelists
from ascn.plans.models import FinancingInstrument

EDITABLE_FIELDS = [
    "name",
    "kind",
    "headquarters_country",
    "website",
    "description",
    "visibility",
    "countries",
    "focus_areas",
    "instruments",
    "stages",
    "ticket_min_usd",
    "ticket_max_usd",
    "capability_statement",
    "source",
]
TEXT_FIELDS = {"name", "website", "description", "capability_statement", "source"}
CODE_LISTS = ("countries", "focus_areas", "instruments", "stages")
MAX_TICKET = Decimal("1e15")


def _allowed_codes(field: str) -> set[str]:
    """The codes a list field accepts: data (member states, ASCF) or the codelists."""
    if field == "countries":
        return set(MemberState.objects.values_list("code", flat=True))
    if field == "focus_areas":
        return set(FocusArea.objects.values_list("code", flat=True))
    if field == "instruments":
        return set(FinancingInstrument.values)
    return set(codelists.codelist(codelists.PROJECT_STATUS))


def _code_list(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise InvalidInput(_("A list of codes."), field=field)
    codes = [str(v).strip() for v in value]
    if field == "countries":
        codes = [c.upper() for c in codes]
    codes = list(dict.fromkeys(c for c in codes if c))
    unknown = [c for c in codes if c not in _allowed_codes(field)]
    if unknown:
        raise InvalidInput(_("Unknown code: %(code)s") % {"code": unknown[0]}, field=field)
    return codes


def _ticket(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("Not a number."), field=field) from exc
    if not amount.is_finite() or amount < 0 or amount >= MAX_TICKET:
        raise InvalidInput(_("A positive amount in US dollars below 10^15."), field=field)
    return amount.quantize(Decimal("0.01"))


def clean_organisation_values(values: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check an organisation's fields (each problem a 422 naming its field)."""
    clean: dict[str, Any] = {}
    for field, value in values.items():
        if field in TEXT_FIELDS:
            clean[field] = (value or "").strip()
        elif field in CODE_LISTS:
            clean[field] = _code_list(value, field)
        elif field in ("ticket_min_usd", "ticket_max_usd"):
            clean[field] = _ticket(value, field)
        elif field == "headquarters_country":
            code = (value or "").strip().upper()
            if code and not re.fullmatch(r"[A-Z]{2}", code):
                raise InvalidInput(_("An ISO 3166-1 alpha-2 code, e.g. JP."), field=field)
            clean[field] = code
        elif field == "kind":
            if value not in Organisation.Kind.values:
                raise InvalidInput(_("Unknown kind: %(code)s") % {"code": value}, field=field)
            clean[field] = value
        elif field == "visibility":
            if value not in Visibility.values:
                raise InvalidInput(_("Unknown visibility: %(code)s") % {"code": value}, field=field)
            clean[field] = value
        else:
            raise InvalidInput(_("Unknown field: %(field)s") % {"field": field}, field=field)
    if "name" in clean and not clean["name"]:
        raise InvalidInput(_("Name the organisation."), field="name")
    return clean


def _check_ticket_range(org: Organisation) -> None:
    low, high = org.ticket_min_usd, org.ticket_max_usd
    if low is not None and high is not None and low > high:
        raise InvalidInput(
            _("The smallest ticket must not exceed the largest."), field="ticket_min_usd"
        )


@transaction.atomic
def organisation_create(
    *, actor, name: str, kind: str, slug: str = "", sample: bool = False, **values: Any
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
    _check_ticket_range(org)
    validate(org)
    org.save()
    entry = audit.record(
        actor,
        "partners.organisation.created",
        org,
        audit.diff({}, {"slug": slug, "sample": sample, **clean}),
    )
    events.changed(org, entry.changes)
    return org


@transaction.atomic
def organisation_upsert_seed(*, slug: str, values: dict[str, Any]) -> tuple[Organisation, bool]:
    """The seed loader's write (actor: the system). Writes and audits only what changed."""
    org = Organisation.objects.select_for_update().filter(slug=slug).first()
    if org is None:
        org = Organisation(slug=slug, **values)
        validate(org)
        org.save()
        entry = audit.record(
            None, "partners.organisation.created", org, audit.diff({}, {"slug": slug, **values})
        )
        events.changed(org, entry.changes)
        return org, True
    changes = audit.diff(audit.snapshot(org, list(values)), values)
    if not changes:
        return org, False
    for field, value in values.items():
        setattr(org, field, value)
    validate(org)
    org.version += 1
    org.save()
    entry = audit.record(None, "partners.organisation.updated", org, changes)
    events.changed(org, entry.changes)
    return org, True


@transaction.atomic
def organisation_update(
    *, actor, organisation: Organisation, version: int, **changes: Any
) -> Organisation:
    organisation_policy.require(actor, "change", organisation)
    org = lock_version(organisation, version)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown field: {sorted(unknown)[0]}", field=sorted(unknown)[0])
    changes = clean_organisation_values(changes)
    before = audit.snapshot(org, list(changes))
    for field, value in changes.items():
        setattr(org, field, value)
    _check_ticket_range(org)
    validate(org)
    diff = audit.diff(before, changes)
    if diff:
        org.version += 1
        org.save()
        entry = audit.record(actor, "partners.organisation.updated", org, diff)
        events.changed(org, entry.changes)
    return org


@transaction.atomic
def organisation_verify(
    *, actor, organisation: Organisation, verified: bool = True
) -> Organisation:
    if not is_secretariat(actor):
        raise PermissionDenied("Only the Secretariat verifies organisations.")
    org = lock(organisation)
    if org.verified != verified:
        before = org.verified
        org.verified = verified
        org.version += 1
        org.save(update_fields=["verified", "version", "updated_at"])
        entry = audit.record(
            actor,
            "partners.organisation.verified",
            org,
            audit.diff({"verified": before}, {"verified": verified}),
        )
        events.changed(org, entry.changes)
    return org
