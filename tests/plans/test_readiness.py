"""Bankability readiness (SPEC C4; issue 4 item 4): a checklist, a score, a level, named gaps.

The checklist (``plans/data/readiness.yaml``) has 12 items over the five G20 preparation
dimensions; four are critical (feasibility study, revenue model, cost estimate,
environmental & social assessment). The score is the percent of items met, rounded; the
level is ``investor-ready`` at 90 or more with every critical item met, ``shaping`` at 40 or
more, ``concept`` below. The expectations below are computed by hand from those rules.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ascn.core.errors import InvalidInput, NotFound, PermissionDenied
from ascn.plans import readiness
from ascn.plans.models import ReadinessAssessment
from ascn.plans.services import readiness_assess
from tests import factories
from tests.roles import AuditMark

pytest_plugins = ["tests.roles"]

CRITICAL = ["feasibility_study", "revenue_model", "cost_estimate", "environmental_social"]
OTHERS = [
    "problem_definition",
    "political_endorsement",
    "kpis",
    "stakeholder_engagement",
    "risk_allocation",
    "land_permits",
    "procurement_route",
    "institutional_capacity",
]
ALL = CRITICAL + OTHERS
LEVELS = ["concept", "shaping", "investor-ready"]


def answers(*met: str) -> dict[str, bool]:
    return {code: code in met for code in ALL}


# --- the checklist -----------------------------------------------------------------------------


def test_the_checklist_has_twelve_items_over_the_five_g20_dimensions():
    items = readiness.items()
    assert sorted(item.code for item in items) == sorted(ALL)
    assert readiness.item_codes() == frozenset(ALL)
    assert set(readiness.dimensions()) == {
        "rationale",
        "options",
        "commercial",
        "affordability",
        "deliverability",
    }
    # every dimension has an item, every item a dimension, a label and a next step
    assert {item.dimension for item in items} == set(readiness.dimensions())
    assert all(item.label and item.next_step for item in items)
    assert sorted(item.code for item in items if item.critical) == sorted(CRITICAL)


# --- the score and the level, computed by hand -------------------------------------------------


def test_nothing_met_is_a_concept_at_zero():
    result = readiness.assess(answers())
    assert (result.score, result.level) == (0, "concept")
    assert len(result.missing) == 12
    assert result.met == ()


def test_an_empty_answer_set_counts_as_nothing_met():
    assert readiness.assess({}).score == 0


def test_four_of_twelve_is_still_a_concept():
    # 4 / 12 = 33.3 % → 33, below 40
    result = readiness.assess(answers(*OTHERS[:4]))
    assert (result.score, result.level) == (33, "concept")


def test_five_of_twelve_is_shaping_at_42():
    # 5 / 12 = 41.67 % → 42, at least 40
    result = readiness.assess(answers(*OTHERS[:5]))
    assert (result.score, result.level) == (42, "shaping")
    assert len(result.missing) == 7


def test_nine_of_twelve_with_every_critical_item_is_shaping_with_three_named_gaps():
    # given the journey's drainage project: all four critical items and five others met
    met = CRITICAL + ["problem_definition", "political_endorsement", "kpis"]
    met += ["stakeholder_engagement", "risk_allocation"]
    # when assessed
    result = readiness.assess(answers(*met))
    # then 9 / 12 = 75 %, shaping, and the three gaps are named with what to do next
    assert (result.score, result.level) == (75, "shaping")
    assert [item.code for item in result.missing] == [
        "land_permits",
        "procurement_route",
        "institutional_capacity",
    ]
    assert all(item.next_step for item in result.missing)
    assert result.missing[0].label.startswith("Land is available")


def test_eleven_of_twelve_with_a_critical_item_missing_is_not_investor_ready():
    # 11 / 12 = 91.67 % → 92, above 90, but the environmental assessment is missing
    result = readiness.assess(answers(*[c for c in ALL if c != "environmental_social"]))
    assert result.score == 92
    assert result.level == "shaping"
    assert [item.code for item in result.missing] == ["environmental_social"]
    assert result.missing[0].critical


def test_eleven_of_twelve_with_every_critical_item_is_investor_ready():
    result = readiness.assess(answers(*[c for c in ALL if c != "institutional_capacity"]))
    assert (result.score, result.level) == (92, "investor-ready")


def test_all_twelve_is_investor_ready_at_100():
    result = readiness.assess(answers(*ALL))
    assert (result.score, result.level) == (100, "investor-ready")
    assert result.missing == ()


@given(
    met=st.sets(st.sampled_from(ALL)),
    extra=st.sampled_from(ALL),
)
def test_meeting_one_more_item_never_lowers_the_score_or_the_level(met, extra):
    before = readiness.assess(answers(*met))
    after = readiness.assess(answers(*met, extra))
    assert after.score >= before.score
    assert LEVELS.index(after.level) >= LEVELS.index(before.level)
    assert len(after.missing) <= len(before.missing)
    if extra not in met:
        assert after.score > before.score


@given(met=st.sets(st.sampled_from(ALL)))
def test_the_score_is_the_rounded_share_of_items_met(met):
    result = readiness.assess(answers(*met))
    assert result.score == round(100 * len(met) / 12)
    assert set(result.met) | {item.code for item in result.missing} == set(ALL)
    assert 0 <= result.score <= 100


# --- the service -------------------------------------------------------------------------------


@pytest.fixture
def project(roles):
    return factories.project(roles.user("cso_phuket"), title="Patong smart drainage")


JOURNEY = CRITICAL + [
    "problem_definition",
    "political_endorsement",
    "kpis",
    "stakeholder_engagement",
    "risk_allocation",
]


def test_an_assessment_is_kept_scored_and_audited(roles, project):
    mark = AuditMark()
    assessment = readiness_assess(
        actor=roles.user("cso_phuket"), project=project, answers={c: True for c in JOURNEY}
    )
    # the answers are stored for every item (the unanswered as not met)
    assert assessment.answers == answers(*JOURNEY)
    assert (assessment.score, assessment.level) == (75, "shaping")
    assert assessment.missing == ["land_permits", "procurement_route", "institutional_capacity"]
    assert assessment.created_by == roles.user("cso_phuket")
    project.refresh_from_db()
    assert (project.readiness_score, project.readiness_level) == (75, "shaping")
    entry = mark.only("plans.project.assessed")
    assert entry.actor == roles.user("cso_phuket")
    assert entry.changes == {
        "readiness_score": {"before": None, "after": 75},
        "readiness_level": {"before": "", "after": "shaping"},
    }


def test_an_unknown_item_is_refused_and_nothing_kept(roles, project):
    mark = AuditMark()
    with pytest.raises(InvalidInput) as raised:
        readiness_assess(actor=roles.user("cso_phuket"), project=project, answers={"vibes": True})
    assert raised.value.field == "answers"
    assert "vibes" in raised.value.message
    assert not ReadinessAssessment.objects.exists()
    assert mark.actions() == []


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("nr_th", PermissionDenied),
        ("partner_adb", NotFound),
        ("cso_hanoi", NotFound),
        (None, NotFound),
    ],
)
def test_only_the_city_s_cscos_and_the_secretariat_assess(roles, project, who, error):
    # the NR of Thailand sees the draft but may not assess it; the others do not see it
    actor = roles.user(who) if who else None
    with pytest.raises(error):
        readiness_assess(actor=actor, project=project, answers={})
    assert not ReadinessAssessment.objects.exists()


# --- the API -----------------------------------------------------------------------------------


def url(project) -> str:
    return f"/api/v1/projects/{project.pk}/readiness"


def test_the_api_returns_checklist_score_level_and_next_steps(roles, project):
    # given the CSCO of Phuket
    client = roles.bearer("cso_phuket")
    # when she records the journey's assessment
    response = client.post(
        url(project), {"answers": {c: True for c in JOURNEY}}, content_type="application/json"
    )
    # then the answer has the whole checklist, the score, the level and the gaps to close
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["score"], body["level"]) == (75, "shaping")
    assert len(body["checklist"]) == 12
    assert {i["code"] for i in body["checklist"] if i["met"]} == set(JOURNEY)
    assert [i["code"] for i in body["missing"]] == [
        "land_permits",
        "procurement_route",
        "institutional_capacity",
    ]
    for item in body["missing"]:
        assert item["next_step"] and item["label"] and item["dimension"] == "deliverability"
        assert item["met"] is False
    assert body["assessed_at"]
    # and a GET says the same
    read = client.get(url(project)).json()
    assert (read["score"], read["level"], read["missing"]) == (75, "shaping", body["missing"])


def test_a_project_never_assessed_has_an_open_checklist(roles, project):
    body = roles.bearer("cso_phuket").get(url(project)).json()
    assert (body["score"], body["level"], body["assessed_at"]) == (None, None, None)
    assert [i["met"] for i in body["checklist"]] == [False] * 12


@pytest.mark.parametrize(
    "payload",
    [
        {"answers": {"vibes": True}},
        {"answers": {"kpis": "perhaps"}},
        {"answers": ["kpis"]},
        {},
    ],
)
def test_bad_answers_are_422_and_keep_nothing(roles, project, payload):
    response = roles.bearer("cso_phuket").post(
        url(project), payload, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert not ReadinessAssessment.objects.exists()
    project.refresh_from_db()
    assert project.readiness_score is None


def test_the_history_is_kept_and_the_project_shows_the_latest(roles, project):
    # given a first assessment (5 items: 42, shaping) and a later one (all 12: 100)
    client = roles.bearer("cso_phuket")
    first = client.post(
        url(project), {"answers": answers(*OTHERS[:5])}, content_type="application/json"
    )
    second = client.post(url(project), {"answers": answers(*ALL)}, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 201)
    # then both are kept, newest first
    kept = list(project.assessments.values_list("score", "level"))
    assert kept == [(100, "investor-ready"), (42, "shaping")]
    # and the project, its readiness and the list show the latest
    assert client.get(url(project)).json()["score"] == 100
    detail = client.get(f"/api/v1/projects/{project.pk}").json()
    assert detail["readiness"] == {"score": 100, "level": "investor-ready"}
    listed = client.get("/api/v1/projects?readiness=investor-ready").json()
    assert [p["id"] for p in listed["items"]] == [project.pk]
