"""No lost updates (SPEC §3, §5; issue 4 item 6): two officers editing the same record at once.

Every edit carries the ``version`` it was made on. Of two edits of the same version exactly
one is saved; the other is a 409 (``StaleEdit``) and overwrites nothing. On PostgreSQL this is
also shown with two real threads, each on its own connection, racing for the same row.
"""

from __future__ import annotations

import pytest

from ascn.accounts.models import User
from ascn.core.errors import StaleEdit
from ascn.plans.models import ActionPlan, PlanVersion, Project
from ascn.plans.services import plan_transition, project_update
from tests import factories
from tests.races import ON_POSTGRESQL, race
from tests.roles import AuditMark

pytest_plugins = ["tests.roles"]


# --- two edits of the same version, one after the other -------------------------------------


def test_the_second_of_two_edits_of_the_same_version_is_refused(roles):
    # given a project at version 1, opened for editing by its CSCO and by the Secretariat
    project = factories.project(roles.user("cso_phuket"), title="Patong smart drainage")
    seen_by_csco = Project.objects.get(pk=project.pk)
    seen_by_secretariat = Project.objects.get(pk=project.pk)
    # when the CSCO saves her edit first
    project_update(
        actor=roles.user("cso_phuket"), project=seen_by_csco, version=1, title="CSCO's title"
    )
    mark = AuditMark()
    # then the Secretariat's edit of the same version is refused
    with pytest.raises(StaleEdit) as raised:
        project_update(
            actor=roles.user("secretariat"),
            project=seen_by_secretariat,
            version=1,
            title="Secretariat's title",
            status="cancelled",
        )
    assert raised.value.status == 409
    assert "version 1" in raised.value.message
    # and the CSCO's change survives, untouched
    project.refresh_from_db()
    assert (project.title, project.status, project.version) == ("CSCO's title", "preparation", 2)
    assert mark.actions() == []


def test_two_api_clients_editing_the_same_version_lose_nothing(roles):
    # given a project both the CSCO and the Secretariat read at version 1
    project = factories.project(roles.user("cso_phuket"), title="Patong smart drainage")
    csco, secretariat = roles.bearer("cso_phuket"), roles.bearer("secretariat")
    url = f"/api/v1/projects/{project.pk}"
    assert csco.get(url).json()["version"] == secretariat.get(url).json()["version"] == 1
    # when both save an edit of version 1
    first = csco.patch(
        url, {"version": 1, "description": "Gates first."}, content_type="application/json"
    )
    second = secretariat.patch(
        url, {"version": 1, "description": "Sensors first."}, content_type="application/json"
    )
    # then the first is saved and the second is a 409 that overwrites nothing
    assert (first.status_code, second.status_code) == (200, 409)
    read = secretariat.get(url).json()
    assert (read["description"], read["version"]) == ("Gates first.", 2)
    # and the loser can re-read and save on top of the winner's version
    third = secretariat.patch(
        url, {"version": 2, "description": "Gates, then sensors."}, content_type="application/json"
    )
    assert third.status_code == 200
    assert third.json()["version"] == 3


def test_two_transitions_of_the_same_plan_version_keep_one(roles):
    # given a submitted plan the NR opens in two browser tabs
    plan = factories.plan(roles.user("cso_phuket"), title="Phuket plan")
    plan = plan_transition(actor=roles.user("cso_phuket"), plan=plan, action="submit", version=1)
    nr = roles.user("nr_th")
    # when she endorses it in one and returns it in the other, both on version 2
    plan_transition(actor=nr, plan=plan, action="endorse", version=2)
    with pytest.raises(StaleEdit):
        plan_transition(actor=nr, plan=plan, action="return", version=2, comment="Redo it.")
    # then the plan is endorsed, with one version kept for each transition that happened
    plan.refresh_from_db()
    assert (plan.status, plan.version, plan.return_comment) == ("endorsed", 3, "")
    assert list(plan.versions.values_list("status", flat=True)) == ["submitted", "endorsed"]


# --- two threads racing on PostgreSQL --------------------------------------------------------


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_threads_editing_the_same_version_save_exactly_one(roles):
    # given a committed project at version 1, and two officers who both opened version 1
    project = factories.project(roles.user("cso_phuket"), title="Patong smart drainage")
    officers = {"cso": roles.user("cso_phuket").pk, "secretariat": roles.user("secretariat").pk}
    mark = AuditMark()

    def edit_by(who: str):
        def attempt():
            project_update(
                actor=User.objects.get(pk=officers[who]),
                project=Project.objects.get(pk=project.pk),
                version=1,
                title=f"Edited by {who}",
            )

        return attempt

    # when both save at the same instant, each in its own thread and connection
    outcomes = race(Project, project.pk, [edit_by("cso"), edit_by("secretariat")])
    # then exactly one is saved and the other is told its version is stale
    assert outcomes.count("saved") == 1, outcomes
    assert sum(isinstance(o, StaleEdit) for o in outcomes) == 1, outcomes
    winner = ["cso", "secretariat"][outcomes.index("saved")]
    # and the winner's edit is what the database holds, at version 2, audited once
    project.refresh_from_db()
    assert (project.title, project.version) == (f"Edited by {winner}", 2)
    assert mark.actions() == ["plans.project.updated"]


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_threads_moving_the_same_plan_keep_exactly_one_transition(roles):
    # given a committed, submitted plan
    plan = factories.plan(roles.user("cso_phuket"), title="Phuket plan")
    plan = plan_transition(actor=roles.user("cso_phuket"), plan=plan, action="submit", version=1)
    nr_pk = roles.user("nr_th").pk

    def move(action: str, comment: str = ""):
        def attempt():
            plan_transition(
                actor=User.objects.get(pk=nr_pk),
                plan=ActionPlan.objects.get(pk=plan.pk),
                action=action,
                version=2,
                comment=comment,
            )

        return attempt

    # when the NR endorses it and returns it at the same instant
    outcomes = race(ActionPlan, plan.pk, [move("endorse"), move("return", "Redo it.")])
    # then exactly one transition happened, and exactly one version was kept for it
    assert outcomes.count("saved") == 1, outcomes
    assert sum(isinstance(o, StaleEdit) for o in outcomes) == 1, outcomes
    plan.refresh_from_db()
    assert plan.version == 3
    assert plan.status == ("endorsed" if outcomes[0] == "saved" else "returned")
    kept = list(PlanVersion.objects.filter(plan=plan).values_list("number", "status"))
    assert kept == [(1, "submitted"), (2, plan.status)]
