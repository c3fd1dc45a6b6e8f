"""The indicators API: the catalogue for everyone, a city's indicators against the network,
values entered by the CSCO and verified by the representative, with the role matrix."""

from ascn.indicators.models import Indicator, IndicatorValue
from ascn.indicators.services import value_enter, value_verify
from ascn.network.models import City
from tests.roles import CSO_PHUKET, NR_TH, assert_matrix, everyone

pytest_plugins = ["tests.roles"]

PM25 = "11.6.2"


def _value(roles, city: str, year: int, value: str, visibility="public", verify=True):
    record = value_enter(
        actor=None,
        city=City.objects.get(slug=city),
        indicator=Indicator.objects.get(code=PM25),
        year=year,
        value=value,
        source="Test source",
        visibility=visibility,
    )
    if verify:
        record = value_verify(
            actor=roles.user("secretariat"),
            record=record,
            version=1,
            verified=True,
            grade="measured",
        )
    return record


def test_the_catalogue_is_public_and_filtered(client, catalogue):
    body = client.get("/api/v1/indicators?framework=u4ssc").json()
    assert body["count"] == Indicator.objects.filter(framework="u4ssc").count() == 55
    assert {item["framework"] for item in body["items"]} == {"u4ssc"}
    pm = client.get("/api/v1/indicators?focus_area=quality-environment").json()["items"]
    assert any(item["code"] == PM25 and item["direction"] == "lower" for item in pm)
    assert client.get("/api/v1/indicators?framework=nope").status_code == 422


def test_a_citys_indicators_against_the_network_medians(client, roles, catalogue):
    # given PM2.5 values for Phuket (two years), Bangkok, Hanoi and Da Nang, and one draft
    _value(roles, "phuket", 2022, "24")
    _value(roles, "phuket", 2023, "20")
    _value(roles, "bangkok", 2023, "30")
    _value(roles, "hanoi", 2021, "40")
    _value(roles, "da-nang", 2023, "10", visibility="draft")
    # when the public reads Phuket's indicators
    body = client.get("/api/v1/cities/phuket/indicators").json()
    (row,) = body["items"]
    # then the latest value carries its year, the trend is oldest first, and the network
    # median is drawn from each city's latest public value, naming its cities and years
    assert (row["latest"]["value"], row["latest"]["year"]) == ("20", 2023)
    assert [p["year"] for p in row["trend"]] == [2022, 2023]
    assert row["network_median"] == {"value": "30", "cities": 3, "years": [2021, 2023]}
    # Phuket's population is not on record: no size class, so no size-class median
    assert body["size_class"] is None
    assert row["size_class_median"] == {"value": None, "cities": 0, "years": []}
    # Hanoi and Bangkok are both large cities: their median is of the two
    hanoi = client.get("/api/v1/cities/hanoi/indicators").json()
    assert hanoi["size_class"] == "large"
    assert hanoi["items"][0]["size_class_median"] == {
        "value": "35",
        "cities": 2,
        "years": [2021, 2023],
    }
    assert client.get("/api/v1/cities/atlantis/indicators").status_code == 404


def test_enter_edit_and_verify_through_the_api(roles, catalogue):
    cso = roles.bearer(CSO_PHUKET)
    # the CSCO enters a value
    response = cso.post(
        "/api/v1/indicator-values",
        {"city": "phuket", "indicator": PM25, "year": 2023, "value": "21.5", "source": "PCD 2023"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["verification"], created["version"], created["visibility"]) == (
        "pending",
        1,
        "draft",
    )
    url = f"/api/v1/indicator-values/{created['id']}"
    # a bad figure is a 422 naming the field, and changes nothing
    bad = cso.patch(url, {"version": 1, "value": "-3"}, content_type="application/json")
    assert bad.status_code == 422
    assert IndicatorValue.objects.get().version == 1
    # the CSCO edits it; the stale version is then refused
    assert (
        cso.patch(url, {"version": 1, "value": 22}, content_type="application/json").status_code
        == 200
    )
    assert (
        cso.patch(url, {"version": 1, "value": 23}, content_type="application/json").status_code
        == 409
    )
    # the CSCO may not verify it; Thailand's representative does
    assert (
        cso.post(
            f"{url}/verify",
            {"version": 2, "verified": True, "grade": "measured"},
            content_type="application/json",
        ).status_code
        == 403
    )
    verified = roles.bearer(NR_TH).post(
        f"{url}/verify",
        {"version": 2, "verified": True, "grade": "measured"},
        content_type="application/json",
    )
    assert verified.status_code == 200
    body = verified.json()
    assert (body["verification"], body["grade"], body["value"]) == ("verified", "measured", "22")
    assert [h["action"] for h in body["history"]] == ["verified", "edited", "entered"]


def test_unknown_city_or_indicator_is_a_422_naming_it(roles, catalogue):
    cso = roles.bearer(CSO_PHUKET)
    base = {"city": "phuket", "indicator": PM25, "year": 2023, "value": "1", "source": "x"}
    for field, wrong in (("city", "atlantis"), ("indicator", "99.9.9")):
        response = cso.post(
            "/api/v1/indicator-values", {**base, field: wrong}, content_type="application/json"
        )
        assert response.status_code == 422
        assert field in str(response.json()["detail"])


def test_who_sees_a_draft_value(roles, catalogue):
    draft = _value(roles, "phuket", 2023, "20", visibility="draft", verify=False)
    assert_matrix(
        roles.session,
        "GET",
        f"/api/v1/indicator-values/{draft.pk}",
        everyone(404, cso_phuket=200, nr_th=200, secretariat=200),
    )
