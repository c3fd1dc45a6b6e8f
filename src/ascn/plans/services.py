"""Writes to plans and projects. Each checks permission, validates, writes and audits.

State machines are explicit: ``PLAN_TRANSITIONS`` is the one table of what a plan may do next.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from ascn.accounts.models import Membership, Role
from ascn.accounts.notifications import notify
from ascn.core import audit
from ascn.core.documents import check_pdf
from ascn.core.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied
from ascn.core.permissions import is_secretariat
from ascn.core.services import (
    audit_and_announce,
    delete_with_file,
    lock_version,
    save_uploaded_pdf,
    user_or_none,
    validate,
)
from ascn.core.visibility import Visibility
from ascn.network.models import City, FocusArea, Outcome
from ascn.plans import codelists, readiness, validation
from ascn.plans.models import (
    ActionPlan,
    ExchangeRate,
    Milestone,
    PlanStatus,
    PlanVersion,
    ProgressUpdate,
    Project,
    ProjectDocument,
    ReadinessAssessment,
)
from ascn.plans.permissions import plan_policy, project_policy

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


PROJECT_AUDIT_FIELDS = [
    "title",
    "description",
    "status",
    "project_type",
    "sectors",
    "budget_amount",
    "budget_currency",
    "funding_secured",
    "financing_sought",
    "sdg_targets",
    "locations",
    "period_start",
    "period_end",
    "contacts",
    "visibility",
    "sources",
    "plan",
]


def _project_snapshot(project: Project) -> dict[str, Any]:
    snap = audit.snapshot(project, [f for f in PROJECT_AUDIT_FIELDS if f != "plan"])
    snap["plan"] = project.plan_id
    if project.pk:
        snap["focus_areas"] = sorted(project.focus_areas.values_list("code", flat=True))
        snap["outcomes"] = sorted(project.outcomes.values_list("code", flat=True))
    return snap


# --- projects ------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    actor: Actor,
    city: City,
    title: str,
    description: str,
    focus_areas: list[str],
    status: str,
    budget_amount: Any,
    budget_currency: str,
    sample: bool = False,
    **optional: Any,
) -> Project:
    project = Project(city=city)
    if not project_policy.can(actor, "change", project):
        raise PermissionDenied(
            _("Only the city's Chief Smart City Officers and the Secretariat add its projects.")
        )
    values = validation.PROJECT.clean(
        {
            "title": title,
            "description": description,
            "focus_areas": focus_areas,
            "status": status,
            "budget_amount": budget_amount,
            "budget_currency": budget_currency,
            **optional,
        }
    )
    areas = validation.framework_items(FocusArea, values.pop("focus_areas"), "focus_areas")
    outcomes = validation.framework_items(Outcome, values.pop("outcomes", []), "outcomes")
    plan = values.pop("plan", None)
    validation.plan_of_city(plan, city.pk)
    for key, value in values.items():
        setattr(project, key, value)
    project.plan = plan
    project.sample = sample
    project.created_by = user_or_none(actor)
    validation.PROJECT.check_whole(project)
    validate(project)
    project.save()
    project.focus_areas.set(areas)
    project.outcomes.set(outcomes)
    audit_and_announce(
        actor, "plans.project.created", project, audit.diff({}, _project_snapshot(project))
    )
    return project


@transaction.atomic
def project_update(*, actor: Actor, project: Project, version: int, **changes: Any) -> Project:
    """Edit a project. A stale ``version`` is a 409 and nothing is written."""
    project_policy.require(actor, "change", project)
    project = lock_version(project, version)
    if changes.get("visibility") not in (None, project.visibility) and not project_policy.can(
        actor, "publish", project
    ):
        raise PermissionDenied(_("You may not change who sees this project."))
    values = validation.PROJECT.clean(changes)
    before = _project_snapshot(project)
    links = {
        key: validation.framework_items(model, values.pop(key), key)
        for key, model in (("focus_areas", FocusArea), ("outcomes", Outcome))
        if key in values
    }
    if "plan" in values:
        validation.plan_of_city(values["plan"], project.city_id)
    for key, value in values.items():
        setattr(project, key, value)
    validation.PROJECT.check_whole(project)
    validate(project)
    project.version += 1
    project.save()
    for key, items in links.items():
        getattr(project, key).set(items)
    changed = audit.diff(before, _project_snapshot(project))
    audit_and_announce(actor, "plans.project.updated", project, changed)
    return project


# What a real project's seed entry sets (plans/seed/projects.yaml), with the value each
# takes when the entry leaves it out: a field no source gives stays empty.
SEED_PROJECT_DEFAULTS: dict[str, Any] = {
    "outcomes": [],
    "project_type": "",
    "sectors": [],
    "locations": [],
    "period_start": None,
    "period_end": None,
    "budget_amount": None,
    "budget_currency": "",
}


@transaction.atomic
def project_upsert_seed(*, city: City, values: dict[str, Any]) -> tuple[Project, bool]:
    """The real-projects loader's write (actor: the system), keyed on the city and the
    title: writes and audits only what changed. A real project is public, never a sample,
    and carries its published sources; its money only where one of them gives it (the
    entry's ``budget``, ``[amount, currency]``)."""
    values = dict(values)
    sources = values.pop("sources")
    budget = values.pop("budget", None)
    if budget:
        values["budget_amount"], values["budget_currency"] = budget
    values = {**SEED_PROJECT_DEFAULTS, **values}
    empty = {k: v for k, v in values.items() if v is None or (k == "budget_currency" and not v)}
    cleaned = validation.PROJECT.clean({k: v for k, v in values.items() if k not in empty})
    cleaned |= empty
    areas = validation.framework_items(FocusArea, cleaned.pop("focus_areas"), "focus_areas")
    outcomes = validation.framework_items(Outcome, cleaned.pop("outcomes"), "outcomes")
    project = (
        Project.objects.select_for_update()
        .filter(city=city, title=cleaned["title"], sample=False)
        .first()
    )
    created = project is None
    if project is None:
        project = Project(city=city, sample=False)
    before = {} if created else _project_snapshot(project)
    for key, value in cleaned.items():
        setattr(project, key, value)
    project.sources = sources
    project.visibility = Visibility.PUBLIC
    validation.PROJECT.check_whole(project)
    validate(project)
    if not created:
        same_links = {
            "focus_areas": sorted(a.code for a in areas),
            "outcomes": sorted(o.code for o in outcomes),
        }
        if not audit.diff(before, {**_project_snapshot(project), **same_links}):
            return project, False
        project.version += 1
    project.save()
    project.focus_areas.set(areas)
    project.outcomes.set(outcomes)
    action = "plans.project.created" if created else "plans.project.updated"
    audit_and_announce(None, action, project, audit.diff(before, _project_snapshot(project)))
    return project, True


@transaction.atomic
def readiness_assess(
    *, actor: Actor, project: Project, answers: dict[str, bool]
) -> ReadinessAssessment:
    project_policy.require(actor, "assess", project)
    unknown = sorted(set(answers) - readiness.item_codes())
    if unknown:
        raise InvalidInput(
            _("Unknown checklist item: %(code)s") % {"code": unknown[0]}, field="answers"
        )
    answers = {code: bool(answers.get(code, False)) for code in sorted(readiness.item_codes())}
    result = readiness.assess(answers)
    assessment = ReadinessAssessment.objects.create(
        project=project,
        answers=answers,
        score=result.score,
        level=result.level,
        missing=[item.code for item in result.missing],
        created_by=user_or_none(actor),
    )
    before = {
        "readiness_score": project.readiness_score,
        "readiness_level": project.readiness_level,
    }
    Project.objects.filter(pk=project.pk).update(
        readiness_score=result.score, readiness_level=result.level
    )
    project.readiness_score, project.readiness_level = result.score, result.level
    audit_and_announce(
        actor,
        "plans.project.assessed",
        project,
        audit.diff(before, {"readiness_score": result.score, "readiness_level": result.level}),
    )
    return assessment


@transaction.atomic
def progress_add(
    *,
    actor: Actor,
    project: Project,
    physical_pct: Any,
    financial_pct: Any,
    date: dt.date | None = None,
    note: str = "",
) -> ProgressUpdate:
    project_policy.require(actor, "report_progress", project)
    physical = validation.percent(physical_pct, "physical_pct")
    financial = validation.percent(financial_pct, "financial_pct")
    update = ProgressUpdate(
        project=project,
        date=validation.progress_date(date or dt.date.today()),
        physical_pct=physical,
        financial_pct=financial,
        note=(note or "").strip(),
        created_by=user_or_none(actor),
    )
    validate(update)
    update.save()
    audit_and_announce(
        actor,
        "plans.progress.added",
        project,
        audit.diff(
            {},
            {
                "date": update.date,
                "physical_pct": update.physical_pct,
                "financial_pct": update.financial_pct,
            },
        ),
    )
    return update


MILESTONE_FIELDS = ["title", "status", "milestone_type", "code", "due_date", "date_met"]


@transaction.atomic
def milestone_save(
    *,
    actor: Actor,
    project: Project,
    milestone: Milestone | None = None,
    title: str,
    status: str = "scheduled",
    milestone_type: str = "",
    code: str = "",
    due_date: dt.date | None = None,
    date_met: dt.date | None = None,
) -> Milestone:
    project_policy.require(actor, "change", project)
    if milestone is not None and milestone.project_id != project.pk:
        raise NotFound(_("Milestone not found."))
    validation.milestone(status=status, milestone_type=milestone_type, code=code, date_met=date_met)
    target = milestone or Milestone(project=project)
    before = audit.snapshot(target, MILESTONE_FIELDS) if milestone else {}
    target.title, target.status, target.milestone_type, target.code = (
        (title or "").strip(),
        status,
        milestone_type,
        code,
    )
    target.due_date, target.date_met = due_date, date_met
    validate(target)
    target.save()
    audit_and_announce(
        actor,
        "plans.milestone.saved",
        project,
        audit.diff(before, audit.snapshot(target, MILESTONE_FIELDS)),
    )
    return target


@transaction.atomic
def document_upload(
    *, actor: Actor, project: Project, title: str, file: UploadedFile, document_type: str = ""
) -> ProjectDocument:
    """Attach a PDF: its type is checked by content (not name), its size capped."""
    project_policy.require(actor, "upload", project)
    size = check_pdf(file)
    validation.code_in(document_type, codelists.DOCUMENT_TYPE, "document_type", blank=True)
    document = save_uploaded_pdf(
        actor,
        ProjectDocument,
        file,
        f"project-{project.pk}.pdf",
        title=title,
        size=size,
        project=project,
        document_type=document_type,
    )
    audit_and_announce(
        actor,
        "plans.document.uploaded",
        project,
        audit.diff({}, {"document": document.title, "size": document.size}),
    )
    return document


@transaction.atomic
def document_delete(*, actor: Actor, project: Project, document: ProjectDocument) -> None:
    """Remove a project's document (whoever may upload to it); the stored file goes once the
    row is gone, and what followed from the document (its disclosure point) is recomputed."""
    project_policy.require(actor, "upload", project)
    if document.project_id != project.pk:
        raise NotFound(_("Document not found."))
    audit.record(
        actor,
        "plans.document.deleted",
        project,
        audit.diff(
            {
                "document": document.title,
                "document_type": document.document_type,
                "size": document.size,
                "file": document.file.name,
            },
            {},
        ),
    )
    delete_with_file(document)


@transaction.atomic
def exchange_rate_set(
    *, actor: Actor, currency: str, date: dt.date, usd_per_unit: Any, source: str
) -> ExchangeRate:
    if actor is not None and not is_secretariat(actor):
        raise PermissionDenied(_("Only the Secretariat edits exchange rates."))
    currency = validation.code_in((currency or "").upper(), codelists.CURRENCY, "currency")
    rate = validation.exchange_rate(usd_per_unit)
    if not (source or "").strip():
        raise InvalidInput(_("Name the source of the rate."), field="source")
    obj = ExchangeRate.objects.filter(currency=currency, date=date).first()
    before = audit.snapshot(obj, ["usd_per_unit", "source"]) if obj else {}
    obj = obj or ExchangeRate(currency=currency, date=date)
    obj.usd_per_unit = rate
    obj.source = source.strip()
    validate(obj)
    obj.save()
    changes = audit.diff(before, audit.snapshot(obj, ["usd_per_unit", "source"]))
    if changes:
        audit_and_announce(actor, "plans.exchangerate.saved", obj, changes)
    return obj


# --- action plans --------------------------------------------------------------------

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
    outcomes = values.pop("outcomes", None)
    areas = values.pop("focus_areas", None)
    for key, value in values.items():
        setattr(plan, key, value)
    validation.PLAN.check_whole(plan)
    validate(plan)
    if document is not None:
        plan.document.save(f"plan-{plan.pk}.pdf", document, save=False)
    plan.version += 1
    plan.save()
    if outcomes is not None:
        plan.outcomes.set(validation.framework_items(Outcome, outcomes, "outcomes"))
    if areas is not None:
        plan.focus_areas.set(validation.framework_items(FocusArea, areas, "focus_areas"))
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
