"""What the deal pipeline adds to other apps' pages (core.sections): on a project's page, the
deals on it the signed-in user may see, and among its actions "Express interest" for a partner
member whose organisations are not yet in a deal on it (else where their deal stands)."""

from __future__ import annotations

from ascn.accounts.queries import organisations_acted_for
from ascn.core.sections import Section, register
from ascn.deals.queries import engagements_for, pairs_in_pipeline


def project_deals(request, project) -> dict | None:
    if not request.user.is_authenticated:
        return None
    deals = list(engagements_for(request.user, project=project.pk).order_by("-updated_at")[:50])
    return {"project": project, "deals": deals} if deals else None


def project_interest(request, project) -> dict | None:
    """For a partner member: "Express interest" while one of the organisations they act for
    (of the project's kind, real with real, sample with sample) has no deal on the project;
    each deal they have on it, by its stage."""
    if not request.user.is_authenticated:
        return None
    organisations = list(organisations_acted_for(request.user, sample=project.sample))
    if not organisations:
        return None
    deals = pairs_in_pipeline(request.user, projects=[project], organisations=organisations)
    return {
        "project": project,
        "deals": list(deals.values()),
        "may_express": len(deals) < len(organisations),
    }


register("plans.project", Section("deals/_project_deals.html", project_deals, slot="funding"))
register("plans.project", Section("deals/_project_interest.html", project_interest, slot="actions"))
