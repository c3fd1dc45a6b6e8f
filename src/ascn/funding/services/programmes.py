"""Writes to funding programmes and their calls. Each checks permission, validates, writes and
audits; the rules each write checks are in ``funding.validation``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from ascn.core import audit
from ascn.core.errors import (
    InvalidInput,
    PermissionDenied,
)
from ascn.core.permissions import is_secretariat, scopes_of
from ascn.core.services import (
    audit_and_announce,
    lock_version,
    no_unknown_field,
    save_new,
    save_version,
    save_version_since,
)
from ascn.funding.models import Call, Programme
from ascn.funding.permissions import programme_policy
from ascn.funding.validation import (
    check_call,
    check_programme,
    clean_programme_values,
)
from ascn.partners.models import Organisation

if TYPE_CHECKING:
    from ascn.core.types import Actor

# A programme's own fields, as its form edits them and its audit snapshot holds them (the
# snapshot adds the implementer, a link, by its id).
PROGRAMME_RECORD_FIELDS = [
    "name",
    "description",
    "total_amount",
    "currency",
    "max_award_amount",
    "period_start",
    "period_end",
    "period_label",
    "eligible_countries",
    "eligible_focus_areas",
    "eligible_stages",
    "instruments",
    "website",
    "visibility",
    "source",
    "sources",
]


CALL_FIELDS = ["title", "description", "opens_on", "closes_on"]


def _snapshot(programme: Programme) -> dict[str, Any]:
    snap = audit.snapshot(programme, PROGRAMME_RECORD_FIELDS)
    snap["implementer"] = programme.implementer_id
    return snap


def can_create_programme(actor: Actor, sponsor: Organisation) -> bool:
    scopes = scopes_of(actor)
    return scopes.secretariat or sponsor.pk in scopes.organisation_ids


@transaction.atomic
def programme_create(
    *,
    actor: Actor,
    slug: str,
    sponsor: Organisation,
    name: str,
    total_amount: Any,
    currency: str,
    sample: bool = False,
    **optional: Any,
) -> Programme:
    """A new programme, by the Secretariat or a member of the sponsor."""
    if not can_create_programme(actor, sponsor):
        raise PermissionDenied(
            _("Only the sponsor's members and the Secretariat add its funding programmes.")
        )
    if Programme.objects.filter(slug=slug).exists():
        raise InvalidInput(_("A programme with this slug exists."), field="slug")
    values = clean_programme_values(
        {"name": name, "total_amount": total_amount, "currency": currency, **optional}
    )
    # a sample organisation's programme is sample data too (as a sample project's
    # application is): its kind follows its sponsor's, never a real programme of a sample one
    sample = sample or sponsor.sample
    programme = Programme(slug=slug, sponsor=sponsor, sample=sample, **values)
    check_programme(programme)
    programme.save()
    audit_and_announce(
        actor,
        "partners.programme.created",
        programme,
        audit.diff({}, {"slug": slug, "sponsor": sponsor.pk, **_snapshot(programme)}),
    )
    return programme


@transaction.atomic
def programme_update(
    *, actor: Actor, programme: Programme, version: int, **changes: Any
) -> Programme:
    """Edit a programme; a stale ``version`` is a 409 and nothing is written."""
    programme_policy.require(actor, "change", programme)
    programme = lock_version(programme, version)
    values = clean_programme_values(changes)
    before = _snapshot(programme)
    for key, value in values.items():
        setattr(programme, key, value)
    # its partners are checked when they or its visibility change: an organisation made
    # draft since must not stop every other edit of the programme
    check_programme(programme, partners=bool({"visibility", "implementer"} & set(values)))
    changed = audit.diff(before, _snapshot(programme))
    save_version(actor, "partners.programme.updated", programme, changed)
    return programme


@transaction.atomic
def programme_upsert_seed(
    *, slug: str, sponsor: Organisation, values: dict[str, Any]
) -> tuple[Programme, bool]:
    """The seed loader's write (actor: the system). Writes and audits only what changed.

    The amounts already awarded and disbursed are never touched by the seed.
    """
    values = clean_programme_values(dict(values))
    programme = Programme.objects.select_for_update().filter(slug=slug).first()
    if programme is None:
        programme = Programme(slug=slug, sponsor=sponsor, **values)
        check_programme(programme)
        programme.save()
        audit_and_announce(
            None,
            "partners.programme.created",
            programme,
            audit.diff({}, {"slug": slug, "sponsor": sponsor.pk, **_snapshot(programme)}),
        )
        return programme, True
    before = {**_snapshot(programme), "sponsor": programme.sponsor_id}
    programme.sponsor = sponsor
    for key, value in values.items():
        setattr(programme, key, value)
    changed = audit.diff(before, {**_snapshot(programme), "sponsor": sponsor.pk})
    if not changed:
        return programme, False
    check_programme(
        programme, partners=bool({"visibility", "sponsor", "implementer"} & set(changed))
    )
    programme.version += 1
    programme.save()
    audit_and_announce(None, "partners.programme.updated", programme, changed)
    return programme, True


@transaction.atomic
def call_create(
    *,
    actor: Actor,
    programme: Programme,
    title: str,
    opens_on: dt.date,
    closes_on: dt.date,
    description: str = "",
    sample: bool = False,
) -> Call:
    programme_policy.require(actor, "change", programme)
    call = Call(
        programme=programme,
        title=title,
        description=(description or "").strip(),
        opens_on=opens_on,
        closes_on=closes_on,
        sample=sample,
    )
    return save_new(actor, "partners.call.created", call, CALL_FIELDS, check=check_call)


@transaction.atomic
def call_update(*, actor: Actor, call: Call, version: int, **changes: Any) -> Call:
    programme_policy.require(actor, "change", call.programme)
    call = lock_version(call, version)
    no_unknown_field(changes, CALL_FIELDS)
    before = audit.snapshot(call, CALL_FIELDS)
    for key, value in changes.items():
        setattr(call, key, value)
    check_call(call)
    save_version_since(actor, "partners.call.updated", call, before, CALL_FIELDS)
    return call


def is_secretariat_or_manager(user: Actor, programme: Programme) -> bool:
    return is_secretariat(user) or programme_policy.can(user, "manage", programme)
