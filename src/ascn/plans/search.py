"""What action plans and projects put in the search, and the names of their statuses."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ascn.core.search import (
    Source,
    codes_text,
    joined,
    register,
    register_facet_labels,
    translated_titles,
)
from ascn.plans import codelists
from ascn.plans.models import ActionPlan, PlanStatus, Project

# The entries hold their city's and member state's names: re-read when those change.
IN_A_CITY = {
    "network.city": lambda city: Q(city_id=city.pk),
    "network.memberstate": lambda state: Q(city__member_state_id=state.pk),
}


def _plans() -> QuerySet:
    return ActionPlan.objects.select_related("city__member_state").prefetch_related("focus_areas")


def _plan(plan) -> dict[str, Any]:
    sections = [f"{s.get('heading', '')}\n{s.get('body', '')}" for s in plan.sections or []]
    return {
        "ref": str(plan.pk),
        "title": plan.title,
        "body": joined(
            plan.vision,
            *sections,
            *plan.texts(),
            plan.city.name,
            plan.city.alt_names,
            plan.city.member_state.label,
            *(area.label for area in plan.focus_areas.all()),
        ),
        "url": plan.get_absolute_url(),
        "visibility": plan.visibility,
        "owner_city_id": plan.city_id,
        "owner_member_state_id": plan.city.member_state_id,
        "member_state": plan.city.member_state.code,
        "city_id": plan.city_id,
        "focus_areas": codes_text(a.code for a in plan.focus_areas.all()),
        "status": plan.status,
    }


def _projects() -> QuerySet:
    return Project.objects.select_related("city__member_state").prefetch_related("focus_areas")


def _project(project) -> dict[str, Any]:
    return {
        "ref": str(project.pk),
        "title": project.title,
        "body": joined(
            project.description,
            *project.texts(),
            project.city.name,
            project.city.alt_names,  # "Hà Nội", "Saigon": its city's other names find it too
            project.city.member_state.label,
            # its focus areas' names: "Safety & Security" in any language finds it
            *(area.label for area in project.focus_areas.all()),
        ),
        "url": project.get_absolute_url(),
        "visibility": project.visibility,
        "owner_city_id": project.city_id,
        "owner_member_state_id": project.city.member_state_id,
        "member_state": project.city.member_state.code,
        "city_id": project.city_id,
        "focus_areas": codes_text(a.code for a in project.focus_areas.all()),
        "status": project.status,
    }


register(
    Source(
        "project",
        _("Projects"),
        "plans.Project",
        _projects,
        _project,
        follows=IN_A_CITY,
        titles=translated_titles(Project.objects.all),
    )
)
register(
    Source(
        "plan",
        _("Action plans"),
        "plans.ActionPlan",
        _plans,
        _plan,
        follows=IN_A_CITY,
        titles=translated_titles(ActionPlan.objects.all),
    )
)
register_facet_labels("status", lambda: dict(codelists.choices(codelists.PROJECT_STATUS)))
register_facet_labels("status", lambda: dict(PlanStatus.choices))
