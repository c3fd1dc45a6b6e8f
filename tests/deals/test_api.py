"""The deal pipeline's API (SPEC §3 ``/api/v1/engagements``): who sees and moves what."""

from __future__ import annotations

from decimal import Decimal

from ascn.deals.models import Engagement
from ascn.plans.models import Project
from tests.roles import assert_matrix, everyone

pytest_plugins = ["tests.roles", "tests.pipeline_fixtures"]

# anonymous: list is empty (200), reads 404, writes 401
SEES = {"secretariat", "nr_th", "cso_phuket", "partner_adb"}


def test_the_list_holds_only_the_deals_of_ones_parties(deals):
    engagement = deals.interest()
    responses = assert_matrix(deals.roles.bearer, "GET", "/api/v1/engagements", everyone(200))
    for name, response in responses.items():
        ids = [item["id"] for item in response.json()["items"]]
        assert ids == ([engagement.pk] if name in SEES else []), name
    item = responses["partner_adb"].json()["items"][0]
    assert item["stage"] == "interest"
    assert item["project"] == deals.phuket_project.pk
    assert item["organisation"] == "asian-development-bank"
    assert item["city"] == "phuket" and item["country"] == "TH"
    assert item["commitment"] is None
    assert item["url"] == f"/engagements/{engagement.pk}/"


def test_the_list_filters_by_organisation_city_and_stage(deals):
    deals.interest()
    client = deals.roles.bearer("secretariat")
    for query, count in [
        ("organisation=asian-development-bank", 1),
        ("organisation=undp", 0),
        ("city=phuket", 1),
        ("city=hanoi", 0),
        ("stage=interest", 1),
        ("stage=committed", 0),
        (f"project={deals.phuket_project.pk}", 1),
    ]:
        assert client.get(f"/api/v1/engagements?{query}").json()["count"] == count, query
    assert client.get("/api/v1/engagements?stage=signed").status_code == 422


def test_one_deal_is_404_outside_its_parties(deals):
    engagement = deals.interest()
    responses = assert_matrix(
        deals.roles.bearer,
        "GET",
        f"/api/v1/engagements/{engagement.pk}",
        everyone(404, secretariat=200, nr_th=200, cso_phuket=200, partner_adb=200),
    )
    body = responses["nr_th"].json()
    assert body["can_advance"] is False
    assert responses["cso_phuket"].json()["can_advance"] is True
    assert body["next_stages"] == ["discussion", "declined"]
    assert [(e["from_stage"], e["to_stage"]) for e in body["events"]] == [("", "interest")]
    assert body["message"] == "We would like to talk."


def test_a_partner_expresses_interest_once_and_the_pair_is_then_taken(deals):
    payload = {
        "project": deals.phuket_project.pk,
        "organisation": "asian-development-bank",
        "message": "Keen.",
    }
    responses = assert_matrix(
        deals.roles.bearer,
        "POST",
        "/api/v1/engagements",
        {
            "anonymous": 401,
            "cso_hanoi": 403,
            "nr_th": 403,
            "secretariat": 403,
            "partner_adb": 201,
        },
        payload,
    )
    body = responses["partner_adb"].json()
    assert body["stage"] == "interest" and body["initiated_by"] == "partner"
    # then the pair is taken: the city's officer gets a 409 that links the existing deal
    again = deals.roles.bearer("cso_phuket").post(
        "/api/v1/engagements", payload, content_type="application/json"
    )
    assert again.status_code == 409
    assert f"/engagements/{body['id']}/" in again.json()["detail"]


def test_interest_in_a_project_one_cannot_see_names_the_field(deals):
    client = deals.roles.bearer("partner_adb")
    for payload, field in [
        ({"project": deals.hanoi_draft.pk, "organisation": "asian-development-bank"}, "project"),
        ({"project": 999999, "organisation": "asian-development-bank"}, "project"),
        ({"project": deals.phuket_project.pk, "organisation": "nobody"}, "organisation"),
    ]:
        response = client.post("/api/v1/engagements", payload, content_type="application/json")
        assert response.status_code == 422, payload
        assert response.json()["detail"][0]["loc"] == ["body", field]
    assert not Engagement.objects.exists()


def test_a_party_moves_a_deal_with_its_version_and_others_are_refused(deals):
    engagement = deals.interest()
    url = f"/api/v1/engagements/{engagement.pk}/advance"
    # the refusals first, each leaving the deal where it is
    assert_matrix(
        deals.roles.bearer,
        "POST",
        url,
        {"anonymous": 401, "cso_hanoi": 404, "nr_th": 403},
        {"stage": "discussion", "version": engagement.version},
    )
    response = deals.roles.bearer("cso_phuket").post(
        url,
        {"stage": "discussion", "version": engagement.version, "note": "Call on Monday."},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["stage"] == "discussion"
    assert response.json()["version"] == engagement.version + 1
    # a stale version and an illegal move are both 409s
    stale = deals.roles.bearer("partner_adb").post(
        url, {"stage": "declined", "version": engagement.version}, content_type="application/json"
    )
    assert stale.status_code == 409
    illegal = deals.roles.bearer("partner_adb").post(
        url,
        {"stage": "closed", "version": engagement.version + 1},
        content_type="application/json",
    )
    assert illegal.status_code == 409
    assert "cannot move" in illegal.json()["detail"]


def test_committing_through_the_api(deals):
    engagement = deals.interest()
    client = deals.roles.bearer("partner_adb")
    url = f"/api/v1/engagements/{engagement.pk}/advance"
    version = engagement.version
    for stage in ("discussion", "due_diligence", "term_sheet"):
        version = client.post(
            url, {"stage": stage, "version": version}, content_type="application/json"
        ).json()["version"]
    missing = client.post(
        url, {"stage": "committed", "version": version}, content_type="application/json"
    )
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "commitment"]

    def commit(currency: str):
        commitment = {"amount": "5000.00", "currency": currency, "instrument": "grant"}
        return client.post(
            url,
            {"stage": "committed", "version": version, "commitment": commitment},
            content_type="application/json",
        )

    wrong_currency = commit("USD")
    assert wrong_currency.status_code == 422
    assert wrong_currency.json()["detail"][0]["loc"] == ["body", "commitment", "currency"]
    # the API walk of 8 Dec: a project publishing no budget said "budget currency ()"
    budgeted = Project.objects.filter(pk=engagement.project_id)
    budget = budgeted.values("budget_amount", "budget_currency").get()
    budgeted.update(budget_amount=None, budget_currency="")
    unbudgeted = commit("THB")
    assert unbudgeted.status_code == 422
    assert "publishes no budget" in unbudgeted.json()["detail"][0]["msg"]
    budgeted.update(**budget)
    committed = commit("THB")
    assert committed.status_code == 200
    # then the answer shows the commitment waiting for the city, not yet counted
    body = committed.json()
    assert body["commitment"] == {
        "amount": "5000.00",
        "currency": "THB",
        "instrument": "grant",
        "confirmation": "pending",
        "confirmed_by": None,
        "confirmed_at": None,
    }
    assert body["can_confirm"] is False  # the partner does not confirm its own commitment
    assert body["events"][-1]["commitment"] == {"amount": "5000.00", "currency": "THB"}
    project = Project.objects.get(pk=deals.phuket_project.pk)
    assert project.funding_secured == Decimal("100000")
    # when the partner tries to confirm it, it is refused
    confirm_url = f"/api/v1/engagements/{engagement.pk}/confirm"
    refused = client.post(
        confirm_url,
        {"version": body["version"], "decision": "confirm"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    # when Phuket's officer confirms it
    officer = deals.roles.bearer("cso_phuket")
    assert officer.get(f"/api/v1/engagements/{engagement.pk}").json()["can_confirm"] is True
    confirmed = officer.post(
        confirm_url,
        {"version": body["version"], "decision": "confirm"},
        content_type="application/json",
    )
    assert confirmed.status_code == 200
    answer = confirmed.json()
    assert answer["commitment"]["confirmation"] == "confirmed"
    assert answer["commitment"]["confirmed_by"] == "cso_phuket"
    assert answer["commitment"]["confirmed_at"] is not None
    assert (answer["events"][-1]["kind"], answer["events"][-1]["by"]) == (
        "confirmed",
        "cso_phuket",
    )
    project = Project.objects.get(pk=deals.phuket_project.pk)
    assert project.funding_secured == Decimal("105000")
    # and the project's own API shows it
    shown = deals.roles.bearer("secretariat").get(f"/api/v1/projects/{project.pk}").json()
    assert shown["funding_secured"] == {"amount": "105000.00", "currency": "THB"}
    # and a second answer finds nothing waiting (409)
    again = officer.post(
        confirm_url,
        {"version": answer["version"], "decision": "confirm"},
        content_type="application/json",
    )
    assert again.status_code == 409


def test_the_city_declines_a_commitment_through_the_api_with_its_reason(deals):
    engagement = deals.at_term_sheet()
    partner = deals.roles.bearer("partner_adb")
    body = partner.post(
        f"/api/v1/engagements/{engagement.pk}/advance",
        {
            "stage": "committed",
            "version": engagement.version,
            "commitment": {"amount": "5000.00", "currency": "THB", "instrument": "grant"},
        },
        content_type="application/json",
    ).json()
    url = f"/api/v1/engagements/{engagement.pk}/confirm"
    representative = deals.roles.bearer("nr_th")
    # without a reason, the decline is refused on the reason
    no_reason = representative.post(
        url, {"version": body["version"], "decision": "decline"}, content_type="application/json"
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["detail"][0]["loc"] == ["body", "reason"]
    # with one, the deal goes back to the term sheet, its commitment cleared
    declined = representative.post(
        url,
        {"version": body["version"], "decision": "decline", "reason": "The amount is 50,000."},
        content_type="application/json",
    )
    assert declined.status_code == 200
    answer = declined.json()
    assert (answer["stage"], answer["commitment"]) == ("term_sheet", None)
    last = answer["events"][-1]
    assert (last["kind"], last["by"], last["note"], last["commitment"]) == (
        "not_confirmed",
        "nr_th",
        "The amount is 50,000.",
        {"amount": "5000.00", "currency": "THB"},
    )
    # and another city's officer does not see the deal at all
    assert (
        deals.roles.bearer("cso_hanoi")
        .post(url, {"version": 1, "decision": "confirm"}, content_type="application/json")
        .status_code
        == 404
    )
