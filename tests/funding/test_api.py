"""The programmes API (SPEC §3): who reads and does what, money as {amount, currency},
409 on a stale version, 422 naming the field."""

from __future__ import annotations

from ascn.funding.models import Application
from ascn.funding.services import (
    application_create,
    application_transition,
    programme_update,
)
from tests.roles import assert_matrix, everyone, members

pytest_plugins = ["tests.roles"]

AASCTF = "asean-australia-smart-cities-trust-fund"
US_FUND = "us-smart-cities-business-innovation-fund"
JSON = "application/json"


def submitted(world) -> Application:
    roles = world["roles"]
    application = application_create(
        actor=roles.user("cso_phuket"),
        call=world["call"],
        project=world["project"],
        amount_requested="250000",
    )
    return application_transition(
        actor=roles.user("cso_phuket"), application=application, action="submit", version=1
    )


def test_programmes_are_listed_with_money_and_balance(world):
    roles = world["roles"]
    responses = assert_matrix(roles.bearer, "GET", "/api/v1/programmes", everyone(200))
    body = responses["anonymous"].json()
    assert body["count"] == 3
    by_slug = {item["slug"]: item for item in body["items"]}
    assert by_slug[US_FUND]["total"] == {"amount": "1000000.00", "currency": "USD"}
    assert by_slug[US_FUND]["max_award"] == {"amount": "300000.00", "currency": "USD"}
    assert by_slug[AASCTF]["balance"] == {"amount": "20000000.00", "currency": "AUD"}
    assert by_slug[AASCTF]["implementer"]["slug"] == "asian-development-bank"
    assert by_slug[AASCTF]["open_calls"] == 1


def test_one_programme_with_its_calls_and_a_draft_one_hidden(world):
    roles = world["roles"]
    responses = assert_matrix(roles.bearer, "GET", f"/api/v1/programmes/{AASCTF}", everyone(200))
    body = responses["anonymous"].json()
    assert [c["title"] for c in body["calls"]] == ["Digital solutions 2026"]
    assert body["calls"][0]["is_open"] is True
    assert body["eligibility"] == {
        "countries": [],
        "focus_areas": [],
        "stages": [],
        "instruments": [],
    }
    # a draft programme is seen only by its managers and the Secretariat
    fund = world["fund"]
    programme_update(actor=roles.user("secretariat"), programme=fund, version=1, visibility="draft")
    assert_matrix(
        roles.bearer,
        "GET",
        f"/api/v1/programmes/{AASCTF}",
        everyone(404, partner_adb=200, secretariat=200),
    )
    assert roles.bearer("anonymous").get("/api/v1/programmes/nope").status_code == 404


def test_applications_are_seen_by_the_city_its_nr_the_managers_and_the_secretariat(world):
    roles = world["roles"]
    submitted(world)
    url = f"/api/v1/programmes/{AASCTF}/applications"
    responses = assert_matrix(roles.bearer, "GET", url, members(200, anonymous=401))
    counts = {name: r.json()["count"] for name, r in responses.items() if name != "anonymous"}
    assert counts == {
        "secretariat": 1,
        "nr_th": 1,
        "cso_phuket": 1,
        "cso_hanoi": 0,
        "partner_adb": 1,
    }
    item = responses["partner_adb"].json()["items"][0]
    assert item["amount_requested"] == {"amount": "250000.00", "currency": "AUD"}
    assert item["actions"] == ["shortlist", "decline"]
    assert responses["cso_phuket"].json()["items"][0]["actions"] == []


def test_a_city_applies_through_the_api(world):
    roles = world["roles"]
    url = f"/api/v1/programmes/{AASCTF}/applications"
    body = {
        "call": world["call"].pk,
        "project": world["project"].pk,
        "amount_requested": {"amount": "250000", "currency": "AUD"},
    }
    # other principals cannot apply with Phuket's project
    assert_matrix(
        roles.bearer,
        "POST",
        url,
        {"anonymous": 401, "cso_hanoi": 422, "nr_th": 403, "partner_adb": 422, "secretariat": 403},
        data=body,
    )
    # a wrong currency, or an amount of nothing, is a 422 naming the field
    # where the body sends it
    for sent, field in [
        ({"amount": "1", "currency": "USD"}, "currency"),
        ({"amount": "0"}, "amount"),
    ]:
        wrong = roles.bearer("cso_phuket").post(
            url, {**body, "amount_requested": {"currency": "AUD", **sent}}, content_type=JSON
        )
        assert wrong.status_code == 422, wrong.content
        assert wrong.json()["detail"][0]["loc"] == ["body", "amount_requested", field]
    created = roles.bearer("cso_phuket").post(url, body, content_type=JSON)
    assert created.status_code == 201, created.content
    assert (created.json()["status"], created.json()["actions"]) == ("draft", ["submit"])
    again = roles.bearer("cso_phuket").post(url, body, content_type=JSON)
    assert again.status_code == 422
    assert again.json()["detail"][0]["loc"] == ["body", "project"]


def test_transitions_follow_the_role_matrix_and_a_stale_version_is_409(world):
    roles = world["roles"]
    application = submitted(world)
    url = f"/api/v1/applications/{application.pk}/shortlist"
    assert_matrix(
        roles.bearer,
        "POST",
        url,
        {"anonymous": 401, "cso_hanoi": 404, "cso_phuket": 403, "nr_th": 403},
        data={"version": 2},
    )
    stale = roles.bearer("partner_adb").post(url, {"version": 1}, content_type=JSON)
    assert stale.status_code == 409
    done = roles.bearer("partner_adb").post(url, {"version": 2}, content_type=JSON)
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["version"]) == ("shortlisted", 3)
    illegal = roles.bearer("secretariat").post(
        f"/api/v1/applications/{application.pk}/submit", {"version": 3}, content_type=JSON
    )
    assert illegal.status_code in (403, 409)
    unknown = roles.bearer("secretariat").post(
        f"/api/v1/applications/{application.pk}/approve", {"version": 3}, content_type=JSON
    )
    assert unknown.status_code == 422


def test_award_and_disbursement_through_the_api(world):
    roles = world["roles"]
    application = submitted(world)
    adb = roles.bearer("partner_adb")
    adb.post(f"/api/v1/applications/{application.pk}/shortlist", {"version": 2}, content_type=JSON)
    url = f"/api/v1/applications/{application.pk}/award"
    over = adb.post(
        url,
        {"version": 3, "amount": {"amount": "20000000.01", "currency": "AUD"}},
        content_type=JSON,
    )
    assert over.status_code == 422
    assert over.json()["detail"][0]["loc"] == ["body", "amount"]
    # an award dated before the application was submitted is refused too
    early = adb.post(
        url,
        {
            "version": 3,
            "amount": {"amount": "200000", "currency": "AUD"},
            "awarded_on": "1999-01-01",
        },
        content_type=JSON,
    )
    assert early.status_code == 422
    assert early.json()["detail"][0]["loc"] == ["body", "awarded_on"]
    assert "before the application was submitted" in early.json()["detail"][0]["msg"]
    assert_matrix(
        roles.bearer,
        "POST",
        url,
        {"anonymous": 401, "cso_hanoi": 404, "cso_phuket": 403, "nr_th": 403},
        data={"version": 3, "amount": {"amount": "200000", "currency": "AUD"}},
    )
    awarded = adb.post(
        url, {"version": 3, "amount": {"amount": "200000", "currency": "AUD"}}, content_type=JSON
    )
    assert awarded.status_code == 201, awarded.content
    award = awarded.json()["award"]
    assert award["amount"] == {"amount": "200000.00", "currency": "AUD"}
    detail = roles.bearer("anonymous").get(f"/api/v1/programmes/{AASCTF}").json()
    assert detail["awarded"] == {"amount": "200000.00", "currency": "AUD"}
    assert detail["balance"] == {"amount": "19800000.00", "currency": "AUD"}
    # the project is a draft: the public does not learn of its award
    assert detail["awards"] == []
    pay_url = f"/api/v1/awards/{award['id']}/disbursements"
    assert_matrix(
        roles.bearer,
        "POST",
        pay_url,
        {"anonymous": 401, "cso_hanoi": 404, "cso_phuket": 403, "nr_th": 403},
        data={"amount": {"amount": "1000", "currency": "AUD"}},
    )
    paid = adb.post(pay_url, {"amount": {"amount": "150000", "currency": "AUD"}}, content_type=JSON)
    assert paid.status_code == 201, paid.content
    assert paid.json()["award_remaining"] == {"amount": "50000.00", "currency": "AUD"}
    too_much = adb.post(
        pay_url, {"amount": {"amount": "50000.01", "currency": "AUD"}}, content_type=JSON
    )
    assert too_much.status_code == 422
    assert too_much.json()["detail"][0]["loc"] == ["body", "amount"]
    # a request sent again on the total it read pays nothing twice: a 409 saying what is paid
    stale = adb.post(
        pay_url,
        {
            "amount": {"amount": "150000", "currency": "AUD"},
            "disbursed": {"amount": "0", "currency": "AUD"},
        },
        content_type=JSON,
    )
    assert stale.status_code == 409
    assert "150,000" in stale.json()["detail"]
    # and a reference is paid once
    for status in (201, 422):
        sent = adb.post(
            pay_url,
            {
                "amount": {"amount": "100", "currency": "AUD"},
                "reference": "TR-9",
                "disbursed": {"amount": "150000", "currency": "AUD"},
            }
            if status == 201
            else {"amount": {"amount": "100", "currency": "AUD"}, "reference": "TR-9"},
            content_type=JSON,
        )
        assert sent.status_code == status, sent.content
    assert sent.json()["detail"][0]["loc"] == ["body", "reference"]
    assert roles.bearer("partner_adb").get(f"/api/v1/programmes/{AASCTF}").json()["disbursed"] == {
        "amount": "150100.00",
        "currency": "AUD",
    }


def test_calls_are_opened_by_managers_with_dates_in_order(world):
    roles = world["roles"]
    url = f"/api/v1/programmes/{AASCTF}/calls"
    body = {"title": "Round 2", "opens_on": "2027-01-01", "closes_on": "2027-03-31"}
    assert_matrix(
        roles.bearer,
        "POST",
        url,
        {"anonymous": 401, "cso_hanoi": 403, "cso_phuket": 403, "nr_th": 403},
        data=body,
    )
    backwards = roles.bearer("partner_adb").post(
        url, {**body, "closes_on": "2026-12-31"}, content_type=JSON
    )
    assert backwards.status_code == 422
    assert backwards.json()["detail"][0]["loc"] == ["body", "closes_on"]
    created = roles.bearer("partner_adb").post(url, body, content_type=JSON)
    assert created.status_code == 201
    listed = roles.bearer("anonymous").get(url).json()
    assert listed["count"] == 2


def test_a_programmes_money_refused_is_named_where_the_body_sends_it(world):
    # given the ADB, which implements the AASCTF, with 200,000 AUD of it awarded
    roles = world["roles"]
    application = submitted(world)
    adb = roles.bearer("partner_adb")
    adb.post(f"/api/v1/applications/{application.pk}/shortlist", {"version": 2}, content_type=JSON)
    adb.post(
        f"/api/v1/applications/{application.pk}/award",
        {"version": 3, "amount": {"amount": "200000", "currency": "AUD"}},
        content_type=JSON,
    )
    version = adb.get(f"/api/v1/programmes/{AASCTF}").json()["version"]

    # when it lowers the total below what is awarded
    refused = adb.patch(
        f"/api/v1/programmes/{AASCTF}",
        {"version": version, "total": {"amount": "100", "currency": "AUD"}},
        content_type=JSON,
    )

    # then the 422 names "total" as the body does, not the service's "total_amount"
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "total", "amount"]
