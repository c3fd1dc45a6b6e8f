"""Real and sample values never mix (issue 22): in demo mode, sample values (flagged) sit
beside the real ones; the medians are taken over real values only, a sample value never
ranks among real ones, and where sample values are shown they are flagged and apart."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser

from ascn.indicators import latest
from ascn.indicators.models import Indicator, IndicatorMedian, IndicatorValue
from ascn.indicators.queries import city_summary
from ascn.indicators.services import value_enter
from ascn.network.models import City
from tests.conftest import page_text

pytest_plugins = ["tests.roles"]


@pytest.fixture
def pm25(catalogue):
    return Indicator.objects.get(code="11.6.2")


def _enter(slug, year, value, *, sample=False, visibility="public"):
    return value_enter(
        actor=None,
        city=City.objects.get(slug=slug),
        indicator=Indicator.objects.get(code="11.6.2"),
        year=year,
        value=value,
        source="Sample data for the demo" if sample else f"Published figure for {slug}",
        visibility=visibility,
        sample=sample,
    )


def _network_median(client, slug):
    items = client.get(f"/api/v1/cities/{slug}/indicators").json()["items"]
    return items[0]["network_median"]


def _stored(indicator):
    return sorted(
        IndicatorMedian.objects.filter(indicator=indicator).values_list(
            "audience", "size_class", "value", "cities"
        )
    )


def test_a_real_median_is_unchanged_by_adding_sample_values(client, roles, pm25):
    # given three cities' real values
    _enter("phuket", 2023, "20")
    _enter("bangkok", 2023, "30")
    _enter("hanoi", 2022, "40")
    before = _network_median(client, "phuket")
    assert before == {"value": "30", "cities": 3, "years": [2022, 2023]}
    stored = _stored(pm25)
    as_secretariat = _network_median(roles.session("secretariat"), "phuket")
    # when the demo adds sample values (a newer one of a city with a real value too)
    for slug, figure in [("jakarta", "1"), ("singapore", "2"), ("da-nang", "3"), ("manila", "4")]:
        _enter(slug, 2024, figure, sample=True)
    _enter("bangkok", 2024, "5", sample=True)
    # then every median is the real values' median, for everyone, however recomputed
    assert _network_median(client, "phuket") == before
    assert _network_median(roles.session("secretariat"), "phuket") == as_secretariat
    assert _network_median(roles.session("cso_phuket"), "phuket") == before
    assert _stored(pm25) == stored
    latest.rebuild(IndicatorValue, IndicatorMedian)
    assert _stored(pm25) == stored
    # and a city shown with a sample value reads the real median beside it, flagged
    jakarta = client.get("/api/v1/cities/jakarta/indicators").json()["items"][0]
    assert jakarta["latest"]["sample"] is True
    assert jakarta["network_median"] == before
    # and a city with a real value shows the real one, not a newer sample value, and its
    # trend holds real values only
    bangkok = city_summary(AnonymousUser(), City.objects.get(slug="bangkok")).rows[0]
    assert (bangkok.latest.year, bangkok.latest.sample) == (2023, False)
    assert [point.year for point in bangkok.trend] == [2023]


def _spec(response):
    return json.loads(
        response.content.decode()
        .split('id="compare-chart-spec" type="application/json">')[1]
        .split("</script>")[0]
    )


def test_a_sample_value_never_ranks_among_real_ones(client, pm25):
    # given two real values and a sample value better than both (PM2.5: lower is better)
    _enter("phuket", 2023, "20")
    _enter("bangkok", 2021, "30")
    _enter("jakarta", 2023, "5", sample=True)
    # when the public compares the three cities
    response = client.get("/cities/compare/?cities=phuket,bangkok,jakarta")
    text = page_text(response)
    # then the ranking and the chart hold the real values only
    assert [v["city"] for v in _spec(response)["data"]["values"]] == [
        "Phuket (2023)",
        "Bangkok (2021)",
    ]
    ranking, samples = text.split("Ranking", 1)[1].split("Sample values (demo): not ranked")
    assert "Phuket: 20 µg/m³ (2023)" in ranking and "Bangkok: 30 µg/m³ (2021)" in ranking
    assert "Jakarta" not in ranking
    # and the sample value is shown apart, flagged
    assert "Jakarta: 5 µg/m³ (2023) sample" in samples
    assert "Sample data — illustrative, not real." in text
    # the same on the indicator's page, its ranking across every city
    text = page_text(client.get("/indicators/sdg-11-6-2/"))
    ranking, samples = text.split("Ranking of the cities", 1)[1].split(
        "Sample values (demo): not ranked"
    )
    assert ranking.index("Phuket : 20 µg/m³ (2023)") < ranking.index("Bangkok : 30 µg/m³ (2021)")
    assert "Jakarta" not in ranking
    assert "Jakarta: 5 µg/m³ (2023) sample" in samples


def test_with_only_sample_values_there_is_no_ranking_nor_median(client, pm25):
    _enter("jakarta", 2023, "5", sample=True)
    _enter("singapore", 2023, "9", sample=True)
    response = client.get("/cities/compare/?cities=jakarta,singapore")
    text = page_text(response)
    assert "compare-chart-spec" not in response.content.decode()
    assert "Ranking" not in text.split("Sample values (demo): not ranked")[0]
    assert "Jakarta: 5 µg/m³ (2023) sample" in text
    assert _network_median(client, "jakarta") == {"value": None, "cities": 0, "years": []}


def test_the_indicator_ranking_is_paged_and_keeps_counting(client, pm25, monkeypatch):
    # given five cities' real values and a page of two (at ASEAN scale: 50 of 3,000)
    monkeypatch.setattr("ascn.indicators.views.RANKING_PAGE_SIZE", 2)
    for slug, value in [("phuket", 10), ("bangkok", 20), ("hanoi", 30), ("jakarta", 40)]:
        _enter(slug, 2023, str(value))
    _enter("manila", 2023, "50")
    # when the second page is asked for
    response = client.get("/indicators/sdg-11-6-2/?page=2")
    text = page_text(response)
    # then it holds the third and fourth cities, numbered on from the first page
    assert 'start="3"' in response.content.decode()
    ranking = text.split("Ranking of the cities", 1)[1]
    assert "Hanoi" in ranking and "Jakarta" in ranking
    assert "Phuket" not in ranking and "Manila" not in ranking
    assert "Page 2 of 3" in ranking
    # and the catalogue links each indicator to its page
    assert 'href="/indicators/sdg-11-6-2/"' in client.get("/indicators/").content.decode()


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        ("lower", ["Bangkok", "Hanoi", "Phuket", "Jakarta"]),
        ("higher", ["Jakarta", "Phuket", "Bangkok", "Hanoi"]),
        ("neutral", ["Bangkok", "Jakarta", "Hanoi", "Phuket"]),  # "DKI Jakarta"
    ],
)
def test_the_ranking_follows_the_indicators_direction_and_ties_go_by_city_name(
    client, pm25, direction, expected
):
    # given four cities' values, two of them equal, and a sample value that never ranks
    Indicator.objects.filter(pk=pm25.pk).update(direction=direction)
    for slug, value in [("phuket", 20), ("hanoi", 10), ("bangkok", 10), ("jakarta", 30)]:
        _enter(slug, 2023, str(value))
    _enter("manila", 2023, "1", sample=True)
    # when anyone reads the indicator's page
    ranking = page_text(client.get("/indicators/sdg-11-6-2/")).split("Ranking of the cities")[1]
    # then the cities come best first for the direction (by name where it is neutral), equal
    # values by city name, and the sample value stands apart after the ranking
    ranked, samples = ranking.split("Sample values (demo): not ranked")
    positions = [ranked.index(f"{name} :") for name in expected]
    assert positions == sorted(positions)
    assert "Manila" not in ranked and "Manila" in samples
