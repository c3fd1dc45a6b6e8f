"""Reads of plans and projects. Every read starts from what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet

from ascn.core import search
from ascn.core.permissions import scopes_of
from ascn.core.queries import filter_given
from ascn.network.models import City, FocusArea, Outcome
from ascn.plans.models import (
    ActionPlan,
    Milestone,
    PlanStatus,
    ProgressUpdate,
    Project,
    ProjectDocument,
)
from ascn.plans.permissions import plan_policy, project_policy

if TYPE_CHECKING:
    import datetime as dt

    from ascn.core.types import Actor


def public_projects() -> QuerySet[Project]:
    """The projects anyone may see, whoever asks (the open data, the public figures)."""
    return project_policy.visible(AnonymousUser(), Project.objects.all()).order_by()


def public_plans() -> QuerySet[ActionPlan]:
    """The action plans anyone may see, whoever asks."""
    return plan_policy.visible(AnonymousUser(), ActionPlan.objects.all())


def projects_for(
    user: Actor,
    *,
    country: str | None = None,
    city: str | None = None,
    focus_area: str | None = None,
    status: str | None = None,
    readiness: str | None = None,
    q: str | None = None,
    outcomes: bool = True,
) -> QuerySet[Project]:
    """The projects ``user`` may see, filtered, most recently updated first, with their city
    and focus areas (and their outcomes, unless ``outcomes`` is False: a page that does not
    show them)."""
    qs = project_policy.visible(user, Project.objects.all())
    if country:
        # The member state's cities, read first: ``city_id IN (…)`` walks the (city,
        # visibility) index, where a join through cities to the member state's code made the
        # database visit every project of the focus area (or all) and test its country.
        qs = qs.filter(
            city_id__in=list(
                City.objects.filter(member_state__code__iexact=country).values_list("id", flat=True)
            )
        )
    if city:
        qs = qs.filter(city__slug=city)
    if focus_area:
        # The focus area's id, read first: the links are then tested on their own unique
        # (project, area) index, without a join to the focus areas in every test.
        area = FocusArea.objects.filter(code=focus_area).values_list("id", flat=True).first()
        qs = qs.none() if area is None else _in_focus_area(qs, area, by_city=bool(country or city))
    qs = filter_given(qs, status=status, readiness_level=readiness)
    if q:
        # Words, as the search finds them (a word or its beginning, in the title, the
        # description or the city's and member state's names), read from the search index.
        # A common word is tested row by row as the list is walked newest first
        # (search.narrowed_to); the page counts it up to a cap (CappedRows).
        qs = search.narrowed_to("project", q, qs)
    related: list[Prefetch[Any, Any, Any]] = [
        Prefetch("focus_areas", queryset=FocusArea.objects.only("code", "name"))
    ]
    if outcomes:
        related.append(Prefetch("outcomes", queryset=Outcome.objects.only("code", "name")))
    return (
        qs.select_related("city__member_state")
        .prefetch_related(*related)
        .order_by("-updated_at", "-id")
    )


def _in_focus_area(qs: QuerySet[Project], area: int, *, by_city: bool) -> QuerySet[Project]:
    """``qs`` narrowed to the projects tagged with the focus area ``area`` (its id)."""
    links = Project.focus_areas.through.objects.filter(focusarea_id=area)
    if by_city:
        # Few projects per city: each project of the cities probes its (project, area) pair.
        # Written as EXISTS, not a join: joined, SQLite without statistics walked every
        # project of the focus area to find those of a member state's 300 cities (the count
        # and the page 28 ms each; probed from the cities' projects, 3–4 ms).
        return qs.filter(Exists(links.filter(project_id=OuterRef("pk"))))
    # A subquery rather than a join, so no DISTINCT is needed (it costs the count dearly).
    return qs.filter(pk__in=links.values("project_id"))


def project_detail_for(user: Actor, pk: int) -> Project | None:
    return (
        project_policy.visible(user, Project.objects.all())
        .select_related("city__member_state", "plan")
        .prefetch_related(
            "focus_areas",
            "outcomes",
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "id")),
            Prefetch("progress_updates", queryset=ProgressUpdate.objects.order_by("date", "id")),
            Prefetch("documents", queryset=ProjectDocument.objects.order_by("-created_at")),
            "assessments",
        )
        .filter(pk=pk)
        .first()
    )


def plans_for(
    user: Actor, *, city: str | None = None, country: str | None = None, status: str | None = None
) -> QuerySet[ActionPlan]:
    qs = filter_given(
        plan_policy.visible(user, ActionPlan.objects.all()),
        city__slug=city,
        city__member_state__code__iexact=country,
        status=status,
    )
    return (
        qs.select_related("city__member_state")
        .prefetch_related("outcomes", "focus_areas")
        .order_by("city__name", "-period_start", "-id")
    )


def plan_detail_for(user: Actor, pk: int) -> ActionPlan | None:
    return (
        plan_policy.visible(user, ActionPlan.objects.all())
        .select_related("city__member_state")
        .prefetch_related("outcomes", "focus_areas", "versions", "projects")
        .filter(pk=pk)
        .first()
    )


def endorsement_queue(user: Actor) -> tuple[QuerySet[ActionPlan], QuerySet[ActionPlan]]:
    """Submitted and endorsed plans the user decides on: an NR's states, or all (Secretariat)."""
    scopes = scopes_of(user)
    plans = plans_for(user)
    if not scopes.secretariat:
        plans = plans.filter(city__member_state__in=scopes.member_state_ids)
    plans = plans.annotate(
        # What changed is told between submissions (a withdrawal or a return repeats one).
        submission_count=Count(
            "versions", filter=Q(versions__status=PlanStatus.SUBMITTED), distinct=True
        ),
        submitted_at=Max("versions__created_at"),
        project_count=Count("projects", distinct=True),
    )
    return (
        plans.filter(status=PlanStatus.SUBMITTED).order_by("submitted_at"),
        plans.filter(status=PlanStatus.ENDORSED).order_by("submitted_at"),
    )


def progress_before(project: Project, date: dt.date) -> ProgressUpdate | None:
    """The project's progress update that a new one dated ``date`` follows: the latest on or
    before that day (None for the first)."""
    return project.progress_updates.filter(date__lte=date).order_by("-date", "-id").first()
