"""The search holds what a person looks for (issue 22): each catalogue indicator, and one
entry per city's indicator — not one per value of every year — seen by whoever may see
one of its values, and saying no more than they may read."""

from django.core.management import call_command

from ascn.core.models import SearchEntry
from ascn.indicators.models import IndicatorValue
from ascn.indicators.services import value_update
from tests.indicators.test_real_and_sample import _enter

pytest_plugins = ["tests.roles"]


def _titles(client, kind):
    items = client.get(f"/api/v1/search?q=particulate&type={kind}").json()["items"]
    return sorted(item["title"] for item in items)


def _entries():
    return sorted(
        SearchEntry.objects.filter(kind="indicator_value").values_list("title", "visibility")
    )


def test_an_indicator_name_finds_the_indicator_and_the_cities_reporting_it(client, catalogue):
    for year, figure in [(2021, "26"), (2022, "24"), (2023, "20")]:
        _enter("phuket", year, figure)
    _enter("bangkok", 2022, "30")
    # the catalogue's indicator, leading to its page and ranking
    found = client.get("/api/v1/search?q=particulate&type=indicator").json()["items"]
    assert [(i["title"], i["url"]) for i in found] == [
        (
            "11.6.2 Annual mean level of fine particulate matter (PM2.5)",
            "/indicators/sdg-11-6-2/",
        )
    ]
    assert client.get(found[0]["url"]).status_code == 200
    # each city reporting it once, with its latest value's year — not once per year
    assert _titles(client, "indicator_value") == [
        "Bangkok: 11.6.2 Annual mean level of fine particulate matter (PM2.5) (2022)",
        "Phuket: 11.6.2 Annual mean level of fine particulate matter (PM2.5) (2023)",
    ]
    assert SearchEntry.objects.filter(kind="indicator_value").count() == 2
    # and a rebuild of the index writes the same entries
    before = _entries()
    call_command("rebuild_search_index", verbosity=0)
    assert _entries() == before


def test_a_citys_indicator_entry_follows_its_most_open_latest_value(client, roles, catalogue):
    # given Hanoi's public 2022 value and its newer draft
    _enter("hanoi", 2022, "40")
    draft = _enter("hanoi", 2023, "35", visibility="draft")
    # then the entry is the public value's: everyone finds it, with no draft figure
    assert _entries() == [
        ("Hanoi: 11.6.2 Annual mean level of fine particulate matter (PM2.5) (2022)", "public")
    ]
    assert "35" not in SearchEntry.objects.get(kind="indicator_value").body
    # a city with a draft alone is found by its owners only
    _enter("da-nang", 2023, "28", visibility="draft")
    assert len(_titles(roles.session("cso_hanoi"), "indicator_value")) == 1
    assert len(_titles(roles.session("secretariat"), "indicator_value")) == 2
    assert len(_titles(client, "indicator_value")) == 1
    # when the draft is published, the entry moves to it: still one entry for Hanoi
    value_update(
        actor=roles.user("cso_hanoi"), record=draft, version=draft.version, visibility="public"
    )
    assert [t for t, _v in _entries() if t.startswith("Hanoi")] == [
        "Hanoi: 11.6.2 Annual mean level of fine particulate matter (PM2.5) (2023)"
    ]
    assert IndicatorValue.objects.filter(city__slug="hanoi").count() == 2


def test_a_citys_figure_reads_in_the_readers_style_and_is_found_as_typed(client, catalogue):
    # given Phuket's 2023 level of 24.5 µg/m³
    _enter("phuket", 2023, "24.5")

    # then the index keeps it as typed, and an Indonesian page writes it the Indonesian way
    assert "24.5" in SearchEntry.objects.get(kind="indicator_value").body
    english = client.get("/search/?q=particulate").content.decode()
    indonesian = client.get("/id/search/?q=particulate").content.decode()
    assert "24.5" in english
    assert "24,5" in indonesian and "24.5" not in indonesian
