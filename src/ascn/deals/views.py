"""Pages of the deal pipeline: the board, one deal (with the form that moves it), and the
"express interest" step. Server-rendered; everything works without JavaScript.

Reads start from ``engagements_for`` (a deal out of the user's sight is a 404), writes go
through ``pipeline``'s services; their errors become the page's answer: ``InvalidInput`` an
error on the form (422), a stale version or an illegal move the page again with why (409).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ascn.accounts.notifications import mark_read, members_of
from ascn.accounts.queries import organisations_acted_for
from ascn.core.errors import IllegalTransition, InvalidInput, PermissionDenied, StaleEdit
from ascn.core.forms import form_error
from ascn.core.permissions import scopes_of
from ascn.core.queries import found
from ascn.deals.forms import AdvanceForm, ConfirmForm, InterestForm
from ascn.deals.models import Engagement, EngagementSide
from ascn.deals.permissions import engagement_side_of, may_advance, may_confirm
from ascn.deals.queries import board_columns, engagements_for, pairs_in_pipeline
from ascn.deals.services import (
    DuplicateEngagement,
    engagement_advance,
    engagement_confirm,
    engagement_create,
    next_stages,
)
from ascn.network.models import City
from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy
from ascn.plans.models import Project
from ascn.plans.permissions import project_policy

BOARD_LIMIT = 600  # cards on one board; beyond that the page says so and filters help


@login_required
@require_GET
def engagement_board(request):
    organisation_slug = request.GET.get("organisation") or None
    city_slug = request.GET.get("city") or None
    deals = engagements_for(request.user, organisation=organisation_slug, city=city_slug)
    cards = list(deals.order_by("-updated_at", "-id")[: BOARD_LIMIT + 1])
    truncated = len(cards) > BOARD_LIMIT
    organisation = (
        Organisation.objects.filter(slug=organisation_slug).only("slug", "name").first()
        if organisation_slug
        else None
    )
    city = City.objects.filter(slug=city_slug).only("slug", "name").first() if city_slug else None
    return render(
        request,
        "deals/pipeline_board.html",
        {
            "columns": board_columns(cards[:BOARD_LIMIT]),
            "count": min(len(cards), BOARD_LIMIT),
            "truncated": truncated,
            "organisation": organisation,
            "city": city,
        },
    )


def _engagement_or_404(request, pk: int) -> Engagement:
    return found(engagements_for(request.user).filter(pk=pk).first(), _("Engagement not found."))


def _detail_page(
    request,
    engagement: Engagement,
    form: AdvanceForm | None = None,
    status=200,
    confirm_form: ConfirmForm | None = None,
):
    if form is None and may_advance(request.user, engagement) and next_stages(engagement):
        form = AdvanceForm(
            initial={
                "version": engagement.version,
                "commitment_currency": engagement.project.budget_currency,
            },
            next_stages=next_stages(engagement),
        )
    if confirm_form is None and may_confirm(request.user, engagement):
        confirm_form = ConfirmForm(initial={"version": engagement.version}, prefix="confirm")
    events = engagement.events.select_related("actor")
    return render(
        request,
        "deals/engagement_detail.html",
        {
            "engagement": engagement,
            "events": events,
            "form": form,
            "confirm_form": confirm_form,
        },
        status=status,
    )


@login_required
@require_GET
def engagement_detail(request, pk: int):
    engagement = _engagement_or_404(request, pk)
    # Opening the deal reads the notices that point at it (as a mail client would).
    mark_read(user=request.user, url=engagement.get_absolute_url())
    return _detail_page(request, engagement)


@login_required
@require_POST
def engagement_advance_view(request, pk: int):
    engagement = _engagement_or_404(request, pk)
    if not may_advance(request.user, engagement):
        raise PermissionDenied(
            _(
                "Only the organisation's members, the city's Chief Smart City Officers and "
                "the Secretariat move a deal."
            ),
        )
    form = AdvanceForm(request.POST, next_stages=next_stages(engagement))
    if not next_stages(engagement):
        messages.error(request, _("This deal is finished and moves no further."))
        return _detail_page(request, engagement, status=409)
    if not form.is_valid():
        return _detail_page(request, engagement, form, status=422)
    data = form.cleaned_data
    try:
        engagement = engagement_advance(
            actor=request.user,
            engagement=engagement,
            stage=data["stage"],
            version=data["version"],
            note=data["note"],
            commitment_amount=data.get("commitment_amount"),
            commitment_currency=engagement.project.budget_currency
            if data.get("commitment_amount") is not None
            else None,
            commitment_instrument=data.get("commitment_instrument") or None,
        )
    except (StaleEdit, IllegalTransition) as exc:
        messages.error(request, exc.message)
        return _detail_page(request, _engagement_or_404(request, pk), status=409)
    except InvalidInput as exc:
        form_error(form, exc)
        return _detail_page(request, engagement, form, status=422)
    messages.success(request, _advanced_message(engagement, request.user))
    if engagement.awaiting_confirmation:
        messages.info(
            request,
            _(
                "The commitment counts in the project's funding secured once the city confirms "
                "it; its Chief Smart City Officers and National Representative are asked to."
            ),
        )
    return redirect("engagement-detail", pk=pk)


@login_required
@require_POST
def engagement_confirm_view(request, pk: int):
    """The city confirms the partner's commitment, or declines to with the reason."""
    engagement = _engagement_or_404(request, pk)
    form = ConfirmForm(request.POST, prefix="confirm")
    if not may_confirm(request.user, engagement):
        if engagement.awaiting_confirmation:
            raise PermissionDenied(
                _(
                    "Only the city's Chief Smart City Officers and its member state's National "
                    "Representative confirm a partner's commitment."
                )
            )
        messages.error(request, _("No commitment on this deal is waiting for confirmation."))
        return _detail_page(request, engagement, status=409)
    if not form.is_valid():
        return _detail_page(request, engagement, status=422, confirm_form=form)
    data = form.cleaned_data
    confirm = data["decision"] == "confirm"
    try:
        engagement_confirm(
            actor=request.user,
            engagement=engagement,
            version=data["version"],
            confirm=confirm,
            reason=data["reason"],
        )
    except (StaleEdit, IllegalTransition) as exc:
        messages.error(request, exc.message)
        return _detail_page(request, _engagement_or_404(request, pk), status=409)
    except InvalidInput as exc:
        form_error(form, exc)
        return _detail_page(request, engagement, status=422, confirm_form=form)
    messages.success(
        request,
        _("The commitment is confirmed: it now counts in the project's funding secured.")
        if confirm
        else _("The commitment is not confirmed: the deal is back at the term sheet."),
    )
    return redirect("engagement-detail", pk=pk)


def _told(user, *, city_id: int | None = None, organisation_id: int | None = None) -> bool:
    """Whether anyone but ``user`` acts for the city or the organisation: the people the
    services notify (``members_of``), so a message says "told" only when someone was."""
    people = members_of(city_id=city_id, organisation_id=organisation_id)
    return any(person != user for person in people)


def _interest_message(engagement: Engagement, user) -> str:
    project, organisation = engagement.project, engagement.organisation
    if engagement.initiated_by == EngagementSide.PARTNER:
        other = _("the Chief Smart City Officers of %(city)s") % {"city": project.city.name}
        told = _told(user, city_id=project.city_id)
    else:
        other = organisation.name
        told = _told(user, organisation_id=organisation.pk)
    if told:
        return _("Interest sent; %(other)s have been notified.") % {"other": other}
    return _(
        "Interest recorded, but nobody acts for %(other)s on the platform yet, so nobody was "
        "notified. The deal waits in the pipeline for them."
    ) % {"other": other}


def _advanced_message(engagement: Engagement, user) -> str:
    city = _told(user, city_id=engagement.project.city_id)
    organisation = _told(user, organisation_id=engagement.organisation_id)
    if city and organisation:
        return _("The deal moved on; both sides have been notified.")
    if city or organisation:
        return _("The deal moved on; %(told)s notified (nobody else acts for %(other)s).") % {
            "told": _("the city's officers are") if city else _("the organisation's members are"),
            "other": engagement.organisation.name if city else engagement.project.city.name,
        }
    return _(
        "The deal moved on. Nobody else acts for either side on the platform: nobody was notified."
    )


def _pair_or_404(request, project_id, organisation_slug) -> tuple[Project, Organisation]:
    project = (
        project_policy.visible(request.user, Project.objects.select_related("city"))
        .filter(pk=project_id)
        .first()
    )
    organisation = (
        organisation_policy.visible(request.user, Organisation.objects.all())
        .filter(slug=organisation_slug)
        .first()
    )
    if project is None or organisation is None:
        raise Http404(_("Project or organisation not found."))
    return project, organisation


def _interest_from_project(request, project_id: str):
    """ "Express interest" from a project's page, which names no organisation: the
    organisations the user acts for that may deal on it (real with real, sample with sample).
    One goes straight to the confirmation, several are offered, none is said."""
    project = found(
        project_policy.visible(request.user, Project.objects.select_related("city"))
        .filter(pk=int(project_id) if project_id.isascii() and project_id.isdigit() else 0)
        .first(),
        _("Project not found."),
    )
    own = organisation_policy.visible(
        request.user,
        Organisation.objects.filter(pk__in=scopes_of(request.user).organisation_ids),
    ).order_by("name")
    organisations = list(
        own.filter(pk__in=organisations_acted_for(request.user, sample=project.sample))
    )
    if not organisations:
        raise PermissionDenied(
            _(
                "Only the members of an organisation express interest from a project's page. "
                "Sample organisations deal only on sample projects, and real ones only on "
                "real projects."
            )
            if own
            else _(
                "Only the members of an organisation express interest from a project's page; "
                "a city's officers express interest in an organisation from the project's matches."
            )
        )
    if len(organisations) == 1:
        query = urlencode({"project": project.pk, "organisation": organisations[0].slug})
        return redirect(f"{reverse('engagement-new')}?{query}")
    deals = pairs_in_pipeline(request.user, projects=[project], organisations=organisations)
    rows = [{"organisation": o, "deal": deals.get((project.pk, o.pk))} for o in organisations]
    return render(request, "deals/engagement_choose.html", {"project": project, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def engagement_new(request):
    """Express interest: a short confirmation page (GET), or straight from a button (POST).
    From a project's page only the project is given: ``_interest_from_project``."""
    source = request.POST if request.method == "POST" else request.GET
    if request.method == "GET" and source.get("project") and not source.get("organisation"):
        return _interest_from_project(request, source["project"])
    form = InterestForm(source or None)
    if not form.is_valid():
        if request.method == "GET" and not source:
            raise Http404(_("Choose a project and an organisation first."))
        if {"project", "organisation"} & set(form.errors):
            raise Http404(_("Project or organisation not found."))
    project, organisation = _pair_or_404(
        request, form.cleaned_data["project"], form.cleaned_data["organisation"]
    )
    existing = engagements_for(request.user).filter(project=project, organisation=organisation)
    existing = existing.first()
    if existing is not None:
        messages.info(request, _("This project and this organisation are already in the pipeline."))
        return redirect(existing)
    side = engagement_side_of(request.user, project=project, organisation=organisation)
    if side is None:
        raise PermissionDenied(
            _(
                "Only the organisation's members or the city's Chief Smart City Officers "
                "express interest in a deal between them."
            ),
        )
    context = {"form": form, "project": project, "organisation": organisation, "side": side}
    if request.method == "GET" or not form.is_valid():
        status = 200 if request.method == "GET" else 422
        if request.method == "GET":
            form = InterestForm(initial=form.cleaned_data)
            context["form"] = form
        return render(request, "deals/engagement_new.html", context, status=status)
    try:
        engagement = engagement_create(
            actor=request.user,
            project=project,
            organisation=organisation,
            message=form.cleaned_data["message"],
        )
    except DuplicateEngagement as exc:
        messages.info(request, _("This project and this organisation are already in the pipeline."))
        return redirect(exc.existing)
    except InvalidInput as exc:
        form.add_error("message" if exc.field == "message" else None, exc.message)
        return render(request, "deals/engagement_new.html", context, status=422)
    messages.success(request, _interest_message(engagement, request.user))
    return redirect(engagement)
