"""Writes to agreements (DESIGN convention 1). The Secretariat keeps the record; ``actor=None``
is the system (seed loaders)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ascn.agreements.models import Agreement, AgreementParty, Precision
from ascn.agreements.permissions import agreement_policy
from ascn.core import audit
from ascn.core.documents import check_pdf
from ascn.core.errors import IllegalTransition, InvalidInput, PermissionDenied, every, refuse_all
from ascn.core.permissions import is_secretariat
from ascn.core.services import (
    audit_and_announce,
    free_slug,
    lock,
    no_unknown_field,
    require_and_lock,
    save_version,
    save_version_since,
    validate,
)
from ascn.core.visibility import Visibility
from ascn.plans.models import Project as ProjectModel

if TYPE_CHECKING:
    from ascn.core.types import Actor
    from ascn.plans.models import Project

MIN_PARTIES = 2

S = Agreement.Status
# The one table of allowed status changes (DESIGN convention 5).
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SIGNED},
    S.SIGNED: {S.ACTIVE, S.EXPIRED, S.TERMINATED},
    S.ACTIVE: {S.EXPIRED, S.TERMINATED},
    S.EXPIRED: set(),
    S.TERMINATED: set(),
}

AGREEMENT_FIELDS = [
    "slug",
    "title",
    "kind",
    "status",
    "signed_date",
    "signed_date_precision",
    "signed_place",
    "meeting",
    "description",
    "source",
    "visibility",
]
EDITABLE_FIELDS = set(AGREEMENT_FIELDS) - {"slug", "status"}
PARTY_FIELDS = ["name", "organisation", "city", "member_state", "signatory", "signatory_title"]


# Addresses of pages under /agreements/ that an agreement's slug must not take.
RESERVED_SLUGS = frozenset({"new"})


def _require_secretariat(actor: Actor) -> None:
    if actor is not None and not is_secretariat(actor):
        raise PermissionDenied(_("Only the Secretariat records agreements."))


def _snapshot(agreement: Agreement) -> dict[str, Any]:
    values = audit.snapshot(agreement, AGREEMENT_FIELDS)
    values["meeting"] = agreement.meeting_id
    values["parties"] = [party.name for party in agreement.parties.all()]
    values["projects"] = sorted(agreement.projects.values_list("pk", flat=True))
    return values


def _clean_parties(parties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not isinstance(parties, list) or len(parties) < MIN_PARTIES:
        raise InvalidInput(_("An agreement has at least two parties."), field="parties")
    cleaned: list[dict[str, Any]] = []
    for index, raw in enumerate(parties):
        unknown = set(raw) - set(PARTY_FIELDS)
        if unknown:
            raise InvalidInput(_("Unknown party field: %s") % sorted(unknown)[0], field="parties")
        values: dict[str, Any] = {key: raw.get(key) for key in PARTY_FIELDS}
        for key in ("name", "signatory", "signatory_title"):
            values[key] = (values[key] or "").strip()
        record = [values[k] for k in ("organisation", "city", "member_state") if values[k]]
        if len(record) > 1:
            raise InvalidInput(
                _("A party is an organisation, a city or a member state — at most one."),
                field=f"parties.{index}",
            )
        if not values["name"] and record:
            values["name"] = str(record[0])
        if not values["name"]:
            raise InvalidInput(_("Name each party."), field=f"parties.{index}.name")
        cleaned.append(values)
    names = [v["name"].casefold() for v in cleaned]
    if len(set(names)) < len(names):
        raise InvalidInput(_("A party is named twice."), field="parties")
    return cleaned


def _clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """The record's values trimmed, or every problem of them at once."""
    problems: list[InvalidInput] = []
    for key in ("title", "signed_place", "description", "source"):
        if key in values and values[key] is not None:
            values[key] = str(values[key]).strip()
    if "title" in values and not values["title"]:
        problems.append(InvalidInput(_("Give the agreement a title."), field="title"))
    if values.get("signed_date_precision") in (None, ""):
        values.pop("signed_date_precision", None)
    elif values["signed_date_precision"] not in Precision.values:
        problems.append(InvalidInput(_("Unknown date precision."), field="signed_date_precision"))
    if values.get("signed_date") and values["signed_date"] > dt.date.today():
        problems.append(
            InvalidInput(_("A signing date cannot be in the future."), field="signed_date")
        )
    refuse_all(problems)
    return values


def agreement_problems(*, status: str, values: dict[str, Any]) -> list[InvalidInput]:
    """Every problem of an agreement's own values (its parties aside), each on its field, as
    the service refuses them: the form shows them beside its own field errors, so that one
    send tells everything."""
    try:
        every(
            [
                lambda: _clean_values(dict(values)),
                lambda: _known_status(status),
                lambda: _dated_if_signed(status, values.get("signed_date")),
            ]
        )
    except InvalidInput as refused:
        return refused.problems
    return []


def _known_status(status: str) -> None:
    if status not in S.values:
        raise InvalidInput(_("Unknown status."), field="status")


def _dated_if_signed(status: str, signed_date: dt.date | None) -> None:
    if status != S.DRAFT and signed_date is None:
        raise InvalidInput(_("A signed agreement has a signing date."), field="signed_date")


def _clean_projects(projects: list[Project | int]) -> list[int]:
    ids = sorted({p if isinstance(p, int) else p.pk for p in projects})
    known = set(ProjectModel.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [pk for pk in ids if pk not in known]
    if missing:
        raise InvalidInput(_("No project with the id %s.") % missing[0], field="projects")
    return ids


def _write_parties(agreement: Agreement, parties: list[dict[str, Any]]) -> None:
    agreement.parties.all().delete()
    for position, values in enumerate(parties, start=1):
        party = AgreementParty(agreement=agreement, position=position, **values)
        validate(party)
        party.save()


@transaction.atomic
def agreement_create(
    *,
    actor: Actor,
    title: str,
    parties: list[dict[str, Any]],
    slug: str = "",
    status: str = S.DRAFT,
    projects: list[Project | int] | None = None,
    **optional: Any,
) -> Agreement:
    """Record an agreement with its parties (two or more). Draft unless said otherwise."""
    _require_secretariat(actor)
    no_unknown_field(optional, EDITABLE_FIELDS)
    # every problem of what was sent at once (a form showed them one send at a time)
    checked: list[Any] = every(
        [
            lambda: _clean_values({"title": title, **optional}),
            lambda: _clean_parties(parties),
            lambda: _known_status(status),
            lambda: _dated_if_signed(status, optional.get("signed_date")),
        ]
    )
    values: dict[str, Any] = checked[0]
    cleaned_parties: list[dict[str, Any]] = checked[1]
    agreement = Agreement(status=status, **values)
    agreement.slug = (
        slugify(slug)
        if slug
        else free_slug(Agreement, slugify(title)[:110] or "agreement", reserved=RESERVED_SLUGS)
    )
    if not agreement.slug:
        raise InvalidInput(_("Give the agreement a slug."), field="slug")
    if agreement.slug in RESERVED_SLUGS or Agreement.objects.filter(slug=agreement.slug).exists():
        raise InvalidInput(_("An agreement with this slug exists."), field="slug")
    _signed_during_its_meeting(agreement)
    validate(agreement)
    agreement.save()
    _write_parties(agreement, cleaned_parties)
    if projects:
        agreement.projects.set(_clean_projects(projects))
    audit_and_announce(
        actor, "agreements.agreement.created", agreement, audit.diff({}, _snapshot(agreement))
    )
    return agreement


def _signed_during_its_meeting(agreement: Agreement) -> None:
    """An agreement signed at a meeting is signed on one of its days (when both dates are
    known to the day): a date before the meeting, or after it, is a typing error."""
    meeting, signed = agreement.meeting, agreement.signed_date
    if meeting is None or signed is None:
        return
    if not agreement.signed_date_precision == meeting.date_precision == Precision.DAY:
        return
    if not meeting.start_date <= signed <= meeting.last_day:
        raise InvalidInput(
            _(
                "It was signed at %(meeting)s, held %(dates)s: its signing date is one of the "
                "meeting's days. Leave the meeting out if it was signed elsewhere."
            )
            % {"meeting": meeting.title, "dates": meeting.dates_display},
            field="signed_date",
        )


@transaction.atomic
def agreement_update(
    *,
    actor: Actor,
    agreement: Agreement,
    version: int,
    parties: list[dict[str, Any]] | None = None,
    projects: list[Project | int] | None = None,
    **changes: Any,
) -> Agreement:
    """Edit an agreement's record; ``parties`` and ``projects``, when given, replace the
    lists. A stale ``version`` is a 409 and nothing is written."""
    agreement = require_and_lock(agreement_policy, actor, "change", agreement, version)
    no_unknown_field(changes, EDITABLE_FIELDS)
    before = _snapshot(agreement)
    checked: list[Any] = every(
        [
            lambda: _clean_values(dict(changes)),
            lambda: _clean_parties(parties) if parties is not None else None,
        ]
    )
    values: dict[str, Any] = checked[0]
    cleaned_parties: list[dict[str, Any]] | None = checked[1]
    for key, value in values.items():
        setattr(agreement, key, value)
    every(
        [
            lambda: _dated_if_signed(agreement.status, agreement.signed_date),
            lambda: _signed_during_its_meeting(agreement),
        ]
    )
    validate(agreement)
    if cleaned_parties is not None:
        _write_parties(agreement, cleaned_parties)
    if projects is not None:
        agreement.projects.set(_clean_projects(projects))
    changed = audit.diff(before, _snapshot(agreement))
    save_version(actor, "agreements.agreement.updated", agreement, changed)
    return agreement


@transaction.atomic
def agreement_transition(
    *, actor: Actor, agreement: Agreement, to: str, version: int, signed_date: dt.date | None = None
) -> Agreement:
    """Move an agreement along ``TRANSITIONS``; anything else is a 409 naming both states."""
    agreement = require_and_lock(agreement_policy, actor, "transition", agreement, version)
    if to not in S.values:
        raise InvalidInput(_("Unknown status."), field="status")
    if to not in TRANSITIONS[agreement.status]:
        raise IllegalTransition(
            _("An agreement cannot go from %(from)s to %(to)s.")
            % {"from": agreement.status, "to": to},
            field="status",
        )
    before = audit.snapshot(agreement, ["status", "signed_date"])
    if signed_date is not None:
        _clean_values({"signed_date": signed_date})
        agreement.signed_date = signed_date
    if to == S.SIGNED and agreement.signed_date is None:
        raise InvalidInput(_("Give the signing date."), field="signed_date")
    _signed_during_its_meeting(agreement)
    agreement.status = to
    save_version_since(
        actor, "agreements.agreement.transitioned", agreement, before, ["status", "signed_date"]
    )
    return agreement


@transaction.atomic
def agreement_attach_document(
    *, actor: Actor, agreement: Agreement, file: UploadedFile
) -> Agreement:
    """Attach the agreement's text: a PDF checked by content (not name), size capped."""
    if actor is not None:
        agreement_policy.require(actor, "upload", agreement)
    check_pdf(file)
    agreement = lock(agreement)
    agreement.document.save(f"agreement-{agreement.pk}.pdf", file, save=False)
    attached = {"document": {"after": file.size}}
    save_version(actor, "agreements.agreement.document_attached", agreement, attached)
    return agreement


@transaction.atomic
def agreement_upsert_seed(
    *, slug: str, values: dict[str, Any], parties: list[dict[str, Any]]
) -> tuple[Agreement, bool]:
    """The seed loader's write: create, or bring an existing record in line. Returns (obj, changed)."""
    existing = Agreement.objects.filter(slug=slug).first()
    values = {"visibility": Visibility.PUBLIC, **values}
    if existing is None:
        return agreement_create(actor=None, slug=slug, parties=parties, **values), True
    status = values.pop("status", existing.status)
    before = _snapshot(existing)
    current_parties = [{k: getattr(p, k) for k in PARTY_FIELDS} for p in existing.parties.all()]
    wanted = _clean_parties(parties)
    agreement = agreement_update(
        actor=None,
        agreement=existing,
        version=existing.version,
        parties=wanted if wanted != current_parties else None,
        **values,
    )
    if agreement.status != status:
        agreement.status = status
        validate(agreement)
        save_version(None, "agreements.agreement.updated", agreement, {"status": {"after": status}})
    return agreement, _snapshot(agreement) != before
