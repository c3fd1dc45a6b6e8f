"""The public dashboards (SPEC C9): figures against sums done by hand, only public records,
filters (page, htmx partial, no-JS form), a CSV per chart, sample data flagged, and a
bounded number of queries.

The projects (rates: 1 THB = 0.03 USD):

====  =======  ==========  ====================  ==============  ========================  ======
name  city     visibility  focus areas           status          budget / secured          sample
====  =======  ==========  ====================  ==============  ========================  ======
P1    Phuket   public      quality-environment   implementation  1,000,000 / 400,000 THB   no
P2    Hanoi    public      civic-social          preparation     50,000 / 0 USD            no
P3    Hanoi    draft       civic-social          identification  10,000 / 0 USD            no
====  =======  ==========  ====================  ==============  ========================  ======

In USD: Thailand 30,000 budget, 12,000 secured, 18,000 sought; Viet Nam 50,000 / 0 / 50,000.
"""

from __future__ import annotations

import csv
import datetime as dt
import html as html_lib
import io
import json
import re
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
import yaml
from altair.vegalite.v6.schema import core as vega_lite_schema
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from ascn.core import formats
from ascn.core.svg import VEGA_LITE_SCHEMA
from ascn.core.text import line_pieces
from ascn.dashboards import charts, queries, specs, views
from ascn.dashboards.management.commands import build_vega_bundle
from ascn.network import maps
from ascn.network.models import City
from ascn.plans.services import exchange_rate_set, project_upsert_seed
from tests import factories

URL = "/dashboards/"

# Each test starts and ends with an empty cache: one that fails a drawing (Altair made
# unimportable) leaves its pending mark, and a later test would find the map "being drawn".
pytestmark = pytest.mark.usefixtures("empty_cache")
MAX_QUERIES = 30


def chart_section(html: str, key: str) -> str:
    """The HTML of one chart's card: its title, figure, data table and download link."""
    return html.split(f'id="chart-{key}-title"', 1)[1].split("</section>", 1)[0]


def chart_table(html: str, key: str) -> list[list[str]]:
    """The data table of one chart, as lists of cell texts."""
    body = chart_section(html, key).split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr)
        ]
        for tr in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    ]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_anonymous_sees_public_figures_only(client, data, get_bounded, text):
    response = get_bounded(URL, max_queries=MAX_QUERIES)
    html = response.content.decode()
    page = text(response)
    assert "Public projects 2" in page
    assert "Partner organisations 1" in page
    # The deal on the draft project and the one with the draft organisation are not counted.
    assert "Engagements (deals) 1" in page
    status = dict((row[0], row[1]) for row in chart_table(html, "pipeline"))
    assert status["Implementation"] == "1"
    assert status["Preparation"] == "1"
    assert status["Identification"] == "0"
    deals = dict((row[0], row[1]) for row in chart_table(html, "deals"))
    assert deals == {**{k: "0" for k in deals}, "Discussion": "1"}
    assert "Hidden Co" not in html
    # "P3" as a name, not inside a random token (the CSP nonce is base64)
    assert not re.search(r"(?<![\w+/=-])P3(?![\w+/=-])", html)


def test_funding_by_member_state_in_usd_with_the_rate_date(client, data):
    html = client.get(URL).content.decode()
    rows = {row[0]: row[1:] for row in chart_table(html, "funding")}
    assert rows["Thailand"] == ["1", "30,000", "12,000", "18,000"]
    assert rows["Viet Nam"] == ["1", "50,000", "0", "50,000"]
    assert formats.day(dt.date.today() - dt.timedelta(days=10)) in html  # "25 Nov 2026"


def test_the_notes_write_their_figures_as_the_pages_language_does(client, data):
    """The funding sentence said "80,000 US dollars" on an Indonesian page, which writes
    80.000 everywhere else."""
    page = client.get(f"/id{URL}").content.decode()
    assert "80.000" in page and "80,000" not in page


def test_focus_areas_partners_and_programmes(client, data):
    html = client.get(URL).content.decode()
    areas = {row[0]: row[1] for row in chart_table(html, "focus-areas")}
    assert areas["Quality Environment"] == "1" and areas["Civic & Social"] == "1"
    kinds = {row[0]: row[1] for row in chart_table(html, "partners")}
    assert kinds["Investor"] == "1" and kinds["Solution provider"] == "0"
    programme = chart_table(html, "programmes")[0]
    assert programme[:6] == ["City Fund", "A Bank", "USD", "1,000,000", "50,000", "950,000"]


def test_past_the_programmes_shown_the_chart_draws_the_largest_the_csv_every_one(
    client, data, monkeypatch
):
    """A bar a programme does not scale (300 programmes: a chart 9,000 pixels tall): past
    ``PROGRAMMES_SHOWN`` the chart and the page's table show the largest by their total in
    US dollars (those without a rate cannot be ranked), and the caption says so; the CSV
    has every programme, in name order."""
    bank = data["p1"].engagements.get().organisation
    secretariat = data["secretariat"]
    # 5,000,000 THB is 150,000 USD: smaller than City Fund's 1,000,000 USD, though more baht
    factories.programme(
        secretariat, slug="baht", name="Baht Fund", sponsor=bank, total="5000000", currency="THB"
    )
    factories.programme(secretariat, slug="big", name="Zenith Fund", sponsor=bank, total="2000000")
    # no rate for the yen on record: the largest in its currency, in no ranking in dollars
    factories.programme(
        secretariat, slug="yen", name="Yen Fund", sponsor=bank, total="900000000", currency="JPY"
    )

    def page() -> tuple[str, list[str], str]:
        cache.clear()
        html = client.get(URL).content.decode()
        section = chart_section(html, "programmes")
        caption = section.split("<figcaption>", 1)[1].split("</figcaption>", 1)[0]
        return html, [row[0] for row in chart_table(html, "programmes")], caption

    monkeypatch.setattr(charts, "PROGRAMMES_SHOWN", 2)
    html, shown, caption = page()
    assert shown == ["Zenith Fund", "City Fund"]
    assert "4 public funding programmes" in caption
    assert "The 2 largest programmes by their total in US dollars, of 4" in caption
    spec = json.loads(
        re.search(r'<script id="chart-programmes-spec"[^>]*>(.*?)</script>', html, re.S)[1]
    )
    assert spec["encoding"]["y"]["sort"] == ["Zenith Fund", "City Fund"]
    assert {v["y"] for v in spec["data"]["values"]} == {"Zenith Fund", "City Fund"}
    rows = csv_rows(client.get("/dashboards/programmes.csv"))
    assert [row[0] for row in rows[1:]] == ["Baht Fund", "City Fund", "Yen Fund", "Zenith Fund"]

    # three shown of four: the three with a rate, the largest first
    monkeypatch.setattr(charts, "PROGRAMMES_SHOWN", 3)
    _html, shown, caption = page()
    assert shown == ["Zenith Fund", "City Fund", "Baht Fund"]
    assert "The 3 largest programmes by their total in US dollars, of 4" in caption

    # at or under the bound, every programme, in name order, and no note
    monkeypatch.setattr(charts, "PROGRAMMES_SHOWN", 4)
    html, shown, _caption = page()
    assert shown == ["Baht Fund", "City Fund", "Yen Fund", "Zenith Fund"]
    assert "largest programmes" not in html


def test_every_chart_embeds_a_valid_vega_lite_spec_and_the_bundle(client, data, monkeypatch):
    # The web worker builds these specs without Altair (its ~36 MB stay in the task worker):
    # with Altair unimportable the page still draws every chart.
    monkeypatch.setitem(sys.modules, "altair", None)
    cache.clear()
    html = client.get(URL).content.decode()
    monkeypatch.undo()
    specs = dict(
        re.findall(
            r'<script id="chart-([\w-]+)-spec" type="application/json">(.*?)</script>', html, re.S
        )
    )
    assert {"pipeline", "funding", "focus-areas", "deals", "partners", "programmes"} <= set(specs)
    # Valid under the Vega-Lite schema of the version the browser bundle is built for.
    validator = jsonschema.Draft7Validator(vega_lite_schema.load_schema())
    for key, text in specs.items():
        spec = json.loads(text)
        assert spec["$schema"] == VEGA_LITE_SCHEMA
        errors = [e.message for e in validator.iter_errors(spec)]
        assert errors == [], (key, errors)
    assert VEGA_LITE_SCHEMA.endswith(f"/vega-lite/{build_vega_bundle.vl_version()[:2]}.json")
    funding = json.loads(specs["funding"])
    assert funding["encoding"]["y"]["sort"] == ["Viet Nam", "Thailand"]  # by budget
    assert {v["usd"] for v in funding["data"]["values"] if v["y"] == "Thailand"} == {
        12000,
        18000,
    }
    pipeline = json.loads(specs["pipeline"])
    assert {"label": "Implementation", "name": "Implementation", "value": 1} in pipeline["data"][
        "values"
    ]
    assert "vendor/vega-bundle.js" in html and "dashboards/charts.js" in html
    # No inline script: the Content Security Policy allows none.
    assert not re.search(r"<script(?![^>]*(src=|application/json))[^>]*>", html)


def test_filters_by_member_state_focus_area_and_year(client, data):
    html = client.get(URL, {"member_state": "TH"}).content.decode()
    rows = {row[0] for row in chart_table(html, "funding")}
    assert rows == {"Thailand"}
    assert dict((r[0], r[1]) for r in chart_table(html, "pipeline"))["Preparation"] == "0"

    by_country = client.get(URL, {"country": "th"}).content.decode()  # as in the API
    assert chart_table(by_country, "funding") == chart_table(html, "funding")
    # on a Thai page, the state is named in Thai in its tables (it was "Thailand")
    thai = Client().get("/th" + URL, {"member_state": "TH"}).content.decode()
    assert {row[0] for row in chart_table(thai, "funding")} == {"ไทย"}
    assert {row[0] for row in chart_table(thai, "cities")} == {"ไทย"}
    lower = client.get(URL, {"member_state": "th"}).content.decode()
    assert chart_table(lower, "funding") == chart_table(html, "funding")
    # two different states: said, for the page and for a chart's CSV, not one taken silently
    both = {"member_state": "VN", "country": "TH"}
    page = client.get(URL, both)
    assert page.status_code == 422
    assert "two different member states (TH, VN)" in page.content.decode()
    csv_file = client.get(URL + "funding.csv", both)
    assert csv_file.status_code == 400
    assert "two different member states (TH, VN)" in csv_file.content.decode()

    html = client.get(URL, {"focus_area": "civic-social"}).content.decode()
    assert dict((r[0], r[1]) for r in chart_table(html, "pipeline"))["Implementation"] == "0"

    html = client.get(URL, {"year": "2020"}).content.decode()
    assert all(row[1] == "0" for row in chart_table(html, "pipeline"))


def test_htmx_gets_the_results_only_and_bad_filters_say_so(client, data):
    partial = client.get(URL, {"member_state": "VN"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="dashboard-results"')
    assert "<html" not in body
    stale = client.get(URL, {"member_state": "XX"})
    assert stale.status_code == 200
    assert "Member state: the choice made is not offered" in stale.content.decode()


def test_a_filtered_dashboard_says_partners_and_programmes_are_the_whole_networks(client, data):
    # given a representative who filters the dashboards to Thailand
    filtered = html_lib.unescape(client.get(URL, {"member_state": "TH"}).content.decode())
    whole = html_lib.unescape(client.get(URL).content.decode())
    # then the figures that no filter narrows say so, and only then
    assert 'Partner organisations <span class="muted small">(whole network)</span>' in filtered
    assert filtered.count("The whole network’s: the filters do not apply here.") == 2
    assert "(whole network)" not in whole and "The whole network’s" not in whole


def test_csv_download_per_chart_with_the_same_filters(client, data):
    response = client.get("/dashboards/funding.csv", {"member_state": "TH"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "ascn-funding-th-" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][0] == "Member state"
    assert rows[1] == ["Thailand", "1", "30000.00", "12000.00", "18000.00"]
    cities = csv_rows(client.get("/dashboards/cities.csv"))
    phuket = next(row for row in cities if row[1] == "Phuket")
    assert phuket == ["Thailand", "Phuket", "2018", "1"]
    html = client.get(URL, {"member_state": "TH"}).content.decode()
    assert 'href="/dashboards/funding.csv?member_state=TH"' in html
    assert client.get("/dashboards/nothing.csv").status_code == 404


@pytest.mark.parametrize("year", [None, 2025])
@pytest.mark.parametrize("shown", [1, 2])
def test_past_the_rows_shown_the_page_keeps_the_busiest_cities_the_csv_every_one(
    client, data, monkeypatch, shown, year
):
    """With more cities than a table shows, the figures keep only what the page shows — the
    busiest cities (Phuket and Hanoi have one public project each: the ties are decided as
    over every city), the member states' disclosure rows — and the CSVs read every city;
    with a year too (summed from the projects)."""
    monkeypatch.setattr(charts, "TABLE_ROWS_SHOWN", shown)
    monkeypatch.setattr(maps, "MAP_CITIES", shown)
    filters = queries.Filters(year=year)
    params = {"year": year} if year else {}
    every = queries.map_cities(
        queries.cities_by_name(filters), queries.city_project_counts(filters)
    )
    whole_cities = charts.cities_table(every)
    whole_disclosure = charts.disclosure_table(
        queries.disclosure_by_city(filters), filtered=filters.any
    )

    kept = views.dashboard(filters)

    assert len(kept["cities_table"].rows) < len(every)
    assert kept["cities_table"].shown == whole_cities.shown
    assert kept["cities_table"].shown_note == whole_cities.shown_note
    assert [row[1] for row in kept["cities_table"].shown] == ["Phuket", "Hanoi"][:shown]
    assert kept["disclosure_table"].shown == whole_disclosure.shown
    assert kept["disclosure_table"].shown_note == whole_disclosure.shown_note
    assert kept["disclosure_table"].note == whole_disclosure.note
    assert kept["map_shown"] == maps.clean_cities(every)
    assert [city["name"] for city in kept["map_shown"]] == ["Hanoi", "Phuket"][:shown]
    assert kept["map_digest"] == maps.svg_digest(every)
    assert kept["map_total"] == len(every)

    html = client.get(URL, params).content.decode()
    assert [row[1] for row in chart_table(html, "cities")] == ["Phuket", "Hanoi"][:shown]
    assert [row[1] for row in chart_table(html, "disclosure")] == ["All cities", "All cities"]
    cities = csv_rows(client.get("/dashboards/cities.csv", params))
    assert len(cities) == 1 + len(every)
    disclosure = csv_rows(client.get("/dashboards/disclosure.csv", params))
    assert [row[1] for row in disclosure[1:]] == ["All cities", "Phuket", "All cities", "Hanoi"]


def test_map_sizes_cities_by_public_projects_and_links_them(client, data):
    html = client.get(URL).content.decode()
    assert "<title>Phuket, Thailand (joined 2018), 1 project</title>" in html
    assert "<title>Hanoi, Viet Nam (joined 2018), 1 project</title>" in html  # P3 is draft
    assert 'href="/cities/phuket/"' in html
    assert "Public projects" in html  # the size legend


def test_sample_data_is_flagged(client, data, text):
    assert "includes sample data" not in text(client.get(URL))
    # when a sample project is published, as the sample loaders make them
    factories.project(
        data["secretariat"], city="hanoi", title="P4", visibility="public", sample=True
    )
    assert "includes sample data" in text(client.get(URL))


def test_empty_network_renders(client, network, text):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Public projects 0" in text(response)


def test_query_count_does_not_grow_with_projects(
    client, data, secretariat, django_assert_max_num_queries
):
    # given fifteen more public projects
    for n in range(15):
        factories.project(
            secretariat,
            city="hanoi",
            title=f"Extra {n}",
            focus_areas=["civic-social", "health-wellbeing"],
            visibility="public",
        )
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get("/dashboards/funding.csv").status_code == 200


def test_figures_are_cached_for_a_minute_when_configured(
    client, data, settings, django_assert_max_num_queries, text
):
    settings.ASCN_DASHBOARD_CACHE_SECONDS = 60
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    cache.clear()
    first = client.get(URL, {"member_state": "TH"})
    assert "Figures computed at" in text(first)
    with django_assert_max_num_queries(8):  # the filter form and the map, not the figures
        second = client.get(URL, {"member_state": "TH"})
    assert chart_table(second.content.decode(), "funding") == chart_table(
        first.content.decode(), "funding"
    )
    # The data tables and the map come back with the stored figures (rows rendered once,
    # the map found under the digest kept with them).
    assert chart_table(second.content.decode(), "cities") == chart_table(
        first.content.decode(), "cities"
    )
    assert len(chart_table(first.content.decode(), "cities")) >= 1
    assert second.content.decode().count("<svg") == first.content.decode().count("<svg") >= 1
    cache.clear()


def test_threads_that_miss_at_once_compute_the_figures_once(settings, monkeypatch, db):
    """A cold cache met by a worker's threads at once: one computes, the others wait and
    read what it stored (four computations at once cost a worker ~4x the memory)."""
    # given: the figures cached, and a computation that takes a while and counts its calls
    settings.ASCN_DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    computed = []

    def slow_dashboard(filters):
        computed.append(filters)
        time.sleep(0.3)
        return {"overview": "figures"}

    monkeypatch.setattr(views, "dashboard", slow_dashboard)
    results = []

    # when: four threads ask at once, for the same figures
    threads = [
        threading.Thread(target=lambda: results.append(views.dashboard_cached(queries.Filters())))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert len(computed) == 1
    assert [r["overview"] for r in results] == ["figures"] * 4
    cache.clear()


def test_real_projects_without_a_published_budget_are_counted_not_summed(client, data):
    # given Phuket's real project, whose sources publish no budget, beside P1
    from_seed = {  # the shape of plans/seed/projects.yaml
        "title": "Smart City & Safe City",
        "description": "Phuket's urban-monitoring scheme.",
        "focus_areas": ["safety-security"],
        "status": "implementation",
        "sources": [
            {
                "title": "Phuket launches initiative to become smarter and safer",
                "publisher": "The Phuket News",
                "date": "2019-10-06",
                "url": "https://www.thephuketnews.com/phuket-launches-initiative-to-become-smarter-and-safer-73148.php",
            }
        ],
    }
    project_upsert_seed(city=City.objects.get(slug="phuket"), values=from_seed)
    cache.clear()

    # when
    html = client.get(URL).content.decode()

    # then Thailand counts two public projects, and the sums are P1's alone
    rows = {row[0]: row[1:] for row in chart_table(html, "funding")}
    assert rows["Thailand"] == ["2", "30,000", "12,000", "18,000"]
    assert "for want of a rate" not in html


@pytest.mark.parametrize(
    ("names", "labels"),
    [
        # alike for their first 140 px: each on two lines of 20 letters, told apart
        (
            ["ASEAN-Australia Smart Cities Trust Fund", "ASEAN-Australia Smart Cities Initiative"],
            [
                "ASEAN-Australia\nSmart Cities Trust …",
                "ASEAN-Australia\nSmart Cities …",
            ],
        ),
        # alike even on two lines: whole, never merged into one bar
        (
            [
                "Smart Cities Business Innovation Fund of ASEAN, window A",
                "Smart Cities Business Innovation Fund of ASEAN, window B",
            ],
            [
                "Smart Cities Business Innovation Fund of ASEAN, window A",
                "Smart Cities Business Innovation Fund of ASEAN, window B",
            ],
        ),
    ],
)
@pytest.mark.db_independent
def test_programmes_whose_names_start_alike_are_labelled_apart(names, labels):
    rows = [
        queries.ProgrammeRow(
            f"p{n}", name, "ADB", "USD", Decimal(100), Decimal(n), Decimal(100), Decimal(n)
        )
        for n, name in enumerate(names, start=1)
    ]
    spec = charts.programmes_chart(rows).spec
    drawn = {value["y"] for value in spec["data"]["values"]}
    assert drawn == set(labels)
    assert spec["encoding"]["y"]["axis"]["labelExpr"] == "split(datum.label, '\\n')"
    # the tooltip names each programme whole
    assert {value["name"] for value in spec["data"]["values"]} == set(names)


FOCUS_AREA_NAMES = [
    area["name"]
    for area in yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "src/ascn/network/seed/framework.yaml").read_text()
    )["focus_areas"]
]


@pytest.mark.parametrize("language", ["th", "km", "lo", "my", "vi", "en"])
@pytest.mark.db_independent
def test_a_bar_name_breaks_between_words_in_every_script(language):
    """Cut every 20 letters, the Thai focus area "สิ่งแวดล้อมที่มีคุณภาพ" broke inside a word
    ("…คุณภ|าพ") and the Khmer one left a vowel sign alone at a line's start."""
    with translation.override(language):
        names = [gettext(name) for name in FOCUS_AREA_NAMES]
    for name in names:
        lines = specs.two_lines(name).split("\n")
        pieces = line_pieces(name)
        breaks = {"".join(pieces[:k]).strip() for k in range(1, len(pieces) + 1)}
        assert lines[0] in breaks, (name, lines)
        if len(lines) == 2 and not lines[1].endswith("…"):
            assert f"{lines[0]}{lines[1]}".replace(" ", "") == name.replace(" ", "")


def test_a_member_states_funding_adds_up_to_the_cent_on_the_dashboards_and_the_report(client, data):
    # given Thai projects at a rate where converting budget, secured and sought apart would
    # round them a cent apart (2,000,001 THB of which 900,000.50 secured, at US$0.0285)
    exchange_rate_set(
        actor=None, currency="THB", date=dt.date.today(), usd_per_unit="0.0285", source="test"
    )
    factories.project(
        data["secretariat"],
        city="phuket",
        title="P4",
        budget="1000001",
        currency="THB",
        secured="500000.5",
        visibility="public",
    )

    # then Thailand's row adds up: budget = secured + sought, on the dashboards' CSV
    rows = csv_rows(client.get("/dashboards/funding.csv", {"member_state": "TH"}))
    budget, secured, sought = (Decimal(cell) for cell in rows[1][2:5])
    assert budget == Decimal("57000.03") and secured + sought == budget

    # and in the M&E report's table of member states
    report = client.get("/reports/me.csv", {"member_state": "TH"}).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(report)))
    header = next(line for line in lines if sum("(USD)" in cell for cell in line) >= 3)
    usd = [i for i, cell in enumerate(header) if "(USD)" in cell][:3]
    thailand = next(line for line in lines[lines.index(header) :] if line[0] == "Thailand")
    budget, secured, sought = (Decimal(thailand[i]) for i in usd)
    assert secured + sought == budget
