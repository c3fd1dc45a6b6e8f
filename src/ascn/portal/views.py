"""The pages that bring several apps together: the home page, a member state's and a
city's page (the registry with their projects and the map sized by them), each role's
workspace, and the invitation desk (an invitation's scope is chosen among the registry's
member states, cities and officers and the partners' organisations). They read through the
other apps' queries and write through their services.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ascn.accounts import queries as account_queries
from ascn.accounts import services
from ascn.accounts.models import ROLE_SCOPE, SCOPE_FIELD, Role
from ascn.core.catalogues import completeness
from ascn.core.errors import InvalidInput
from ascn.core.forms import form_error
from ascn.core.permissions import scopes_of
from ascn.core.queries import found
from ascn.dashboards.queries import cache_seconds, map_cities, public_project_counts
from ascn.network import queries
from ascn.network.maps import map_note, svg_digest
from ascn.network.models import (
    Appointment,
    City,
    FocusArea,
    KeyFact,
    Outcome,
    TimelineEvent,
)
from ascn.network.tasks import map_svg
from ascn.plans import money
from ascn.plans import queries as plan_queries
from ascn.plans.services import EDITABLE_PLAN_STATUSES
from ascn.plans.views.common import status_title
from ascn.plans.views.plans import plan_actions, plan_next_step
from ascn.portal import workspace
from ascn.portal.forms import InvitationForm

# The home page names at most this many cities of each member state (the rest are one link
# away, in the paginated city list): the page stays the same size at 3,000 cities.
HOME_CITIES_PER_STATE = 12
# A member state's page shows at most this many city cards.
STATE_CITY_CARDS = 24
MAP_DIGEST_KEY = "portal:v1:map-digest:"


def map_svg_of(cities: QuerySet[City]) -> str:
    """The stored map, or while the task worker draws it the last one drawn of these cities
    ("" the first time: the template says it is being drawn): Altair and vl-convert stay out
    of the web worker (see ``network.tasks``).

    The cities are read as plain values (``dashboards.queries.map_cities``) and the digest
    that names the stored map is kept as long as the dashboards' figures: a request
    does not read and hash 3,000 cities to find the map."""

    def read() -> list[dict]:  # the dots are sized by their public projects
        return map_cities(cities, public_project_counts())

    seconds = cache_seconds()
    key = MAP_DIGEST_KEY + hashlib.sha256(str(cities.query).encode()).hexdigest()[:16]
    digest = cache.get(key) if seconds else None
    if digest is None:
        rows = read()
        digest = svg_digest(rows)
        if seconds:
            cache.set(key, digest, seconds)
        return map_svg(rows, digest=digest, view=key)
    return map_svg(read, digest=digest, view=key)


@require_GET
def home(request):
    states = queries.cities_by_member_state(HOME_CITIES_PER_STATE)
    context = {
        "counts": {
            "member_states": len(states),
            "cities": sum(group.total for group in states),
            "pilot_cities": sum(group.pilot for group in states),
            "officers": Appointment.objects.current().filter(role=Appointment.Role.CSO).count(),
        },
        "states": states,
        "map_svg": map_svg_of(City.objects.order_by("name")),
        "map_note": map_note(sum(group.total for group in states)),
        "facts": KeyFact.objects.all(),
        "outcomes": Outcome.objects.all(),
        "focus_areas": FocusArea.objects.all(),
        "timeline": TimelineEvent.objects.all(),
    }
    return render(request, "portal/home.html", context)


@require_GET
def member_state_detail(request, code: str):
    state = found(
        next((s for s in queries.member_states() if s.code.lower() == code.lower()), None)
    )
    cities = City.objects.filter(member_state=state).order_by("name")
    url = City.url_maker()
    cards = [
        {"name": name, "cohort": cohort, "url": url(slug)}
        for name, cohort, slug in cities.values_list("name", "cohort", "slug")[:STATE_CITY_CARDS]
    ]
    total = cities.count() if len(cards) == STATE_CITY_CARDS else len(cards)
    return render(
        request,
        "portal/member_state_detail.html",
        {
            "state": state,
            "cities": cards,
            "cities_total": total,
            "map_svg": map_svg_of(cities) if cards else "",
            "map_note": map_note(total),
        },
    )


CITY_PAGE_PROJECTS = 20


@require_GET
def city_detail(request, slug: str):
    try:
        city = queries.city_with_officers(slug)
    except City.DoesNotExist:
        raise Http404 from None
    neighbours = City.objects.filter(member_state=city.member_state).exclude(pk=city.pk)
    visible = plan_queries.projects_for(request.user, city=city.slug)
    # The first CITY_PAGE_PROJECTS only, with their focus areas: a city with thousands of
    # projects costs the page no more than one with twenty (the list links to the rest).
    projects = list(visible.prefetch_related("focus_areas")[:CITY_PAGE_PROJECTS])
    count = len(projects) if len(projects) < CITY_PAGE_PROJECTS else visible.count()
    # the city's Smart City Action Plans the reader may see (a city has a few), newest first;
    # the list shows none of their outcomes or focus areas, which plans_for prefetches
    plans = (
        plan_queries.plans_for(request.user, city=city.slug)
        .prefetch_related(None)
        .order_by("-period_start", "-id")
    )
    return render(
        request,
        "portal/city_detail.html",
        {
            "city": city,
            "neighbours": neighbours,
            "plans": plans,
            "projects": projects,
            "project_count": count,
        },
    )


DEMO_INVITATION_LINK = "ascn_demo_invitation_link"


@login_required
@require_GET
def workspace_page(request):
    user = request.user
    scopes = scopes_of(user)
    rates = money.latest_rates()
    cities = []
    for city in City.objects.filter(pk__in=scopes.city_ids).select_related("member_state"):
        plans = list(plan_queries.plans_for(user, city=city.slug))
        projects = list(plan_queries.projects_for(user, city=city.slug))
        cities.append(
            {
                "city": city,
                "deals": workspace.city_deals(user, city),
                "plans": [
                    {
                        "plan": plan,
                        "next_step": plan_next_step(plan, user),
                        "can_submit": "submit" in plan_actions(user, plan),
                        "can_edit": plan.status in EDITABLE_PLAN_STATUSES,
                    }
                    for plan in plans
                ],
                "projects": [
                    {
                        "project": p,
                        "status_title": status_title(p.status),
                        "gap": p.shown_funding_gap,
                        "gap_usd": (
                            usd.amount
                            if (
                                usd := money.to_usd(
                                    p.shown_funding_gap, p.budget_currency, rates=rates
                                )
                            )
                            else None
                        ),
                    }
                    for p in projects
                ],
            }
        )
    queue = None
    if scopes.secretariat or scopes.member_state_ids:
        submitted, endorsed = plan_queries.endorsement_queue(user)
        queue = {
            "submitted": list(submitted[:10]),
            "submitted_count": submitted.count(),
            "endorsed_count": endorsed.count(),
        }
    return render(
        request,
        "portal/workspace.html",
        {
            "cities": cities,
            "queue": queue,
            "secretariat": scopes.secretariat,
            "attention": workspace.secretariat_attention(user) if scopes.secretariat else None,
            "states": workspace.representative_states(user),
            "invitations": workspace.invitations_summary(user),
            "partner_sections": workspace.partner_sections(user),
            "commitments": workspace.commitments_to_confirm(user),
        },
    )


# --- the invitation desk (Secretariat and National Representatives) ---------------------


def _inviter_scopes(user):
    """Only the Secretariat and National Representatives invite; for anyone else there is nothing here."""
    scopes = scopes_of(user)
    if not (scopes.secretariat or scopes.member_state_ids):
        raise Http404
    return scopes


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitations(request):
    scopes = _inviter_scopes(request.user)
    form = InvitationForm(request.POST or None, scopes=scopes)
    status = 422 if request.method == "POST" and not form.is_valid() else 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope_field = SCOPE_FIELD.get(ROLE_SCOPE[Role(data["role"])], "role")
        try:
            invitation, token = services.invitation_create(
                actor=request.user,
                email=data["email"],
                role=data["role"],
                scope=data["scope"],
                person=data.get("person"),
            )
        except InvalidInput as exc:
            form_error(form, exc, {"scope": scope_field})
            status = exc.status  # refused: the form again, as every form page answers
        else:
            messages.success(
                request,
                _(
                    "Invitation e-mailed to %(email)s. The link works once and expires in %(days)d days."
                )
                % {"email": invitation.email, "days": services.INVITATION_LIFETIME.days},
            )
            if settings.ASCN_DEMO:
                request.session[DEMO_INVITATION_LINK] = services.invitation_url(token)
            return redirect("invitations")
    demo_link = None
    if request.method == "GET" and settings.ASCN_DEMO:
        demo_link = request.session.pop(DEMO_INVITATION_LINK, None)
    sent = account_queries.invitations_sent(request.user)
    page = Paginator(sent, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "demo_link": demo_link,
        "secretariat": scopes.secretariat,
    }
    return render(request, "portal/invitations.html", context, status=status)


@login_required
@require_POST
def invitation_revoke(request, pk: int):
    _inviter_scopes(request.user)
    invitation = get_object_or_404(account_queries.invitations_sent(request.user), pk=pk)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The invitation to %(email)s is revoked; its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("invitations")


@require_GET
def languages_page(request):
    """The platform's languages: how complete each translation is, who made it, and where
    to send corrections (docs/translation.md)."""
    return render(request, "portal/languages.html", {"languages": completeness()})
