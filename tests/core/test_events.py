"""What follows a write is said out loud (core.events): every subscriber is declared by its app,
a deletion's subscribers finish after the rows have gone (inside the same transaction), and
no model signal is left doing it behind the services' backs."""

from __future__ import annotations

import weakref

import pytest
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.test.utils import CaptureQueriesContext

from ascn.core import cache, events
from ascn.core.search import index
from ascn.core.services import back_office_delete
from ascn.dashboards import tallies
from ascn.matchmaking import index as match_index
from ascn.meetings.models import MeetingDocument
from ascn.plans import subscribers as plan_subscribers
from ascn.plans.models import Project
from ascn.plans.services import project_update
from tests import factories


def test_each_app_declares_what_follows_its_writes():
    # given the subscribers the apps declared in their subscribers.py at start-up
    declared = {(subscriber, labels) for labels, subscriber in events.subscribers()}

    # then the search index and the cache follow every write, the tallies and the match index
    # the records they are built from
    assert (index.on_change, frozenset({events.EVERY_MODEL})) in declared
    assert (cache.on_change, frozenset({events.EVERY_MODEL})) in declared
    assert (tallies.on_change, frozenset(tallies.FOLLOWED)) in declared
    assert (match_index.on_change, frozenset({"partners.organisation"})) in declared
    # and the projects' stored disclosure the project, its documents and milestones, outcomes
    assert (plan_subscribers.on_project, frozenset({"plans.project"})) in declared
    assert (
        plan_subscribers.on_part,
        frozenset({"plans.projectdocument", "plans.milestone"}),
    ) in declared
    assert (plan_subscribers.on_outcome, frozenset({"network.outcome"})) in declared
    # the tallies sum the projects' stored disclosure: they hear each change after it is stored
    order = [subscriber for _labels, subscriber in events.subscribers()]
    for stores in (
        plan_subscribers.on_project,
        plan_subscribers.on_part,
        plan_subscribers.on_outcome,
    ):
        assert order.index(stores) < order.index(tallies.on_change)


def test_no_model_signal_of_the_platform_is_connected():
    # the services announce their writes; nothing of ascn listens to Django's model signals
    for signal in (pre_save, post_save, post_delete, m2m_changed):
        receivers = [
            ref() if isinstance(ref, weakref.ReferenceType) else ref
            for _key, ref, *_rest in signal.receivers
        ]
        ours = [r for r in receivers if getattr(r, "__module__", "").startswith("ascn.")]
        assert ours == [], f"{signal}: {ours}"


def test_subscribing_twice_is_one_subscription():
    # start-up may import an app's subscribers.py twice: it still hears each change once
    def note(change):
        return None

    before = len(events.subscribers())
    events.subscribe(note, models=["plans.project"])
    events.subscribe(note, models=["plans.project"])
    try:
        assert len(events.subscribers()) == before + 1
    finally:
        events._subscribers.remove((frozenset({"plans.project"}), note))


@pytest.mark.django_db
def test_a_deletion_is_heard_before_and_finished_after_the_rows_go(network):
    # given a project and a subscriber that reads the table before and after its deletion
    secretariat = factories.secretariat()
    project = factories.project(secretariat, title="Going soon")
    seen: dict[str, bool] = {}

    def watch(change):
        if not change.deleted:
            return None
        pk = change.obj.pk
        seen["before"] = Project.objects.filter(pk=pk).exists()
        return lambda: seen.__setitem__("after", Project.objects.filter(pk=pk).exists())

    events.subscribe(watch, models=["plans.project"])
    try:
        # when the Secretariat deletes it in the back office
        back_office_delete(actor=secretariat, obj=project)
    finally:
        events._subscribers.remove((frozenset({"plans.project"}), watch))

    # then the subscriber saw the row before and its follow-up ran once it was gone
    assert seen == {"before": True, "after": False}


@pytest.mark.django_db
def test_a_deletions_same_follow_up_runs_once_in_its_last_place(network):
    # given a project with three milestones, and two subscribers whose follow-ups of a
    # deletion are the same work for a project and for each of its parts: the first hears
    # the project and its milestones, the second the project alone
    secretariat = factories.secretariat()
    project = factories.project(secretariat, title="Going soon")
    factories.milestones(secretariat, project=project, count=3, status="scheduled")
    pk = project.pk
    ran: list[tuple[str, int]] = []

    def note(what: str, project_id: int) -> None:
        ran.append((what, project_id))

    def of(change) -> int:
        return change.obj.pk if isinstance(change.obj, Project) else change.obj.project_id

    def first(change):
        return events.Then(note, ("first", of(change))) if change.deleted else None

    def second(change):
        if change.deleted and isinstance(change.obj, Project):
            return events.Then(note, ("second", of(change)))
        return None

    labels = ["plans.project", "plans.milestone"]
    events.subscribe(first, models=labels)
    events.subscribe(second, models=labels)
    try:
        # when the Secretariat deletes the project (its milestones go by cascade, each
        # announced after the project)
        back_office_delete(actor=secretariat, obj=project)
    finally:
        events._subscribers.remove((frozenset(labels), first))
        events._subscribers.remove((frozenset(labels), second))

    # then each follow-up ran once, the first in the place of its last occurrence (after the
    # milestones), so after the second
    assert ran == [("second", pk), ("first", pk)]


def test_a_follow_up_is_refused_when_it_cannot_be_compared():
    # a follow-up's arguments tell equal work apart: a list (unhashable) is refused where the
    # subscriber makes it, not after the rows have gone
    with pytest.raises(TypeError):
        events.Then(print, ([1, 2],))
    assert events.Then(print, (frozenset({1, 2}),)) == events.Then(print, (frozenset({2, 1}),))


def test_a_change_tells_the_fields_it_moved():
    change = events.Change(
        MeetingDocument(pk=3), {"kind": {"before": "minutes", "after": "report"}}
    )
    assert change.label == "meetings.meetingdocument"
    assert change.touched("kind") and not change.touched("title")
    assert change.before("kind") == "minutes"
    assert change.before("title") is None


@pytest.mark.django_db
def test_a_back_office_deletion_reads_the_rows_it_takes_once(network):
    # given a project with three milestones
    secretariat = factories.secretariat()
    project = factories.project(secretariat, title="Going soon")
    factories.milestones(secretariat, project=project, count=3, status="scheduled")
    # when the Secretariat deletes it in the back office
    with CaptureQueriesContext(connection) as queries:
        back_office_delete(actor=secretariat, obj=project)
    # then each table the deletion reaches by cascade was read once, to list its rows (for
    # the announcements) and delete them: the engagements and applications that protect a
    # project were read a second time when the project then collected them again
    for table in ("plans_milestone", "partners_engagement", "partners_application"):
        reads = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith(f'SELECT "{table}"."id"')
        ]
        assert len(reads) == 1, (table, reads)
    assert not Project.objects.filter(pk=project.pk).exists()


@pytest.mark.django_db
def test_a_batch_holds_each_follow_up_to_its_end_and_does_it_once(network):
    # given two subscribers of projects: the first (subscribed first) follows a project
    # once it is called "Three", the second each write of one called "One" or "Written"
    secretariat = factories.secretariat()
    ran: list[tuple[str, int]] = []

    def note(what: str, project_id: int) -> None:
        ran.append((what, project_id))

    def first(change):
        if change.obj.title == "Three":
            return events.Then(note, ("first", change.obj.pk))
        return None

    def second(change):
        if change.obj.title in ("One", "Written"):
            return events.Then(note, ("second", change.obj.pk))
        return None

    events.subscribe(first, models=["plans.project"])
    events.subscribe(second, models=["plans.project"])
    try:
        # when a project is written outside a batch, its follow-up is done at once
        project = factories.project(secretariat, title="Written")
        assert ran and set(ran) == {("second", project.pk)}
        ran.clear()
        # when it is written four times inside a batch
        with events.batch():
            for title in ("One", "Two", "One", "Three"):
                project = project_update(
                    actor=secretariat, project=project, version=project.version, title=title
                )
            # then nothing has followed yet
            assert ran == []
        # and at its end each follow-up ran once, in the order of their subscribers (the
        # first's, although the second's came first)
        assert ran == [("first", project.pk), ("second", project.pk)]

        # when a batch fails, what it held is not done (its writes roll back)
        ran.clear()
        with pytest.raises(RuntimeError), transaction.atomic(), events.batch():
            project_update(actor=secretariat, project=project, version=project.version, title="One")
            raise RuntimeError("the load stopped")
        assert ran == []
    finally:
        events._subscribers.remove((frozenset({"plans.project"}), first))
        events._subscribers.remove((frozenset({"plans.project"}), second))
