"""What funding adds to other apps' pages (core.sections): the programmes an organisation
sponsors or implements, on the organisation's page."""

from __future__ import annotations

from ascn.core.sections import Section, register
from ascn.funding.queries import programmes_sponsored_by


def organisation_programmes(request, organisation) -> dict | None:
    programmes = list(
        programmes_sponsored_by(request.user, organisation)
        .select_related("sponsor", "implementer")
        .order_by("name")
    )
    return {"organisation": organisation, "programmes": programmes} if programmes else None


register(
    "partners.organisation",
    Section("funding/_organisation_programmes.html", organisation_programmes),
)
