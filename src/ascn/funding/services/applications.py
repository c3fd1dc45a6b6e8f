"""Writes to applications, awards and disbursements of the funding programmes.

Each checks permission, validates, writes and audits. ``APPLICATION_TRANSITIONS`` is the one
table of what an application may do next and who may do it. Money moves under row locks, in
one order everywhere (programme, then application or award), so that the programme's
``awarded_amount`` and ``disbursed_amount`` are always the sums of its awards and
disbursements: the balance (``total − awarded``) is always right. The database's check
constraints are the last line of defence; if one ever fires, it is a 409, never a 500.

The rules each write checks are in ``funding.validation``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ascn.accounts.notifications import members_of, notify
from ascn.core import audit, events, formats
from ascn.core.errors import (
    DomainError,
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StaleEdit,
)
from ascn.core.permissions import CSO, PARTNER_MEMBER, SECRETARIAT, scopes_of
from ascn.core.services import (
    audit_and_announce,
    lock,
    user_or_none,
    validate,
)
from ascn.funding.models import Application, ApplicationStatus, Award, Call, Disbursement, Programme
from ascn.funding.permissions import application_policy, programme_policy
from ascn.funding.validation import (
    call_is_open,
    check_max_award,
    check_within_gap,
    parse_amount,
    require_eligible,
)
from ascn.plans.models import Project
from ascn.plans.permissions import project_policy

if TYPE_CHECKING:
    from ascn.core.types import Actor


S = ApplicationStatus


CITY = "city"  # a CSCO of the project's city


MANAGER = "manager"  # a member of the sponsor or implementer, or the Secretariat


# (status, action) → (next status, who may take it). Anything else is refused (409).
APPLICATION_TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (S.DRAFT, "submit"): (S.SUBMITTED, CITY),
    (S.SUBMITTED, "shortlist"): (S.SHORTLISTED, MANAGER),
    (S.SUBMITTED, "decline"): (S.DECLINED, MANAGER),
    (S.SHORTLISTED, "decline"): (S.DECLINED, MANAGER),
    (S.SHORTLISTED, "award"): (S.AWARDED, MANAGER),  # only through application_award
}


ACTIONS = sorted({action for _status, action in APPLICATION_TRANSITIONS})


AUDIT_VERBS = {
    "submit": "submitted",
    "shortlist": "shortlisted",
    "decline": "declined",
    "award": "awarded",
}


class MoneyConflict(DomainError):
    """A write the money rules of the database refused (a race the locks did not see)."""

    status = 409


class PaidMeanwhile(InvalidInput):
    """A payment sent on a stale reading of the award's total paid (409; a form shows it
    above its fields, the total paid now in its place)."""

    status = 409


@transaction.atomic
def application_create(
    *,
    actor: Actor,
    call: Call,
    project: Project,
    amount_requested: Any,
    currency: str | None = None,
    statement: str = "",
    sample: bool = False,
) -> Application:
    """A draft application of a city's project to a call, by a CSCO of that city."""
    if not project_policy.is_visible(actor, project):
        raise NotFound(_("Project not found."))
    if project.city_id not in scopes_of(actor).city_ids:
        raise PermissionDenied(_("Only the project's city applies with it."))
    programme = call.programme
    if not programme_policy.is_visible(actor, programme):
        raise NotFound(_("Funding programme not found."))
    if currency is not None and currency != programme.currency:
        raise InvalidInput(
            _("Ask in the programme's currency (%(c)s).") % {"c": programme.currency},
            field="currency",
        )
    amount = parse_amount(amount_requested, "amount_requested")
    check_max_award(programme, amount)
    if call.closes_on < timezone.localdate():
        raise InvalidInput(_("This call is closed."), field="call")
    require_eligible(programme, project)
    if project.sample != programme.sample:
        raise InvalidInput(
            _(
                "Sample data and real records never mix: a sample project applies only to "
                "sample programmes, and a real project only to real ones."
            ),
            field="project",
        )
    sample = sample or project.sample
    if Application.objects.filter(call=call, project=project).exists():
        raise InvalidInput(_("This project has already applied to this call."), field="project")
    check_within_gap(programme, project, amount)
    application = Application(
        call=call,
        project=project,
        amount_requested=amount,
        statement=(statement or "").strip(),
        created_by=user_or_none(actor),
        sample=sample,
    )
    validate(application)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # the same project applied in a parallel request
        raise InvalidInput(
            _("This project has already applied to this call."), field="project"
        ) from exc
    audit_and_announce(
        actor,
        "partners.application.created",
        application,
        audit.diff(
            {},
            {"call": call.pk, "project": project.pk, "amount_requested": amount},
        ),
    )
    return application


def allowed_actions(user: Actor, application: Application) -> list[str]:
    """The transitions ``user`` may take on ``application`` now (for pages and the API)."""
    out = []
    for (status, action), (_next, who) in APPLICATION_TRANSITIONS.items():
        if status == application.status and _may(user, who, application):
            out.append(action)
    return out


def _may(user: Actor, who: str, application: Application) -> bool:
    scopes = scopes_of(user)
    roles = application_policy.roles_over(scopes, application)
    if who == CITY:
        return CSO in roles
    return bool(roles & {PARTNER_MEMBER, SECRETARIAT})


def _locked_application(
    actor: Actor, application: Application, version: int, action: str
) -> tuple[Programme, Application, str]:
    """Lock the programme, then the application; check sight, version and the table."""
    if not application_policy.is_visible(actor, application):
        raise NotFound(_("Application not found."))
    programme_id = Call.objects.filter(pk=application.call_id).values_list(
        "programme_id", flat=True
    )[0]
    programme = Programme.objects.select_for_update().get(pk=programme_id)
    application = (
        Application.objects.select_for_update()
        .select_related("call__programme", "project__city__member_state")
        .get(pk=application.pk)
    )
    step = APPLICATION_TRANSITIONS.get((application.status, action))
    who = step[1] if step else (CITY if action == "submit" else MANAGER)
    if not _may(actor, who, application):
        raise PermissionDenied(
            _("Only the project's city submits; the programme's managers decide.")
            if who == MANAGER
            else _("Only the project's city submits its application.")
        )
    if application.version != version:
        raise StaleEdit(application, version)
    if step is None:
        raise IllegalTransition(
            _("A %(status)s application cannot be %(action)s.")
            % {"status": application.get_status_display().lower(), "action": _past(action)},
            field="status",
        )
    return programme, application, step[0]


@transaction.atomic
def application_delete(*, actor: Actor, application: Application, version: int) -> None:
    """The applying city deletes its draft — a wrong amount, the wrong project or call —
    which frees the project to apply to that call again. Only a draft: one sent to the
    programme stays, with the managers' decision. A stale ``version`` is a 409."""
    if not application_policy.is_visible(actor, application):
        raise NotFound(_("Application not found."))
    application = lock(application)
    if not _may(actor, CITY, application):
        raise PermissionDenied(_("Only the project's city deletes its draft application."))
    if application.version != version:
        raise StaleEdit(application, version)
    if application.status != S.DRAFT:
        raise IllegalTransition(
            _("Only a draft application can be deleted: a submitted one stays with the programme."),
            field="status",
        )
    audit.record(
        actor,
        "partners.application.deleted",
        application,
        audit.diff(audit.snapshot(application, ["call", "project", "amount_requested"]), {}),
    )
    with events.deleting(application):
        application.delete()


def _past(action: str) -> str:
    return {
        "submit": _("submitted"),
        "shortlist": _("shortlisted"),
        "decline": _("declined"),
        "award": _("awarded"),
    }.get(action, action)


@transaction.atomic
def application_transition(
    *, actor: Actor, application: Application, action: str, version: int
) -> Application:
    """Submit, shortlist or decline (awards go through ``application_award``)."""
    if action == "award":
        raise InvalidInput(_("Award with an amount."), field="amount")
    if action not in ACTIONS:
        raise InvalidInput(_("Unknown action: %(a)s") % {"a": action}, field="action")
    programme, application, target = _locked_application(actor, application, version, action)
    if action == "submit":
        if not call_is_open(application.call):
            raise InvalidInput(
                _("The call is not open for applications today (%(o)s – %(c)s).")
                % {
                    "o": formats.day(application.call.opens_on),
                    "c": formats.day(application.call.closes_on),
                },
                field="call",
            )
        require_eligible(programme, application.project)
        check_max_award(programme, application.amount_requested)
        application.submitted_at = timezone.now()
    before = application.status
    application.status = target
    application.version += 1
    application.save()
    audit_and_announce(
        actor,
        f"partners.application.{AUDIT_VERBS[action]}",
        application,
        audit.diff({"status": before}, {"status": target}),
    )
    if action in ("shortlist", "decline"):
        _notify_applicants(actor, programme, application, action)
    elif action == "submit":
        _notify_managers(actor, programme, application)
    return application


def _notify_managers(actor: Actor, programme: Programme, application: Application) -> None:
    """Tell the programme's managers (the members of its sponsor and implementer) that a
    city submitted an application to it, in each reader's language."""
    project = application.project
    people = {
        user
        for organisation_id in {programme.sponsor_id, programme.implementer_id} - {None}
        for user in members_of(organisation_id=organisation_id)
    }

    def title() -> str:
        return _("New application: “%(project)s” to %(programme)s") % {
            "project": project.title,
            "programme": programme.name,
        }

    def body() -> str:
        return _("%(city)s applies for %(amount)s; it waits for your decision.") % {
            "city": project.city.name,
            "amount": formats.money(application.amount_requested, programme.currency),
        }

    notify(
        users=[user for user in people if user != actor],
        kind="application.submitted",
        title=title,
        body=body,
        url=f"{programme.get_absolute_url()}#applications",
    )


def _notify_applicants(
    actor: Actor, programme: Programme, application: Application, action: str, amount: Any = None
) -> None:
    """Tell the applying city (its CSCOs, and whoever made the application) that the
    application was shortlisted, awarded or declined; in each reader's language."""
    project = application.project
    people = [*members_of(city_id=project.city_id), application.created_by]
    kind = {
        "shortlist": "application.shortlisted",
        "award": "application.awarded",
        "decline": "application.declined",
    }[action]

    def title() -> str:
        return _("Application %(status)s: “%(project)s” to %(programme)s") % {
            "status": _past(action),
            "project": project.title,
            "programme": programme.name,
        }

    def body() -> str:
        if amount is not None:
            return _("%(programme)s awarded %(amount)s to “%(project)s”.") % {
                "programme": programme.name,
                "amount": formats.money(amount, programme.currency),
                "project": project.title,
            }
        return _("The application of “%(project)s” to %(programme)s was %(status)s.") % {
            "project": project.title,
            "programme": programme.name,
            "status": _past(action),
        }

    notify(
        users=[user for user in people if user is not None and user != actor],
        kind=kind,
        title=title,
        body=body,
        url=f"{programme.get_absolute_url()}#applications",
    )


def application_award(
    *,
    actor: Actor,
    application: Application,
    amount: Any,
    version: int,
    awarded_on: dt.date | None = None,
) -> Award:
    """Award a shortlisted application: at most the programme's balance and largest award.

    The programme row is locked for the check and the update, so parallel awards are
    serialised; the database constraint (awarded ≤ total) stands behind it.
    """
    try:
        return _award(
            actor=actor,
            application=application,
            amount=amount,
            version=version,
            awarded_on=awarded_on,
        )
    except IntegrityError as exc:
        raise MoneyConflict(
            _("The programme cannot award this amount: its balance changed. Reload and retry.")
        ) from exc


@transaction.atomic
def _award(
    *,
    actor: Actor,
    application: Application,
    amount: Any,
    version: int,
    awarded_on: dt.date | None,
) -> Award:
    amount = parse_amount(amount, "amount")
    programme, application, target = _locked_application(actor, application, version, "award")
    check_max_award(programme, amount, field="amount")
    if amount > application.amount_requested:
        raise InvalidInput(
            _("An award cannot be more than the %(amount)s the city asked for.")
            % {"amount": formats.money(application.amount_requested, programme.currency)},
            field="amount",
        )
    if amount > programme.balance:
        raise InvalidInput(
            _("Only %(amount)s remain in the programme.")
            % {"amount": formats.money(programme.balance, programme.currency)},
            field="amount",
        )
    awarded_on = awarded_on or timezone.localdate()
    if awarded_on > timezone.localdate():
        raise InvalidInput(_("An award cannot be dated in the future."), field="awarded_on")
    submitted = application.submitted_at and timezone.localdate(application.submitted_at)
    if submitted and awarded_on < submitted:
        raise InvalidInput(
            _("An award cannot come before the application was submitted (%(day)s).")
            % {"day": formats.day(submitted)},
            field="awarded_on",
        )
    award = Award(
        application=application, programme=programme, amount=amount, awarded_on=awarded_on
    )
    validate(award)
    award.save()
    before = {"awarded_amount": programme.awarded_amount}
    programme.awarded_amount += amount
    programme.save(update_fields=["awarded_amount", "updated_at"])
    application.status = target
    application.version += 1
    application.save(update_fields=["status", "version", "updated_at"])
    audit_and_announce(
        actor,
        "partners.application.awarded",
        application,
        audit.diff({"status": S.SHORTLISTED}, {"status": target, "amount": amount}),
    )
    audit_and_announce(
        actor,
        "partners.programme.awarded",
        programme,
        audit.diff(before, {"awarded_amount": programme.awarded_amount}),
    )
    _notify_applicants(actor, programme, application, "award", amount)
    return award


def disbursement_create(
    *,
    actor: Actor,
    award: Award,
    amount: Any,
    paid_on: dt.date | None = None,
    reference: str = "",
    disbursed: Any = None,
) -> Disbursement:
    """Pay part of an award: never more than what remains of it. ``disbursed``: the award's
    total paid as the recorder read it; a payment recorded since is a 409 (a form sent twice,
    two managers at once), not a second payment. A payment's ``reference`` is recorded once
    an award."""
    try:
        return _disburse(
            actor=actor,
            award=award,
            amount=amount,
            paid_on=paid_on,
            reference=reference,
            disbursed=disbursed,
        )
    except IntegrityError as exc:
        raise MoneyConflict(
            _("The award cannot pay out this amount: it changed. Reload and retry.")
        ) from exc


def require_payment_recorder(actor: Actor, programme: Programme) -> None:
    """Only the programme's managers record its disbursements (403 for anyone else)."""
    if not programme_policy.can(actor, "manage", programme):
        raise PermissionDenied(_("Only the programme's managers record disbursements."))


@transaction.atomic
def _disburse(
    *,
    actor: Actor,
    award: Award,
    amount: Any,
    paid_on: dt.date | None,
    reference: str,
    disbursed: Any,
) -> Disbursement:
    application = Application.objects.select_related("call__programme").get(pk=award.application_id)
    if not application_policy.is_visible(actor, application):
        raise NotFound(_("Award not found."))
    require_payment_recorder(actor, application.call.programme)
    amount = parse_amount(amount, "amount")
    programme = Programme.objects.select_for_update().get(pk=award.programme_id)
    award = lock(award)
    if disbursed not in (None, "") and parse_amount(disbursed, "disbursed", positive=False) != (
        award.disbursed_amount
    ):
        raise PaidMeanwhile(
            _(
                "A payment of this award was recorded since you read it: %(paid)s are paid "
                "now. Nothing is recorded; check the payments, then record yours if it is "
                "still due."
            )
            % {"paid": formats.money(award.disbursed_amount, programme.currency)}
        )
    reference = (reference or "").strip()
    same = award.disbursements.filter(reference=reference).first() if reference else None
    if same is not None:
        raise InvalidInput(
            _("The payment %(reference)s of %(day)s is recorded already.")
            % {"reference": formats.quoted(reference), "day": formats.day(same.paid_on)},
            field="reference",
        )
    remaining = award.amount - award.disbursed_amount
    if amount > remaining:
        raise InvalidInput(
            _("Only %(amount)s of the award remain to be paid.")
            % {"amount": formats.money(remaining, programme.currency)},
            field="amount",
        )
    paid_on = paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise InvalidInput(_("A payment cannot be dated in the future."), field="paid_on")
    if paid_on < award.awarded_on:
        raise InvalidInput(_("A payment cannot come before the award."), field="paid_on")
    disbursement = Disbursement(award=award, amount=amount, paid_on=paid_on, reference=reference)
    validate(disbursement)
    disbursement.save()
    award.disbursed_amount += amount
    award.save(update_fields=["disbursed_amount", "updated_at"])
    programme.disbursed_amount += amount
    programme.save(update_fields=["disbursed_amount", "updated_at"])
    audit_and_announce(
        actor,
        "partners.award.disbursed",
        award,
        audit.diff(
            {"disbursed_amount": award.disbursed_amount - amount},
            {"disbursed_amount": award.disbursed_amount, "paid_on": paid_on},
        ),
    )
    return disbursement
