"""Project pages: the list, a project's page, creating and editing one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ascn.core import display, formats, sources, translations
from ascn.core.views import Sent, filtered_page, render_results, send_form
from ascn.core.visibility import Visibility
from ascn.network.models import City
from ascn.plans import charts, codelists, disclosure, money, queries, readiness
from ascn.plans.forms import ProjectFilterForm, ProjectForm, national_currency
from ascn.plans.models import (
    FinancingInstrument,
    Project,
)
from ascn.plans.permissions import plan_policy, project_policy
from ascn.plans.services import (
    project_create,
    project_update,
)
from ascn.plans.views.common import (
    chosen_city,
    edit_page,
    editable_cities,
    first_city,
    gaps,
    in_usd,
    latest_assessment,
    project_or_404,
    status_title,
    writable_cities,
)
from ascn.plans.views.merge import merge_stale_edit, original_token


def _money(amount: Decimal, currency: str, rate=None) -> dict:
    return {"amount": amount, "currency": currency, "usd": in_usd(amount, rate) if rate else None}


# What a row of the projects page shows (``_row``), the only fields read: a project's other
# texts and JSON lists, and its city's and member state's other fields, were most of the
# time of reading a page of 50 (10.9 → 5.7 ms on PostgreSQL, docs/benchmarks.md).
SHOWN = [
    "title",
    "language",
    "translations",
    "status",
    "readiness_level",
    "readiness_score",
    "budget_amount",
    "budget_currency",
    "funding_secured",
    "visibility",
    "sample",
    "city__name",
    "city__member_state__name",
]


def _listed(user, **filters):
    """The projects page's rows: without the outcomes, only the fields a row shows."""
    return queries.projects_for(user, outcomes=False, **filters).only(*SHOWN)


def _row(project: Project, rates, url) -> dict:
    """A row of the projects page as the texts it shows: the template only places them (a
    lookup through a model costs the template engine an exception; 50 rows of them were
    ~40 % of the page's time)."""
    currency = project.budget_currency
    usd = money.to_usd(project.budget_amount, currency, rates=rates)
    budget_usd = usd.amount if usd else None
    gap = project.shown_funding_gap
    gap_usd = in_usd(gap, usd) if gap is not None else None
    converted = currency != "USD"
    title = translations.shown(project, "title")
    city = project.city
    return {
        "url": url(project.pk),
        "title": title,
        "lang": title.language if title.foreign else "",
        "areas": " · ".join(area.label for area in project.focus_areas.all()),
        "badges": display.snippet(
            "components/visibility.html",
            record={"visibility": project.visibility, "sample": project.sample},
        ),
        "city": city.name,
        "member_state": city.member_state.label,
        "status_title": status_title(project.status),
        "level": display.snippet("plans/_level.html", level=project.readiness_level),
        "score": project.readiness_score,
        "budget": formats.money(project.budget_amount, currency),
        "budget_usd": (
            formats.money(budget_usd, "USD", whole=True)
            if budget_usd is not None and converted
            else ""
        ),
        "gap": formats.money(gap, currency),
        "gap_usd": formats.money(gap_usd, "USD", whole=True)
        if gap_usd is not None and converted
        else "",
    }


@require_GET
def project_list(request):
    form = ProjectFilterForm(request.GET or None)
    page, status = filtered_page(request, form, _listed, capped_by="q")
    rates = money.latest_rates()
    url = Project.url_maker()
    rows = [_row(project, rates, url) for project in page.object_list]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "filtered": any(form.data.get(k) for k in form.fields) if form.is_bound else False,
        "can_create": editable_cities(request.user).exists(),
    }
    return render_results(request, "plans/project_list.html", context, status=status)


@require_GET
def project_detail(request, pk: int):
    project = project_or_404(request, pk)
    return render(request, "plans/project_detail.html", _project_context(request, project))


def _project_context(request, project: Project) -> dict:
    user = request.user
    rates = money.latest_rates()
    usd = money.to_usd(project.budget_amount, project.budget_currency, rates=rates)
    latest = latest_assessment(project)
    updates = list(project.progress_updates.all())
    milestones = list(project.milestones.all())
    documents = list(project.documents.all())
    today = dt.date.today()
    milestone_status = codelists.labels(codelists.MILESTONE_STATUS)
    milestone_codes = codelists.labels(codelists.MILESTONE_CODE)
    document_types = codelists.labels(codelists.DOCUMENT_TYPE)
    instruments = dict(FinancingInstrument.choices)
    chart_svg = ""
    if updates:
        last = updates[-1]
        chart_svg = charts.progress_chart_svg(
            [(u.date, u.physical_pct, u.financial_pct) for u in updates],
            labels=charts.labels(),
            title=_("Progress of “%(title)s”, physical and financial, in per cent")
            % {"title": project.title},
            summary=_(
                "%(n)s updates from %(first)s to %(last)s; the latest: physical %(physical)s, "
                "financial %(financial)s. The table next to the chart has every value."
            )
            % {
                "n": len(updates),
                "first": formats.day(updates[0].date),
                "last": formats.day(last.date),
                "physical": formats.percent(last.physical_pct, 2),
                "financial": formats.percent(last.financial_pct, 2),
            },
        )
    can = {
        action: project_policy.can(user, action, project)
        for action in ("change", "assess", "report_progress", "upload")
    }
    return {
        "project": project,
        "status_title": status_title(project.status),
        "focus_areas": list(project.focus_areas.all()),
        "outcomes": list(project.outcomes.all()),
        "sdg_targets": [codelists.SDG11_TARGETS.get(t, t) for t in project.sdg_targets],
        "sectors": [codelists.labels(codelists.PROJECT_SECTOR).get(s, s) for s in project.sectors],
        "project_type": codelists.labels(codelists.PROJECT_TYPE).get(project.project_type, ""),
        "budget": _money(project.budget_amount, project.budget_currency, usd),
        "usd": usd,
        "secured": _money(project.funding_secured, project.budget_currency, usd),
        "gap": _money(project.funding_gap, project.budget_currency, usd),
        "financing_sought": [instruments.get(i, i) for i in project.financing_sought],
        "sources": sources.shown(project.sources, Project),
        "assessment": latest,
        "next_steps": gaps(latest.missing) if latest else [],
        # a gap a document uploaded since the assessment may close: the page says so (the
        # checklist ticks it for the officer to confirm)
        "on_file": readiness.new_evidence(documents, latest) if latest else {},
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
            for d in documents
        ],
        "contacts": project.contacts if user.is_authenticated else None,
        "disclosure": disclosure.loaded(project),
        "plan_visible": bool(project.plan and plan_policy.is_visible(user, project.plan)),
        "can": can,
        "can_any": any(can.values()),
        # a partner member's "Express interest" is the deals app's (core.sections "actions")
    }


# --- projects: create and edit ---------------------------------------------------------


def _plans_for_cities(user, cities, *, sample: bool = False):
    """The action plans a project of these cities may be put in: of its kind (a new project
    is real; sample with sample)."""
    return (
        queries.plans_for(user)
        .filter(city__in=cities, sample=sample)
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


def _send_project_form(request, form: ProjectForm, save, **how) -> Sent:
    """Send the project form to its service (``send_form``, with ``how``). An htmx request
    to ``?validate`` only checks it: the answer is the problems found so far."""
    if request.htmx and request.GET.get("validate"):
        return Sent(form, 200, response=_live_errors(request, form))
    return send_form(request, form, save, **how)


def project_saved_message(visibility: str, *, changed: bool = False) -> str:
    """What was saved and who sees it now: said from the visibility the project has, never
    assumed (a project may be created for the network or the public straight away)."""
    if visibility == Visibility.PUBLIC:
        seen = _("Everyone, signed in or not, sees it.")
    elif visibility == Visibility.NETWORK:
        seen = _("Every signed-in member of the network sees it.")
    else:
        seen = _("Only your city, your National Representative and the Secretariat see it.")
    if changed:
        return _("Your changes to the project are saved.") + " " + seen
    if visibility == Visibility.DRAFT:
        saved = _("The project is saved as a draft.")
    else:
        saved = _("The project is saved.")
    return f"{saved} {seen} " + _("Next: run the readiness checklist.")


@login_required
@require_http_methods(["GET", "POST"])
def project_create_view(request):
    cities = writable_cities(
        request.user,
        _("Only Chief Smart City Officers (for their city) and the Secretariat add projects."),
    )
    kwargs = {"cities": cities, "plans": _plans_for_cities(request.user, cities)}
    status = 200
    if request.method == "POST":
        form = ProjectForm(request.POST, **kwargs)
        sent = _send_project_form(
            request,
            form,
            lambda data: project_create(
                actor=request.user,
                city=chosen_city(cities, data["city"]),
                **form.service_values(),
            ),
            saved_message=lambda project: project_saved_message(project.visibility),
            next_url=lambda project: project.get_absolute_url(),
        )
        if sent.response:
            return sent.response
        status = sent.status
    else:
        initial = {"city": first_city(request, cities)}
        chosen = cities.filter(slug=initial["city"]).select_related("member_state").first()
        if chosen is not None:
            initial["budget_currency"] = national_currency(chosen)
            plan = kwargs["plans"].filter(city=chosen).first()
            initial["plan"] = plan.pk if plan is not None else None
        form = ProjectForm(initial=initial, **kwargs)
    return render(
        request, "plans/project_form.html", {"form": form, "creating": True}, status=status
    )


def _edit_saved_message(form: ProjectForm, project) -> str:
    """Who sees the project is said when this edit changes it."""
    visibility = form.cleaned_data.get("visibility") if form.is_valid() else None
    if visibility in (None, project.visibility):
        return _("Your changes to the project are saved.")
    return project_saved_message(visibility, changed=True)


@edit_page(
    project_or_404,
    project_policy,
    gettext_lazy(
        "Only the city's Chief Smart City Officers and the Secretariat edit this project."
    ),
)
def project_edit(request, project):
    kwargs = {
        "project": project,
        "plans": _plans_for_cities(
            request.user, City.objects.filter(pk=project.city_id), sample=project.sample
        ),
        "may_publish": project_policy.can(request.user, "publish", project),
    }
    status, stale = 200, None
    if request.method == "POST":
        form = ProjectForm(request.POST, **kwargs)
        sent = _send_project_form(
            request,
            form,
            lambda data: project_update(
                actor=request.user,
                project=project,
                version=data["version"],
                **form.service_values(),
            ),
            saved_message=_edit_saved_message(form, project),
            next_url=project.get_absolute_url(),
            stale_edits=True,
        )
        if sent.response:
            return sent.response
        status = sent.status
        if sent.stale:
            current = project_or_404(request, project.pk)
            kwargs["project"] = current
            form, stale = merge_stale_edit(request, form, current, **kwargs)
    else:
        form = ProjectForm(initial=ProjectForm.initial_from(project), **kwargs)
        form.initial["original"] = original_token(form, project)
    return render(
        request,
        "plans/project_form.html",
        {"form": form, "project": project, "creating": False, "stale": stale},
        status=status,
    )
