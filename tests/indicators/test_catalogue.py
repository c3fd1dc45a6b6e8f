"""The indicator catalogue (issue 22, item 1): every entry of ``indicators/seed/catalogue.yaml``
carries what a city needs to report it and a reader needs to check it; the loader writes it
once; the public catalogue page lists it by framework, and the entry form offers it in
groups."""

import re

import pytest
import yaml

from ascn.indicators.management.commands.load_indicators import CATALOGUE, load_indicators
from ascn.indicators.models import Direction, Framework, Indicator
from ascn.network.models import FocusArea, Outcome
from tests.conftest import page_text
from tests.roles import CSO_PHUKET

pytest_plugins = ["tests.roles"]

DATA = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
ENTRIES = DATA["indicators"]

# The SDG 11 indicators a city can report for itself (the others are national).
CITY_SDG11 = [
    "11.1.1", "11.2.1", "11.3.1", "11.3.2", "11.4.1", "11.5.1",
    "11.5.2", "11.6.1", "11.6.2", "11.7.1", "11.7.2",
]  # fmt: skip

# Codes and slugs that values, imports and links already refer to: they never change.
STABLE = {
    "11.1.1": "sdg-11-1-1",
    "11.2.1": "sdg-11-2-1",
    "11.3.1": "sdg-11-3-1",
    "11.5.1": "sdg-11-5-1",
    "11.6.1": "sdg-11-6-1",
    "11.6.2": "sdg-11-6-2",
    "11.7.1": "sdg-11-7-1",
    "11.7.2": "sdg-11-7-2",
    "EC: ICT: ICT: 1C": "u4ssc-ec-ict-ict-1c",
    "EC: ICT: ICT: 2C": "u4ssc-ec-ict-ict-2c",
    "EC: P: EM: 1C": "u4ssc-ec-p-em-1c",
    "EC: I: ES: 3C": "u4ssc-ec-i-es-3c",
    "EN: EN: AQ: 1C": "u4ssc-en-en-aq-1c",
}

# A U4SSC KPI number: dimension, sub-dimension, category, number and C (core) or A (advanced).
U4SSC_CODE = re.compile(r"^(EC|EN|SC): [A-Z]+: [A-Z]+: \d+[CA]$")


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["code"] for e in ENTRIES])
def test_every_entry_has_code_framework_unit_direction_definition_and_source_link(entry):
    for field in ("code", "slug", "name", "definition", "unit", "source_url"):
        assert str(entry.get(field, "")).strip(), f"{entry.get('code')} lacks its {field}"
    assert entry["framework"] in Framework.values
    assert entry["direction"] in Direction.values
    assert entry["source"]["title"].strip()
    assert entry["source_url"].startswith("https://")
    assert len(entry["definition"].split()) >= 8, "a definition says what is measured"
    if entry["framework"] == Framework.SDG11:
        assert re.fullmatch(r"11\.\d\.\d", entry["code"])
    if entry["framework"] == Framework.U4SSC:
        assert U4SSC_CODE.match(entry["code"]), entry["code"]


def test_codes_and_slugs_are_unique_and_the_old_ones_unchanged():
    codes = [e["code"] for e in ENTRIES]
    slugs = [e["slug"] for e in ENTRIES]
    assert len(set(codes)) == len(codes)
    assert len(set(slugs)) == len(slugs)
    by_code = {e["code"]: e["slug"] for e in ENTRIES}
    for code, slug in STABLE.items():
        assert by_code[code] == slug


def test_the_catalogue_holds_the_city_sdg11_indicators_and_the_u4ssc_core_kpis():
    sdg = [e["code"] for e in ENTRIES if e["framework"] == Framework.SDG11]
    u4ssc = [e["code"] for e in ENTRIES if e["framework"] == Framework.U4SSC]
    assert sdg == CITY_SDG11
    assert len(u4ssc) == 55
    assert all(code.endswith("C") for code in u4ssc)  # core only, so far
    # every dimension of U4SSC is there
    assert {code.split(":")[0] for code in u4ssc} == {"EC", "EN", "SC"}


def test_the_loader_writes_every_entry_once_with_its_ascf_classification(catalogue):
    assert Indicator.objects.count() == len(ENTRIES)
    assert load_indicators() == (0, len(ENTRIES))  # loading again changes nothing
    areas = set(FocusArea.objects.values_list("code", flat=True))
    outcomes = set(Outcome.objects.values_list("code", flat=True))
    for entry in ENTRIES:
        assert entry["focus_area"] in areas
        assert entry["outcome"] in outcomes
    air = Indicator.objects.get(code="EN: EN: AQ: 2C")
    assert (air.unit, air.direction, air.focus_area.code) == (
        "tonnes CO₂e per person",
        Direction.LOWER,
        "quality-environment",
    )


def test_the_catalogue_page_lists_every_indicator_by_framework(client, catalogue):
    response = client.get("/indicators/")
    assert response.status_code == 200
    text = page_text(response)
    assert f"{len(ENTRIES)} indicators" in text
    html = response.content.decode()
    headings = re.findall(r'<h2 id="framework-\d+">([^<]+)<', html)
    assert [h.strip() for h in headings] == [Framework.SDG11.label, Framework.U4SSC.label]
    sdg_heading = html.index(f">{Framework.SDG11.label} <span")
    u4ssc_heading = html.index(f">{Framework.U4SSC.label} <span")
    assert sdg_heading < html.index("Ratio of land consumption rate") < u4ssc_heading
    assert u4ssc_heading < html.index("Youth unemployment rate")
    assert 'href="https://unstats.un.org/sdgs/metadata/files/Metadata-11-06-02.pdf"' in html


def test_the_catalogue_page_filters_by_framework_and_focus_area(client, catalogue):
    sdg = page_text(client.get("/indicators/", {"framework": "sdg11"}))
    assert f"{len(CITY_SDG11)} indicators" in sdg
    assert "Youth unemployment rate" not in sdg
    safety = client.get("/indicators/", {"focus_area": "safety-security"})
    text = page_text(safety)
    assert "Violent crime rate" in text
    assert "Household Internet access" not in text
    # a framework no indicator has is not offered: dropped with a note, the rest shown
    stale = client.get("/indicators/", {"framework": "iso37120"})
    assert stale.status_code == 200
    assert "the choice made is not offered" in page_text(stale)


def test_the_entry_form_offers_the_indicators_grouped_by_framework(roles, catalogue):
    html = roles.session(CSO_PHUKET).get("/cities/phuket/indicators/new/").content.decode()
    groups = re.findall(r'<optgroup label="([^"]+)">', html)
    assert groups == [str(Framework.SDG11.label), str(Framework.U4SSC.label)]
    assert html.count("<option") >= len(ENTRIES)
