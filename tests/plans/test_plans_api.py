"""Smart City Action Plans through the API (SPEC C3, §3; issue 4 item 1).

The workflow is ``draft`` → ``submitted`` (CSCO) → ``endorsed`` (the NR of that state) or
``returned`` with a comment → ``published`` (public). Each transition is kept as a version
with a snapshot; an illegal transition is a 409 that says why and changes nothing; the people
who act next are told by e-mail.
"""

from __future__ import annotations

import pytest

from ascn.accounts.models import Role
from ascn.network.models import MemberState
from ascn.plans.models import ActionPlan, PlanVersion
from ascn.plans.services import plan_transition
from tests import factories
from tests.roles import AuditMark

pytest_plugins = ["tests.roles"]

PLANS = "/api/v1/action-plans"


def post(client, path: str, body):
    return client.post(path, body, content_type="application/json")


def patch(client, path: str, body):
    return client.patch(path, body, content_type="application/json")


def act(client, plan: ActionPlan | int, action: str, version: int, comment: str | None = None):
    """POST …/{id}/{action} with ``{version, comment}``."""
    pk = plan if isinstance(plan, int) else plan.pk
    body = {"version": version} | ({"comment": comment} if comment is not None else {})
    return post(client, f"{PLANS}/{pk}/{action}", body)


def state(plan: ActionPlan) -> tuple[str, int, int]:
    """What a plan is now, read back from the database: status, version, versions kept."""
    plan.refresh_from_db()
    return plan.status, plan.version, plan.versions.count()


@pytest.fixture
def officers(roles):
    """The CSCO of Phuket and the NR of Thailand, each with an API token (tokens made up front,
    so that the audit entries of their creation come before any mark a test takes)."""
    return {"csco": roles.bearer("cso_phuket"), "nr": roles.bearer("nr_th")}


@pytest.fixture
def plan(roles) -> ActionPlan:
    """Phuket's draft action plan, written by its CSCO."""
    return factories.plan(
        roles.user("cso_phuket"),
        title="Phuket Smart City Action Plan",
        start=2025,
        end=2029,
        vision="A safe, liveable island.",
        focus_areas=["safety-security"],
        outcomes=["high-quality-of-life"],
        sections=[{"heading": "Context", "body": "Tourism drives the island's economy."}],
    )


def moved_to(plan: ActionPlan, roles, *actions: str) -> ActionPlan:
    """The plan taken through ``actions`` by the right people (services, not the API)."""
    actors = {
        "submit": "cso_phuket",
        "endorse": "nr_th",
        "return": "nr_th",
        "publish": "nr_th",
    }
    for action in actions:
        plan = plan_transition(
            actor=roles.user(actors[action]),
            plan=plan,
            action=action,
            version=plan.version,
            comment="Please add KPIs." if action == "return" else "",
        )
    return plan


# --- create and edit -------------------------------------------------------------------------


def test_a_csco_starts_a_draft_plan(roles, officers):
    mark = AuditMark()
    response = post(
        officers["csco"],
        PLANS,
        {
            "city": "phuket",
            "title": "Phuket Smart City Action Plan",
            "period_start": 2025,
            "period_end": 2029,
            "focus_areas": ["safety-security", "industry-innovation"],
            "outcomes": ["competitive-economy"],
            "sections": [{"heading": "Context", "body": "Tourism."}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["version"], body["visibility"]) == ("draft", 1, "draft")
    assert body["versions"] == []
    assert sorted(a["code"] for a in body["focus_areas"]) == [
        "industry-innovation",
        "safety-security",
    ]
    entry = mark.only("plans.plan.created")
    assert entry.actor == roles.user("cso_phuket")
    assert entry.changes["title"]["after"] == "Phuket Smart City Action Plan"


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"city": "hanoi"}, 403),  # another city's plan
        ({"period_start": 2030, "period_end": 2025}, 422),
        ({"period_start": 1999}, 422),
        ({"title": ""}, 422),
        ({"focus_areas": ["space"]}, 422),
        ({"sections": [{"heading": ""}]}, 422),
        ({"city": "atlantis"}, 422),
    ],
)
def test_a_bad_plan_is_refused_and_nothing_is_created(officers, change, status):
    body = {"city": "phuket", "title": "Plan", "period_start": 2025, "period_end": 2029}
    response = post(officers["csco"], PLANS, body | change)
    assert response.status_code == status, response.content
    assert not ActionPlan.objects.exists()


def test_a_draft_plan_is_edited_with_its_version(plan, officers):
    mark = AuditMark()
    response = patch(
        officers["csco"], f"{PLANS}/{plan.pk}", {"version": 1, "vision": "A resilient island."}
    )
    assert response.status_code == 200
    assert (response.json()["version"], response.json()["vision"]) == (2, "A resilient island.")
    entry = mark.only("plans.plan.updated")
    assert entry.changes == {
        "vision": {"before": "A safe, liveable island.", "after": "A resilient island."}
    }


def test_a_stale_plan_edit_is_409_and_changes_nothing(plan, officers):
    assert (
        patch(officers["csco"], f"{PLANS}/{plan.pk}", {"version": 1, "title": "A"}).status_code
        == 200
    )
    response = patch(officers["csco"], f"{PLANS}/{plan.pk}", {"version": 1, "title": "B"})
    assert response.status_code == 409
    plan.refresh_from_db()
    assert (plan.title, plan.version) == ("A", 2)


# --- the legal path --------------------------------------------------------------------------


def test_a_plan_goes_from_draft_to_published_through_return_and_endorsement(
    roles, plan, officers, client
):
    csco, nr = officers["csco"], officers["nr"]
    mark = AuditMark()
    # given Phuket's draft plan
    # when the CSCO submits it
    response = act(csco, plan, "submit", 1)
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["version"]) == ("submitted", 2)
    # and the NR of Thailand returns it with a comment
    response = act(nr, plan, "return", 2, "Add KPIs with baselines.")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "returned"
    assert response.json()["return_comment"] == "Add KPIs with baselines."
    # and the CSCO edits the returned plan and submits it again
    assert (
        patch(csco, f"{PLANS}/{plan.pk}", {"version": 3, "vision": "With KPIs."}).status_code == 200
    )
    assert act(csco, plan, "submit", 4).json()["status"] == "submitted"
    # and the NR endorses it, then publishes it
    assert act(nr, plan, "endorse", 5).json()["status"] == "endorsed"
    response = act(nr, plan, "publish", 6)
    # then it is published and public: anyone reads it, signed in or not
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["visibility"], body["version"]) == ("published", "public", 7)
    assert client.get(f"{PLANS}/{plan.pk}").status_code == 200
    # and each transition is kept as a numbered version with what the plan said then
    versions = body["versions"]
    assert [(v["number"], v["status"]) for v in versions] == [
        (1, "submitted"),
        (2, "returned"),
        (3, "submitted"),
        (4, "endorsed"),
        (5, "published"),
    ]
    assert versions[1]["comment"] == "Add KPIs with baselines."
    assert versions[0]["snapshot"]["vision"] == "A safe, liveable island."
    assert versions[2]["snapshot"]["vision"] == "With KPIs."
    assert versions[0]["snapshot"]["focus_areas"] == ["safety-security"]
    # and every step is audited, by whom it was taken
    entries = [e for e in mark.entries()]
    assert [(e.action, e.actor.email) for e in entries] == [
        ("plans.plan.submitted", "cso-phuket@roles.test"),
        ("plans.plan.returned", "nr-th@roles.test"),
        ("plans.plan.updated", "cso-phuket@roles.test"),
        ("plans.plan.submitted", "cso-phuket@roles.test"),
        ("plans.plan.endorsed", "nr-th@roles.test"),
        ("plans.plan.published", "nr-th@roles.test"),
    ]
    assert entries[0].changes == {"status": {"before": "draft", "after": "submitted"}}
    assert entries[1].changes["comment"] == {"before": None, "after": "Add KPIs with baselines."}
    assert entries[-1].changes == {
        "status": {"before": "endorsed", "after": "published"},
        "visibility": {"before": "draft", "after": "public"},
    }


def test_two_kept_versions_can_be_compared(roles, plan, officers):
    # given a plan submitted, returned, edited and submitted again
    plan = moved_to(plan, roles, "submit", "return")
    assert (
        patch(
            officers["csco"],
            f"{PLANS}/{plan.pk}",
            {"version": plan.version, "title": "Revised plan"},
        ).status_code
        == 200
    )
    plan.refresh_from_db()
    plan = moved_to(plan, roles, "submit")
    # when the first and the last submission are read
    first, *_, last = PlanVersion.objects.filter(plan=plan).order_by("number")
    # then they differ in exactly what the CSCO changed
    changed = {k for k in first.snapshot if first.snapshot[k] != last.snapshot[k]}
    assert changed == {"title"}
    assert (first.snapshot["title"], last.snapshot["title"]) == (
        "Phuket Smart City Action Plan",
        "Revised plan",
    )
    assert last.created_by == roles.user("cso_phuket")


# --- refused transitions -----------------------------------------------------------------------


def test_returning_a_plan_needs_a_comment(roles, plan, officers):
    plan = moved_to(plan, roles, "submit")
    before = state(plan)
    mark = AuditMark()
    for comment in (None, "", "   "):
        response = act(officers["nr"], plan, "return", plan.version, comment)
        assert response.status_code == 422, response.content
        assert "returning" in str(response.json()["detail"])
    assert state(plan) == before == ("submitted", 2, 1)
    assert mark.actions() == []


def test_the_422_for_a_missing_comment_names_the_comment_field(roles, plan, officers):
    plan = moved_to(plan, roles, "submit")
    response = act(officers["nr"], plan, "return", plan.version, "")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, list)
    assert "comment" in {str(part) for error in detail for part in error["loc"]}


@pytest.mark.parametrize(
    ("path", "who", "action", "words"),
    [
        ((), "nr", "endorse", ("draft", "endorsed")),
        ((), "nr", "publish", ("draft", "published")),
        ((), "csco", "submit", None),  # legal: the control case
        (("submit",), "nr", "publish", ("submitted", "published")),
        (("submit",), "csco", "submit", ("submitted",)),
        (("submit", "endorse"), "csco", "submit", ("endorsed", "submitted")),
        (("submit", "endorse"), "nr", "return", ("endorsed", "returned")),
        (("submit", "return"), "nr", "endorse", ("returned", "endorsed")),
        (("submit", "endorse", "publish"), "nr", "endorse", ("published", "endorsed")),
    ],
)
def test_an_illegal_transition_is_409_says_why_and_changes_nothing(
    roles, plan, officers, path, who, action, words
):
    # given a plan at some step of its workflow
    plan = moved_to(plan, roles, *path)
    before = state(plan)
    mark = AuditMark()
    # when someone entitled to the action tries it at the wrong step
    response = act(officers[who], plan, action, plan.version, "A comment.")
    if words is None:
        assert response.status_code == 200
        return
    # then it is a 409 with a message naming the step and the action, and nothing changed
    assert response.status_code == 409, response.content
    message = response.json()["detail"]
    assert isinstance(message, str)
    for word in words:
        assert word in message.lower(), message
    assert state(plan) == before
    assert mark.actions() == []


def test_the_csco_cannot_endorse_her_own_plan(roles, plan, officers):
    plan = moved_to(plan, roles, "submit")
    for action in ("endorse", "return", "publish"):
        response = act(officers["csco"], plan, action, plan.version, "Fine by me.")
        assert response.status_code == 403, action
    assert state(plan) == ("submitted", 2, 1)


def test_the_national_representative_cannot_submit_for_the_city(roles, plan, officers):
    assert act(officers["nr"], plan, "submit", 1).status_code == 403
    assert state(plan) == ("draft", 1, 0)


def test_a_national_representative_of_another_state_does_not_see_the_plan(roles, plan):
    # given the NR of Viet Nam, and Phuket's submitted plan
    roles.add(
        "nr_vn",
        email="nr-vn@roles.test",
        role=Role.NATIONAL_REPRESENTATIVE,
        scope=MemberState.objects.get(code="VN"),
    )
    plan = moved_to(plan, roles, "submit")
    nr_vn = roles.bearer("nr_vn")
    # when she tries to read or endorse it
    # then it does not exist for her
    assert nr_vn.get(f"{PLANS}/{plan.pk}").status_code == 404
    assert act(nr_vn, plan, "endorse", plan.version).status_code == 404
    assert state(plan) == ("submitted", 2, 1)


def test_a_transition_with_a_stale_version_is_409(roles, plan, officers):
    response = act(officers["csco"], plan, "submit", 7)
    assert response.status_code == 409
    assert "version" in response.json()["detail"]
    assert state(plan) == ("draft", 1, 0)


@pytest.mark.parametrize(
    "path", [("submit",), ("submit", "endorse"), ("submit", "endorse", "publish")]
)
def test_a_plan_out_of_the_city_s_hands_cannot_be_edited(roles, plan, officers, path):
    # given a submitted, endorsed or published plan
    plan = moved_to(plan, roles, *path)
    before = state(plan)
    # when its CSCO edits it
    response = patch(
        officers["csco"], f"{PLANS}/{plan.pk}", {"version": plan.version, "title": "Changed"}
    )
    # then it is a 409 and the plan is as it was
    assert response.status_code == 409
    assert "cannot be edited" in response.json()["detail"]
    assert state(plan) == before
    assert plan.title == "Phuket Smart City Action Plan"


def test_a_transition_body_is_validated(plan, officers):
    for body in ({}, {"version": 0}, {"version": "one"}, {"version": 1, "comment": "x" * 5001}):
        response = post(officers["csco"], f"{PLANS}/{plan.pk}/submit", body)
        assert response.status_code == 422, body
    assert state(plan) == ("draft", 1, 0)


# --- notifications -----------------------------------------------------------------------------


def test_the_national_representative_is_emailed_on_submission(
    roles, plan, officers, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert act(officers["csco"], plan, "submit", 1).status_code == 200
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["nr-th@roles.test"]
    assert "submitted" in message.subject
    assert "Phuket Smart City Action Plan" in message.body


def test_the_csco_is_emailed_on_endorsement(
    roles, plan, officers, mailoutbox, django_capture_on_commit_callbacks
):
    plan = moved_to(plan, roles, "submit")
    with django_capture_on_commit_callbacks(execute=True):
        assert act(officers["nr"], plan, "endorse", plan.version).status_code == 200
    assert [m.to for m in mailoutbox] == [["cso-phuket@roles.test"]]
    assert "endorsed" in mailoutbox[0].subject


def test_the_csco_is_emailed_the_comment_on_return(
    roles, plan, officers, mailoutbox, django_capture_on_commit_callbacks
):
    plan = moved_to(plan, roles, "submit")
    with django_capture_on_commit_callbacks(execute=True):
        response = act(officers["nr"], plan, "return", plan.version, "Add a cost estimate.")
        assert response.status_code == 200
    assert [m.to for m in mailoutbox] == [["cso-phuket@roles.test"]]
    assert "returned" in mailoutbox[0].subject
    assert "Add a cost estimate." in mailoutbox[0].body


def test_a_refused_transition_sends_no_mail(
    roles, plan, officers, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert act(officers["nr"], plan, "endorse", 1).status_code == 409
        assert act(officers["csco"], plan, "submit", 9).status_code == 409
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("path", "action", "message"),
    [
        (("submit",), "publish", "A submitted plan cannot be published."),
        (("submit", "return"), "endorse", "A returned plan cannot be endorsed."),
        ((), "endorse", "A draft plan cannot be endorsed."),
        pytest.param(
            ("submit", "endorse"),
            "return",
            "An endorsed plan cannot be returned.",
        ),
    ],
)
def test_the_409_message_reads_as_plain_english(roles, plan, officers, path, action, message):
    plan = moved_to(plan, roles, *path)
    response = act(officers["nr"], plan, action, plan.version)
    assert response.status_code == 409
    assert response.json()["detail"] == message


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (("submit",), "A submitted plan cannot be edited."),
        (("submit", "endorse"), "An endorsed plan cannot be edited."),
    ],
)
def test_the_409_of_an_edit_reads_as_plain_english(roles, plan, officers, path, message):
    plan = moved_to(plan, roles, *path)
    response = patch(
        officers["csco"], f"{PLANS}/{plan.pk}", {"version": plan.version, "title": "X"}
    )
    assert response.status_code == 409
    assert response.json()["detail"] == message
