"""The partner's part of the workspace (``/workspace/``): for each organisation the user is a
member of, the projects that fit it best, its deals by stage and the programmes it runs with
the applications waiting for a decision. The CSCO's part: the deals on the city's projects.

Reads only, each starting from what the user may see (the same queries as the pages the
workspace links to)."""

from __future__ import annotations

from django.db.models import Count

from ascn.core.permissions import scopes_of
from ascn.deals.models import EngagementStage
from ascn.deals.queries import engagements_for
from ascn.funding.models import ApplicationStatus
from ascn.funding.queries import applications_for, programmes_sponsored_by
from ascn.matchmaking import queries
from ascn.matchmaking import scoring as matchmaking
from ascn.partners.models import Organisation

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
                        "reasons": matchmaking.reasons(m, labels),
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
