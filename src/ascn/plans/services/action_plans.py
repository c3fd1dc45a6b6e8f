"""Writes to action plans. Each checks permission, validates, writes and audits.

State machines are explicit: ``PLAN_TRANSITIONS`` is the one table of what a plan may do next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from ascn.accounts.models import Membership, Role
from ascn.accounts.notifications import notify
from ascn.core import audit
from ascn.core.documents import check_pdf
from ascn.core.errors import IllegalTransition, PermissionDenied
from ascn.core.services import (
    audit_and_announce,
    lock_version,
    user_or_none,
    validate,
)
from ascn.core.visibility import Visibility
from ascn.network.models import City, FocusArea, Outcome
from ascn.plans import validation
from ascn.plans.models import (
    ActionPlan,
    PlanStatus,
    PlanVersion,
)
from ascn.plans.permissions import plan_policy

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from ascn.core.types import Actor, User

# (status, action) → next status. Anything else is an illegal transition (409).
PLAN_TRANSITIONS: dict[tuple[str, str], str] = {
    (PlanStatus.DRAFT, "submit"): PlanStatus.SUBMITTED,
    (PlanStatus.RETURNED, "submit"): PlanStatus.SUBMITTED,
    (PlanStatus.SUBMITTED, "endorse"): PlanStatus.ENDORSED,
    (PlanStatus.SUBMITTED, "return"): PlanStatus.RETURNED,
    # The city takes back what it sent while nobody has acted on it (a submitted plan has been
    # neither endorsed nor returned): to fix a typo, then submit again.
    (PlanStatus.SUBMITTED, "withdraw"): PlanStatus.DRAFT,
    (PlanStatus.ENDORSED, "publish"): PlanStatus.PUBLISHED,
}
EDITABLE_PLAN_STATUSES = {PlanStatus.DRAFT, PlanStatus.RETURNED}


# "A draft plan", "An endorsed plan" …: the subject of the messages of a refused step. Keyed
# by the statuses' values (``PlanStatus`` is a ``str``): looked up with a plan's ``status``.
A_PLAN_IN: dict[str, StrPromise] = {
    PlanStatus.DRAFT: gettext_lazy("A draft plan"),
    PlanStatus.SUBMITTED: gettext_lazy("A submitted plan"),
    PlanStatus.RETURNED: gettext_lazy("A returned plan"),
    PlanStatus.ENDORSED: gettext_lazy("An endorsed plan"),
    PlanStatus.PUBLISHED: gettext_lazy("A published plan"),
}


PLAN_FIELDS = ["title", "period_start", "period_end", "vision", "sections"]


def plan_snapshot(plan: ActionPlan) -> dict[str, Any]:
    """What a plan says, as kept in its versions and compared on screen."""
    snap = audit.snapshot(plan, PLAN_FIELDS)
    snap["outcomes"] = sorted(plan.outcomes.values_list("code", flat=True))
    snap["focus_areas"] = sorted(plan.focus_areas.values_list("code", flat=True))
    snap["projects"] = sorted(plan.projects.values_list("title", flat=True))
    snap["document"] = plan.document.name or ""
    return snap


@transaction.atomic
def plan_create(
    *,
    actor: Actor,
    city: City,
    title: str,
    period_start: int,
    period_end: int,
    sample: bool = False,
    document: UploadedFile | None = None,
    **optional: Any,
) -> ActionPlan:
    """Start a city's plan as a draft; with ``document``, its PDF attached in the same step
    (a file that is not a PDF refuses the whole plan: nothing is half saved)."""
    plan = ActionPlan(city=city)
    if not plan_policy.can(actor, "change", plan):
        raise PermissionDenied(
            _(
                "Only the city's Chief Smart City Officers and the Secretariat write its action plan."
            )
        )
    if document is not None:
        check_pdf(document, field="document")
    values = validation.PLAN.clean(
        {"title": title, "period_start": period_start, "period_end": period_end, **optional}
    )
    outcomes = validation.framework_items(Outcome, values.pop("outcomes", []), "outcomes")
    areas = validation.framework_items(FocusArea, values.pop("focus_areas", []), "focus_areas")
    for key, value in values.items():
        setattr(plan, key, value)
    plan.sample = sample
    plan.created_by = user_or_none(actor)
    validate(plan)
    plan.save()
    plan.outcomes.set(outcomes)
    plan.focus_areas.set(areas)
    if document is not None:
        plan.document.save(f"plan-{plan.pk}.pdf", document, save=True)
    audit_and_announce(actor, "plans.plan.created", plan, audit.diff({}, plan_snapshot(plan)))
    return plan


def _editable(plan: ActionPlan) -> ActionPlan:
    """The plan, if its status lets its city edit it (draft or returned)."""
    if plan.status not in EDITABLE_PLAN_STATUSES:
        raise IllegalTransition(
            _("%(plan)s cannot be edited.") % {"plan": A_PLAN_IN[plan.status]}, field="status"
        )
    return plan


@transaction.atomic
def plan_update(
    *,
    actor: Actor,
    plan: ActionPlan,
    version: int,
    document: UploadedFile | None = None,
    **changes: Any,
) -> ActionPlan:
    """Edit a draft or returned plan; with ``document``, its new PDF in the same step and the
    same version (a file that is not a PDF refuses the whole edit, nothing is written)."""
    plan_policy.require(actor, "change", plan)
    plan = _editable(lock_version(plan, version))
    if document is not None:
        check_pdf(document, field="document")
    values = validation.PLAN.clean(changes)
    before = plan_snapshot(plan)
    given = {key: values.pop(key, None) for key in ("outcomes", "focus_areas")}
    links = {
        key: validation.framework_items(model, given[key], key)
        for key, model in (("outcomes", Outcome), ("focus_areas", FocusArea))
        if given[key] is not None
    }
    for key, value in values.items():
        setattr(plan, key, value)
    validation.PLAN.check_whole(plan)
    validate(plan)
    new_codes = {key: sorted(item.code for item in items) for key, items in links.items()}
    if document is None and not audit.diff(before, {**plan_snapshot(plan), **new_codes}):
        return plan  # nothing new: no version, no audit entry (a PATCH of the same values)
    if document is not None:
        plan.document.save(f"plan-{plan.pk}.pdf", document, save=False)
    plan.version += 1
    plan.save()
    for key, items in links.items():
        getattr(plan, key).set(items)
    audit_and_announce(actor, "plans.plan.updated", plan, audit.diff(before, plan_snapshot(plan)))
    return plan


@transaction.atomic
def plan_attach_document(
    *, actor: Actor, plan: ActionPlan, version: int, file: UploadedFile
) -> ActionPlan:
    plan_policy.require(actor, "change", plan)
    plan = _editable(lock_version(plan, version))
    check_pdf(file, field="document")
    before = plan.document.name or ""
    plan.document.save(f"plan-{plan.pk}.pdf", file, save=False)
    plan.version += 1
    plan.save()
    audit_and_announce(
        actor,
        "plans.plan.document_attached",
        plan,
        audit.diff({"document": before}, {"document": plan.document.name}),
    )
    return plan


@transaction.atomic
def plan_transition(
    *, actor: Actor, plan: ActionPlan, action: str, version: int, comment: str = ""
) -> ActionPlan:
    """Move a plan along its workflow (submit, withdraw, endorse, return, publish)."""
    plan_policy.require(actor, action if action in plan_policy.rules else "change", plan)
    plan = lock_version(plan, version)
    target = PLAN_TRANSITIONS.get((plan.status, action))
    if target is None:
        raise IllegalTransition(
            _("%(plan)s cannot be %(action)s.")
            % {"plan": A_PLAN_IN[plan.status], "action": _done(action)},
            field="status",
        )
    comment = validation.return_comment(action, comment)
    before = {"status": plan.status, "visibility": plan.visibility}
    plan.status = target
    plan.return_comment = comment if action == "return" else plan.return_comment
    if target == PlanStatus.PUBLISHED:
        plan.visibility = Visibility.PUBLIC
    plan.version += 1
    plan.save()
    number = plan.versions.count() + 1
    PlanVersion.objects.create(
        plan=plan,
        number=number,
        status=target,
        snapshot=plan_snapshot(plan),
        comment=comment,
        created_by=user_or_none(actor),
    )
    audit_and_announce(
        actor,
        f"plans.plan.{_past(action)}",
        plan,
        audit.diff(before, {"status": plan.status, "visibility": plan.visibility})
        | ({"comment": {"before": None, "after": comment}} if comment else {}),
    )
    _notify_plan(plan, action, comment)
    return plan


def _done(action: str) -> str:
    """The action's past participle for a person to read ("endorsed"), in their language."""
    return {
        "submit": pgettext("an action plan was …", "submitted"),
        "withdraw": pgettext("an action plan was …", "withdrawn"),
        "endorse": pgettext("an action plan was …", "endorsed"),
        "return": pgettext("an action plan was …", "returned"),
        "publish": pgettext("an action plan was …", "published"),
    }.get(action, action)


def _past(action: str) -> str:
    """The action's past participle as the audit trail's action codes use it."""
    return {
        "submit": "submitted",
        "withdraw": "withdrawn",
        "endorse": "endorsed",
        "return": "returned",
        "publish": "published",
    }.get(action, action)


def plan_recipient_users(plan: ActionPlan, action: str) -> list[User]:
    """Who is notified when ``action`` is taken on the plan: the member state's National
    Representatives on submission and withdrawal (the plan enters or leaves their queue), the
    city's CSCOs otherwise. The pages say who was told from this same list."""
    if action in ("submit", "withdraw"):
        members = Membership.objects.active().filter(
            role=Role.NATIONAL_REPRESENTATIVE, member_state_id=plan.city.member_state_id
        )
    else:
        members = Membership.objects.active().filter(role=Role.CSO, city_id=plan.city_id)
    people = {m.user_id: m.user for m in members.select_related("user") if m.user.is_active}
    return sorted(people.values(), key=lambda user: (user.email, user.pk))


def plan_recipients(plan: ActionPlan, action: str) -> list[str]:
    """The addresses of ``plan_recipient_users``."""
    return [user.email for user in plan_recipient_users(plan, action)]


def _notify_plan(plan: ActionPlan, action: str, comment: str) -> None:
    """Notify the people who act next (``plan_recipient_users``) in the app and as each chose
    (e-mail at once, the daily digest, or not), each in their own language (the one saved on
    their account, else English), whatever language the page the action was taken on was in."""
    notify(
        users=plan_recipient_users(plan, action),
        kind=f"plan.{_past(action)}",
        title=lambda: _plan_mail(plan, action, comment)[0],
        body=lambda: _plan_mail(plan, action, comment)[1],
        url=plan.get_absolute_url(),
    )


def _plan_mail(plan: ActionPlan, action: str, comment: str) -> tuple[str, str]:
    """The e-mail's subject and text, in the active language."""
    if action == "withdraw":
        message = _(
            "The Smart City Action Plan “%(title)s” of %(city)s was withdrawn by the city "
            "before anyone acted on it. It is a draft again and no longer waits for your "
            "endorsement; you will be notified when it is submitted again."
        ) % {"title": plan.title, "city": plan.city.name}
    else:
        message = _(
            "The Smart City Action Plan “%(title)s” of %(city)s was %(status)s.%(comment)s"
        ) % {
            "title": plan.title,
            "city": plan.city.name,
            "status": _done(action),
            "comment": f"\n\n{comment}" if comment else "",
        }
    subject = _("Action plan %(status)s: %(title)s") % {
        "status": _done(action),
        "title": plan.title,
    }
    return subject, message
