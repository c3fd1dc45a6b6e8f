"""API of action plans and projects: thin — validate, call a service, shape the answer."""

from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from pydantic import Field

from ascn.core.api import (
    ERRORS_LIST,
    AppRouter,
    InputSchema,
    PageNumberCapped,
    ShapedRows,
    fields_of,
    patch_values,
    sent_as,
)
from ascn.core.cache import anonymous_response_cache
from ascn.core.errors import InvalidInput
from ascn.core.queries import found
from ascn.network.models import City
from ascn.network.queries import refuse_unknown_places
from ascn.plans import disclosure, money, queries, readiness
from ascn.plans.models import ActionPlan, Project
from ascn.plans.schemas import (
    FocusAreaCode,
    PlanDetailOut,
    PlanIn,
    PlanOut,
    PlanPatch,
    PlanStatusCode,
    ProgressIn,
    ProgressOut,
    ProjectDetailOut,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    ReadinessCode,
    ReadinessIn,
    ReadinessOut,
    StatusCode,
    TransitionIn,
)
from ascn.plans.services import (
    plan_create,
    plan_transition,
    plan_update,
    progress_add,
    project_create,
    project_update,
    readiness_assess,
)

router = AppRouter(tags=["plans and projects"])


# --- shaping -------------------------------------------------------------------------


def _code_names(items) -> list[dict]:
    return [{"code": item.code, "name": item.name, "label": item.label} for item in items]


def _city_record_out(record: Project | ActionPlan) -> dict:
    return {
        "id": record.pk,
        **fields_of(record, "version visibility sample language translations"),
        "city": record.city.slug,
        "city_name": record.city.name,
        "country": record.city.member_state.code,
        "url": record.get_absolute_url(),
        "updated_at": record.updated_at,
    }


def project_out(project: Project, rates: dict) -> dict:
    usd = money.to_usd(project.budget_amount, project.budget_currency, rates=rates)
    return {
        **_city_record_out(project),
        "plan": project.plan_id,
        "title": project.title,
        "description": project.description,
        "focus_areas": _code_names(project.focus_areas.all()),
        "outcomes": _code_names(project.outcomes.all()),
        **fields_of(
            project, "sdg_targets status project_type sectors locations period_start period_end"
        ),
        **_project_money(project),
        "budget_usd": (
            {
                "amount": str(usd.amount),
                "rate": str(usd.rate),
                "rate_date": usd.rate_date,
                "rate_source": usd.source,
            }
            if usd
            else None
        ),
        "financing_sought": project.financing_sought,
        "readiness": {"score": project.readiness_score, "level": project.readiness_level or None},
        "sources": project.sources or [],
    }


def _project_money(project: Project) -> dict:
    """Budget, funding secured and gap in the budget's currency; all null when no published
    source gives a real project's budget."""
    if project.budget_amount is None:
        return {"budget": None, "funding_secured": None, "funding_gap": None}
    currency = project.budget_currency
    return {
        "budget": money.money(project.budget_amount, currency),
        "funding_secured": money.money(project.funding_secured, currency),
        "funding_gap": money.money(project.funding_gap, currency),
    }


def project_detail_out(project: Project, request) -> dict:
    signed_in = request.user.is_authenticated
    return {
        **project_out(project, money.latest_rates()),
        "milestones": [
            {
                "id": m.pk,
                "title": m.title,
                "type": m.milestone_type,
                **fields_of(m, "code status due_date date_met"),
            }
            for m in project.milestones.all()
        ],
        "progress": [progress_out(p) for p in project.progress_updates.all()],
        "documents": [
            {
                "id": d.pk,
                **fields_of(d, "title document_type size"),
                "url": f"/projects/{project.pk}/documents/{d.pk}/",
            }
            for d in project.documents.all()
        ],
        "contacts": project.contacts if signed_in else None,
        "disclosure": disclosure_out(project),
    }


def disclosure_out(project: Project) -> dict:
    return {
        stage.stage: {
            **fields_of(stage, "held total share"),
            "missing": [p.code for p in stage.missing],
        }
        for stage in disclosure.disclosure_of(project).stages
    }


def progress_out(update) -> dict:
    return {
        "id": update.pk,
        "date": update.date,
        "physical_pct": str(update.physical_pct),
        "financial_pct": str(update.financial_pct),
        "note": update.note,
    }


def _project_or_404(request, project_id: int) -> Project:
    return found(queries.project_detail_for(request.user, project_id))


def _money_values(payload: dict, key: str, target: str, currency_key: str | None = None) -> dict:
    value = payload.pop(key, None)
    if value is None:
        return {}
    out = {target: value["amount"]}
    if currency_key:
        out[currency_key] = value["currency"]
    return out


def _city(slug: str) -> City:
    city = City.objects.filter(slug=slug).first()
    if city is None:
        raise InvalidInput(_("Unknown city: %(slug)s") % {"slug": slug}, field="city")

    return city


# --- projects ------------------------------------------------------------------------


# The project's fields the API sends as one object: a refusal names them where they are sent.
BUDGET_SENT_AS = {
    "budget_amount": ("budget", "amount"),
    "budget_currency": ("budget", "currency"),
    "funding_secured": ("funding_secured", "amount"),
}


class ProjectFilters(InputSchema):
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")
    city: str | None = Field(None, max_length=80, pattern=r"^[-a-z0-9]+$")
    focus_area: FocusAreaCode | None = None
    status: StatusCode | None = None
    readiness: ReadinessCode | None = None
    q: str | None = Field(
        None,
        max_length=200,
        description="Words, each matched as a word or a word's beginning in the title, the "
        "description, or the city's or member state's name; all must match",
    )


@router.get(
    "/projects",
    response={200: list[ProjectOut], **ERRORS_LIST},
    operation_id="projects_list",
    summary="Projects you may see, filtered, most recently updated first",
)
# Anonymous answers come from the shared cache until the next audited write (core/cache.py).
@decorate_view(anonymous_response_cache)
@paginate(PageNumberCapped)
def projects_list(request, filters: Query[ProjectFilters]):
    """Projects you may see, most recently updated first, with budget, funding secured and
    gap, readiness and a US-dollar equivalent of the budget. Filter by country, city, focus
    area, status, readiness or words (`q`). Public records for everyone; `network` records
    for signed-in members; drafts for their owners, their National Representative and the
    Secretariat."""
    refuse_unknown_places(country=filters.country, city=filters.city)
    rates = money.latest_rates()
    return ShapedRows(
        queries.projects_for(request.user, **filters.dict()),
        lambda p: project_out(p, rates),
        # Words may match tens of thousands of projects: counted up to a cap (count_exact).
        capped=bool(filters.q),
    )


@router.create("/projects", ProjectDetailOut, "Create a project (draft)")
def projects_create(request, payload: ProjectIn):
    """A city's CSCO (or the Secretariat) records a project as a draft: budget in any ISO
    4217 currency, `funding_secured` in the same one. Answers the project with its `version`
    for later edits."""
    data = payload.dict()
    city = _city(data.pop("city"))
    plan_id = data.pop("plan", None)
    plan = None
    if plan_id is not None:
        plan = queries.plans_for(request.user).filter(pk=plan_id).first()
        if plan is None:
            raise InvalidInput(_("Unknown action plan."), field="plan")
    budget = data.pop("budget")
    secured = data.pop("funding_secured", None)
    if secured and secured["currency"] != budget["currency"]:
        raise InvalidInput(
            _("Funding secured must be in the budget's currency."), field="funding_secured"
        )
    with sent_as(BUDGET_SENT_AS):
        project = project_create(
            actor=request.user,
            city=city,
            budget_amount=budget["amount"],
            budget_currency=budget["currency"],
            plan=plan,
            **({"funding_secured": secured["amount"]} if secured else {}),
            **data,
        )
    return Status(201, project_detail_out(_project_or_404(request, project.pk), request))


@router.read("/projects/{project_id}", ProjectDetailOut, "One project")
def projects_read(request, project_id: int):
    """One project with its milestones, progress updates and documents; its contacts only
    for signed-in members."""
    return project_detail_out(_project_or_404(request, project_id), request)


@router.write(
    "PATCH",
    "/projects/{project_id}",
    ProjectDetailOut,
    "Edit a project; send the version you edited",
)
def projects_update(request, project_id: int, payload: ProjectPatch):
    """Edit a project (its city's CSCO or the Secretariat). Send the `version` you read (409
    when stale); fields left out are kept. A budget in a new currency needs
    `funding_secured` restated in it."""
    project = _project_or_404(request, project_id)
    version, data = patch_values(payload)
    budget = data.pop("budget", None)
    secured = data.pop("funding_secured", None)
    changes = data
    if budget:
        changes |= {"budget_amount": budget["amount"], "budget_currency": budget["currency"]}
        if (
            budget["currency"] != project.budget_currency
            and not secured
            and project.funding_secured
        ):
            raise InvalidInput(
                _("The budget's currency changed: restate funding_secured in the new currency."),
                field="funding_secured",
            )
    if secured:
        if secured["currency"] != (budget or {}).get("currency", project.budget_currency):
            raise InvalidInput(
                _("Funding secured must be in the budget's currency."), field="funding_secured"
            )
        changes["funding_secured"] = secured["amount"]
    with sent_as(BUDGET_SENT_AS):
        project_update(actor=request.user, project=project, version=version, **changes)
    return project_detail_out(_project_or_404(request, project_id), request)


def readiness_out(project: Project) -> dict:
    latest = project.assessments.order_by("-created_at", "-id").first()
    answers = latest.answers if latest else {}
    checklist = [
        {
            **fields_of(i, "code dimension label"),
            "met": bool(answers.get(i.code)),
            "next_step": i.next_step,
            "critical": i.critical,
        }
        for i in readiness.items()
    ]
    return {
        "checklist": checklist,
        "score": latest.score if latest else None,
        "level": latest.level if latest else None,
        "missing": [item for item in checklist if not item["met"]] if latest else [],
        "assessed_at": latest.created_at if latest else None,
    }


@router.read(
    "/projects/{project_id}/readiness",
    ReadinessOut,
    "The readiness checklist, score, level and missing items",
)
def projects_readiness(request, project_id: int):
    """The project's readiness checklist (each item met or not, with its next step), its
    score and level, and the items still missing, from its latest assessment."""
    return readiness_out(_project_or_404(request, project_id))


@router.add("/projects/{project_id}/readiness", ReadinessOut, "Record a readiness assessment")
def projects_readiness_assess(request, project_id: int, payload: ReadinessIn):
    """Record a readiness assessment (its city's CSCO or the Secretariat): `answers` maps
    each checklist item's code to met or not. Answers the new score, level and missing
    items."""
    project = _project_or_404(request, project_id)
    readiness_assess(actor=request.user, project=project, answers=payload.answers)
    return Status(201, readiness_out(project))


@router.page("/projects/{project_id}/progress", ProgressOut, "Progress updates, oldest first")
def projects_progress_list(request, project_id: int):
    """The project's progress updates, oldest first: physical and financial completion in
    per cent, with the date and note of each."""
    project = _project_or_404(request, project_id)
    return ShapedRows(project.progress_updates.all(), progress_out)


@router.add(
    "/projects/{project_id}/progress", ProgressOut, "Report progress (kept with its date and note)"
)
def projects_progress_add(request, project_id: int, payload: ProgressIn):
    """Report progress on a project (its city's CSCO or the Secretariat): physical and
    financial completion in per cent, dated (today by default), with a note. Updates are
    kept, never overwritten."""
    project = _project_or_404(request, project_id)
    update = progress_add(actor=request.user, project=project, **payload.dict())
    return Status(201, progress_out(update))


# --- action plans --------------------------------------------------------------------


def plan_out(plan: ActionPlan) -> dict:
    return {
        **_city_record_out(plan),
        **fields_of(plan, "title period_start period_end vision"),
        "outcomes": _code_names(plan.outcomes.all()),
        "focus_areas": _code_names(plan.focus_areas.all()),
        **fields_of(plan, "sections status return_comment"),
        "document_url": f"/plans/{plan.pk}/document/" if plan.document else None,
    }


def plan_detail_out(plan: ActionPlan) -> dict:
    return {
        **plan_out(plan),
        "versions": [
            {
                **fields_of(v, "number status created_at comment snapshot"),
            }
            for v in plan.versions.all()
        ],
        "projects": [p.pk for p in plan.projects.all()],
    }


def _plan_or_404(request, plan_id: int) -> ActionPlan:
    return found(queries.plan_detail_for(request.user, plan_id))


class PlanFilters(InputSchema):
    city: str | None = Field(None, max_length=80, pattern=r"^[-a-z0-9]+$")
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")
    status: PlanStatusCode | None = None


@router.page("/action-plans", PlanOut, "Smart City Action Plans you may see")
def plans_list(request, filters: Query[PlanFilters]):
    """The action plans you may see, by city then newest period first. Public records for
    everyone; `network` records for signed-in members; drafts for their owners, their
    National Representative and the Secretariat."""
    refuse_unknown_places(country=filters.country, city=filters.city)
    return ShapedRows(queries.plans_for(request.user, **filters.dict()), plan_out)


@router.create("/action-plans", PlanDetailOut, "Start a city's action plan (draft)")
def plans_create(request, payload: PlanIn):
    """A city's Chief Smart City Officer (or the Secretariat) starts a plan as a draft for
    `city` (its slug). Answers the new plan, version 1; then edit it with PATCH and move it
    with `submit`."""
    data = payload.dict()
    city = _city(data.pop("city"))
    plan = plan_create(actor=request.user, city=city, **data)
    return Status(201, plan_detail_out(_plan_or_404(request, plan.pk)))


@router.read("/action-plans/{plan_id}", PlanDetailOut, "One action plan with its versions")
def plans_read(request, plan_id: int):
    """One plan with its versions (each transition keeps a snapshot) and the ids of its
    projects. 404 when the plan is out of your sight."""
    return plan_detail_out(_plan_or_404(request, plan_id))


@router.write(
    "PATCH",
    "/action-plans/{plan_id}",
    PlanDetailOut,
    "Edit a draft or returned plan; send the version you edited",
)
def plans_update(request, plan_id: int, payload: PlanPatch):
    """Edit a `draft` or `returned` plan (its city's CSCO or the Secretariat). Send the
    `version` you read: a stale one gets 409 and nothing changes. Fields left out are kept."""
    plan = _plan_or_404(request, plan_id)
    version, data = patch_values(payload)
    plan_update(actor=request.user, plan=plan, version=version, **data)
    return plan_detail_out(_plan_or_404(request, plan_id))


def _transition_endpoint(action: str, summary: str, description: str):
    def endpoint(request, plan_id: int, payload: TransitionIn):
        plan = _plan_or_404(request, plan_id)
        plan_transition(
            actor=request.user,
            plan=plan,
            action=action,
            version=payload.version,
            comment=payload.comment,
        )
        return plan_detail_out(_plan_or_404(request, plan_id))

    endpoint.__name__ = f"plans_{action}"
    return router.write(
        "POST",
        f"/action-plans/{{plan_id}}/{action}",
        PlanDetailOut,
        summary,
        description=f"{description} Send the `version` you read and, optionally (to return: "
        "required), a `comment` kept with the plan's new version; 409 when the version is "
        "stale or the plan is not in a status this move starts from.",
    )(endpoint)


plans_submit = _transition_endpoint(
    "submit",
    "Submit the plan for endorsement (CSCO)",
    "The city's Chief Smart City Officer (or the Secretariat) submits a `draft` or "
    "`returned` plan to the member state's National Representative.",
)
plans_withdraw = _transition_endpoint(
    "withdraw",
    "Withdraw a submitted plan to change it (CSCO)",
    "The city's Chief Smart City Officer (or the Secretariat) takes back a `submitted` plan "
    "nobody has endorsed or returned yet: it becomes a `draft` again, leaves the National "
    "Representative's queue (they are notified), and can be edited and submitted again. The "
    "new version's `status` is `draft`.",
)
plans_endorse = _transition_endpoint(
    "endorse",
    "Endorse a submitted plan (National Representative)",
    "The member state's National Representative (or the Secretariat) endorses a `submitted` plan.",
)
plans_return = _transition_endpoint(
    "return",
    "Return a submitted plan with a comment (National Representative)",
    "The National Representative (or the Secretariat) returns a `submitted` plan to the "
    "city for changes, saying in `comment` what to change (shown as `return_comment`).",
)
plans_publish = _transition_endpoint(
    "publish",
    "Publish an endorsed plan",
    "The National Representative (or the Secretariat) publishes an `endorsed` plan.",
)
