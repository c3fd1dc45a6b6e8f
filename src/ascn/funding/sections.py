"""What funding adds to other apps' pages (core.sections): the programmes an organisation
sponsors or implements, on the organisation's page; a project's applications and awards, on
the project's page."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from ascn.core.sections import Section, register
from ascn.funding.queries import applications_of_project, programmes_sponsored_by


def organisation_programmes(request, organisation) -> dict | None:
    programmes = list(
        programmes_sponsored_by(request.user, organisation)
        .select_related("sponsor", "implementer")
        .order_by("name")
    )
    return {"organisation": organisation, "programmes": programmes} if programmes else None


def _award(application):
    try:
        return application.award
    except ObjectDoesNotExist:  # not (yet) awarded: select_related found no row
        return None


def project_funding(request, project) -> dict | None:
    """The project's applications and awards the user may see, beside its own "funding
    secured", which they are not part of (the city records there what it has secured)."""
    rows = [
        {"application": application, "award": _award(application)}
        for application in applications_of_project(request.user, project)
    ]
    if not rows:
        return None
    return {"rows": rows, "awarded": any(row["award"] for row in rows)}


register(
    "partners.organisation",
    Section("funding/_organisation_programmes.html", organisation_programmes),
)
register(
    "plans.project",
    Section("funding/_project_funding.html", project_funding, slot="funding", order=50),
)
