"""Action plan pages: the list, creating one, its page with the workflow, editing, its PDF."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ascn.core.documents import pdf_attachment
from ascn.core.errors import InvalidInput, StaleEdit
from ascn.core.forms import form_error
from ascn.core.permissions import scopes_of
from ascn.core.views import filtered_page, render_results, safe_next, send_form, sign_in_first
from ascn.network.models import FocusArea, Outcome
from ascn.plans import queries
from ascn.plans.forms import (
    PlanFilterForm,
    PlanForm,
    TransitionForm,
)
from ascn.plans.models import (
    ActionPlan,
    PlanStatus,
    PlanVersion,
    Project,
)
from ascn.plans.permissions import plan_policy, project_policy
from ascn.plans.services import (
    EDITABLE_PLAN_STATUSES,
    PLAN_TRANSITIONS,
    plan_create,
    plan_recipients,
    plan_transition,
    plan_update,
)
from ascn.plans.views.common import (
    chosen_city,
    edit_page,
    editable_cities,
    first_city,
    plan_or_404,
    writable_cities,
)
from ascn.plans.views.merge import merge_stale_edit, original_token

PLAN_ACTIONS = ("submit", "withdraw", "endorse", "return", "publish")


@require_GET
def plan_list(request):
    form = PlanFilterForm(request.GET or None)
    page, status = filtered_page(request, form, queries.plans_for)
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
    return render_results(request, "plans/plan_list.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create_view(request):
    cities = writable_cities(
        request.user,
        _(
            "Only Chief Smart City Officers (for their city) and the Secretariat write action plans."
        ),
    )
    status = 200
    if request.method == "POST":
        extra = 1 if "add_section" in request.POST else 0
        form = PlanForm(request.POST, request.FILES, cities=cities, extra_sections=extra)
        if extra:
            return render(
                request,
                "plans/plan_form.html",
                {
                    "form": form,
                    "creating": True,
                    "adding_section": True,
                    "document_notice": document_not_kept(request),
                },
            )
        sent = send_form(
            request,
            form,
            lambda data: plan_create(
                actor=request.user,
                city=chosen_city(cities, data["city"]),
                document=data.get("document"),
                **form.service_values(),
            ),
            saved_message=lambda plan: (
                _(
                    "The action plan is saved as a draft, with its PDF. List its projects, then submit it for endorsement."
                )
                if plan.document
                else _(
                    "The action plan is saved as a draft. Attach its PDF, list its projects, then submit it for endorsement."
                )
            ),
            next_url=lambda plan: plan.get_absolute_url(),
        )
        if sent.response:
            return sent.response
        status = sent.status
    else:
        year = dt.date.today().year
        initial = {
            "city": first_city(request, cities),
            "period_start": year,
            "period_end": year + 5,
        }
        form = PlanForm(initial=initial, cities=cities)
    context = {"form": form, "creating": True, "document_notice": document_not_kept(request)}
    return render(request, "plans/plan_form.html", context, status=status)


def plan_actions(user, plan: ActionPlan) -> list[str]:
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
    actions = plan_actions(user, plan)
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
    # Each submission is compared with the one before it (what the National Representative
    # was sent then), not with a return or a withdrawal, which repeat what was sent.
    previous = None
    submissions = 0
    for version in versions:
        version.previous = None
        if version.status == PlanStatus.SUBMITTED:
            version.previous = previous
            previous = version.number
            submissions += 1
    return {
        "plan": plan,
        "versions": versions,
        "last_submission": previous,
        "submissions": submissions,
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
        # Whether the National Representative is notified on submission or withdrawal, so the
        # small print under those buttons says what will really happen.
        "nr_told": bool(plan_recipients(plan, "submit"))
        if {"submit", "withdraw"} & set(actions)
        else False,
        "can_edit": plan.status in EDITABLE_PLAN_STATUSES and plan_policy.can(user, "change", plan),
        "next_step": plan_next_step(plan, user),
        "names": names,
        **extra,
    }


# Where a plan stands → the action that moves it on, what to do for who may take it, and what
# is happening for anyone else.
NEXT_STEPS = {
    PlanStatus.DRAFT: (
        "submit",
        gettext_lazy(
            "Complete the plan, then submit it for endorsement by the National Representative."
        ),
        gettext_lazy("The city is drafting this plan."),
    ),
    PlanStatus.RETURNED: (
        "submit",
        gettext_lazy(
            "The National Representative returned the plan: revise it as asked, then submit it again."
        ),
        gettext_lazy("Returned to the city for changes."),
    ),
    PlanStatus.SUBMITTED: (
        "endorse",
        gettext_lazy("Review the plan, then endorse it or return it with a comment."),
        gettext_lazy("Waiting for the National Representative's endorsement."),
    ),
    PlanStatus.ENDORSED: (
        "publish",
        gettext_lazy("Endorsed. Publish it to make it public."),
        gettext_lazy("Endorsed; waiting to be published."),
    ),
}


def plan_next_step(plan: ActionPlan, user) -> str:
    """What happens next, in a sentence, from where this person stands."""
    if plan.status not in NEXT_STEPS:
        return _("Published: everyone can read this plan.")
    action, to_do, awaited = NEXT_STEPS[plan.status]
    if action in plan_actions(user, plan):
        return str(to_do)
    if plan.status == PlanStatus.SUBMITTED and not plan_recipients(plan, "submit"):
        return _(
            "Waiting for endorsement: %(state)s has no National Representative on the platform "
            "yet, so the Secretariat endorses it or returns it."
        ) % {"state": plan.city.member_state.label}
    return str(awaited)


def _transition_form(action: str, **kwargs) -> TransitionForm:
    """One form per action on the plan page: the same field names, ids unique on the page."""
    form = TransitionForm(auto_id=f"id_{action}_%s", **kwargs)
    form.action_name = action
    return form


@require_http_methods(["GET", "POST"])
def plan_detail(request, pk: int):
    """The plan; a POST moves it along its workflow (submit, withdraw, endorse, return,
    publish)."""
    plan = plan_or_404(request, pk)
    if request.method == "GET":
        return render(request, "plans/plan_detail.html", _plan_context(request, plan))
    if response := sign_in_first(request):
        return response
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
            plan = plan_or_404(request, pk)
            stale = _(
                "Someone else changed this plan while you were looking at it. Nothing was done: here is the plan as it is now. Check it, then try again."
            )
            form = _transition_form(
                action,
                initial={"action": action, "version": plan.version, "comment": data["comment"]},
            )
            status = 409
        except InvalidInput as exc:
            form_error(form, exc)
            status = exc.status
        else:
            done = transition_message(plan, data["action"])
            messages.success(request, done)
            return redirect(safe_next(request, data.get("next"), plan.get_absolute_url()))
    else:
        status = 422
    plan = plan_or_404(request, pk)
    return render(
        request,
        "plans/plan_detail.html",
        _plan_context(request, plan, transition_form=form, stale=stale),
        status=status,
    )


def transition_message(plan: ActionPlan, action: str) -> str:
    """What happened, and who was told: said from the list of people actually notified
    (``plan_recipients``), so a city without a National Representative is not told that one
    was notified."""
    told = bool(plan_recipients(plan, action))
    state = plan.city.member_state.label
    if action == "submit":
        if told:
            return _(
                "Plan submitted. The National Representative of %(state)s is notified and will "
                "endorse it or return it with a comment. Until they act you can still withdraw "
                "it to make changes."
            ) % {"state": state}
        return _(
            "Plan submitted. %(state)s has no National Representative on the platform yet, so "
            "nobody was notified: the Secretariat sees the plan in its endorsement queue."
        ) % {"state": state}
    if action == "withdraw":
        if told:
            return _(
                "Plan withdrawn: it is a draft again, for you to change and submit again. The "
                "National Representative of %(state)s is notified that it no longer waits for "
                "them."
            ) % {"state": state}
        return _(
            "Plan withdrawn: it is a draft again, for you to change and submit again. Nobody "
            "had been notified of it, so nobody else is told."
        )
    officers = (
        _("The city's Chief Smart City Officers are notified.")
        if told
        else _("The city has no Chief Smart City Officer on the platform, so nobody was notified.")
    )
    if action == "endorse":
        return _("Plan endorsed. Publish it to make it public.") + " " + officers
    if action == "return":
        return _("Plan returned to the city with your comment.") + " " + officers
    return _("Plan published: everyone can read it now.") + " " + officers


def document_not_kept(request) -> str:
    """When the page comes back without saving (a problem, a stale edit, a section added) a
    file chosen in it is gone — browsers never refill a file field — so say so."""
    chosen = request.FILES.get("document")
    if chosen is None:
        return ""
    return _(
        "The PDF you chose (%(name)s) is not attached yet: a page cannot keep a chosen file "
        "when it comes back, so choose it again before you save."
    ) % {"name": chosen.name}


def _plan_edit_page(request, plan, form, status=200, stale=None, adding=False):
    return render(
        request,
        "plans/plan_form.html",
        {
            "form": form,
            "plan": plan,
            "creating": False,
            "stale": stale,
            "adding_section": adding,
            "document_notice": document_not_kept(request) if request.method == "POST" else "",
        },
        status=status,
    )


@edit_page(
    plan_or_404,
    plan_policy,
    gettext_lazy(
        "Only the city's Chief Smart City Officers and the Secretariat edit its action plan."
    ),
)
def plan_edit(request, plan):
    """The plan's one edit form: its text and its PDF, saved together by "Save changes"."""
    if plan.status not in EDITABLE_PLAN_STATUSES:
        return render(
            request,
            "plans/plan_locked.html",
            {"plan": plan},
            status=409,
        )
    if request.method == "GET":
        form = PlanForm(initial=PlanForm.initial_from(plan), plan=plan)
        form.initial["original"] = original_token(form, plan)
        return _plan_edit_page(request, plan, form)
    extra = 1 if "add_section" in request.POST else 0
    form = PlanForm(request.POST, request.FILES, plan=plan, extra_sections=extra)
    if extra:
        return _plan_edit_page(request, plan, form, adding=True)
    document = request.FILES.get("document")
    sent = send_form(
        request,
        form,
        lambda data: plan_update(
            actor=request.user,
            plan=plan,
            version=data["version"],
            document=data.get("document"),
            **form.service_values(),
        ),
        saved_message=_("Your changes to the plan are saved, and the PDF you chose is attached.")
        if document is not None
        else _("Your changes to the plan are saved."),
        next_url=plan.get_absolute_url(),
        stale_edits=True,
    )
    if sent.response:
        return sent.response
    if sent.stale:
        current = plan_or_404(request, plan.pk)
        form, stale = merge_stale_edit(request, form, current, plan=current)
        return _plan_edit_page(request, current, form, status=409, stale=stale)
    return _plan_edit_page(request, plan, form, status=sent.status)


@require_GET
def plan_document(request, pk: int):
    """The plan's PDF, for whoever may see the plan (it is attached on the edit page)."""
    plan = plan_or_404(request, pk)
    if not plan.document:
        raise Http404(_("This plan has no document attached."))
    return pdf_attachment(plan.document, plan.title, default="action-plan")
