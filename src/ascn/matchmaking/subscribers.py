"""What follows writes for matchmaking (``core.events``): a write to an organisation renews
the match index's token, so every process rebuilds its in-memory index; a write to a project
(or to a focus area its projects name, their city's member state, or that member state's
code) recomputes the projects' stored matchmaking rows (``matchmaking.terms``), which
renews the projects' index's token."""

from __future__ import annotations

from collections.abc import Callable

from django.db import router

from ascn.core import events
from ascn.matchmaking import index, terms
from ascn.plans.models import Project


def on_project(change: events.Change) -> Callable[[], None] | None:
    if not isinstance(change.obj, Project):
        return None
    if change.deleted:  # its row goes with it: the projects' index is out of date
        index.renew(router.db_for_write(Project, instance=change.obj), index.PROJECTS)
        return None
    return events.Then(terms.refresh, (frozenset({change.obj.pk}),))


def on_focus_area(change: events.Change) -> Callable[[], None] | None:
    """A focus area renamed or deleted: the projects that name it, after the write."""
    through = Project.focus_areas.through.objects.filter(focusarea_id=change.obj.pk)
    pks = list(through.values_list("project_id", flat=True))

    def then() -> None:
        terms.refresh(pks)

    if change.deleted:
        return then
    then()
    return None


def on_city(change: events.Change) -> None:
    """A city moved to another member state: its projects' rows name the new one."""
    if not change.deleted and change.touched("member_state"):
        terms.refresh(Project.objects.filter(city_id=change.obj.pk).values_list("pk", flat=True))


def on_member_state(change: events.Change) -> None:
    """A member state's code changed: the rows of its cities' projects name the new one."""
    if not change.deleted and change.touched("code"):
        terms.refresh(
            Project.objects.filter(city__member_state_id=change.obj.pk).values_list("pk", flat=True)
        )


events.subscribe(index.on_change, models=["partners.organisation"])
events.subscribe(on_member_state, models=["network.memberstate"])
events.subscribe(on_project, models=["plans.project"])
events.subscribe(on_focus_area, models=["network.focusarea"])
events.subscribe(on_city, models=["network.city"])
