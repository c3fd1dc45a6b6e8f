"""Writes to projects (and what hangs off one: readiness, progress, milestones, documents)
and the exchange rates. Each checks permission, validates, writes and audits."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ascn.core import audit
from ascn.core.documents import check_pdf
from ascn.core.errors import InvalidInput, NotFound, PermissionDenied
from ascn.core.permissions import is_secretariat
from ascn.core.services import (
    audit_and_announce,
    delete_with_file,
    lock,
    lock_version,
    save_uploaded_pdf,
    user_or_none,
    validate,
)
from ascn.core.visibility import Visibility
from ascn.network.models import City, FocusArea, Outcome
from ascn.plans import codelists, readiness, validation
from ascn.plans.models import (
    ExchangeRate,
    Milestone,
    ProgressUpdate,
    Project,
    ProjectDocument,
    ReadinessAssessment,
    ReadinessLevel,
)
from ascn.plans.permissions import project_policy

if TYPE_CHECKING:
    from ascn.core.types import Actor

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


def _project_snapshot(project: Project, links: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the audit compares: the fields, the plan and the ASCF links — those saved, or
    where ``links`` gives them (``focus_areas``, ``outcomes``) those about to be set."""
    snap = audit.snapshot(project, [f for f in PROJECT_AUDIT_FIELDS if f != "plan"])
    snap["plan"] = project.plan_id
    if project.pk:
        for key in ("focus_areas", "outcomes"):
            given = (links or {}).get(key)
            saved = getattr(project, key).values_list("code", flat=True)
            snap[key] = sorted(saved if given is None else [item.code for item in given])
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
    language: str = settings.LANGUAGE_CODE,
    **optional: Any,
) -> Project:
    """A new project; ``language``: the one its title and description are written in (later
    changed on its translations page, ``core.translations``, never by an edit)."""
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
    validation.plan_of_city(plan, city.pk, sample)
    for key, value in values.items():
        setattr(project, key, value)
    project.language = validation.language(language)
    project.plan = plan
    project.sample = sample
    project.created_by = user_or_none(actor)
    validation.PROJECT.check_whole(project)
    validate(project)
    project.save()
    project.focus_areas.set(areas)
    project.outcomes.set(outcomes)
    audit_and_announce(
        actor,
        "plans.project.created",
        project,
        audit.diff({}, {**_project_snapshot(project), "language": project.language}),
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
    if "language" in changes:
        # the translations page says it (core.translations.original_language_set: who may,
        # the translation into it dropped, audited as such), never an edit
        raise InvalidInput(
            _("The language a project is written in is changed on its translations page."),
            field="language",
        )
    values = validation.PROJECT.clean(changes)
    before = _project_snapshot(project)
    links = {
        key: validation.framework_items(model, values.pop(key), key)
        for key, model in (("focus_areas", FocusArea), ("outcomes", Outcome))
        if key in values
    }
    if "plan" in values:
        validation.plan_of_city(values["plan"], project.city_id, project.sample)
    for key, value in values.items():
        setattr(project, key, value)
    validation.PROJECT.check_whole(project, changed=values)
    validate(project)
    changed = audit.diff(before, _project_snapshot(project, links))
    if not changed:
        return project  # nothing new: no version, no audit entry (a PATCH of the same values)
    project.version += 1
    project.save()
    for key, items in links.items():
        getattr(project, key).set(items)
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
        links = {"focus_areas": areas, "outcomes": outcomes}
        if not audit.diff(before, _project_snapshot(project, links)):
            return project, False
        project.version += 1
    project.save()
    project.focus_areas.set(areas)
    project.outcomes.set(outcomes)
    action = "plans.project.created" if created else "plans.project.updated"
    audit_and_announce(None, action, project, audit.diff(before, _project_snapshot(project)))
    return project, True


class AssessedMeanwhile(InvalidInput):
    """An assessment sent from a page that showed an earlier one than the latest now (409; a
    form shows it above its ticks, kept as sent)."""

    status = 409


@transaction.atomic
def readiness_assess(
    *, actor: Actor, project: Project, answers: dict[str, bool], read: int | None = None
) -> ReadinessAssessment:
    """Record the checklist's ``answers`` as the project's latest assessment (the earlier
    ones stay, its history). ``read``: the id of the latest assessment the person saw (0:
    none yet); one recorded since is a 409 (``AssessedMeanwhile``) and nothing is recorded,
    as an assessment is the whole checklist and would silently undo a colleague's ticks.
    None: no check (the API's, which records what it is sent)."""
    project_policy.require(actor, "assess", project)
    unknown = sorted(set(answers) - readiness.item_codes())
    if unknown:
        raise InvalidInput(
            _("Unknown checklist item: %(code)s") % {"code": unknown[0]}, field="answers"
        )
    if read is not None:
        lock(project)  # two assessments of one project are recorded one after the other
        latest = project.assessments.order_by("-created_at", "-pk").first()
        if (latest.pk if latest else 0) != read:
            raise AssessedMeanwhile(
                _(
                    "Someone recorded an assessment of this project since you opened the "
                    "page: %(level)s, %(score)s%% of the checklist met. Nothing of yours is "
                    "saved; your ticks are below. Look at theirs, then save yours if you "
                    "still want to."
                )
                % {"level": ReadinessLevel(latest.level).label, "score": latest.score}
                if latest
                else _("The assessments of this project changed since you opened the page.")
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
