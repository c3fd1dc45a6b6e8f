"""The partner's part of the workspace (``/workspace/``): for each organisation the user is a
member of, the projects that fit it best, its deals by stage and the programmes it runs with
the applications waiting for a decision. The CSCO's part: the deals on the city's projects.
For either side, the partners' commitments waiting for the city's confirmation: to confirm
(the city's CSCOs and National Representative), or awaited (the partner).

The Secretariat's part: what needs attention across the network (plans waiting, organisations
to verify, calls closing, meetings coming, new and flagged discussion posts, failed
imports). The National Representative's part: their member states' cities with plans and
projects, and the invitations they sent that wait to be accepted.

Reads only, each starting from what the user may see (the same queries as the pages the
workspace links to)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ascn.accounts.queries import invitations_sent
from ascn.cooperation.models import Post
from ascn.cooperation.queries import flagged_posts_for
from ascn.core.permissions import scopes_of
from ascn.deals.models import EngagementStage
from ascn.deals.permissions import may_confirm
from ascn.deals.queries import commitments_waiting, engagements_for
from ascn.funding.models import ApplicationStatus, Call
from ascn.funding.queries import applications_for, programmes_for, programmes_sponsored_by
from ascn.indicators import queries as indicator_queries
from ascn.indicators.models import Verification
from ascn.matchmaking import queries
from ascn.matchmaking import reasons as why
from ascn.meetings import queries as meeting_queries
from ascn.network.models import City, MemberState
from ascn.opendata.models import ImportJob, ImportStatus
from ascn.partners.models import Organisation
from ascn.partners.queries import organisations_for
from ascn.plans import queries as plan_queries
from ascn.plans.models import PlanStatus

if TYPE_CHECKING:
    from ascn.core.types import Actor

TOP_MATCHES = 5
WAITING = (ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED)


def deals_by_stage(deals) -> list[tuple[str, str, int]]:
    """``(code, label, count)`` of the stages that hold at least one deal, in pipeline order."""
    counts = dict(deals.order_by().values_list("stage").annotate(n=Count("id")))
    return [
        (code, str(label), counts[code])
        for code, label in EngagementStage.choices
        if code in counts
    ]


def partner_sections(user) -> list[dict]:
    scopes = scopes_of(user)
    if not scopes.organisation_ids:
        return []
    labels = queries.labels()
    sections = []
    for org in Organisation.objects.filter(pk__in=scopes.organisation_ids).order_by("name"):
        ranking = queries.matches_for_organisation(user, org)
        top = list(ranking[:TOP_MATCHES])
        projects = queries.projects_by_id([m.project.id for m in top])
        programmes = list(programmes_sponsored_by(user, org))
        waiting = dict(
            applications_for(user)
            .filter(call__programme__in=[p.pk for p in programmes], status__in=WAITING)
            .order_by()
            .values_list("call__programme")
            .annotate(n=Count("id"))
        )
        for programme in programmes:
            programme.waiting = waiting.get(programme.pk, 0)
        sections.append(
            {
                "organisation": org,
                "matches": [
                    {
                        "project": projects[m.project.id],
                        "score": m.score,
                        "reasons": why.reasons(m, labels),
                    }
                    for m in top
                    if m.project.id in projects
                ],
                "match_count": len(ranking),
                "deals": deals_by_stage(engagements_for(user, organisation=org.slug)),
                "programmes": programmes,
            }
        )
    return sections


def city_deals(user, city) -> list[tuple[str, str, int]]:
    return deals_by_stage(engagements_for(user, city=city.slug))


WAITING_SHOWN = 20


def commitments_to_confirm(user: Actor) -> dict[str, Any] | None:
    """The commitments waiting for the city's confirmation among the user's deals, oldest
    first, each marked with whether the user answers for the city (None: there is none)."""
    waiting = commitments_waiting(user)
    rows = list(waiting[:WAITING_SHOWN])
    if not rows:
        return None
    for engagement in rows:
        engagement.may_confirm = may_confirm(user, engagement)
    return {**capped(waiting), "rows": rows}


# --- the Secretariat's and the National Representatives' parts -----------------------

# Each count stops here: the workspace says "more than N" beyond it, so a network of
# 100,000 projects costs a few bounded index walks, never a full count.
ATTENTION_CAP = 99
CALLS_CLOSING_DAYS = 30
POSTS_RECENT_DAYS = 7
FAILED_IMPORTS_DAYS = 30
COMING_MEETINGS = 5


def capped(rows: QuerySet[Any]) -> dict[str, Any]:
    """``{"count": n, "more": bool}``: the rows counted up to ``ATTENTION_CAP``."""
    n = len(rows.order_by().values_list("pk", flat=True)[: ATTENTION_CAP + 1])
    return {"count": min(n, ATTENTION_CAP), "more": n > ATTENTION_CAP}


def secretariat_attention(user: Actor) -> dict[str, Any]:
    """What needs the Secretariat's attention today, each with a bounded count and the few
    rows to act on first."""
    today = timezone.localdate()
    now = timezone.now()
    submitted, endorsed = plan_queries.endorsement_queue(user)
    unverified = organisations_for(user, verified=False)
    closing = (
        Call.objects.filter(
            programme__in=programmes_for(user).values("pk"),
            opens_on__lte=today,
            closes_on__gte=today,
            closes_on__lte=today + dt.timedelta(days=CALLS_CLOSING_DAYS),
        )
        .select_related("programme")
        .order_by("closes_on", "pk")
    )
    coming = meeting_queries.meetings_for(user).filter(
        Q(end_date__gte=today) | Q(end_date__isnull=True, start_date__gte=today)
    )
    posts = (
        Post.objects.filter(
            hidden=False, created_at__gte=now - dt.timedelta(days=POSTS_RECENT_DAYS)
        )
        .select_related("thread", "author")
        .order_by("-created_at", "-pk")
    )
    failed = ImportJob.objects.filter(
        status=ImportStatus.FAILED, created_at__gte=now - dt.timedelta(days=FAILED_IMPORTS_DAYS)
    ).order_by("-created_at", "-pk")
    return {
        "plans": {**capped(submitted), "rows": list(submitted[:5])},
        "plans_endorsed": capped(endorsed),
        "organisations": {**capped(unverified), "rows": list(unverified[:5])},
        "calls": {**capped(closing), "rows": list(closing[:5]), "days": CALLS_CLOSING_DAYS},
        "meetings": {
            **capped(coming),
            "rows": list(coming.order_by("start_date", "slug")[:COMING_MEETINGS]),
        },
        "posts": {**capped(posts), "rows": list(posts[:5]), "days": POSTS_RECENT_DAYS},
        "flagged_posts": capped(flagged_posts_for(user)),
        "imports": {**capped(failed), "rows": list(failed[:5]), "days": FAILED_IMPORTS_DAYS},
    }


def representative_states(user: Actor) -> list[dict[str, Any]]:
    """For a National Representative: each of their member states with its cities, and per
    city the plans by status, a bounded count of its projects and its indicator values
    waiting for verification (sample ones too, as the city's indicator page lists them and the
    notice asks for them)."""
    scopes = scopes_of(user)
    if not scopes.member_state_ids:
        return []
    states = []
    for state in MemberState.objects.filter(pk__in=scopes.member_state_ids).order_by("name"):
        cities = list(City.objects.filter(member_state=state).order_by("name"))
        plan_rows = (
            plan_queries.plans_for(user)
            .filter(city__member_state=state)
            .order_by()
            .values_list("city", "status")
            .annotate(n=Count("id"))
        )
        # per city (status, label, count), in the workflow's order: each links to the list of
        # the city's plans in that status
        order = {status: place for place, status in enumerate(PlanStatus.values)}
        plans: dict[int, list[tuple[str, str, int]]] = {}
        for city_id, status, n in sorted(plan_rows, key=lambda row: order[row[1]]):
            plans.setdefault(city_id, []).append((status, str(PlanStatus(status).label), n))
        waiting = dict(
            indicator_queries.values_for(user)
            .filter(city__member_state=state, verification=Verification.PENDING)
            .order_by()
            .values_list("city")
            .annotate(n=Count("id"))
        )
        states.append(
            {
                "state": state,
                "cities": [
                    {
                        "city": city,
                        "plans": plans.get(city.pk, []),
                        "projects": capped(plan_queries.projects_for(user, city=city.slug)),
                        "values_waiting": waiting.get(city.pk, 0),
                    }
                    for city in cities
                ],
            }
        )
    return states


def invitations_summary(user: Actor) -> dict[str, Any] | None:
    """The invitations the user sent that are still waiting to be accepted (the desk lists
    them all)."""
    scopes = scopes_of(user)
    if not (scopes.secretariat or scopes.member_state_ids):
        return None
    pending = invitations_sent(user).filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    return capped(pending)
