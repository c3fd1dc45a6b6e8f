"""Writes to plans and projects. Each checks permission, validates, writes and audits.

State machines are explicit: ``PLAN_TRANSITIONS`` is the one table of what a plan may do next.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ascn.accounts.models import Membership, Role
from ascn.core import audit, events
from ascn.core.documents import check_pdf
from ascn.core.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied
from ascn.core.permissions import is_secretariat
from ascn.core.services import lock_version, user_or_none, validate
from ascn.core.visibility import Visibility
from ascn.network.models import City, FocusArea, Outcome
from ascn.plans import codelists, readiness
from ascn.plans.models import (
    ActionPlan,
    ExchangeRate,
    FinancingInstrument,
    Milestone,
    PlanStatus,
    PlanVersion,
    ProgressUpdate,
    Project,
    ProjectDocument,
    ReadinessAssessment,
)
from ascn.plans.permissions import plan_policy, project_policy

NOT_A_BUDGET_CURRENCY = {"XXX", "XTS"}  # ISO 4217: "no currency", "for testing"
SDG11_TARGET = re.compile(r"^11\.[1-7abc]$")

# (status, action) → next status. Anything else is an illegal transition (409).
PLAN_TRANSITIONS: dict[tuple[str, str], str] = {
    (PlanStatus.DRAFT, "submit"): PlanStatus.SUBMITTED,
    (PlanStatus.RETURNED, "submit"): PlanStatus.SUBMITTED,
    (PlanStatus.SUBMITTED, "endorse"): PlanStatus.ENDORSED,
    (PlanStatus.SUBMITTED, "return"): PlanStatus.RETURNED,
    (PlanStatus.ENDORSED, "publish"): PlanStatus.PUBLISHED,
}
EDITABLE_PLAN_STATUSES = {PlanStatus.DRAFT, PlanStatus.RETURNED}


# "A draft plan", "An endorsed plan" …: the subject of the messages of a refused step.
A_PLAN_IN = {
    PlanStatus.DRAFT: _lazy("A draft plan"),
    PlanStatus.SUBMITTED: _lazy("A submitted plan"),
    PlanStatus.RETURNED: _lazy("A returned plan"),
    PlanStatus.ENDORSED: _lazy("An endorsed plan"),
    PlanStatus.PUBLISHED: _lazy("A published plan"),
}


# --- shared validation ---------------------------------------------------------------


def _codes(model, codes, field: str):
    codes = list(dict.fromkeys(codes or []))
    found = list(model.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {obj.code for obj in found})
    if unknown:
        raise InvalidInput(_("Unknown code: %(code)s") % {"code": unknown[0]}, field=field)
    return found


def _in_codelist(value: str, name: str, field: str, *, blank: bool = False) -> str:
    if blank and not value:
        return ""
    if value not in codelists.codelist(name):
        raise InvalidInput(
            _("'%(value)s' is not an OC4IDS %(list)s code.") % {"value": value, "list": name},
            field=field,
        )
    return value


def _decimal(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("Not a number."), field=field) from exc
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e16"):
        raise InvalidInput(_("Must be a positive amount below 10^16."), field=field)
    amount = amount.quantize(Decimal("0.01"))
    # SQLite keeps 15 significant digits of a NUMERIC: refuse what it would round.
    if len(amount.normalize().as_tuple().digits) > 15:
        raise InvalidInput(_("At most 15 significant digits."), field=field)
    return amount


def _clean_project_values(values: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the editable fields of a project (all optional here)."""
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if key in {"title", "description"}:
            value = (value or "").strip()
            if not value:
                raise InvalidInput(_("This field is required."), field=key)
            if key == "title" and len(value) > 200:
                raise InvalidInput(_("At most 200 characters."), field=key)
            clean[key] = value
        elif key == "status":
            clean[key] = _in_codelist(value, codelists.PROJECT_STATUS, key)
        elif key == "project_type":
            clean[key] = _in_codelist(value or "", codelists.PROJECT_TYPE, key, blank=True)
        elif key == "sectors":
            clean[key] = [
                _in_codelist(code, codelists.PROJECT_SECTOR, key)
                for code in dict.fromkeys(value or [])
            ]
        elif key in {"budget_amount", "funding_secured"}:
            clean[key] = _decimal(value, key)
        elif key == "budget_currency":
            clean[key] = _in_codelist((value or "").upper(), codelists.CURRENCY, key)
            if clean[key] in NOT_A_BUDGET_CURRENCY:
                raise InvalidInput(_("Choose the currency the budget is in."), field=key)
        elif key == "financing_sought":
            allowed = set(FinancingInstrument.values)
            for instrument in value or []:
                if instrument not in allowed:
                    raise InvalidInput(
                        _("Unknown financing instrument: %(i)s") % {"i": instrument}, field=key
                    )
            clean[key] = list(dict.fromkeys(value or []))
        elif key == "sdg_targets":
            for target in value or []:
                if not SDG11_TARGET.match(str(target)):
                    raise InvalidInput(
                        _("'%(t)s' is not an SDG 11 target (11.1 … 11.7, 11.a … 11.c).")
                        % {"t": target},
                        field=key,
                    )
            clean[key] = sorted(dict.fromkeys(value or []))
        elif key == "locations":
            clean[key] = [_location(loc) for loc in value or []]
        elif key == "contacts":
            clean[key] = [
                {k: str(c.get(k, "")).strip()[:200] for k in ("name", "role", "email")}
                for c in value or []
                if isinstance(c, dict)
            ]
        elif key in {"period_start", "period_end"}:
            clean[key] = value
        elif key == "visibility":
            if value not in Visibility.values:
                raise InvalidInput(_("Unknown visibility."), field=key)
            clean[key] = value
        elif key in {"focus_areas", "outcomes", "plan"}:
            clean[key] = value
        else:
            raise InvalidInput(_("Unknown field: %(f)s") % {"f": key}, field=key)
    return clean


def _location(location) -> dict:
    if not isinstance(location, dict):
        raise InvalidInput(
            _("A location is an object with description, lat and lon."), field="locations"
        )
    out = {"description": str(location.get("description", "")).strip()[:300]}
    for key, bound in (("lat", 90), ("lon", 180)):
        if location.get(key) is not None:
            try:
                number = float(location[key])
            except (TypeError, ValueError) as exc:
                raise InvalidInput(_("Not a number."), field="locations") from exc
            if not -bound <= number <= bound:
                raise InvalidInput(_("Coordinates out of range."), field="locations")
            out[key] = number
    return out


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
    actor,
    city: City,
    title: str,
    description: str,
    focus_areas: list[str],
    status: str,
    budget_amount,
    budget_currency: str,
    sample: bool = False,
    **optional: Any,
) -> Project:
    project = Project(city=city)
    if not project_policy.can(actor, "change", project):
        raise PermissionDenied(
            _("Only the city's Chief Smart City Officers and the Secretariat add its projects.")
        )
    values = _clean_project_values(
        {
            "title": title,
            "description": description,
            "status": status,
            "budget_amount": budget_amount,
            "budget_currency": budget_currency,
            **optional,
        }
    )
    areas = _codes(FocusArea, focus_areas, "focus_areas")
    if not areas:
        raise InvalidInput(_("Choose at least one ASCF focus area."), field="focus_areas")
    outcomes = _codes(Outcome, values.pop("outcomes", []), "outcomes")
    plan = values.pop("plan", None)
    if plan is not None and plan.city_id != city.pk:
        raise InvalidInput(_("The action plan belongs to another city."), field="plan")
    values.pop("focus_areas", None)
    for key, value in values.items():
        setattr(project, key, value)
    project.plan = plan
    project.sample = sample
    project.created_by = user_or_none(actor)
    if project.funding_secured > project.budget_amount:
        raise InvalidInput(_("Funding secured cannot exceed the budget."), field="funding_secured")
    if project.period_start and project.period_end and project.period_end < project.period_start:
        raise InvalidInput(_("The end cannot come before the start."), field="period_end")
    validate(project)
    project.save()
    project.focus_areas.set(areas)
    project.outcomes.set(outcomes)
    entry = audit.record(
        actor, "plans.project.created", project, audit.diff({}, _project_snapshot(project))
    )
    events.changed(project, entry.changes)
    return project


@transaction.atomic
def project_update(*, actor, project: Project, version: int, **changes: Any) -> Project:
    """Edit a project. A stale ``version`` is a 409 and nothing is written."""
    project_policy.require(actor, "change", project)
    project = lock_version(project, version)
    if changes.get("visibility") not in (None, project.visibility) and not project_policy.can(
        actor, "publish", project
    ):
        raise PermissionDenied(_("You may not change who sees this project."))
    values = _clean_project_values(changes)
    before = _project_snapshot(project)
    areas = (
        _codes(FocusArea, values.pop("focus_areas"), "focus_areas")
        if "focus_areas" in values
        else None
    )
    if areas is not None and not areas:
        raise InvalidInput(_("Choose at least one ASCF focus area."), field="focus_areas")
    outcomes = _codes(Outcome, values.pop("outcomes"), "outcomes") if "outcomes" in values else None
    if "plan" in values:
        plan = values.pop("plan")
        if plan is not None and plan.city_id != project.city_id:
            raise InvalidInput(_("The action plan belongs to another city."), field="plan")
        project.plan = plan
    for key, value in values.items():
        setattr(project, key, value)
    if project.funding_secured > project.budget_amount:
        raise InvalidInput(_("Funding secured cannot exceed the budget."), field="funding_secured")
    if project.period_start and project.period_end and project.period_end < project.period_start:
        raise InvalidInput(_("The end cannot come before the start."), field="period_end")
    validate(project)
    project.version += 1
    project.save()
    if areas is not None:
        project.focus_areas.set(areas)
    if outcomes is not None:
        project.outcomes.set(outcomes)
    changed = audit.diff(before, _project_snapshot(project))
    entry = audit.record(actor, "plans.project.updated", project, changed)
    events.changed(project, entry.changes)
    return project


@transaction.atomic
def readiness_assess(*, actor, project: Project, answers: dict[str, bool]) -> ReadinessAssessment:
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
    entry = audit.record(
        actor,
        "plans.project.assessed",
        project,
        audit.diff(before, {"readiness_score": result.score, "readiness_level": result.level}),
    )
    events.changed(project, entry.changes)
    return assessment


@transaction.atomic
def progress_add(
    *,
    actor,
    project: Project,
    physical_pct,
    financial_pct,
    date: dt.date | None = None,
    note: str = "",
) -> ProgressUpdate:
    project_policy.require(actor, "report_progress", project)
    update = ProgressUpdate(
        project=project,
        date=date or dt.date.today(),
        physical_pct=_pct(physical_pct, "physical_pct"),
        financial_pct=_pct(financial_pct, "financial_pct"),
        note=(note or "").strip(),
        created_by=user_or_none(actor),
    )
    if update.date > dt.date.today():
        raise InvalidInput(_("Progress cannot be reported for a future date."), field="date")
    validate(update)
    update.save()
    entry = audit.record(
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
    events.changed(project, entry.changes)
    return update


def _pct(value, field: str) -> Decimal:
    amount = _decimal(value, field)
    if amount > 100:
        raise InvalidInput(_("A percentage is between 0 and 100."), field=field)
    return amount


@transaction.atomic
def milestone_save(
    *,
    actor,
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
    _in_codelist(status, codelists.MILESTONE_STATUS, "status")
    _in_codelist(milestone_type, codelists.MILESTONE_TYPE, "milestone_type", blank=True)
    _in_codelist(code, codelists.MILESTONE_CODE, "code", blank=True)
    if status == "met" and date_met is None:
        raise InvalidInput(_("A met milestone needs the date it was met."), field="date_met")
    if date_met is not None and date_met > dt.date.today():
        raise InvalidInput(_("A milestone cannot be met on a future date."), field="date_met")
    target = milestone or Milestone(project=project)
    before = (
        audit.snapshot(
            target, ["title", "status", "milestone_type", "code", "due_date", "date_met"]
        )
        if milestone
        else {}
    )
    target.title, target.status, target.milestone_type, target.code = (
        (title or "").strip(),
        status,
        milestone_type,
        code,
    )
    target.due_date, target.date_met = due_date, date_met
    validate(target)
    target.save()
    entry = audit.record(
        actor,
        "plans.milestone.saved",
        project,
        audit.diff(
            before,
            audit.snapshot(
                target, ["title", "status", "milestone_type", "code", "due_date", "date_met"]
            ),
        ),
    )
    events.changed(project, entry.changes)
    return target


@transaction.atomic
def document_upload(
    *, actor, project: Project, title: str, file: UploadedFile, document_type: str = ""
) -> ProjectDocument:
    """Attach a PDF: its type is checked by content (not name), its size capped."""
    project_policy.require(actor, "upload", project)
    check_pdf(file)
    _in_codelist(document_type, codelists.DOCUMENT_TYPE, "document_type", blank=True)
    document = ProjectDocument(
        project=project,
        title=(title or "").strip() or file.name[:200],
        document_type=document_type,
        size=file.size,
        uploaded_by=user_or_none(actor),
    )
    document.file.name = f"project-{project.pk}.pdf"  # validated before anything is stored
    validate(document)
    document.file.save(f"project-{project.pk}.pdf", file, save=False)
    document.save()
    entry = audit.record(
        actor,
        "plans.document.uploaded",
        project,
        audit.diff({}, {"document": document.title, "size": document.size}),
    )
    events.changed(project, entry.changes)
    return document


@transaction.atomic
def exchange_rate_set(
    *, actor, currency: str, date: dt.date, usd_per_unit, source: str
) -> ExchangeRate:
    if actor is not None and not is_secretariat(actor):
        raise PermissionDenied(_("Only the Secretariat edits exchange rates."))
    currency = _in_codelist((currency or "").upper(), codelists.CURRENCY, "currency")
    try:
        rate = Decimal(str(usd_per_unit))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("Not a number."), field="usd_per_unit") from exc
    if not rate.is_finite() or rate <= 0 or rate >= Decimal("1e9"):
        raise InvalidInput(_("A rate must be above zero."), field="usd_per_unit")
    if not (source or "").strip():
        raise InvalidInput(_("Name the source of the rate."), field="source")
    obj = ExchangeRate.objects.filter(currency=currency, date=date).first()
    before = audit.snapshot(obj, ["usd_per_unit", "source"]) if obj else {}
    obj = obj or ExchangeRate(currency=currency, date=date)
    obj.usd_per_unit = rate.quantize(Decimal("0.0000000001"))
    obj.source = source.strip()
    validate(obj)
    obj.save()
    changes = audit.diff(before, audit.snapshot(obj, ["usd_per_unit", "source"]))
    if changes:
        entry = audit.record(actor, "plans.exchangerate.saved", obj, changes)
        events.changed(obj, entry.changes)
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


def _clean_plan_values(values: dict[str, Any]) -> dict[str, Any]:
    clean = {}
    for key, value in values.items():
        if key == "title":
            value = (value or "").strip()
            if not value or len(value) > 200:
                raise InvalidInput(_("A title of 1 to 200 characters is required."), field=key)
            clean[key] = value
        elif key in {"period_start", "period_end"}:
            try:
                year = int(value)
            except (TypeError, ValueError) as exc:
                raise InvalidInput(_("A year is required."), field=key) from exc
            if not 2000 <= year <= 2100:
                raise InvalidInput(_("A year between 2000 and 2100."), field=key)
            clean[key] = year
        elif key == "vision":
            clean[key] = (value or "").strip()
        elif key == "sections":
            sections = []
            for section in value or []:
                if not isinstance(section, dict) or not str(section.get("heading", "")).strip():
                    raise InvalidInput(_("Each section needs a heading."), field=key)
                sections.append(
                    {
                        "heading": str(section["heading"]).strip()[:200],
                        "body": str(section.get("body", "")).strip(),
                    }
                )
            clean[key] = sections
        elif key in {"outcomes", "focus_areas"}:
            clean[key] = value
        else:
            raise InvalidInput(_("Unknown field: %(f)s") % {"f": key}, field=key)
    if (
        "period_start" in clean
        and "period_end" in clean
        and clean["period_end"] < clean["period_start"]
    ):
        raise InvalidInput(_("The last year cannot come before the first."), field="period_end")
    return clean


@transaction.atomic
def plan_create(
    *,
    actor,
    city: City,
    title: str,
    period_start: int,
    period_end: int,
    sample: bool = False,
    **optional: Any,
) -> ActionPlan:
    plan = ActionPlan(city=city)
    if not plan_policy.can(actor, "change", plan):
        raise PermissionDenied(
            _(
                "Only the city's Chief Smart City Officers and the Secretariat write its action plan."
            )
        )
    values = _clean_plan_values(
        {"title": title, "period_start": period_start, "period_end": period_end, **optional}
    )
    outcomes = _codes(Outcome, values.pop("outcomes", []), "outcomes")
    areas = _codes(FocusArea, values.pop("focus_areas", []), "focus_areas")
    for key, value in values.items():
        setattr(plan, key, value)
    plan.sample = sample
    plan.created_by = user_or_none(actor)
    validate(plan)
    plan.save()
    plan.outcomes.set(outcomes)
    plan.focus_areas.set(areas)
    entry = audit.record(actor, "plans.plan.created", plan, audit.diff({}, plan_snapshot(plan)))
    events.changed(plan, entry.changes)
    return plan


@transaction.atomic
def plan_update(*, actor, plan: ActionPlan, version: int, **changes: Any) -> ActionPlan:
    plan_policy.require(actor, "change", plan)
    plan = lock_version(plan, version)
    if plan.status not in EDITABLE_PLAN_STATUSES:
        raise IllegalTransition(
            _("%(plan)s cannot be edited.") % {"plan": A_PLAN_IN[plan.status]},
            field="status",
        )
    values = _clean_plan_values(changes)
    before = plan_snapshot(plan)
    outcomes = values.pop("outcomes", None)
    areas = values.pop("focus_areas", None)
    for key, value in values.items():
        setattr(plan, key, value)
    if plan.period_end < plan.period_start:
        raise InvalidInput(_("The last year cannot come before the first."), field="period_end")
    validate(plan)
    plan.version += 1
    plan.save()
    if outcomes is not None:
        plan.outcomes.set(_codes(Outcome, outcomes, "outcomes"))
    if areas is not None:
        plan.focus_areas.set(_codes(FocusArea, areas, "focus_areas"))
    entry = audit.record(actor, "plans.plan.updated", plan, audit.diff(before, plan_snapshot(plan)))
    events.changed(plan, entry.changes)
    return plan


@transaction.atomic
def plan_attach_document(
    *, actor, plan: ActionPlan, version: int, file: UploadedFile
) -> ActionPlan:
    plan_policy.require(actor, "change", plan)
    plan = lock_version(plan, version)
    if plan.status not in EDITABLE_PLAN_STATUSES:
        raise IllegalTransition(
            _("%(plan)s cannot be edited.") % {"plan": A_PLAN_IN[plan.status]}, field="status"
        )
    check_pdf(file, field="document")
    before = plan.document.name or ""
    plan.document.save(f"plan-{plan.pk}.pdf", file, save=False)
    plan.version += 1
    plan.save()
    entry = audit.record(
        actor,
        "plans.plan.document_attached",
        plan,
        audit.diff({"document": before}, {"document": plan.document.name}),
    )
    events.changed(plan, entry.changes)
    return plan


@transaction.atomic
def plan_transition(
    *, actor, plan: ActionPlan, action: str, version: int, comment: str = ""
) -> ActionPlan:
    """Move a plan along its workflow (submit, endorse, return, publish)."""
    plan_policy.require(actor, action if action in plan_policy.rules else "change", plan)
    plan = lock_version(plan, version)
    target = PLAN_TRANSITIONS.get((plan.status, action))
    if target is None:
        raise IllegalTransition(
            _("%(plan)s cannot be %(action)s.")
            % {"plan": A_PLAN_IN[plan.status], "action": _past(action)},
            field="status",
        )
    comment = (comment or "").strip()
    if action == "return" and not comment:
        raise InvalidInput(_("Say what needs to change when returning a plan."), field="comment")
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
    entry = audit.record(
        actor,
        f"plans.plan.{_past(action)}",
        plan,
        audit.diff(before, {"status": plan.status, "visibility": plan.visibility})
        | ({"comment": {"before": None, "after": comment}} if comment else {}),
    )
    events.changed(plan, entry.changes)
    transaction.on_commit(lambda: _notify_plan(plan, action, comment))
    return plan


def _past(action: str) -> str:
    return {
        "submit": "submitted",
        "endorse": "endorsed",
        "return": "returned",
        "publish": "published",
    }.get(action, action)


def _notify_plan(plan: ActionPlan, action: str, comment: str) -> None:
    """E-mail the people who act next: the NR on submission, the city's CSCOs otherwise."""

    if action == "submit":
        members = Membership.objects.active().filter(
            role=Role.NATIONAL_REPRESENTATIVE, member_state_id=plan.city.member_state_id
        )
    else:
        members = Membership.objects.active().filter(role=Role.CSO, city_id=plan.city_id)
    recipients = sorted({m.user.email for m in members.select_related("user")})
    if not recipients:
        return
    send_mail(
        subject=_("Action plan %(status)s: %(title)s")
        % {"status": _past(action), "title": plan.title},
        message=_("The Smart City Action Plan “%(title)s” of %(city)s was %(status)s.%(comment)s")
        % {
            "title": plan.title,
            "city": plan.city.name,
            "status": _past(action),
            "comment": f"\n\n{comment}" if comment else "",
        },
        from_email=None,
        recipient_list=recipients,
    )
