"""The deal pipeline (SPEC C5): engagements between one project and one organisation.

Who sees a deal: ``deals.permissions``; reads: ``deals.queries``.

``ENGAGEMENT_TRANSITIONS`` is the one table of where a deal may go next. A deal reaching
``committed`` carries its commitment (amount, currency, instrument), recorded by the
partner (its members, or the Secretariat for it). It does not count yet: it waits for the
city's confirmation (``engagement_confirm``: a Chief Smart City Officer of the project's
city or the National Representative of its member state). Only once confirmed does the
project's ``funding_secured`` grow by the amount, in the same transaction, under a lock on
the project. A commitment the city declines to confirm (with its reason) sends the deal back
to ``term_sheet`` with the commitment cleared — the history keeps it — and the partner may
commit again with corrected terms. A deal is closed only once its commitment is confirmed.

The commitment must be in the project's budget currency: funding secured is "in the
budget's currency" and a commitment is a contractual sum, so it is never converted at a
day's exchange rate (which would make the secured amount drift). A confirmed commitment
that is declined after all gives its amount back; an unconfirmed one had given nothing.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ascn.accounts.notifications import members_of, notify
from ascn.core import audit, formats
from ascn.core.errors import (
    DomainError,
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from ascn.core.services import (
    audit_and_announce,
    lock,
    lock_version,
    require_and_lock,
    save_fields,
    user_or_none,
)
from ascn.deals.models import (
    Confirmation,
    Engagement,
    EngagementEvent,
    EngagementSide,
    EngagementStage,
    EventKind,
)
from ascn.deals.permissions import engagement_policy, engagement_side_of
from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy
from ascn.plans.models import FinancingInstrument, Project
from ascn.plans.permissions import project_policy

if TYPE_CHECKING:
    from ascn.core.types import Actor, User

Stage = EngagementStage


# stage → the stages a deal may move to from there. Anything else is refused (409).
ENGAGEMENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.INTEREST: (Stage.DISCUSSION, Stage.DECLINED),
    Stage.DISCUSSION: (Stage.DUE_DILIGENCE, Stage.DECLINED),
    Stage.DUE_DILIGENCE: (Stage.TERM_SHEET, Stage.DECLINED),
    Stage.TERM_SHEET: (Stage.COMMITTED, Stage.DECLINED),
    Stage.COMMITTED: (Stage.CLOSED, Stage.DECLINED),
    Stage.CLOSED: (),
    Stage.DECLINED: (),
}


OPEN_STAGES = [stage for stage, moves in ENGAGEMENT_TRANSITIONS.items() if moves]


class DuplicateEngagement(DomainError):
    """The project and the organisation are already in the pipeline together."""

    status = 409

    def __init__(self, existing: Engagement):
        super().__init__(
            _("This project and this organisation are already in the pipeline: %(url)s")
            % {"url": existing.get_absolute_url()}
        )
        self.existing = existing


def next_stages(engagement: Engagement) -> tuple[str, ...]:
    return ENGAGEMENT_TRANSITIONS[engagement.stage]


def _audit_values(engagement: Engagement) -> dict[str, Any]:
    return audit.snapshot(
        engagement,
        [
            "stage",
            "commitment_amount",
            "commitment_currency",
            "commitment_instrument",
            "commitment_confirmation",
            "commitment_confirmed_by",
            "commitment_confirmed_at",
        ],
    )


@transaction.atomic
def engagement_create(
    *,
    actor: Actor,
    project: Project,
    organisation: Organisation,
    message: str = "",
    side: str | None = None,
    sample: bool = False,
) -> Engagement:
    """Express interest: a partner member in a project, or a CSCO in an organisation.

    ``actor=None`` is the system (demo data), which must name the ``side``. A pair already
    in the pipeline is a 409 whose message links the existing deal.

    Real and sample records never mix: a sample project deals only with a sample
    organisation and a real one only with a real one (422 otherwise), and a deal on a sample
    project is itself a sample, whoever starts it.
    """
    if actor is None:
        if side not in EngagementSide.values:
            raise InvalidInput(_("Say which side expresses the interest."), field="side")
    else:
        allowed = engagement_side_of(actor, project=project, organisation=organisation)
        if allowed is None or (side is not None and side != allowed):
            if not project_policy.is_visible(actor, project):
                raise NotFound(_("Project not found."))
            if not organisation_policy.is_visible(actor, organisation):
                raise NotFound(_("Organisation not found."))
            raise PermissionDenied(
                _(
                    "Only the organisation's members or the city's Chief Smart City Officers "
                    "express interest in a deal between them."
                )
            )
        side = allowed
    if project.sample != organisation.sample:
        raise InvalidInput(
            _(
                "Sample data and real records never mix: a sample project deals only with "
                "sample organisations, and a real project only with real ones."
            ),
            field="organisation",
        )
    sample = sample or project.sample
    message = (message or "").strip()
    if len(message) > 5000:
        raise InvalidInput(_("Keep the message under 5,000 characters."), field="message")
    existing = Engagement.objects.filter(project=project, organisation=organisation).first()
    if existing is not None:
        raise DuplicateEngagement(existing)
    user = user_or_none(actor)
    engagement = Engagement(
        project=project,
        organisation=organisation,
        stage=Stage.INTEREST,
        initiated_by=side,
        message=message,
        created_by=user,
        sample=sample,
    )
    try:
        with transaction.atomic():
            engagement.save()
    except IntegrityError as exc:  # two people expressed interest at the same moment
        raise DuplicateEngagement(
            Engagement.objects.get(project=project, organisation=organisation)
        ) from exc
    EngagementEvent.objects.create(
        engagement=engagement, actor=user, from_stage="", to_stage=Stage.INTEREST, note=message
    )
    audit_and_announce(
        actor,
        "partners.engagement.created",
        engagement,
        audit.diff(
            {},
            {
                "project": project.pk,
                "organisation": organisation.pk,
                "stage": Stage.INTEREST,
                "initiated_by": side,
            },
        ),
    )
    other_side = (
        members_of(city_id=project.city_id)
        if side == EngagementSide.PARTNER
        else members_of(organisation_id=organisation.pk)
    )
    notify(
        users=[u for u in other_side if u != user],
        kind="engagement.interest",
        title=lambda: (
            _("New interest: %(organisation)s in “%(project)s”")
            % {"organisation": organisation.name, "project": project.title}
        ),
        body=message,
        url=engagement.get_absolute_url(),
    )
    return engagement


def _clean_commitment(
    project: Project, amount: Any, currency: str | None, instrument: str | None
) -> tuple[Decimal, str, str]:
    if amount in (None, ""):
        raise InvalidInput(_("A commitment needs its amount."), field="commitment_amount")
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("Not a number."), field="commitment_amount") from exc
    if not value.is_finite() or value <= 0:
        raise InvalidInput(_("The amount must be more than zero."), field="commitment_amount")
    if value != value.quantize(Decimal("0.01")) or value >= Decimal("1e16"):
        raise InvalidInput(_("Give the amount in cents at most."), field="commitment_amount")
    if not project.budget_currency:  # a real project whose sources publish no budget
        raise InvalidInput(
            _(
                "The project publishes no budget, so a commitment has no currency to be "
                "counted in: its city records the budget first."
            ),
            field="commitment_currency",
        )
    if not currency:
        raise InvalidInput(_("A commitment needs its currency."), field="commitment_currency")
    if currency != project.budget_currency:
        raise InvalidInput(
            _("Commit in the project's budget currency (%(currency)s).")
            % {"currency": project.budget_currency},
            field="commitment_currency",
        )
    if instrument not in FinancingInstrument.values:
        raise InvalidInput(
            _("Choose the financing instrument of the commitment."),
            field="commitment_instrument",
        )
    return value, currency, instrument


def _change_funding_secured(
    *, actor: Actor, project: Project, delta: Decimal, reason: str
) -> Project:
    """Add ``delta`` to the project's funding secured under a row lock, bumping its version."""
    project = lock(project)
    before = project.funding_secured
    after = before + delta
    if project.budget_amount is not None and after > project.budget_amount:
        raise InvalidInput(
            _("The commitment exceeds the project's funding gap (%(gap)s still to find).")
            % {"gap": formats.money(project.funding_gap, project.budget_currency)},
            field="commitment_amount",
        )
    # A commitment given back never takes the project below zero (the officers may have
    # restated the secured amount by hand in the meantime).
    after = max(after, Decimal("0"))
    return save_fields(actor, f"plans.project.{reason}", project, funding_secured=after)


@transaction.atomic
def engagement_advance(
    *,
    actor: Actor,
    engagement: Engagement,
    stage: str,
    version: int,
    note: str = "",
    commitment_amount: Any = None,
    commitment_currency: str | None = None,
    commitment_instrument: str | None = None,
) -> Engagement:
    """Move a deal to ``stage``. A stale ``version`` is a 409, an illegal move a 409."""
    engagement_policy.require(actor, "advance", engagement)
    if stage not in ENGAGEMENT_TRANSITIONS:
        raise InvalidInput(_("Unknown stage."), field="stage")
    engagement = lock_version(engagement, version)
    allowed = ENGAGEMENT_TRANSITIONS[engagement.stage]
    if stage not in allowed:
        current = Stage(engagement.stage).label
        if allowed:
            raise IllegalTransition(
                _("A deal at “%(current)s” cannot move to “%(target)s”; next: %(next)s.")
                % {
                    "current": current,
                    "target": Stage(stage).label,
                    "next": _(" or ").join(str(Stage(s).label) for s in allowed),
                }
            )
        raise IllegalTransition(
            _("A deal at “%(current)s” is finished and moves no further.") % {"current": current}
        )
    gives_commitment = any(
        value not in (None, "") for value in (commitment_amount, commitment_instrument)
    )
    if gives_commitment and stage != Stage.COMMITTED:
        raise InvalidInput(
            _("A commitment is recorded only when the deal moves to “Committed”."),
            field="commitment_amount",
        )
    if stage == Stage.COMMITTED and not engagement_policy.can(actor, "commit", engagement):
        raise PermissionDenied(
            _(
                "The partner records its commitment (its members, or the Secretariat for "
                "it); the city then confirms it."
            )
        )
    if stage == Stage.CLOSED and engagement.commitment_confirmation == Confirmation.PENDING:
        raise IllegalTransition(
            _("The city has not yet confirmed the commitment: the deal closes once it has.")
        )
    note = (note or "").strip()
    if len(note) > 5000:
        raise InvalidInput(_("Keep the note under 5,000 characters."), field="note")
    before = _audit_values(engagement)
    from_stage = engagement.stage
    project = engagement.project
    if stage == Stage.COMMITTED:
        amount, currency, instrument = _clean_commitment(
            project, commitment_amount, commitment_currency, commitment_instrument
        )
        if amount > project.funding_gap:  # checked again, under the lock, on confirmation
            raise InvalidInput(
                _("The commitment exceeds the project's funding gap (%(gap)s still to find).")
                % {"gap": formats.money(project.funding_gap, project.budget_currency)},
                field="commitment_amount",
            )
        engagement.commitment_amount = amount
        engagement.commitment_currency = currency
        engagement.commitment_instrument = instrument
        engagement.commitment_confirmation = Confirmation.PENDING
    elif (
        from_stage == Stage.COMMITTED
        and stage == Stage.DECLINED
        and engagement.commitment_confirmation == Confirmation.CONFIRMED
    ):
        project = _change_funding_secured(
            actor=actor,
            project=project,
            delta=-(engagement.commitment_amount or Decimal("0")),
            reason="funding_withdrawn",
        )
    engagement.project = project
    engagement.stage = stage
    engagement.version += 1
    engagement.save()
    user = user_or_none(actor)
    EngagementEvent.objects.create(
        engagement=engagement,
        actor=user,
        from_stage=from_stage,
        to_stage=stage,
        note=note,
        commitment_amount=engagement.commitment_amount if stage == Stage.COMMITTED else None,
        commitment_currency=engagement.commitment_currency if stage == Stage.COMMITTED else "",
    )
    changes = audit.diff(before, _audit_values(engagement))
    if note:
        changes["note"] = {"before": None, "after": note}
    audit_and_announce(actor, "partners.engagement.advanced", engagement, changes)
    _notify_parties(engagement, from_stage, note, actor=user)
    return engagement


def _notify_parties(
    engagement: Engagement, from_stage: str, note: str, *, actor: User | None
) -> None:
    """Both sides hear of every step; a commitment is announced as such."""
    project, organisation = engagement.project, engagement.organisation
    people = members_of(city_id=project.city_id) + members_of(organisation_id=organisation.pk)
    # The title is written in each reader's language (notify calls it under it): the stages'
    # names and the amount's figures too.
    if engagement.stage == Stage.COMMITTED:
        # The city's people are asked to confirm (their own kind of notice); the partner's
        # other members hear of the commitment.
        _ask_for_confirmation(engagement, actor=actor)
        people = members_of(organisation_id=organisation.pk)
        kind = "engagement.committed"

        def title() -> str:
            return _committed_title(engagement)
    else:
        kind = "engagement.stage_changed"

        def title() -> str:
            return _("“%(project)s” × %(organisation)s: %(from)s → %(to)s") % {
                "project": project.title,
                "organisation": organisation.name,
                "from": Stage(from_stage).label,
                "to": Stage(engagement.stage).label,
            }

    notify(
        users=[u for u in people if u != actor],
        kind=kind,
        title=title,
        body=note,
        url=engagement.get_absolute_url(),
    )


def _city_people(project: Project) -> list[User]:
    """Who answers for the project's city: its CSCOs and its member state's representatives."""
    return members_of(city_id=project.city_id) + members_of(
        member_state_id=project.city.member_state_id
    )


def _committed_title(engagement: Engagement) -> str:
    return _("%(organisation)s committed %(amount)s to “%(project)s”") % {
        "organisation": engagement.organisation.name,
        "amount": formats.money(engagement.commitment_amount, engagement.commitment_currency),
        "project": engagement.project.title,
    }


def _ask_for_confirmation(engagement: Engagement, *, actor: User | None) -> None:
    notify(
        users=[u for u in _city_people(engagement.project) if u != actor],
        kind="engagement.confirmation_requested",
        title=lambda: _committed_title(engagement),
        body=lambda: _(
            "It counts in the project's funding secured once the city confirms it. Confirm "
            "it, or decline with the reason, on the deal's page."
        ),
        url=engagement.get_absolute_url(),
    )


@transaction.atomic
def engagement_confirm(
    *,
    actor: Actor,
    engagement: Engagement,
    version: int,
    confirm: bool,
    reason: str = "",
) -> Engagement:
    """The city answers the partner's commitment (a CSCO of the project's city or the
    National Representative of its member state; ``actor=None`` is the system, for the demo's
    sample deals).

    Confirmed: the amount joins the project's funding secured (refused with a 422 if it no
    longer fits the funding gap). Declined: ``reason`` is required, the deal goes back to
    ``term_sheet`` with its commitment cleared, and the history keeps the amount declined.
    A deal whose commitment is not waiting is a 409, a stale ``version`` too.
    """
    engagement = require_and_lock(engagement_policy, actor, "confirm", engagement, version)
    if engagement.commitment_confirmation != Confirmation.PENDING:
        raise IllegalTransition(_("No commitment on this deal is waiting for confirmation."))
    reason = (reason or "").strip()
    if len(reason) > 5000:
        raise InvalidInput(_("Keep the reason under 5,000 characters."), field="reason")
    if not confirm and not reason:
        raise InvalidInput(
            _("Say why the city does not confirm the commitment: the partner reads it."),
            field="reason",
        )
    before = _audit_values(engagement)
    amount = engagement.commitment_amount or Decimal("0")
    currency = engagement.commitment_currency
    user = user_or_none(actor)
    if confirm:
        engagement.project = _change_funding_secured(
            actor=actor, project=engagement.project, delta=amount, reason="funding_committed"
        )
        engagement.commitment_confirmation = Confirmation.CONFIRMED
        engagement.commitment_confirmed_by = user
        engagement.commitment_confirmed_at = timezone.now()
        from_stage = to_stage = Stage.COMMITTED
    else:
        engagement.commitment_amount = None
        engagement.commitment_currency = ""
        engagement.commitment_instrument = ""
        engagement.commitment_confirmation = ""
        engagement.stage = Stage.TERM_SHEET
        from_stage, to_stage = Stage.COMMITTED, Stage.TERM_SHEET
    engagement.version += 1
    engagement.save()
    EngagementEvent.objects.create(
        engagement=engagement,
        actor=user,
        kind=EventKind.CONFIRMED if confirm else EventKind.NOT_CONFIRMED,
        from_stage=from_stage,
        to_stage=to_stage,
        note=reason,
        commitment_amount=amount,
        commitment_currency=currency,
    )
    changes = audit.diff(before, _audit_values(engagement))
    if reason:
        changes["reason"] = {"before": None, "after": reason}
    audit_and_announce(
        actor,
        "partners.engagement.confirmed" if confirm else "partners.engagement.not_confirmed",
        engagement,
        changes,
    )
    _notify_answer(engagement, confirm, amount, currency, reason, actor=user)
    return engagement


def _notify_answer(
    engagement: Engagement,
    confirmed: bool,
    amount: Decimal,
    currency: str,
    reason: str,
    *,
    actor: User | None,
) -> None:
    """The partner's members (and the city's other people) hear the city's answer."""
    project, organisation = engagement.project, engagement.organisation
    words = {
        "organisation": organisation.name,
        "project": project.title,
    }

    def title() -> str:
        values = {**words, "amount": formats.money(amount, currency)}
        if confirmed:
            return (
                _("The city confirmed %(organisation)s's commitment of %(amount)s to “%(project)s”")
                % values
            )
        return (
            _(
                "The city did not confirm %(organisation)s's commitment of %(amount)s to "
                "“%(project)s”; the deal is back at the term sheet"
            )
            % values
        )

    people = members_of(organisation_id=organisation.pk) + _city_people(project)
    notify(
        users=[u for u in people if u != actor],
        kind="engagement.confirmed" if confirmed else "engagement.not_confirmed",
        title=title,
        body=reason,
        url=engagement.get_absolute_url(),
    )
