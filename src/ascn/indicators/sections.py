"""What city indicators add to other apps' pages (core.sections): on a project's page, the
indicators it aims to move, with baseline, target and the city's latest value."""

from __future__ import annotations

from ascn.core.sections import Section, register
from ascn.indicators.queries import project_targets
from ascn.plans.permissions import project_policy


def project_indicators(request, project) -> dict | None:
    """The targets, for whoever sees the project; with none, the section only for those
    who may set them (a link to the page that does)."""
    targets = project_targets(request.user, project.pk, project.city_id)
    can_change = project_policy.can(request.user, "change", project)
    if not targets and not can_change:
        return None
    return {"project": project, "targets": targets, "can_change": can_change}


register("plans.project", Section("indicators/_project_indicators.html", project_indicators))
