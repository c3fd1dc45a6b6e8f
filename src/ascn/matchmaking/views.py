"""The matches pages: the projects that fit an organisation, and the organisations and
programmes that fit a project, best first, each with its reasons. Signed-in members only;
every read starts from what the user may see (``matchmaking.queries``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ascn.core.queries import found
from ascn.deals.queries import pairs_in_pipeline
from ascn.matchmaking import queries
from ascn.matchmaking import reasons as why
from ascn.partners import queries as partner_queries
from ascn.partners.permissions import organisation_policy

MATCHES_PER_PAGE = 25


def _organisation_or_404(request, slug: str):
    return found(partner_queries.organisation_for(request.user, slug), _("Organisation not found."))


@login_required
@require_GET
def organisation_matches(request, slug: str):
    """The partner's view: the projects that fit the organisation, best first."""
    org = _organisation_or_404(request, slug)
    labels = queries.labels()
    page = Paginator(queries.matches_for_organisation(request.user, org), MATCHES_PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    projects = queries.projects_by_id([m.project.id for m in page.object_list])
    rows = [
        {
            "project": projects[m.project.id],
            "score": m.score,
            "reasons": why.reasons(m, labels),
        }
        for m in page.object_list
    ]
    pairs = pairs_in_pipeline(request.user, projects=list(projects.values()), organisations=[org])
    return render(
        request,
        "matchmaking/match_organisation.html",
        {
            "organisation": org,
            "page": page,
            "rows": rows,
            "engagements_by_pair": pairs,
            "can_change": organisation_policy.can(request.user, "change", org),
            "score_parts": why.score_parts(),
        },
    )


@login_required
@require_GET
def project_matches(request, pk: int):
    """The organisations and programmes that fit a project, best first."""
    project = found(queries.project_for_matches(request.user, pk), _("Project not found."))
    labels = queries.labels()
    page = Paginator(queries.matches_for_project(request.user, project), MATCHES_PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    matches = queries.with_partner_flags(list(page.object_list))
    organisations = queries.organisations_by_id(
        [m.partner.id for m in matches if m.partner.type == "organisation"]
    )
    programmes = queries.programmes_by_id(
        [m.partner.id for m in matches if m.partner.type == "programme"]
    )
    rows = []
    for m in matches:
        is_org = m.partner.type == "organisation"
        rows.append(
            {
                "match": m,
                "organisation": organisations.get(m.partner.id) if is_org else None,
                "programme": None if is_org else programmes.get(m.partner.id),
                "score": m.score,
                "reasons": why.reasons(m, labels),
            }
        )
    pairs = pairs_in_pipeline(
        request.user, projects=[project], organisations=list(organisations.values())
    )
    return render(
        request,
        "matchmaking/match_project.html",
        {
            "project": project,
            "page": page,
            "rows": rows,
            "engagements_by_pair": pairs,
            "score_parts": why.score_parts(),
        },
    )
