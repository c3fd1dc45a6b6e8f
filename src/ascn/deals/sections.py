"""What the deal pipeline adds to other apps' pages (core.sections): the deals on a project
the signed-in user may see, on the project's page."""

from __future__ import annotations

from ascn.core.sections import Section, register
from ascn.deals.queries import engagements_for


def project_deals(request, project) -> dict | None:
    if not request.user.is_authenticated:
        return None
    deals = list(engagements_for(request.user, project=project.pk).order_by("-updated_at")[:50])
    return {"project": project, "deals": deals} if deals else None


register("plans.project", Section("deals/_project_deals.html", project_deals, slot="funding"))
