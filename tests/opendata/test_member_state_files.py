"""The open-data files of one member state (``/data/<dataset>.<fmt>?member_state=TH``): only
that state's rows in the CSV, XLSX and JSON, ``country=`` as in the API, a clear 400 for an
unknown code or a dataset without a member state, a cache that keeps each state's file apart,
and the catalogue page's form that offers them."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.cache import cache

from ascn.cooperation.services import partnership_create
from ascn.network.models import City
from ascn.opendata import catalogue
from ascn.plans.models import Project
from ascn.plans.services import project_update
from tests import factories


@pytest.fixture
def records(secretariat):
    """Public projects in Thailand (Phuket) and Viet Nam (Hanoi), a Thai draft; partner
    organisations working in Thailand, in Viet Nam and nowhere published; a partnership
    between a Thai and a Vietnamese city, and one between two Thai cities."""
    shared = {"visibility": "public", "currency": "THB"}
    factories.project(secretariat, city="phuket", title="Phuket flood sensors", **shared)
    factories.project(secretariat, city="hanoi", title="Hanoi traffic lights", **shared)
    factories.project(secretariat, city="phuket", title="Phuket secret draft")
    factories.organisation(secretariat, slug="works-th", countries=["TH"])
    factories.organisation(secretariat, slug="works-vn", countries=["VN", "LA"])
    factories.organisation(secretariat, slug="works-nowhere")
    city = City.objects.get
    for mine, theirs in (("phuket", "hanoi"), ("bangkok", "chiang-mai")):
        partnership_create(
            actor=secretariat,
            city=city(slug=mine),
            partner_city=city(slug=theirs),
            partner_name=theirs,
            purpose="Sharing flood data.",
            visibility="public",
        )


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def states_of_cities(slugs) -> set[str]:
    return set(
        City.objects.filter(slug__in=set(slugs)).values_list("member_state__code", flat=True)
    )


def test_a_csv_for_one_member_state_holds_only_its_rows(client, records):
    # the whole file has both states' projects
    whole = csv_rows(client.get("/data/projects.csv"))
    assert {row["title"] for row in whole} == {"Phuket flood sensors", "Hanoi traffic lights"}
    # Thailand's has only the Thai one (never the draft), and says so in its name
    response = client.get("/data/projects.csv", {"member_state": "TH"})
    assert [row["title"] for row in csv_rows(response)] == ["Phuket flood sensors"]
    assert response["Content-Disposition"] == 'attachment; filename="ascn-projects-TH.csv"'
    vietnam = csv_rows(client.get("/data/projects.csv", {"member_state": "VN"}))
    assert [row["title"] for row in vietnam] == ["Hanoi traffic lights"]
    # a state without public projects: the header alone
    assert csv_rows(client.get("/data/projects.csv", {"member_state": "SG"})) == []


def test_every_dataset_with_a_member_state_keeps_only_that_states_rows(client, records):
    thai_cities = set(City.objects.filter(member_state__code="TH").values_list("slug", flat=True))
    cities = csv_rows(client.get("/data/cities.csv", {"member_state": "TH"}))
    assert {row["slug"] for row in cities} == thai_cities
    assert {row["member_state"] for row in csv_rows(client.get("/data/cities.csv"))} > {"TH"}
    states = csv_rows(client.get("/data/member-states.csv", {"member_state": "TH"}))
    assert [row["code"] for row in states] == ["TH"]
    officers = csv_rows(client.get("/data/officers.csv", {"member_state": "TH"}))
    assert officers and {row["member_state"] for row in officers} == {"TH"}
    meetings = csv_rows(client.get("/data/meetings.csv", {"member_state": "TH"}))
    assert {row["host_member_state"] for row in meetings} <= {"TH"}
    disclosure = csv_rows(client.get("/data/project-disclosure.csv", {"member_state": "VN"}))
    assert disclosure and {row["country"] for row in disclosure} == {"VN"}
    # an organisation is in the file of each state it works in, as /organisations/?country=
    organisations = csv_rows(client.get("/data/organisations.csv", {"member_state": "LA"}))
    assert [row["slug"] for row in organisations] == ["works-vn"]
    everyone = csv_rows(client.get("/data/organisations.csv"))
    assert {row["slug"] for row in everyone} >= {"works-th", "works-vn", "works-nowhere"}
    # a partnership is in the files of both its cities' states
    thai = csv_rows(client.get("/data/partnerships.csv", {"member_state": "TH"}))
    assert len(thai) == 2
    vietnamese = csv_rows(client.get("/data/partnerships.csv", {"member_state": "VN"}))
    assert [(row["city"], row["partner_city"]) for row in vietnamese] == [("phuket", "hanoi")]


def test_every_dataset_with_a_member_state_answers_for_every_state(client, records):
    """Each file of each state holds only rows that name that state (its own column or its
    cities'), and the states' files together hold every row of the whole file."""
    for dataset in catalogue.datasets():
        if not dataset.has_member_state or dataset.key in ("organisations", "partnerships"):
            continue
        whole = csv_rows(client.get(f"/data/{dataset.key}.csv"))
        together = 0
        for code in ("BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "TL", "VN"):
            rows = csv_rows(client.get(f"/data/{dataset.key}.csv", {"member_state": code}))
            together += len(rows)
            for row in rows:
                named = {
                    row.get(c) for c in ("code", "member_state", "country", "host_member_state")
                }
                if row.get("city"):
                    named |= states_of_cities([row["city"]])
                assert code in named, (dataset.key, code, row)
        # a case study may have no city, a meeting no host: in no state's file
        assert together <= len(whole), dataset.key
        if dataset.key not in ("case-studies", "meetings"):
            assert together == len(whole), dataset.key


def test_the_json_and_the_xlsx_of_one_state_hold_the_same_rows(client, records):
    items = client.get("/data/projects.json", {"member_state": "TH"}).json()["items"]
    assert [item["title"] for item in items] == ["Phuket flood sensors"]
    assert len(client.get("/data/projects.json").json()["items"]) == 2
    response = client.get("/data/projects.xlsx", {"member_state": "VN"})
    assert response["Content-Disposition"] == 'attachment; filename="ascn-projects-VN.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    title = rows[0].index("title")
    assert [row[title] for row in rows[1:]] == ["Hanoi traffic lights"]


def test_country_is_the_same_filter_and_a_code_may_be_lower_case(client, records):
    expected = client.get("/data/projects.csv", {"member_state": "TH"}).content
    for query in ({"country": "TH"}, {"country": "th"}, {"member_state": "th"}):
        response = client.get("/data/projects.csv", query)
        assert response.content == expected, query
        assert response["Content-Disposition"].endswith('ascn-projects-TH.csv"'), query
    # both given: the same state is that state; two states are a 400 naming both (not one
    # of them taken silently), as on the dashboards
    same = client.get("/data/projects.csv", {"member_state": "th", "country": "TH"})
    assert same.content == expected
    both = client.get("/data/projects.csv", {"member_state": "VN", "country": "TH"})
    assert both.status_code == 400 and "Content-Disposition" not in both
    assert "member_state and country name two different member states (TH, VN)" in (
        both.content.decode()
    )
    # empty: the whole file (the page's form sends an empty choice as member_state=)
    assert len(csv_rows(client.get("/data/projects.csv", {"member_state": ""}))) == 2


@pytest.mark.parametrize("query", [{"member_state": "ZZ"}, {"country": "xx"}, {"country": "THA"}])
def test_an_unknown_member_state_is_a_400_naming_it(client, records, query):
    response = client.get("/data/projects.csv", query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    code = next(iter(query.values())).upper()
    assert f"No member state “{code}”" in body
    assert "TH" in body and "VN" in body  # the codes there are
    assert "Content-Disposition" not in response


@pytest.mark.parametrize("key", ["framework", "agreements", "programmes"])
def test_a_dataset_without_a_member_state_refuses_the_filter(client, records, key):
    response = client.get(f"/data/{key}.csv", {"member_state": "TH"})
    assert response.status_code == 400
    assert "has no member state" in response.content.decode()
    assert str(catalogue.dataset(key).title) in response.content.decode()
    assert client.get(f"/data/{key}.json", {"country": "TH"}).status_code == 400
    # whole, as ever
    assert client.get(f"/data/{key}.csv").status_code == 200


def test_the_cache_keeps_each_states_file_apart(client, records, settings, secretariat):
    settings.ASCN_OPEN_DATA_CACHE_SECONDS = 600
    cache.clear()
    try:
        whole = client.get("/data/projects.csv").content
        thai = client.get("/data/projects.csv", {"member_state": "TH"}).content
        vietnamese = client.get("/data/projects.csv", {"country": "VN"}).content
        # asked again, each comes from the cache: still its own
        assert client.get("/data/projects.csv").content == whole
        again = client.get("/data/projects.csv", {"member_state": "TH"})
        assert [row["title"] for row in csv_rows(again)] == ["Phuket flood sensors"]
        assert client.get("/data/projects.csv", {"country": "vn"}).content == vietnamese
        assert len({whole, thai, vietnamese}) == 3
        # an edit in Viet Nam is in Viet Nam's file at once
        project = Project.objects.get(title="Hanoi traffic lights")
        project_update(
            actor=secretariat, project=project, version=project.version, title="Hanoi buses"
        )
        updated = csv_rows(client.get("/data/projects.csv", {"member_state": "VN"}))
        assert [row["title"] for row in updated] == ["Hanoi buses"]
    finally:
        cache.clear()


def test_the_catalogue_page_offers_one_states_files_without_javascript(client, records, text):
    # the form: a menu of the member states by name, sent by GET to the page itself
    page = client.get("/data/")
    html = page.content.decode()
    assert "Download for one member state" in text(page)
    assert '<form method="get" action="/data/#by-state"' in html
    assert '<option value="TH">Thailand</option>' in html
    assert "?member_state=" not in html.split('id="datasets-title"', 1)[1]
    # chosen: each dataset with a member state links its files of that state
    chosen = client.get("/data/", {"member_state": "TH"})
    html = chosen.content.decode()
    assert "Each dataset below now also offers the rows of Thailand only." in text(chosen)
    for dataset in catalogue.datasets():
        entry = html.split(f'<li id="{dataset.key}">', 1)[1].split('<li id="', 1)[0]
        for fmt in catalogue.FILE_FORMATS:
            link = f'href="/data/{dataset.key}.{fmt}?member_state=TH"'
            assert (link in entry) == dataset.has_member_state, (dataset.key, fmt)
        if not dataset.has_member_state:
            assert "This dataset has no member state" in entry
    # every link it gives answers with that state's rows
    assert [row["title"] for row in csv_rows(client.get("/data/projects.csv?member_state=TH"))] == [
        "Phuket flood sensors"
    ]
    # the API's name and a lower-case code choose the same
    assert "rows of Thailand only" in text(client.get("/data/", {"country": "th"}))


def test_the_catalogue_page_names_the_states_in_the_readers_language(client, records):
    html = client.get("/th/data/", {"member_state": "VN"}).content.decode()
    assert '<option value="TH">ไทย</option>' in html
    assert 'href="/data/projects.csv?member_state=VN"' in html


def test_the_catalogue_page_drops_an_unknown_state_with_a_note(client, records, text):
    response = client.get("/data/", {"member_state": "ZZ"})
    assert response.status_code == 200
    assert "the choice made is not offered" in text(response)
    assert "?member_state=" not in response.content.decode().split('id="datasets-title"', 1)[1]
