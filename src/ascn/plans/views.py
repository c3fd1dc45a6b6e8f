"""Pages of action plans and priority projects (SPEC C3, C4): server-rendered, htmx optional.

Reads go through ``queries`` (what the user may see; anything else is a 404), writes through
``services``. Domain errors become page responses: ``InvalidInput`` an error on the form's
field (422), ``StaleEdit`` the form again with what changed (409), ``NotFound`` a 404 and
``PermissionDenied`` a 403 page.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ascn.core.errors import InvalidInput, NotFound, PermissionDenied, StaleEdit
from ascn.core.permissions import scopes_of
from ascn.network.models import City, FocusArea, Outcome
from ascn.partners import workspace as partner_workspace
from ascn.plans import charts, codelists, money, queries, readiness
from ascn.plans.forms import (
    NATIONAL_CURRENCY,
    SDG11_TARGETS,
    DocumentForm,
    MilestoneForm,
    PlanDocumentForm,
    PlanFilterForm,
    PlanForm,
    ProgressForm,
    ProjectFilterForm,
    ProjectForm,
    ReadinessForm,
    TransitionForm,
)
from ascn.plans.models import (
    ActionPlan,
    FinancingInstrument,
    PlanStatus,
    PlanVersion,
    Project,
    ReadinessLevel,
)
from ascn.plans.permissions import plan_policy, project_policy
from ascn.plans.services import (
    EDITABLE_PLAN_STATUSES,
    PLAN_TRANSITIONS,
    document_upload,
    milestone_save,
    plan_attach_document,
    plan_create,
    plan_transition,
    plan_update,
    progress_add,
    project_create,
    project_update,
    readiness_assess,
)

PAGE_SIZE = 50
CENT = Decimal("0.01")
PLAN_ACTIONS = ("submit", "endorse", "return", "publish")


# --- shared ----------------------------------------------------------------------------


def maps_domain_errors(view):
    """``NotFound`` → 404, ``PermissionDenied`` → a 403 page that says why."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            return _forbidden(request, exc.message)

    return wrapper


def _forbidden(request, message: str):
    return render(request, "plans/forbidden.html", {"message": message}, status=403)


def _apply_error(form: forms.Form, exc: InvalidInput) -> None:
    """Put a service's ``InvalidInput`` on the form field it names (or on the form)."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _project_or_404(request, pk: int) -> Project:
    project = queries.project_detail_for(request.user, pk)
    if project is None:
        raise Http404(_("Project not found."))
    return project


def _plan_or_404(request, pk: int) -> ActionPlan:
    plan = queries.plan_detail_for(request.user, pk)
    if plan is None:
        raise Http404(_("Action plan not found."))
    return plan


def editable_cities(user):
    """The cities whose plans and projects the user may write: a CSCO's, or all (Secretariat)."""
    scopes = scopes_of(user)
    if scopes.secretariat:
        return City.objects.all()
    return City.objects.filter(pk__in=scopes.city_ids)


def _status_title(code: str) -> str:
    return capfirst(codelists.codelist(codelists.PROJECT_STATUS).get(code, code))


def _safe_next(request, target: str | None, default: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _level_rules() -> list[tuple[str, str]]:
    """How each readiness level is reached, from the thresholds in the checklist file."""
    levels = readiness.levels()
    return [
        (
            ReadinessLevel.CONCEPT.label,
            _("less than %(n)s%% of the checklist met.") % {"n": levels["shaping"]},
        ),
        (
            ReadinessLevel.SHAPING.label,
            _("at least %(n)s%% met.") % {"n": levels["shaping"]},
        ),
        (
            ReadinessLevel.INVESTOR_READY.label,
            _("at least %(n)s%% met, including every item marked “needed to be investor-ready”.")
            % {"n": levels["investor_ready"]},
        ),
    ]


READINESS_ITEMS = {item.code: item for item in readiness.items()}


def _gaps(codes) -> list[readiness.Item]:
    return [READINESS_ITEMS[code] for code in codes if code in READINESS_ITEMS]


def _latest_assessment(project: Project):
    return max(project.assessments.all(), key=lambda a: (a.created_at, a.pk), default=None)


def _usd(amount: Decimal, rate) -> Decimal | None:
    return (amount * rate.rate).quantize(CENT) if rate is not None else None


# --- values for comparing (stale edits, plan versions) ---------------------------------


def _shown(field: forms.Field | None, value: Any) -> str:
    """A value as a person reads it, so two values compare the way they look."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(field, forms.ModelMultipleChoiceField):
        codes = [getattr(v, "code", v) for v in value]
        names = dict(field.queryset.filter(code__in=codes).values_list("code", "name"))
        return ", ".join(sorted(names.get(code, code) for code in codes))
    if isinstance(field, forms.ModelChoiceField):
        obj = value if hasattr(value, "pk") else field.queryset.filter(pk=value).first()
        return str(obj) if obj is not None else str(value)
    if isinstance(field, forms.MultipleChoiceField):
        labels = dict(_flat_choices(field.choices))
        return ", ".join(sorted(str(labels.get(v, v)) for v in value))
    if isinstance(field, forms.ChoiceField):
        return str(dict(_flat_choices(field.choices)).get(value, value))
    if isinstance(value, Decimal):
        return f"{value.quantize(CENT):,}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _flat_choices(choices) -> list[tuple[Any, Any]]:
    flat = []
    for key, label in choices:
        if isinstance(label, list | tuple):
            flat.extend(label)
        else:
            flat.append((key, label))
    return flat


def _rows_shown(rows: list[dict], keys: tuple[str, ...]) -> str:
    lines = [
        " · ".join(str(row.get(key)) for key in keys if row.get(key) not in (None, ""))
        for row in rows
    ]
    return "\n".join(line for line in lines if line) or "—"


ORIGINAL_SALT = "ascn.plans.edit-original"


def _row_lists(form, source) -> dict[str, list[dict]]:
    """The repeated rows (locations, contacts, sections) of a record or of a cleaned form."""
    if isinstance(source, dict):
        return {key: source.get(key) or [] for key, _label, _names in form.ROW_GROUPS.values()}
    return {key: getattr(source, key) or [] for key, _label, _names in form.ROW_GROUPS.values()}


def _parts(form, values: dict, rows: dict[str, list[dict]]) -> dict[str, tuple[str, str]]:
    """Every editable part of the form as ``key → (label, value as shown)``."""
    parts = {
        name: (str(form.fields[name].label), _shown(form.fields[name], values.get(name)))
        for name in form.EDIT_FIELDS
        if name in form.fields
    }
    for key, label, names in form.ROW_GROUPS.values():
        parts[key] = (str(label), _rows_shown(rows.get(key, []), names))
    return parts


def _original_token(form, record) -> str:
    """What the person was shown when they opened the form, signed, for a three-way merge
    if someone else saves first."""
    shown = _parts(form, type(form).initial_from(record), _row_lists(form, record))
    return signing.dumps(
        {k: v for k, (_label, v) in shown.items()}, salt=ORIGINAL_SALT, compress=True
    )


def _original_from(token: str | None) -> dict[str, str] | None:
    try:
        return signing.loads(token or "", salt=ORIGINAL_SALT)
    except signing.BadSignature:
        return None


def _write_back(data, form, key: str, saved_values: dict, saved_rows: dict) -> None:
    """Put the saved value of one part into the (copied) POST data of a form."""
    groups = {group[0]: (prefix, group[2]) for prefix, group in form.ROW_GROUPS.items()}
    if key in groups:
        prefix, names = groups[key]
        for name in [k for k in data if re.match(rf"^{prefix}-\d+-", k)]:
            del data[name]
        rows = [*saved_rows.get(key, []), {}]
        for index, row in enumerate(rows):
            for name in names:
                value = row.get(name)
                data[f"{prefix}-{index}-{name}"] = "" if value is None else str(value)
        return
    field, value = form.fields[key], saved_values.get(key)
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        data.setlist(key, [str(v) for v in value or []])
    elif value is None:
        data[key] = ""
    elif isinstance(value, dt.date):
        data[key] = value.isoformat()
    else:
        data[key] = str(value)


def _merge_stale_edit(request, form, current, **kwargs):
    """Someone saved ``current`` while this person edited ``form``: nothing is written.

    The form comes back carrying the current version, with what the other person changed
    taken into it where this person had left the part alone (``adopted``), and this person's
    value kept, next to the other's, where both changed the same part (``conflicts``).
    """
    form_class = type(form)
    saved_values = form_class.initial_from(current)
    saved_rows = _row_lists(form, current)
    saved = _parts(form, saved_values, saved_rows)
    service_values = form.service_values()
    yours = _parts(form, form.cleaned_data, _row_lists(form, service_values))
    original = _original_from(form.cleaned_data.get("original"))
    data = request.POST.copy()
    adopted, conflicts = [], []
    for key, (label, saved_value) in saved.items():
        your_value = yours[key][1]
        if saved_value == your_value:
            continue
        row = {"label": label, "saved": saved_value, "yours": your_value}
        if original is not None and original.get(key) == your_value:
            adopted.append(row)
            _write_back(data, form, key, saved_values, saved_rows)
        elif original is not None and original.get(key) == saved_value:
            continue  # only this person changed it: their value stands
        else:
            conflicts.append(row)
    data["version"] = str(current.version)
    data["original"] = signing.dumps(
        {k: v for k, (_label, v) in saved.items()}, salt=ORIGINAL_SALT, compress=True
    )
    merged = form_class(data, **kwargs)
    merged.is_valid()
    return merged, {"adopted": adopted, "conflicts": conflicts}


# --- projects: list and page -------------------------------------------------------------


def _money(amount: Decimal, currency: str, rate=None) -> dict:
    return {"amount": amount, "currency": currency, "usd": _usd(amount, rate) if rate else None}


@require_GET
def project_list(request):
    form = ProjectFilterForm(request.GET or None)
    status = 200
    if form.is_bound and not form.is_valid():
        projects = Project.objects.none()
        status = 400
    else:
        filters = {k: v or None for k, v in (form.cleaned_data if form.is_bound else {}).items()}
        projects = queries.projects_for(request.user, **filters)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    rates = money.latest_rates()
    rows = []
    for project in page.object_list:
        usd = money.to_usd(project.budget_amount, project.budget_currency, rates=rates)
        rows.append(
            {
                "project": project,
                "status_title": _status_title(project.status),
                "budget_usd": usd.amount if usd else None,
                "gap": project.funding_gap,
                "gap_usd": _usd(project.funding_gap, usd),
            }
        )
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "filtered": any(form.data.get(k) for k in form.fields) if form.is_bound else False,
        "can_create": editable_cities(request.user).exists(),
    }
    template = "plans/project_list.html#results" if request.htmx else "plans/project_list.html"
    return render(request, template, context, status=status)


@require_GET
def project_detail(request, pk: int):
    project = _project_or_404(request, pk)
    return render(request, "plans/project_detail.html", _project_context(request, project))


def _project_context(request, project: Project) -> dict:
    user = request.user
    rates = money.latest_rates()
    usd = money.to_usd(project.budget_amount, project.budget_currency, rates=rates)
    latest = _latest_assessment(project)
    updates = list(project.progress_updates.all())
    milestones = list(project.milestones.all())
    today = dt.date.today()
    milestone_status = codelists.codelist(codelists.MILESTONE_STATUS)
    milestone_codes = codelists.codelist(codelists.MILESTONE_CODE)
    document_types = codelists.codelist(codelists.DOCUMENT_TYPE)
    instruments = dict(FinancingInstrument.choices)
    chart_svg = ""
    if updates:
        last = updates[-1]
        chart_svg = charts.progress_chart_svg(
            [(u.date, u.physical_pct, u.financial_pct) for u in updates],
            labels=charts.Labels(
                physical=_("Physical progress"),
                financial=_("Financial progress"),
                date_axis=_("Date of the update"),
                pct_axis=_("Per cent complete"),
            ),
            title=_("Progress of “%(title)s”, physical and financial, in per cent")
            % {"title": project.title},
            summary=_(
                "%(n)s updates from %(first)s to %(last)s; the latest: physical %(physical)s%%, "
                "financial %(financial)s%%. The table next to the chart has every value."
            )
            % {
                "n": len(updates),
                "first": updates[0].date.isoformat(),
                "last": last.date.isoformat(),
                "physical": f"{last.physical_pct.normalize():f}",
                "financial": f"{last.financial_pct.normalize():f}",
            },
        )
    can = {
        action: project_policy.can(user, action, project)
        for action in ("change", "assess", "report_progress", "upload")
    }
    return {
        "project": project,
        "status_title": _status_title(project.status),
        "focus_areas": list(project.focus_areas.all()),
        "outcomes": list(project.outcomes.all()),
        "sdg_targets": [SDG11_TARGETS.get(t, t) for t in project.sdg_targets],
        "sectors": [
            codelists.codelist(codelists.PROJECT_SECTOR).get(s, s) for s in project.sectors
        ],
        "project_type": codelists.codelist(codelists.PROJECT_TYPE).get(project.project_type, ""),
        "budget": _money(project.budget_amount, project.budget_currency, usd),
        "usd": usd,
        "secured": _money(project.funding_secured, project.budget_currency, usd),
        "gap": _money(project.funding_gap, project.budget_currency, usd),
        "financing_sought": [instruments.get(i, i) for i in project.financing_sought],
        "assessment": latest,
        "next_steps": _gaps(latest.missing) if latest else [],
        "milestones": [
            {
                "milestone": m,
                "status_title": milestone_status.get(m.status, m.status),
                "code_title": milestone_codes.get(m.code, ""),
                "overdue": m.status == "scheduled"
                and m.due_date is not None
                and m.due_date < today,
            }
            for m in milestones
        ],
        "updates": updates,
        # vl-convert's SVG of our own spec; the only text from users (the title) is escaped.
        "chart_svg": mark_safe(chart_svg),
        "documents": [
            {"document": d, "type_title": document_types.get(d.document_type, "")}
            for d in project.documents.all()
        ],
        "contacts": project.contacts if user.is_authenticated else None,
        "plan_visible": bool(project.plan and plan_policy.is_visible(user, project.plan)),
        "can": can,
        "can_any": any(can.values()),
    }


# --- projects: create and edit ---------------------------------------------------------


def _plans_for_cities(user, cities):
    return (
        queries.plans_for(user)
        .filter(city__in=cities)
        .select_related("city")
        .order_by("city__name", "-period_start")
    )


def _live_errors(request, form):
    """htmx: the problems found so far, for fields the person has filled in (a field left
    empty is not an error until the form is sent)."""
    form.is_valid()
    problems = []
    for name, errors in form.errors.items():
        if name != "__all__" and not [v for v in form.data.getlist(name) if v not in ("", None)]:
            continue
        label = form.fields[name].label if name in form.fields else ""
        problems.extend(f"{label}: {e}" if label else str(e) for e in errors)
    return render(request, "plans/_live_errors.html", {"problems": problems})


@login_required
@require_http_methods(["GET", "POST"])
@maps_domain_errors
def project_create_view(request):
    cities = editable_cities(request.user)
    if not cities.exists():
        return _forbidden(
            request,
            _("Only Chief Smart City Officers (for their city) and the Secretariat add projects."),
        )
    kwargs = {"cities": cities, "plans": _plans_for_cities(request.user, cities)}
    status = 200
    if request.method == "POST":
        form = ProjectForm(request.POST, **kwargs)
        if request.htmx and request.GET.get("validate"):
            return _live_errors(request, form)
        if form.is_valid():
            city = cities.filter(slug=form.cleaned_data["city"]).first()
            values = form.service_values()
            try:
                if city is None:
                    raise InvalidInput(_("Choose one of your cities."), field="city")
                project = project_create(
                    actor=request.user,
                    city=city,
                    title=values.pop("title"),
                    description=values.pop("description"),
                    focus_areas=values.pop("focus_areas"),
                    status=values.pop("status"),
                    budget_amount=values.pop("budget_amount"),
                    budget_currency=values.pop("budget_currency"),
                    **values,
                )
            except InvalidInput as exc:
                _apply_error(form, exc)
                status = 422
            else:
                messages.success(
                    request,
                    _(
                        "The project is saved as a draft: only your city, your National "
                        "Representative and the Secretariat see it. Next: run the readiness "
                        "checklist."
                    ),
                )
                return redirect(project)
        else:
            status = 422
    else:
        initial = {
            "city": request.GET.get("city") or (cities.first().slug if cities.count() == 1 else "")
        }
        chosen = cities.filter(slug=initial["city"]).select_related("member_state").first()
        if chosen is not None:
            initial["budget_currency"] = NATIONAL_CURRENCY.get(chosen.member_state.code, "USD")
            plan = kwargs["plans"].filter(city=chosen).first()
            initial["plan"] = plan.pk if plan is not None else None
        form = ProjectForm(initial=initial, **kwargs)
    return render(
        request, "plans/project_form.html", {"form": form, "creating": True}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
@maps_domain_errors
def project_edit(request, pk: int):
    project = _project_or_404(request, pk)
    if not project_policy.can(request.user, "change", project):
        return _forbidden(
            request,
            _("Only the city's Chief Smart City Officers and the Secretariat edit this project."),
        )
    kwargs = {
        "project": project,
        "plans": _plans_for_cities(request.user, City.objects.filter(pk=project.city_id)),
        "may_publish": project_policy.can(request.user, "publish", project),
    }
    status, stale = 200, None
    if request.method == "POST":
        form = ProjectForm(request.POST, **kwargs)
        if request.htmx and request.GET.get("validate"):
            return _live_errors(request, form)
        if form.is_valid():
            values = form.service_values()
            try:
                project_update(
                    actor=request.user,
                    project=project,
                    version=form.cleaned_data["version"],
                    **values,
                )
            except StaleEdit:
                current = _project_or_404(request, pk)
                kwargs["project"] = current
                form, stale = _merge_stale_edit(request, form, current, **kwargs)
                status = 409
            except InvalidInput as exc:
                _apply_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Your changes to the project are saved."))
                return redirect(project)
        else:
            status = 422
    else:
        form = ProjectForm(initial=ProjectForm.initial_from(project), **kwargs)
        form.initial["original"] = _original_token(form, project)
    return render(
        request,
        "plans/project_form.html",
        {"form": form, "project": project, "creating": False, "stale": stale},
        status=status,
    )


# --- projects: readiness, progress, documents, milestones ------------------------------


def _readiness_result(answers: dict[str, bool]) -> dict:
    result = readiness.assess(answers)
    return {"score": result.score, "level": result.level, "gaps": list(result.missing)}


@require_http_methods(["GET", "POST"])
@maps_domain_errors
def project_readiness(request, pk: int):
    project = _project_or_404(request, pk)
    can_assess = project_policy.can(request.user, "assess", project)
    latest = _latest_assessment(project)
    status = 200
    if request.method == "GET" and request.htmx and request.GET.get("preview"):
        form = ReadinessForm(request.GET)
        return render(
            request,
            "plans/project_readiness.html#result",
            {
                "project": project,
                "result": _readiness_result(form.answers()),
                "preview": True,
                "level_rules": _level_rules(),
            },
        )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        if not can_assess:
            return _forbidden(
                request,
                _(
                    "Only the city's Chief Smart City Officers and the Secretariat assess this project."
                ),
            )
        form = ReadinessForm(request.POST)
        try:
            assessment = readiness_assess(
                actor=request.user, project=project, answers=form.answers()
            )
        except InvalidInput as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(
                request,
                _("Readiness recorded: %(level)s, %(score)s%% of the checklist met.")
                % {"level": ReadinessLevel(assessment.level).label, "score": assessment.score},
            )
            return HttpResponseRedirect(reverse("project-readiness", args=[pk]) + "#result")
        result = _readiness_result(form.answers())
    else:
        form = ReadinessForm(initial=latest.answers if latest else {})
        result = (
            {"score": latest.score, "level": latest.level, "gaps": _gaps(latest.missing)}
            if latest
            else None
        )
    history = sorted(project.assessments.all(), key=lambda a: (a.created_at, a.pk), reverse=True)
    return render(
        request,
        "plans/project_readiness.html",
        {
            "project": project,
            "form": form,
            "result": result,
            "assessment": latest,
            "history": history,
            "can_assess": can_assess,
            "level_rules": _level_rules(),
            "preview": False,
        },
        status=status,
    )


def _require_login_for_post(request):
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    return None


def _submit_small_form(
    request, *, allowed: bool, forbidden_message, form, save, success_message, redirect_url
):
    """The POST of the small project forms (progress, documents, milestones).

    Returns a response (403 page or redirect after saving), or the status with which to
    render the form again (422 or the service's error status).
    """
    if not allowed:
        return _forbidden(request, forbidden_message)
    if not form.is_valid():
        return 422
    try:
        save(form.cleaned_data)
    except InvalidInput as exc:
        _apply_error(form, exc)
        return exc.status
    messages.success(request, success_message)
    return HttpResponseRedirect(redirect_url)


@require_http_methods(["GET", "POST"])
@maps_domain_errors
def project_progress(request, pk: int):
    project = _project_or_404(request, pk)
    if (response := _require_login_for_post(request)) is not None:
        return response
    can_report = project_policy.can(request.user, "report_progress", project)
    status = 200
    if request.method == "POST":
        form = ProgressForm(request.POST)
        outcome = _submit_small_form(
            request,
            allowed=can_report,
            forbidden_message=_(
                "Only the city's Chief Smart City Officers and the Secretariat report progress."
            ),
            form=form,
            save=lambda data: progress_add(actor=request.user, project=project, **data),
            success_message=_("Progress update recorded."),
            redirect_url=project.get_absolute_url() + "#progress",
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    else:
        form = ProgressForm()
    return render(
        request,
        "plans/project_progress.html",
        {
            "project": project,
            "form": form,
            "updates": list(project.progress_updates.all()),
            "can_report": can_report,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@maps_domain_errors
def project_document_upload(request, pk: int):
    project = _project_or_404(request, pk)
    if (response := _require_login_for_post(request)) is not None:
        return response
    can_upload = project_policy.can(request.user, "upload", project)
    status = 200
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES)
        outcome = _submit_small_form(
            request,
            allowed=can_upload,
            forbidden_message=_(
                "Only the city's Chief Smart City Officers and the Secretariat upload documents."
            ),
            form=form,
            save=lambda data: document_upload(
                actor=request.user,
                project=project,
                title=data["title"],
                document_type=data["document_type"],
                file=data["file"],
            ),
            success_message=_("Document uploaded."),
            redirect_url=project.get_absolute_url() + "#documents",
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    else:
        form = DocumentForm(initial={"document_type": request.GET.get("type", "")})
    document_types = codelists.codelist(codelists.DOCUMENT_TYPE)
    return render(
        request,
        "plans/project_documents.html",
        {
            "project": project,
            "form": form,
            "can_upload": can_upload,
            "documents": [
                {"document": d, "type_title": document_types.get(d.document_type, "")}
                for d in project.documents.all()
            ],
        },
        status=status,
    )


def _attachment(file_field, filename: str) -> FileResponse:
    try:
        handle = file_field.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("The file is missing.")) from exc
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )


@require_GET
def project_document(request, pk: int, doc_pk: int):
    project = _project_or_404(request, pk)
    document = next((d for d in project.documents.all() if d.pk == doc_pk), None)
    if document is None:
        raise Http404(_("Document not found."))
    return _attachment(document.file, f"{slugify(document.title) or 'document'}.pdf")


@require_http_methods(["GET", "POST"])
@maps_domain_errors
def project_milestone(request, pk: int):
    project = _project_or_404(request, pk)
    if (response := _require_login_for_post(request)) is not None:
        return response
    can_change = project_policy.can(request.user, "change", project)
    milestones = list(project.milestones.all())
    status, failed_form = 200, None
    if request.method == "POST":
        form = MilestoneForm(request.POST, prefix=_milestone_prefix(request.POST))

        def save(data):
            data = dict(data)
            milestone_id = data.pop("milestone")
            target = None
            if milestone_id is not None:
                target = next((m for m in milestones if m.pk == milestone_id), None)
                if target is None:
                    raise Http404(_("Milestone not found."))
            milestone_save(actor=request.user, project=project, milestone=target, **data)

        outcome = _submit_small_form(
            request,
            allowed=can_change,
            forbidden_message=_(
                "Only the city's Chief Smart City Officers and the Secretariat edit milestones."
            ),
            form=form,
            save=save,
            success_message=_("Milestone saved."),
            redirect_url=reverse("project-milestone", args=[pk]),
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
        failed_form = form
    forms_by_id = {}
    for m in milestones:
        prefix = f"m{m.pk}"
        forms_by_id[m.pk] = (
            failed_form
            if failed_form is not None and failed_form.prefix == prefix
            else MilestoneForm(initial=MilestoneForm.initial_from(m), prefix=prefix)
        )
    new_form = (
        failed_form
        if failed_form is not None and failed_form.prefix == "new"
        else MilestoneForm(prefix="new")
    )
    statuses = codelists.codelist(codelists.MILESTONE_STATUS)
    return render(
        request,
        "plans/project_milestones.html",
        {
            "project": project,
            "rows": [
                {
                    "milestone": m,
                    "form": forms_by_id[m.pk],
                    "status_title": statuses.get(m.status, m.status),
                }
                for m in milestones
            ],
            "new_form": new_form,
            "can_change": can_change,
        },
        status=status,
    )


def _milestone_prefix(data) -> str:
    prefix = data.get("form_prefix", "new")
    return prefix if re.fullmatch(r"new|m\d{1,12}", prefix) else "new"


# --- action plans ----------------------------------------------------------------------


@require_GET
def plan_list(request):
    form = PlanFilterForm(request.GET or None)
    status = 200
    if form.is_bound and not form.is_valid():
        plans = ActionPlan.objects.none()
        status = 400
    else:
        filters = {k: v or None for k, v in (form.cleaned_data if form.is_bound else {}).items()}
        plans = queries.plans_for(request.user, **filters)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    # Count only the projects this person may see (a draft project is not even a number).
    page.object_list = list(page.object_list)
    counts = dict(
        project_policy.visible(request.user, Project.objects.filter(plan__in=page.object_list))
        .values_list("plan")
        .annotate(n=Count("id"))
        .values_list("plan", "n")
    )
    for plan in page.object_list:
        plan.project_count = counts.get(plan.pk, 0)
    scopes = scopes_of(request.user)
    context = {
        "form": form,
        "page": page,
        "can_create": editable_cities(request.user).exists(),
        "has_queue": scopes.secretariat or bool(scopes.member_state_ids),
    }
    template = "plans/plan_list.html#results" if request.htmx else "plans/plan_list.html"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@maps_domain_errors
def plan_create_view(request):
    cities = editable_cities(request.user)
    if not cities.exists():
        return _forbidden(
            request,
            _(
                "Only Chief Smart City Officers (for their city) and the Secretariat write action plans."
            ),
        )
    status = 200
    if request.method == "POST":
        extra = 1 if "add_section" in request.POST else 0
        form = PlanForm(request.POST, cities=cities, extra_sections=extra)
        if extra:
            return render(
                request,
                "plans/plan_form.html",
                {"form": form, "creating": True, "adding_section": True},
            )
        if form.is_valid():
            city = cities.filter(slug=form.cleaned_data["city"]).first()
            values = form.service_values()
            try:
                if city is None:
                    raise InvalidInput(_("Choose one of your cities."), field="city")
                plan = plan_create(actor=request.user, city=city, **values)
            except InvalidInput as exc:
                _apply_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _(
                        "The action plan is saved as a draft. Attach its PDF, list its projects, then submit it for endorsement."
                    ),
                )
                return redirect(plan)
        else:
            status = 422
    else:
        initial = {
            "city": request.GET.get("city") or (cities.first().slug if cities.count() == 1 else "")
        }
        year = dt.date.today().year
        initial |= {"period_start": year, "period_end": year + 5}
        form = PlanForm(initial=initial, cities=cities)
    return render(request, "plans/plan_form.html", {"form": form, "creating": True}, status=status)


def _plan_actions(user, plan: ActionPlan) -> list[str]:
    return [
        action
        for action in PLAN_ACTIONS
        if (plan.status, action) in PLAN_TRANSITIONS and plan_policy.can(user, action, plan)
    ]


def _plan_context(request, plan: ActionPlan, **extra) -> dict:
    user = request.user
    versions = list(
        PlanVersion.objects.filter(plan=plan).select_related("created_by").order_by("number")
    )
    projects = (
        project_policy.visible(user, plan.projects.all()).select_related("city").order_by("title")
    )
    actions = _plan_actions(user, plan)
    transition_forms = {
        action: _transition_form(action, initial={"action": action, "version": plan.version})
        for action in actions
    }
    failed = extra.pop("transition_form", None)
    if failed is not None:
        if failed.action_name in transition_forms:
            transition_forms[failed.action_name] = failed
        elif failed.non_field_errors():
            # An action not offered in this status (a stale page, a crafted POST): say why.
            extra["stale"] = " ".join(failed.non_field_errors())
    names = {
        "outcomes": dict(Outcome.objects.values_list("code", "name")),
        "focus_areas": dict(FocusArea.objects.values_list("code", "name")),
    }
    previous = None
    for version in versions:
        version.previous = previous
        previous = version.number
    return {
        "plan": plan,
        "versions": versions,
        "last_version": previous,
        "status_steps": [
            (PlanStatus.RETURNED, _("Returned for changes"))
            if plan.status == PlanStatus.RETURNED
            else (PlanStatus.DRAFT, _("Draft")),
            (PlanStatus.SUBMITTED, _("Submitted")),
            (PlanStatus.ENDORSED, _("Endorsed")),
            (PlanStatus.PUBLISHED, _("Published")),
        ],
        "projects": projects,
        "actions": actions,
        "transition_forms": transition_forms,
        "can_edit": plan.status in EDITABLE_PLAN_STATUSES and plan_policy.can(user, "change", plan),
        "next_step": _plan_next_step(plan, user),
        "names": names,
        **extra,
    }


def _plan_next_step(plan: ActionPlan, user) -> str:
    """What happens next, in a sentence, from where this person stands."""
    actions = _plan_actions(user, plan)
    if plan.status == PlanStatus.DRAFT:
        return (
            _("Complete the plan, then submit it for endorsement by the National Representative.")
            if "submit" in actions
            else _("The city is drafting this plan.")
        )
    if plan.status == PlanStatus.RETURNED:
        return (
            _(
                "The National Representative returned the plan: revise it as asked, then submit it again."
            )
            if "submit" in actions
            else _("Returned to the city for changes.")
        )
    if plan.status == PlanStatus.SUBMITTED:
        return (
            _("Review the plan, then endorse it or return it with a comment.")
            if "endorse" in actions
            else _("Waiting for the National Representative's endorsement.")
        )
    if plan.status == PlanStatus.ENDORSED:
        return (
            _("Endorsed. Publish it to make it public.")
            if "publish" in actions
            else _("Endorsed; waiting to be published.")
        )
    return _("Published: everyone can read this plan.")


def _transition_form(action: str, **kwargs) -> TransitionForm:
    """One form per action on the plan page: the same field names, ids unique on the page."""
    form = TransitionForm(auto_id=f"id_{action}_%s", **kwargs)
    form.action_name = action
    return form


@require_http_methods(["GET", "POST"])
@maps_domain_errors
def plan_detail(request, pk: int):
    """The plan; a POST moves it along its workflow (submit, endorse, return, publish)."""
    plan = _plan_or_404(request, pk)
    if request.method == "GET":
        return render(request, "plans/plan_detail.html", _plan_context(request, plan))
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    action = request.POST.get("action") if request.POST.get("action") in PLAN_ACTIONS else "submit"
    form = _transition_form(action, data=request.POST)
    status, stale = 200, None
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan_transition(
                actor=request.user,
                plan=plan,
                action=data["action"],
                version=data["version"],
                comment=data["comment"],
            )
        except StaleEdit:
            plan = _plan_or_404(request, pk)
            stale = _(
                "Someone else changed this plan while you were looking at it. Nothing was done: here is the plan as it is now. Check it, then try again."
            )
            form = _transition_form(
                action,
                initial={"action": action, "version": plan.version, "comment": data["comment"]},
            )
            status = 409
        except InvalidInput as exc:
            _apply_error(form, exc)
            status = exc.status
        else:
            done = {
                "submit": _(
                    "Plan submitted. The National Representative is notified and will endorse it or return it with a comment."
                ),
                "endorse": _("Plan endorsed. The city's officers are notified."),
                "return": _(
                    "Plan returned to the city with your comment. Its officers are notified."
                ),
                "publish": _("Plan published: everyone can read it now."),
            }[data["action"]]
            messages.success(request, done)
            return redirect(_safe_next(request, data.get("next"), plan.get_absolute_url()))
    else:
        status = 422
    plan = _plan_or_404(request, pk)
    return render(
        request,
        "plans/plan_detail.html",
        _plan_context(request, plan, transition_form=form, stale=stale),
        status=status,
    )


def _plan_edit_page(
    request, plan, form, document_form, status=200, stale=None, adding=False, document_stale=None
):
    return render(
        request,
        "plans/plan_form.html",
        {
            "form": form,
            "document_form": document_form,
            "plan": plan,
            "creating": False,
            "stale": stale,
            "adding_section": adding,
            "document_stale": document_stale,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@maps_domain_errors
def plan_edit(request, pk: int):
    plan = _plan_or_404(request, pk)
    if not plan_policy.can(request.user, "change", plan):
        return _forbidden(
            request,
            _(
                "Only the city's Chief Smart City Officers and the Secretariat edit its action plan."
            ),
        )
    if plan.status not in EDITABLE_PLAN_STATUSES:
        return render(
            request,
            "plans/plan_locked.html",
            {"plan": plan},
            status=409,
        )
    document_form = PlanDocumentForm(initial={"version": plan.version})
    if request.method == "GET":
        form = PlanForm(initial=PlanForm.initial_from(plan), plan=plan)
        form.initial["original"] = _original_token(form, plan)
        return _plan_edit_page(request, plan, form, document_form)
    extra = 1 if "add_section" in request.POST else 0
    form = PlanForm(request.POST, plan=plan, extra_sections=extra)
    if extra:
        return _plan_edit_page(request, plan, form, document_form, adding=True)
    if not form.is_valid():
        return _plan_edit_page(request, plan, form, document_form, status=422)
    try:
        plan_update(
            actor=request.user,
            plan=plan,
            version=form.cleaned_data["version"],
            **form.service_values(),
        )
    except StaleEdit:
        current = _plan_or_404(request, pk)
        form, stale = _merge_stale_edit(request, form, current, plan=current)
        document_form = PlanDocumentForm(initial={"version": current.version})
        return _plan_edit_page(request, current, form, document_form, status=409, stale=stale)
    except InvalidInput as exc:
        _apply_error(form, exc)
        return _plan_edit_page(request, plan, form, document_form, status=exc.status)
    messages.success(request, _("Your changes to the plan are saved."))
    return redirect(plan)


@require_http_methods(["GET", "POST"])
@maps_domain_errors
def plan_document(request, pk: int):
    """GET: the plan's PDF (for whoever may see the plan). POST: attach a new one."""
    plan = _plan_or_404(request, pk)
    if request.method == "GET":
        if not plan.document:
            raise Http404(_("This plan has no document attached."))
        return _attachment(plan.document, f"{slugify(plan.title) or 'action-plan'}.pdf")
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if not plan_policy.can(request.user, "change", plan):
        return _forbidden(
            request,
            _(
                "Only the city's Chief Smart City Officers and the Secretariat attach the plan's document."
            ),
        )
    document_form = PlanDocumentForm(request.POST, request.FILES)
    status, document_stale = 422, None
    if document_form.is_valid():
        try:
            plan_attach_document(
                actor=request.user,
                plan=plan,
                version=document_form.cleaned_data["version"],
                file=document_form.cleaned_data["document"],
            )
        except StaleEdit:
            plan = _plan_or_404(request, pk)
            document_form = PlanDocumentForm(initial={"version": plan.version})
            document_stale = _(
                "Someone else changed the plan while you were editing it, so nothing was "
                "attached. The page now shows the plan as it is: choose the file again to "
                "attach it."
            )
            status = 409
        except InvalidInput as exc:
            _apply_error(document_form, exc)
            status = exc.status
        else:
            messages.success(request, _("The plan document is attached."))
            return redirect(plan)
    if plan.status not in EDITABLE_PLAN_STATUSES:
        return render(request, "plans/plan_locked.html", {"plan": plan}, status=409)
    form = PlanForm(initial=PlanForm.initial_from(plan), plan=plan)
    form.initial["original"] = _original_token(form, plan)
    return _plan_edit_page(
        request, plan, form, document_form, status=status, document_stale=document_stale
    )


# --- comparing two versions of a plan ----------------------------------------------------

CURRENT = "current"


def _mark(tag: str, text: str) -> str:
    """``<ins>``/``<del>`` with words for screen readers (not colour alone)."""
    word = _("added") if tag == "ins" else _("removed")
    return f'<{tag}><span class="visually-hidden">[{word}: </span>{escape(text)}<span class="visually-hidden">]</span></{tag}>'


def _word_diff(old: str, new: str) -> tuple[str, str]:
    a, b = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left, right = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            left.append(escape("".join(a[i1:i2])))
            right.append(escape("".join(b[j1:j2])))
        else:
            if i2 > i1:
                left.append(_mark("del", "".join(a[i1:i2])))
            if j2 > j1:
                right.append(_mark("ins", "".join(b[j1:j2])))
    return "".join(left), "".join(right)


def text_sides(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Two texts side by side: removed lines (or words) in ``<del>`` on the left, added in
    ``<ins>`` on the right; unchanged lines plain on both sides."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left: list[str] = []
    right: list[str] = []

    def line(html: str) -> str:
        return f'<span class="diff-line">{html or "&nbsp;"}</span>'

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            left.extend(line(escape(x)) for x in a[i1:i2])
            right.extend(line(escape(x)) for x in b[j1:j2])
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for old_line, new_line in zip(a[i1:i2], b[j1:j2], strict=True):
                if difflib.SequenceMatcher(None, old_line, new_line).ratio() >= 0.4:
                    l_html, r_html = _word_diff(old_line, new_line)
                    left.append(line(l_html))
                    right.append(line(r_html))
                else:
                    left.append(line(_mark("del", old_line)))
                    right.append(line(_mark("ins", new_line)))
            continue
        left.extend(line(_mark("del", x)) for x in a[i1:i2] if x.strip())
        right.extend(line(_mark("ins", x)) for x in b[j1:j2] if x.strip())
    return mark_safe("".join(left)), mark_safe("".join(right))


def set_sides(old: list, new: list, names: dict | None = None) -> tuple[SafeString, SafeString]:
    names = names or {}
    old_set, new_set = set(old or []), set(new or [])

    def item(code, tag=None) -> str:
        label = str(names.get(code, code))
        return f"<li>{_mark(tag, label) if tag else escape(label)}</li>"

    left = "".join(
        item(c, "del" if c not in new_set else None)
        for c in sorted(old_set, key=lambda c: str(names.get(c, c)))
    )
    right = "".join(
        item(c, "ins" if c not in old_set else None)
        for c in sorted(new_set, key=lambda c: str(names.get(c, c)))
    )
    empty = f'<li class="muted">{escape(_("none"))}</li>'
    return (
        mark_safe(f'<ul class="diff-set">{left or empty}</ul>'),
        mark_safe(f'<ul class="diff-set">{right or empty}</ul>'),
    )


def compare_snapshots(old: dict, new: dict, names: dict) -> list[dict]:
    """Field by field, what changed between two snapshots of a plan (``plan_snapshot``)."""
    rows = []

    def add(label, left, right, changed):
        rows.append({"label": label, "left": left, "right": right, "changed": changed})

    for key, label in (("title", _("Title")), ("vision", _("Vision"))):
        o, n = old.get(key) or "", new.get(key) or ""
        add(label, *text_sides(o, n), o != n)
    o = f"{old.get('period_start')}–{old.get('period_end')}"
    n = f"{new.get('period_start')}–{new.get('period_end')}"
    add(_("Period"), *text_sides(o, n), o != n)
    for key, label in (
        ("outcomes", _("ASCF outcomes")),
        ("focus_areas", _("ASCF focus areas")),
        ("projects", _("Priority projects")),
    ):
        o_list, n_list = old.get(key) or [], new.get(key) or []
        add(label, *set_sides(o_list, n_list, names.get(key)), set(o_list) != set(n_list))
    old_sections = {s.get("heading", ""): s.get("body", "") for s in old.get("sections") or []}
    new_sections = {s.get("heading", ""): s.get("body", "") for s in new.get("sections") or []}
    for heading in list(dict.fromkeys([*old_sections, *new_sections])):
        o_body, n_body = old_sections.get(heading), new_sections.get(heading)
        label = _("Section “%(heading)s”") % {"heading": heading}
        if o_body is None:
            add(
                label,
                mark_safe(f'<p class="muted">{escape(_("not in this version"))}</p>'),
                text_sides("", f"{n_body}")[1],
                True,
            )
        elif n_body is None:
            add(
                label,
                text_sides(f"{o_body}", "")[0],
                mark_safe(f'<p class="muted">{escape(_("not in this version"))}</p>'),
                True,
            )
        else:
            add(label, *text_sides(o_body, n_body), o_body != n_body)
    o_doc, n_doc = old.get("document") or "", new.get("document") or ""
    doc_label = {True: _("a PDF is attached"), False: _("no document")}
    o_text = doc_label[bool(o_doc)]
    n_text = doc_label[bool(n_doc)] + (
        f" ({_('a new file')})" if o_doc and n_doc and o_doc != n_doc else ""
    )
    add(_("Plan document"), *text_sides(o_text, n_text), o_doc != n_doc)
    return rows


@require_GET
def plan_compare(request, pk: int):
    from ascn.plans.services import plan_snapshot

    plan = _plan_or_404(request, pk)
    versions = {
        v.number: v for v in PlanVersion.objects.filter(plan=plan).select_related("created_by")
    }
    numbers = sorted(versions)
    a, b = request.GET.get("a"), request.GET.get("b")
    if a is None and b is None:
        if len(numbers) >= 2:
            a, b = str(numbers[-2]), str(numbers[-1])
        elif numbers:
            a, b = str(numbers[-1]), CURRENT
    sides = []
    for value in (a, b):
        if value == CURRENT:
            sides.append(
                {"label": _("Current text"), "version": None, "snapshot": plan_snapshot(plan)}
            )
        elif value is not None and value.isdigit() and int(value) in versions:
            version = versions[int(value)]
            sides.append(
                {
                    "label": _("Version %(n)s") % {"n": version.number},
                    "version": version,
                    "snapshot": version.snapshot,
                }
            )
        elif value is not None:
            raise Http404(_("No such version of this plan."))
    names = {
        "outcomes": dict(Outcome.objects.values_list("code", "name")),
        "focus_areas": dict(FocusArea.objects.values_list("code", "name")),
    }
    rows = (
        compare_snapshots(sides[0]["snapshot"], sides[1]["snapshot"], names)
        if len(sides) == 2
        else []
    )
    return render(
        request,
        "plans/plan_compare.html",
        {
            "plan": plan,
            "sides": sides,
            "rows": rows,
            "changed": [row["label"] for row in rows if row["changed"]],
            "versions": [versions[n] for n in numbers],
            "a": a,
            "b": b,
            "can_compare_current": plan.status in EDITABLE_PLAN_STATUSES,
        },
    )


# --- the endorsement queue and the workspace ---------------------------------------------


def _queue(user):
    """Submitted and endorsed plans the user decides on: an NR's states, or all (Secretariat)."""
    scopes = scopes_of(user)
    plans = queries.plans_for(user)
    if not scopes.secretariat:
        plans = plans.filter(city__member_state__in=scopes.member_state_ids)
    plans = plans.annotate(
        version_count=Count("versions", distinct=True),
        submitted_at=Max("versions__created_at"),
        project_count=Count("projects", distinct=True),
    )
    return (
        plans.filter(status=PlanStatus.SUBMITTED).order_by("submitted_at"),
        plans.filter(status=PlanStatus.ENDORSED).order_by("submitted_at"),
    )


@login_required
@require_GET
def plan_queue(request):
    scopes = scopes_of(request.user)
    if not (scopes.secretariat or scopes.member_state_ids):
        raise Http404
    submitted, endorsed = _queue(request.user)
    return render(
        request,
        "plans/plan_queue.html",
        {"submitted": submitted, "endorsed": endorsed, "secretariat": scopes.secretariat},
    )


@login_required
@require_GET
def workspace(request):
    user = request.user
    scopes = scopes_of(user)
    rates = money.latest_rates()
    cities = []
    for city in City.objects.filter(pk__in=scopes.city_ids).select_related("member_state"):
        plans = list(queries.plans_for(user, city=city.slug))
        projects = list(queries.projects_for(user, city=city.slug))
        cities.append(
            {
                "city": city,
                "deals": partner_workspace.city_deals(user, city),
                "plans": [
                    {
                        "plan": plan,
                        "next_step": _plan_next_step(plan, user),
                        "can_submit": "submit" in _plan_actions(user, plan),
                        "can_edit": plan.status in EDITABLE_PLAN_STATUSES,
                    }
                    for plan in plans
                ],
                "projects": [
                    {
                        "project": p,
                        "status_title": _status_title(p.status),
                        "gap": p.funding_gap,
                        "gap_usd": (
                            usd.amount
                            if (usd := money.to_usd(p.funding_gap, p.budget_currency, rates=rates))
                            else None
                        ),
                    }
                    for p in projects
                ],
            }
        )
    queue = None
    if scopes.secretariat or scopes.member_state_ids:
        submitted, endorsed = _queue(user)
        queue = {
            "submitted": list(submitted[:10]),
            "submitted_count": submitted.count(),
            "endorsed_count": endorsed.count(),
        }
    return render(
        request,
        "plans/workspace.html",
        {
            "cities": cities,
            "queue": queue,
            "secretariat": scopes.secretariat,
            "partner_sections": partner_workspace.partner_sections(user),
        },
    )
