"""Matches under /api/v1/ (SPEC C5, §3): the projects that fit an organisation and the
organisations and programmes that fit a project.

Matches are for signed-in members (anonymous: 401): they are a working tool of the deal
pipeline. Both lists hold only what the caller may see — a project, organisation or
programme out of their sight never appears, and a project or organisation they may not see
is a 404.
"""

from ascn.core.api import AppRouter
from ascn.core.queries import found
from ascn.matchmaking import queries
from ascn.matchmaking import reasons as why
from ascn.matchmaking.schemas import PartnerMatchOut, ProjectMatchOut
from ascn.partners import queries as partner_queries
from ascn.plans import money

router = AppRouter(tags=["partners"])


class PageOfMatches:
    """A ranked list whose rows are shaped (reasons written) only for the returned page."""

    def __init__(self, matches: list, shape):
        self.matches = matches
        self.shape = shape

    def __len__(self) -> int:
        return len(self.matches)

    def __getitem__(self, window: slice) -> list:
        return self.shape(self.matches[window])


def _organisation_or_404(request, slug: str):
    return found(partner_queries.organisation_for(request.user, slug))


def _project_rows(matches: list, labels: why.Labels) -> list[dict]:
    projects = queries.projects_by_id([m.project.id for m in matches])
    rows = []
    for m in matches:
        project = projects[m.project.id]
        rows.append(
            {
                "project": {
                    "id": project.pk,
                    "title": project.title,
                    "city": project.city.slug,
                    "city_name": project.city.name,
                    "country": project.city.member_state.code,
                    "status": project.status,
                    "funding_gap": (
                        None
                        if project.budget_amount is None
                        else money.money(project.funding_gap, project.budget_currency)
                    ),
                    "financing_sought": project.financing_sought,
                    "sample": project.sample,
                    "url": project.get_absolute_url(),
                },
                "score": m.score,
                "reasons": why.reasons(m, labels),
            }
        )
    return rows


def _partner_rows(matches: list, labels: why.Labels) -> list[dict]:
    return [
        {
            "type": m.partner.type,
            "slug": m.partner.slug,
            "name": m.partner.name,
            "score": m.score,
            "reasons": why.reasons(m, labels),
            "verified": m.partner.verified,
            "sample": m.partner.sample,
            "url": f"/{'organisations' if m.partner.type == 'organisation' else 'programmes'}"
            f"/{m.partner.slug}/",
        }
        for m in queries.with_partner_flags(matches)
    ]


@router.page(
    "/organisations/{slug}/matches",
    ProjectMatchOut,
    "The projects you may see that fit this organisation, best first",
    signed_in=True,
)
def organisations_matches(request, slug: str):
    """The projects you may see that fit this organisation's profile (countries, focus
    areas, stages, instruments, ticket size), best first, each with its score and the
    reasons. For signed-in members."""
    org = _organisation_or_404(request, slug)
    labels = queries.labels()
    matches = queries.matches_for_organisation(request.user, org)
    return PageOfMatches(matches, lambda page: _project_rows(page, labels))


@router.page(
    "/projects/{project_id}/matches",
    PartnerMatchOut,
    "The organisations and programmes you may see that fit this project, best first",
    signed_in=True,
)
def projects_matches(request, project_id: int):
    """The organisations and funding programmes you may see that fit this project, best
    first, each with its score and the reasons. For signed-in members."""
    project = found(queries.project_for_matches(request.user, project_id))
    labels = queries.labels()
    matches = queries.matches_for_project(request.user, project)
    return PageOfMatches(matches, lambda page: _partner_rows(page, labels))
