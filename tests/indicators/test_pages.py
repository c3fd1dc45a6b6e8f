"""Indicator pages: a city's indicators against the network, the CSCO's entry form, the
verifier's answer, and the comparison of up to six cities with the year of each value."""

import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from ascn.core.errors import InvalidInput
from ascn.indicators.models import Indicator, IndicatorValue, Verification
from ascn.indicators.services import value_enter, value_verify
from ascn.network.models import City
from tests.conftest import page_text
from tests.roles import CSO_PHUKET, NR_TH, assert_matrix, everyone, sign_in_redirect

pytest_plugins = ["tests.roles"]

PM25 = "11.6.2"


def _value(city, year, value, *, code=PM25, visibility="public", verified=True):
    record = value_enter(
        actor=None,
        city=City.objects.get(slug=city),
        indicator=Indicator.objects.get(code=code),
        year=year,
        value=value,
        source=f"Source for {city}",
        visibility=visibility,
    )
    if verified:
        record = value_verify(actor=None, record=record, version=1, verified=True, grade="measured")
    return record


def test_a_citys_indicator_page_for_the_public(client, catalogue, get_bounded):
    # given public values for three cities and a draft of Phuket's
    _value("phuket", 2022, "24")
    _value("phuket", 2023, "20")
    _value("bangkok", 2023, "30")
    _value("hanoi", 2021, "40")
    _value("phuket", 2023, "77", code="11.2.1", visibility="draft", verified=False)
    # when the public opens Phuket's indicators
    text = page_text(get_bounded("/cities/phuket/indicators/", max_queries=12))
    # then the latest value shows with its year, the network median with its cities and
    # years, the trend, and no draft
    assert "20 (2023)" in text
    assert "30 of 3 cities, 2021–2023" in text
    assert "2022: 24" in text
    assert "77" not in text and "Enter a value" not in text
    # and the city's page links to it
    assert "/cities/phuket/indicators/" in client.get("/cities/phuket/").content.decode()


def test_who_may_open_the_forms(roles, catalogue):
    draft = _value("phuket", 2023, "20", visibility="draft", verified=False)
    assert_matrix(
        roles.session,
        "GET",
        "/cities/phuket/indicators/new/",
        everyone(404, anonymous=sign_in_redirect("/cities/phuket/indicators/new/"), cso_phuket=200),
    )
    assert_matrix(
        roles.session,
        "GET",
        f"/indicator-values/{draft.pk}/verify/",
        everyone(
            404,
            anonymous=sign_in_redirect(f"/indicator-values/{draft.pk}/verify/"),
            nr_th=200,
            secretariat=200,
        ),
    )
    assert_matrix(
        roles.session,
        "GET",
        f"/indicator-values/{draft.pk}/edit/",
        everyone(
            404, anonymous=sign_in_redirect(f"/indicator-values/{draft.pk}/edit/"), cso_phuket=200
        ),
    )


def test_the_csco_enters_and_the_representative_verifies_on_the_pages(roles, catalogue):
    cso = roles.session(CSO_PHUKET)
    indicator = Indicator.objects.get(code=PM25)
    form = {
        "indicator": indicator.pk,
        "year": 2023,
        "value": "21.5",
        "source": "PCD annual report 2023",
        "method_note": "",
        "visibility": "network",
    }
    # a bad figure comes back with its error, and nothing is written
    bad = cso.post("/cities/phuket/indicators/new/", {**form, "value": "lots"})
    assert bad.status_code == 422
    assert "The value is a number, such as 1,234.5." in bad.content.decode()
    assert not IndicatorValue.objects.exists()
    # several mistakes are said at once (the form said one a submit)
    several = cso.post(
        "/cities/phuket/indicators/new/", {**form, "value": "lots", "year": 1850, "source": ""}
    )
    assert several.status_code == 422
    errors = re.findall(r'id="id_(\w+)_error"', several.content.decode())
    assert {"value", "year", "source"} <= set(errors), errors
    assert not IndicatorValue.objects.exists()
    # the CSCO records the value
    response = cso.post("/cities/phuket/indicators/new/", form)
    assert response.status_code == 302
    record = IndicatorValue.objects.get()
    assert record.entered_by == roles.user(CSO_PHUKET)
    # the representative sees it waiting and verifies it with a grade
    nr = roles.session(NR_TH)
    assert (
        f"/indicator-values/{record.pk}/verify/"
        in nr.get("/cities/phuket/indicators/").content.decode()
    )
    no_grade = nr.post(
        f"/indicator-values/{record.pk}/verify/", {"decision": "verified", "version": 1}
    )
    assert no_grade.status_code == 422
    said = page_text(no_grade)
    assert "Choose the data-quality grade: how the value was obtained." in said
    assert "higher_level" not in said  # the choices' codes are not words for a person
    done = nr.post(
        f"/indicator-values/{record.pk}/verify/",
        {"decision": "verified", "grade": "measured", "version": 1},
    )
    assert done.status_code == 302
    record.refresh_from_db()
    assert (record.verification, record.grade) == (Verification.VERIFIED, "measured")
    # a second answer on the old version is refused as stale
    stale = nr.post(
        f"/indicator-values/{record.pk}/verify/",
        {"decision": "returned", "note": "x", "version": 1},
    )
    assert stale.status_code == 409


def _enter_on_page(roles, language: str, typed: str):
    """Phuket's officer sends the value form on the page in ``language`` with ``typed``."""
    prefix = "" if language == "en" else f"/{language}"
    form = {
        "indicator": Indicator.objects.get(code=PM25).pk,
        "year": 2023,
        "value": typed,
        "source": "PCD annual report 2023",
        "visibility": "network",
    }
    return roles.session(CSO_PHUKET).post(f"{prefix}/cities/phuket/indicators/new/", form)


def test_a_stale_edit_of_a_value_keeps_what_was_typed_and_says_what_changed(roles, catalogue):
    """A value saved from a second tab came back as a dead end ("Nothing was changed. Go to
    your workspace"): the figure typed in it was lost."""
    record = _value("phuket", 2023, "42", visibility="network", verified=False)
    url = f"/indicator-values/{record.pk}/edit/"
    cso = roles.session(CSO_PHUKET)
    form = {
        "version": record.version,
        "year": 2023,
        "value": "42",
        "source": "Source for phuket",
        "method_note": "",
        "visibility": "network",
    }
    # given two tabs on the same version: the first saves a new figure
    assert cso.post(url, {**form, "value": "43"}).status_code == 302
    # when the second saves its method note on the old version
    note = "Household survey of 2,000 homes"
    second = cso.post(url, {**form, "method_note": note})
    # then it comes back (409) with her note still in the form, the other figure shown
    # beside hers, and the saved version to save on
    assert second.status_code == 409
    said = page_text(second)
    assert "Someone else saved this while you were editing it." in said
    assert note in second.content.decode()
    assert re.search(r'name="version" value="2"', second.content.decode())
    record.refresh_from_db()
    assert (record.value, record.method_note) == (Decimal("43"), "")
    # and saving it again, deliberately, keeps her note
    again = cso.post(url, {**form, "version": 2, "value": "43", "method_note": note})
    assert again.status_code == 302
    record.refresh_from_db()
    assert (record.value, record.method_note) == (Decimal("43"), note)


def test_a_returned_value_is_withdrawn_and_the_city_is_told_why(client, roles, catalogue):
    """A value the representative returned as wrong stayed on the public page, in the
    network median and in the ranking, and the verifier's note reached the city nowhere."""
    # given Phuket's public 2023 figure beside Bangkok's and Hanoi's
    _value("bangkok", 2023, "30")
    _value("hanoi", 2023, "40")
    record = _value("phuket", 2023, "42", verified=False)
    # when Thailand's representative returns it with a note
    nr = roles.session(NR_TH)
    note = "Which survey? Add the method note."
    returned = nr.post(
        f"/indicator-values/{record.pk}/verify/",
        {"decision": "returned", "note": note, "version": record.version},
    )
    assert returned.status_code == 302
    # then the public no longer sees it: not on the city's page, not in the median or ranking
    city_page = page_text(client.get("/cities/phuket/indicators/"))
    assert "42" not in city_page
    assert "35 of 2 cities, 2023" in page_text(client.get("/cities/bangkok/indicators/"))
    ranking = client.get(f"/indicators/{record.indicator.slug}/")
    assert ranking.status_code == 200
    assert "Bangkok" in page_text(ranking) and "Phuket" not in page_text(ranking)
    # and the city's officer is told, with the note, where to correct it
    officer = roles.user(CSO_PHUKET)
    told = officer.notifications.get(kind="indicator.returned")
    assert note in told.body and told.url == f"/indicator-values/{record.pk}/edit/"
    cso = roles.session(CSO_PHUKET)
    assert note in page_text(cso.get(told.url))
    # sharing it again unchanged is refused; corrected, it is shared and waits again
    form = {"year": 2023, "value": "42", "source": "Source for phuket", "method_note": ""}
    record.refresh_from_db()
    again = cso.post(told.url, {**form, "visibility": "public", "version": record.version})
    assert again.status_code == 422
    assert "correct its figure, year, source or method note" in page_text(again)
    fixed = {**form, "method_note": "Household survey, 2,000 homes", "visibility": "public"}
    assert cso.post(told.url, {**fixed, "version": record.version}).status_code == 302
    record.refresh_from_db()
    assert (record.visibility, record.verification) == ("public", Verification.PENDING)
    assert "42" in page_text(client.get("/cities/phuket/indicators/"))


@pytest.mark.parametrize(
    ("language", "typed", "saved"),
    [
        ("id", "18,4", "18.4"),  # Indonesian writes a decimal comma
        ("pt", "1.234,5", "1234.5"),
        ("id", "1.234.567", "1234567"),
        ("id", "18.4", "18.4"),  # a decimal point still reads as one
        ("pt", "1 234,5", "1234.5"),
        ("en", "1,234.5", "1234.5"),
        ("th", "18.4", "18.4"),
    ],
)
def test_a_figure_reads_as_the_pages_language_writes_it(roles, catalogue, language, typed, saved):
    response = _enter_on_page(roles, language, typed)
    assert response.status_code == 302
    assert IndicatorValue.objects.get().value == Decimal(saved)


@pytest.mark.parametrize(
    ("language", "typed", "said"),
    [
        ("en", "42,5", "The value is a number, such as 1,234.5."),  # was 425
        ("en", "18,4", "The value is a number, such as 1,234.5."),
        ("id", "1.500", "reads two ways"),
    ],
)
def test_a_figure_whose_separator_is_not_the_pages_is_refused(
    roles, catalogue, language, typed, said
):
    response = _enter_on_page(roles, language, typed)
    assert response.status_code == 422
    assert not IndicatorValue.objects.exists()
    if language == "en":
        assert said in page_text(response)
    else:  # in the page's language, naming both readings
        assert "1500" in page_text(response) and "1,5" in page_text(response)


def test_the_api_refuses_a_comma_it_cannot_read_as_thousands(roles, catalogue):
    indicator = Indicator.objects.get(code=PM25)
    city = City.objects.get(slug="phuket")
    with pytest.raises(InvalidInput):
        value_enter(
            actor=roles.user(CSO_PHUKET),
            city=city,
            indicator=indicator,
            year=2023,
            value="18,4",
            source="PCD",
        )
    assert not IndicatorValue.objects.exists()


def test_compare_cities_side_by_side_with_the_year_of_each_value(client, catalogue, get_bounded):
    _value("phuket", 2023, "20")
    _value("bangkok", 2021, "30")
    _value("hanoi", 2023, "40")
    _value("hanoi", 2023, "61", code="11.2.1")
    response = get_bounded("/cities/compare/?cities=phuket,bangkok,hanoi", max_queries=8)
    text = page_text(response)
    # the table shows each value with its year; a city that did not report says so
    assert "20 (2023)" in text and "30 (2021)" in text and "40 (2023)" in text
    assert "not reported" in text
    # the folded chooser says which cities are compared, and that it changes them
    assert "Change the cities: Phuket, Bangkok, Hanoi" in text
    # the chart ranks the cities best first (lower is better for PM2.5), each with its year
    spec = json.loads(
        response.content.decode()
        .split('id="compare-chart-spec" type="application/json">')[1]
        .split("</script>")[0]
    )
    assert [v["city"] for v in spec["data"]["values"]] == [
        "Phuket (2023)",
        "Bangkok (2021)",
        "Hanoi (2023)",
    ]
    # the form's checkboxes lead to the page's one address
    redirect = client.get("/cities/compare/?city=phuket&city=hanoi")
    assert redirect.status_code == 302
    assert redirect["Location"] == "/cities/compare/?cities=phuket%2Chanoi"


def test_compare_takes_at_most_six_cities_and_names_unknown_ones(client, catalogue):
    slugs = "phuket,bangkok,hanoi,da-nang,jakarta,manila,singapore"
    response = client.get(f"/cities/compare/?cities={slugs}")
    assert "At most 6 cities are compared" in page_text(response)
    assert [c.slug for c in response.context["comparison"].cities] == slugs.split(",")[:6]
    text = page_text(client.get("/cities/compare/?cities=phuket,atlantis"))
    assert "Not ASCN cities: atlantis" in text


def test_ticking_more_cities_than_compared_says_which_were_left_out(client, catalogue):
    # given a representative who ticks seven cities in the chooser and presses Compare
    ticked = ["phuket", "bangkok", "hanoi", "da-nang", "jakarta", "manila", "singapore"]
    response = client.get("/cities/compare/", {"city": ticked}, follow=True)
    # then six are compared and the page names the seventh, rather than dropping it unsaid
    assert [c.slug for c in response.context["comparison"].cities] == ticked[:6]
    assert "the first 6 are shown. Left out: Singapore." in page_text(response)


def test_sample_values_are_loaded_only_in_demo_mode_and_flagged(client, catalogue, settings):
    settings.ASCN_DEMO = False
    with pytest.raises(Exception, match="demo mode"):
        call_command("load_sample_indicators")
    settings.ASCN_DEMO = True
    call_command("load_sample_indicators")
    assert IndicatorValue.objects.exists()
    assert not IndicatorValue.objects.filter(sample=False).exists()
    text = page_text(client.get("/cities/compare/?cities=bangkok,hanoi"))
    assert "Sample data — illustrative, not real." in text


def test_values_are_found_by_the_search_as_their_visibility_allows(client, roles, catalogue):
    _value("phuket", 2023, "20")
    _value("hanoi", 2023, "40", visibility="draft", verified=False)
    found = client.get("/api/v1/search?q=particulate&type=indicator_value").json()["items"]
    assert [item["title"] for item in found] == [
        "Phuket: 11.6.2 Annual mean level of fine particulate matter (PM2.5) (2023)"
    ]
    assert found[0]["url"] == "/cities/phuket/indicators/"
    as_hanoi = (
        roles.session("cso_hanoi")
        .get("/api/v1/search?q=particulate&type=indicator_value")
        .json()["items"]
    )
    assert {item["title"].split(":")[0] for item in as_hanoi} == {"Phuket", "Hanoi"}
