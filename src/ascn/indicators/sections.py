"""What city indicators add to other apps' pages (core.sections): on a project's page, the
indicators it aims to move, with baseline, target and the city's latest value."""

from __future__ import annotations

from ascn.core.sections import Section, register
from ascn.indicators.queries import project_targets


def project_indicators(request, project) -> dict | None:
    targets = project_targets(request.user, project.pk, project.city_id)
    return {"project": project, "targets": targets} if targets else None


register("plans.project", Section("indicators/_project_indicators.html", project_indicators))
