"""What follows writes for the plans app (``core.events``): a project's stored disclosure
completeness (``plans.disclosure``) is recomputed after every write announced about the
project (its fields, sectors, outcomes, locations, contacts — and the services announce a new
document or milestone about the project too), about one of its documents or milestones, or
about an ASCF outcome going (its links to projects go with it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ascn.core import events
from ascn.plans import disclosure
from ascn.plans.models import Milestone, Project, ProjectDocument


def on_project(change: events.Change) -> None:
    if not change.deleted and isinstance(change.obj, Project):
        disclosure.refresh_project(change.obj)


def _refresh(project_ids: frozenset[int]) -> None:
    disclosure.refresh(Project.objects.filter(pk__in=project_ids))


def _refresh_after(project_ids: Iterable[int]) -> events.Then:
    """The projects' stored disclosure recomputed: once for a project deleted with its parts."""
    return events.Then(_refresh, (frozenset(project_ids),))


def on_part(change: events.Change) -> Callable[[], None] | None:
    """A document or milestone saved or deleted: its project's value, after the write."""
    obj = change.obj
    if not isinstance(obj, (ProjectDocument, Milestone)):
        return None
    then = _refresh_after([obj.project_id])
    if change.deleted:
        return then
    then()
    return None


def on_outcome(change: events.Change) -> Callable[[], None] | None:
    """An outcome deleted: the projects that named it may lose their purpose."""
    if not change.deleted:
        return None
    projects = Project.outcomes.through.objects.filter(outcome_id=change.obj.pk)
    return _refresh_after(projects.values_list("project_id", flat=True))


events.subscribe(on_project, models=["plans.project"])
events.subscribe(on_part, models=["plans.projectdocument", "plans.milestone"])
events.subscribe(on_outcome, models=["network.outcome"])
