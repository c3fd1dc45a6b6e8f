"""The yearly M&E report (SPEC C4; issue 4 item 10): its numbers against sums done by hand,
what each reader sees, and the CSV and XLSX downloads holding the same numbers.

The projects (rates: 1 THB = 0.03 USD, 1 VND = 0.00004 USD, no rate for MMK):

====  =======  ==========  ==================================  ==============  ======================  ===========
name  city     visibility  focus areas                         status          budget / secured        period
====  =======  ==========  ==================================  ==============  ======================  ===========
P1    Phuket   public      quality-environment, built-infra.   implementation  1,000,000 / 400,000 THB 2025–2027
P2    Phuket   public      civic-social                        preparation     50,000 / 0 USD          2024–
P3    Hanoi    public      quality-environment                 implementation  100 M / 25 M VND        2026
P4    Hanoi    draft       health-wellbeing                    identification  10,000 / 0 USD          2026–
P5    Phuket   public      safety-security                     completion      1,000 / 0 MMK           2020–2022
====  =======  ==========  ==================================  ==============  ======================  ===========

In USD: P1 30,000 / 12,000 (sought 18,000); P2 50,000 / 0 (50,000); P3 4,000 / 1,000
(3,000); P4 10,000 / 0 (10,000); P5 not converted.
"""

from __future__ import annotations

import csv
import datetime as dt
import html as html_lib
import io
import re
import time
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from ascn.accounts.services import membership_grant
from ascn.core import drawings, formats, prepared
from ascn.network.models import City, MemberState
from ascn.opendata import report_tables, reports
from ascn.plans import money
from ascn.plans.models import ProgressUpdate, Project
from ascn.plans.services import exchange_rate_set, progress_add
from tests import factories
from tests.roles import assert_matrix, everyone

pytest_plugins = ["tests.roles"]

URL = "/reports/me/"


@pytest.fixture
def data(secretariat):
    today = dt.date.today()
    exchange_rate_set(
        actor=None,
        currency="THB",
        date=today - dt.timedelta(days=400),
        usd_per_unit="0.02",
        source="older rate, not used",
    )
    exchange_rate_set(
        actor=None,
        currency="THB",
        date=today - dt.timedelta(days=10),
        usd_per_unit="0.03",
        source="test",
    )
    exchange_rate_set(
        actor=None,
        currency="VND",
        date=today - dt.timedelta(days=10),
        usd_per_unit="0.00004",
        source="test",
    )

    def make(city, title, areas, status, budget, currency, secured="0", **values):
        """A row of the table above, ``visibility`` public unless said, no period unless given."""
        values = {"visibility": "public", "start": None, "end": None, **values}
        return factories.project(
            secretariat,
            city=city,
            title=title,
            description=title,
            focus_areas=areas,
            status=status,
            budget=budget,
            currency=currency,
            secured=secured,
            **values,
        )

    p1 = make(
        "phuket",
        "P1",
        ["quality-environment", "built-infrastructure"],
        "implementation",
        "1000000",
        "THB",
        "400000",
        financing_sought=["grant", "loan"],
        start=dt.date(2025, 1, 1),
        end=dt.date(2027, 12, 31),
    )
    p2 = make(
        "phuket",
        "P2",
        ["civic-social"],
        "preparation",
        "50000",
        "USD",
        start=dt.date(2024, 1, 1),
    )
    p3 = make(
        "hanoi",
        "P3",
        ["quality-environment"],
        "implementation",
        "100000000",
        "VND",
        "25000000",
        financing_sought=["loan"],
        start=dt.date(2026, 6, 1),
        end=dt.date(2026, 12, 31),
    )
    p4 = make(
        "hanoi",
        "P4",
        ["health-wellbeing"],
        "identification",
        "10000",
        "USD",
        visibility="draft",
        start=dt.date(2026, 1, 1),
    )
    p5 = make(
        "phuket",
        "P5",
        ["safety-security"],
        "completion",
        "1000",
        "MMK",
        start=dt.date(2020, 1, 1),
        end=dt.date(2022, 12, 31),
    )
    for project, date, physical, financial in [
        (p1, dt.date(2025, 3, 15), 10, 5),
        (p1, dt.date(2025, 9, 30), 30, 20),
        (p1, dt.date(2026, 2, 1), 50, 40),
        (p3, dt.date(2026, 7, 1), 20, 10),
        (p4, dt.date(2026, 7, 1), 90, 90),
    ]:
        progress_add(
            actor=secretariat,
            project=project,
            date=date,
            physical_pct=physical,
            financial_pct=financial,
        )
    return {"P1": p1, "P2": p2, "P3": p3, "P4": p4, "P5": p5}


def table(response, key: str) -> list[list[str]]:
    """The rows (header, body and total) of one report table on the page, as cell texts."""
    html = response.content.decode()
    start = html.index(f'id="t-{key}"')
    section = html[start : html.index("</table>", start)]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", section, re.S)
    return [
        [
            html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


def row_of(rows: list[list[str]], name: str) -> list[str]:
    matching = [row for row in rows if row and row[0] == name]
    assert len(matching) == 1, f"{len(matching)} rows named {name!r}"
    return matching[0]


# --- the numbers ----------------------------------------------------------------------------


def test_focus_area_by_status_counts_each_public_project(client, data):
    # when
    rows = table(client.get(URL), "focus-status")

    # then
    header = rows[0]
    col = {
        name: header.index(name)
        for name in ("Implementation", "Preparation", "Completion", "Identification", "Total")
    }
    assert row_of(rows, "Quality Environment")[col["Implementation"]] == "2"
    assert row_of(rows, "Quality Environment")[col["Total"]] == "2"
    assert row_of(rows, "Built Infrastructure")[col["Implementation"]] == "1"
    assert row_of(rows, "Civic & Social")[col["Preparation"]] == "1"
    assert row_of(rows, "Safety & Security")[col["Completion"]] == "1"
    assert row_of(rows, "Health & Well-being")[col["Total"]] == "0"  # P4 is a draft
    total = row_of(rows, "All projects")
    assert (
        total[col["Implementation"]],
        total[col["Preparation"]],
        total[col["Completion"]],
        total[col["Identification"]],
        total[col["Total"]],
    ) == ("2", "1", "1", "0", "4")


def test_funding_by_member_state_and_city_in_usd_at_the_latest_rate(client, data, text):
    # when
    response = client.get(URL)
    states = table(response, "member-states")
    cities = table(response, "cities")

    # then: cities, projects, budget, secured, sought, secured %
    assert row_of(states, "Thailand")[1:] == ["1", "3", "80,000", "12,000", "68,000", "15.0"]
    assert row_of(states, "Viet Nam")[1:] == ["1", "1", "4,000", "1,000", "3,000", "25.0"]
    assert row_of(states, "Singapore")[1:] == ["0", "0", "0", "0", "0", "—"]
    assert row_of(states, "All member states")[1:] == [
        "2",
        "4",
        "84,000",
        "13,000",
        "71,000",
        "15.5",
    ]
    assert row_of(cities, "Thailand")[1:] == ["Phuket", "3", "80,000", "12,000", "68,000", "15.0"]
    assert row_of(cities, "Viet Nam")[1:] == ["Hanoi", "1", "4,000", "1,000", "3,000", "25.0"]
    page = text(response)
    assert "1 project(s) in MMK have no rate and are left out of the sums." in page
    assert (
        "Projects 4 Budget (USD) 84,000 Funding secured (USD) 13,000 Funding sought (USD) 71,000"
        in page
    )


def test_funding_sought_by_instrument(client, data):
    rows = table(client.get(URL), "instruments")

    assert row_of(rows, "Grant")[1:] == ["1", "18,000"]
    assert row_of(rows, "Loan")[1:] == ["2", "21,000"]
    assert row_of(rows, "Equity")[1:] == ["0", "0"]
    assert row_of(rows, "None named")[1:] == ["2", "50,000"]


def test_progress_latest_per_project_and_over_time(client, data):
    # when
    response = client.get(URL)
    latest = table(response, "progress")
    series = table(response, "progress-over-time")

    # then
    assert row_of(latest, "P1")[1:] == ["Phuket", "Implementation", "1 Feb 2026", "50.0", "40.0"]
    assert row_of(latest, "P3")[1:] == ["Hanoi", "Implementation", "1 Jul 2026", "20.0", "10.0"]
    assert len(latest) == 3  # header + P1 + P3 (P4's updates are a draft's)
    assert series[1:8] == [
        ["31 Mar 2025", "1", "10.0", "5.0"],
        ["30 Jun 2025", "1", "10.0", "5.0"],
        ["30 Sep 2025", "1", "30.0", "20.0"],
        ["31 Dec 2025", "1", "30.0", "20.0"],
        ["31 Mar 2026", "1", "50.0", "40.0"],
        ["30 Jun 2026", "1", "50.0", "40.0"],
        ["30 Sep 2026", "2", "35.0", "25.0"],
    ]
    assert series[-1][1:] == ["2", "35.0", "25.0"]
    assert "<svg" in response.content.decode()  # the chart, with the table as its alternative


@pytest.mark.django_db(transaction=True)
def test_a_chart_not_yet_drawn_is_asked_for_again_with_the_reports_filters(
    client, data, empty_cache
):
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        # when the report of Thailand is read before the task worker has drawn its chart
        page = client.get(URL, {"member_state": "TH"}).content.decode()
        # then its note asks for the same report again by itself, its filter kept
        note = page[page.index('id="report-chart-drawing"') :]
        note = note[: note.index("</p>")]
        assert "The progress chart is being drawn" in note
        assert 'data-hx-get="/reports/me/?member_state=TH&amp;redraw=1"' in note
        # and once drawn, the answer to that ask holds the chart in the note's place
        job = DBTaskResult.objects.get(task_path="ascn.core.drawings.draw")
        drawings.draw.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
        again = client.get(URL, {"member_state": "TH", "redraw": "1"}, headers={"HX-Request": "1"})
        drawn = again.content.decode()
        assert '<figure class="report-chart" id="report-chart-drawing"><svg' in drawn


def test_the_report_names_member_states_in_its_language_and_sets_only_numbers_right(client, data):
    with translation.override("th"):
        thailand, viet_nam = translation.gettext("Thailand"), translation.gettext("Viet Nam")
    assert thailand != "Thailand"
    response = client.get(f"/th{URL}")
    # the member states' and the cities' tables name the states in Thai
    states = [row[0] for row in table(response, "member-states")]
    assert thailand in states and viet_nam in states and "Thailand" not in states
    assert thailand in [row[0] for row in table(response, "cities")]
    # a heading is set right only over numbers (the cities' table: state, city, then counts)
    html = response.content.decode()
    section = html[html.index('id="t-cities"') :]
    headings = re.findall(r"<th scope=\"col\"([^>]*)>", section[: section.index("</thead>")])
    assert headings[:3] == ["", "", ' class="num"'], headings


def test_the_year_filter_keeps_projects_running_that_year(client, data):
    # when
    response = client.get(URL, {"year": "2025"})

    # then: P1 (2025–2027) and P2 (since 2024); not P3 (2026), nor P5 (2020–2022)
    states = table(response, "member-states")
    assert row_of(states, "Thailand")[1:] == ["1", "2", "80,000", "12,000", "68,000", "15.0"]
    assert row_of(states, "Viet Nam")[1:3] == ["0", "0"]
    assert row_of(table(response, "progress"), "P1")[3:] == ["30 Sep 2025", "30.0", "20.0"]
    series = table(response, "progress-over-time")
    assert [row[0] for row in series[1:]] == [
        formats.day(dt.date(2025, month, day))
        for month, day in [
            (3, 31),
            (4, 30),
            (5, 31),
            (6, 30),
            (7, 31),
            (8, 31),
            (9, 30),
            (10, 31),
            (11, 30),
            (12, 31),
        ]
    ]
    assert series[-1][1:] == ["1", "30.0", "20.0"]


@pytest.mark.parametrize(
    "query", [{"country": "VN"}, {"member_state": "VN"}, {"member_state": "vn"}]
)
def test_the_member_state_filter(client, data, query):
    # member_state, as on the dashboards and the open-data files, was ignored: all states
    response = client.get(URL, query)

    states = table(response, "member-states")
    assert [row[0] for row in states[1:]] == ["Viet Nam", "Total"]
    assert row_of(states, "Total")[1:] == ["1", "1", "4,000", "1,000", "3,000", "25.0"]
    download = csv_sections(client.get("/reports/me.csv", query).content)
    assert any("Viet Nam" in str(section) for section in download.values())
    assert not any("Thailand" in str(section) for section in download.values())


def test_a_member_state_named_two_ways_or_unknown_is_refused(client, data):
    assert client.get("/reports/me.csv", {"member_state": "VN", "country": "TH"}).status_code == 400
    assert client.get("/reports/me.csv", {"member_state": "ZZ"}).status_code == 400


def test_a_year_not_offered_is_dropped_but_a_download_refuses_it(client, data):
    assert client.get(URL, {"year": "next"}).status_code == 200
    assert client.get("/reports/me.csv", {"country": "XX"}).status_code == 400


def test_the_totals_equal_sums_over_every_project_read_in_chunks(data, secretariat, monkeypatch):
    """The report sums as it reads (a few rows at a time here, thousands at full scale): its
    totals equal sums over every project done here one project at a time with ``to_usd``,
    and its progress over time the average of each project's latest values by brute force."""
    # given: amounts whose conversions round (to the cent, project by project), projects in
    # more cities than a chunk holds, and updates on the same day (the last one entered wins)
    monkeypatch.setattr(reports, "CHUNK", 2)
    extra = []
    for n, (city, budget, secured, currency) in enumerate(
        [
            ("bangkok", "333.33", "111.11", "THB"),
            ("bangkok", "666.67", "0.01", "THB"),
            ("hanoi", "12345.67", "12345.67", "VND"),
            ("phuket", "0.17", "0.05", "THB"),
            ("singapore", "999.99", "999.99", "USD"),
            ("hanoi", "7.77", "1.11", "MMK"),
        ]
    ):
        extra.append(
            factories.project(
                secretariat,
                city=city,
                title=f"E{n}",
                focus_areas=["civic-social"],
                status="preparation" if n % 2 else "implementation",
                budget=budget,
                currency=currency,
                secured=secured,
                financing_sought=["grant"] if n % 3 else [],
                start=dt.date(2025, 1, 1),
            )
        )
    for project, date, physical, financial in [
        (extra[0], dt.date(2025, 2, 1), 5, 1),
        (extra[0], dt.date(2025, 2, 1), 15, 3),
        (extra[1], dt.date(2025, 3, 31), Decimal("33.3"), Decimal("12.5")),
        (extra[1], dt.date(2026, 1, 15), 20, 10),
        (extra[2], dt.date(2025, 9, 30), 100, Decimal("66.6")),
    ]:
        progress_add(
            actor=secretariat,
            project=project,
            date=date,
            physical_pct=physical,
            financial_pct=financial,
        )

    # when
    report = reports.me_report(secretariat)

    # then: money, by member state and city, summed project by project
    rates = money.latest_rates()
    states: dict[str, list] = {}
    cities: dict[tuple[str, str], list] = {}
    total = [0, Decimal("0"), Decimal("0"), Decimal("0")]
    statuses: dict[str, int] = {}
    grant = [0, Decimal("0")]
    for project in Project.objects.select_related("city__member_state"):
        state, city = project.city.member_state, project.city
        statuses[project.status] = statuses.get(project.status, 0) + 1
        sums = [
            states.setdefault(state.name, [set(), 0, Decimal("0"), Decimal("0"), Decimal("0")]),
            cities.setdefault((state.name, city.name), [None, 0, *[Decimal("0")] * 3]),
        ]
        usd = [
            money.to_usd(amount, project.budget_currency, rates=rates)
            for amount in (project.budget_amount, project.funding_secured)
        ]
        if usd[0] is not None:  # the gap in dollars: the budget less the secured, to the cent
            usd.append(replace(usd[0], amount=max(usd[0].amount - usd[1].amount, Decimal(0))))
        states[state.name][0].add(city.name)
        total[0] += 1
        if "grant" in project.financing_sought:
            grant[0] += 1
        for row in sums:
            row[1] += 1
        if usd[0] is None:
            continue
        for i, equivalent in enumerate(usd):
            total[1 + i] += equivalent.amount
            for row in sums:
                row[2 + i] += equivalent.amount
        if "grant" in project.financing_sought:
            grant[1] += usd[2].amount
    assert total[0] == report.project_count == 11
    for row in report.table("member-states").rows:
        name = row[0]
        expected = states.get(name, [set(), 0, Decimal("0"), Decimal("0"), Decimal("0")])
        assert row[1:6] == [len(expected[0]), *expected[1:]], name
    assert report.table("member-states").total[2:6] == total
    assert report.funding == dict(zip(("budget", "secured", "sought"), total[1:], strict=True))
    city_rows = {(r[0], r[1]): r[2:6] for r in report.table("cities").rows}
    assert city_rows == {key: row[1:] for key, row in cities.items()}
    assert list(city_rows) == sorted(city_rows)
    assert report.table("cities").total[2:6] == total
    assert report.table("instruments").rows[0][0] == "Grant"
    assert report.table("instruments").rows[0][1:] == grant
    focus_total = report.table("focus-status").total
    assert focus_total[-1] == 11
    assert sum(statuses.values()) == 11
    assert {
        code: n
        for code, n in zip(report_tables.status_titles(), focus_total[1:-1], strict=True)
        if n
    } == statuses

    # then: progress over time, each period end recomputed from every update
    updates = list(ProgressUpdate.objects.order_by("project_id", "date", "id"))
    assert report.progress_rows_total == len({u.project_id for u in updates}) == 6
    assert report.series
    for end, physical, financial, count in report.series:
        latest = {}
        for update in updates:
            if update.date <= end:
                latest[update.project_id] = update
        assert count == len(latest), end
        assert physical == (sum(u.physical_pct for u in latest.values()) / len(latest)).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        ), end
        assert financial == (sum(u.financial_pct for u in latest.values()) / len(latest)).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        ), end
    latest_rows = {row[0]: row[3:] for row in report.table("progress").rows}
    assert latest_rows["E0"] == [dt.date(2025, 2, 1), Decimal("15.00"), Decimal("3.00")]
    assert latest_rows["E1"] == [dt.date(2026, 1, 15), Decimal("20.00"), Decimal("10.00")]


def test_the_page_shows_a_bounded_number_of_rows_of_each_table(client, data, monkeypatch):
    # given: the page shows one row of a table (P1 and P3 have reported; two cities)
    monkeypatch.setattr(reports, "ROWS_ON_SCREEN", 1)

    # when
    response = client.get(URL)

    # then: the first by city and title, and a note that the downloads hold the rest
    assert table(response, "progress")[1:] == [
        ["P3", "Hanoi", "Implementation", "1 Jul 2026", "20.0", "10.0"]
    ]
    cities = table(response, "cities")
    assert [row[:3] for row in cities[1:]] == [
        ["Thailand", "Phuket", "3"],
        ["All cities", "—", "4"],
    ]
    assert response.content.decode().count("1 more row is in the CSV and XLSX downloads.") == 2
    downloads = csv_sections(client.get("/reports/me.csv").content)
    assert len(downloads["Latest progress by project"]) == 3
    assert len(downloads["Projects and funding by city"]) == 4


# --- who sees what ----------------------------------------------------------------------------


def test_the_secretariat_also_counts_drafts(data, secretariat):
    client = Client()
    client.force_login(secretariat)

    response = client.get(URL)

    states = table(response, "member-states")
    assert row_of(states, "Viet Nam")[1:] == ["1", "2", "14,000", "1,000", "13,000", "7.1"]
    assert row_of(table(response, "progress"), "P4")[3:] == ["1 Jul 2026", "90.0", "90.0"]


def test_a_csco_sees_public_projects_and_their_own_drafts_only(data):
    # given: the officer of Phuket (P4 is a Hanoi draft)
    officer = factories.user("cso@me.test", role="cso", scope=City.objects.get(slug="phuket"))
    client = Client()
    client.force_login(officer)

    # when
    states = table(client.get(URL), "member-states")

    # then
    assert row_of(states, "All member states")[2] == "4"


def test_the_national_representative_sees_their_states_drafts(data):
    # given: the National Representative of Viet Nam (P4 is a Hanoi draft)
    nr = factories.user(
        "nr@me.test", role="national_representative", scope=MemberState.objects.get(code="VN")
    )
    client = Client()
    client.force_login(nr)

    states = table(client.get(URL), "member-states")

    assert row_of(states, "Viet Nam")[2] == "2"


# --- downloads ------------------------------------------------------------------------------


def csv_sections(content: bytes) -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {}
    current = None
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        if not row:
            current = None
        elif current is None:
            current = row[0]
            sections[current] = []
        else:
            sections[current].append(row)
    return sections


def test_the_csv_holds_the_same_tables_and_numbers(client, data):
    # when
    response = client.get("/reports/me.csv")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="ascn-me-report-all-years.csv"' in response["Content-Disposition"]
    sections = csv_sections(response.content)
    assert list(sections)[1:] == [
        "Projects by focus area and status",
        "Projects and funding by member state",
        "Projects and funding by city",
        "Funding sought by financing instrument",
        "Latest progress by project",
        "Progress over time (network average)",
        "Indicators and the projects that aim to move them",
    ]
    states = sections["Projects and funding by member state"]
    assert states[0] == [
        "Member state",
        "Cities with projects",
        "Projects",
        "Budget (USD)",
        "Funding secured (USD)",
        "Funding sought (USD)",
        "Secured %",
    ]
    assert row_of(states, "Thailand")[1:] == ["1", "3", "80000.00", "12000.00", "68000.00", "15.0"]
    assert row_of(states, "All member states")[1:] == [
        "2",
        "4",
        "84000.00",
        "13000.00",
        "71000.00",
        "15.5",
    ]
    focus = sections["Projects by focus area and status"]
    assert row_of(focus, "All projects")[-1] == "4"
    assert row_of(sections["Latest progress by project"], "P1")[3:] == [
        "2026-02-01",
        "50.00",
        "40.00",
    ]


def test_the_xlsx_has_one_sheet_per_table_with_the_same_numbers(client, data):
    # when
    response = client.get("/reports/me.xlsx", {"year": "2025", "country": "TH"})

    # then
    assert response.status_code == 200
    assert 'filename="ascn-me-report-2025-th.xlsx"' in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Focus area x status",
        "Member states",
        "Cities",
        "Financing instruments",
        "Latest progress",
        "Progress over time",
        "Indicator targets",
        "About",
    ]
    states = [list(row) for row in workbook["Member states"].iter_rows(values_only=True)]
    thailand = row_of(states, "Thailand")
    assert thailand[1:6] == [1, 2, 80000, 12000, 68000]
    assert Decimal(str(thailand[6])) == Decimal("15.0")
    instruments = [list(r) for r in workbook["Financing instruments"].iter_rows(values_only=True)]
    assert row_of(instruments, "Grant")[1:] == [1, 18000]
    progress = [list(r) for r in workbook["Progress over time"].iter_rows(values_only=True)]
    assert progress[1][0].date() == dt.date(2025, 3, 31)
    assert progress[-1][1:] == [1, 30, 20]


def test_downloads_follow_visibility(client, data):
    sections = csv_sections(client.get("/reports/me.csv").content)
    assert "P4" not in {row[0] for row in sections["Latest progress by project"]}


def test_a_report_of_one_member_state_names_whose_average_its_progress_is(client, data, text):
    # when the report is filtered to Thailand, on the page and as a CSV
    page = client.get(URL, {"country": "TH"})
    sections = csv_sections(client.get("/reports/me.csv", {"country": "TH"}).content)
    # then its progress over time is Thailand's average, not the network's
    title = "Progress over time (average for Thailand)"
    assert title in text(page)
    assert title in sections
    assert "network average" not in text(page)
    assert "Progress over time (network average)" not in sections
    # and the whole network's report still says it is the network's
    assert "Progress over time (network average)" in csv_sections(
        client.get("/reports/me.csv").content
    )


def test_the_downloads_say_when_they_were_generated_with_the_time_zone(client, data):
    # when the report is downloaded as CSV and as XLSX
    about = csv_sections(client.get("/reports/me.csv").content)[
        "ASCN monitoring and evaluation report"
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/reports/me.xlsx").content))
    about_sheet = [list(row) for row in workbook["About"].iter_rows(values_only=True)]
    # then each gives the time it was generated in ISO 8601 with the site's offset (UTC+7)
    for generated in (row_of(about, "Generated")[1], row_of(about_sheet, "Generated")[1]):
        moment = dt.datetime.fromisoformat(generated)
        assert moment.utcoffset() == dt.timedelta(hours=7), generated
        assert abs(moment - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


# --- the page ---------------------------------------------------------------------------------


def test_the_page_is_printable_and_offers_the_downloads(client, data, text):
    response = client.get(URL, {"year": "2025"})
    html = response.content.decode()

    assert "@media print" in html
    assert 'href="/reports/me.csv?year=2025"' in html
    assert 'href="/reports/me.xlsx?year=2025"' in html
    assert "Print: use your browser's Print command" in text(response)
    assert "<script" not in html.split("</head>", 1)[1]  # nothing inline that CSP would block


def test_the_report_reads_in_a_bounded_number_of_queries(data, secretariat, get_bounded):
    # given: more projects do not mean more queries
    for n in range(10):
        factories.project(
            secretariat,
            city="bangkok",
            title=f"B{n}",
            focus_areas=["civic-social", "safety-security"],
        )
    assert Project.objects.count() == 15

    # then (8, and 2 for the indicators the projects aim to move: the links, the values)
    get_bounded(URL, max_queries=10)
    get_bounded("/reports/me.csv", max_queries=10)
    get_bounded("/reports/me.xlsx?year=2026", max_queries=10)


def test_an_empty_report_still_renders(client, network):
    response = client.get(URL)

    assert response.status_code == 200
    assert row_of(table(response, "member-states"), "All member states")[1:3] == ["0", "0"]
    assert "No progress has been reported" in response.content.decode()


def test_the_role_matrix_of_the_report_pages(roles):
    for url in (URL, "/reports/me.csv", "/reports/me.xlsx"):
        assert_matrix(roles.session, "GET", url, everyone(200))


# --- kept between requests, refreshed by the task worker (core.prepared) --------------------


@pytest.fixture
def kept_reports(settings):
    """The report kept for a minute, as a server keeps it."""
    settings.ASCN_REPORT_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def public_count(response) -> str:
    return row_of(table(response, "member-states"), "All member states")[2]


def test_a_kept_report_is_shown_with_its_time_then_refreshed_after_a_change(
    client, data, secretariat, kept_reports, settings
):
    # given: the report as an anonymous visitor sees it, kept
    first = client.get(URL)
    assert public_count(first) == "4"
    assert "Figures computed at" in first.content.decode()

    # when: a public project is added, and the report asked for at once
    factories.project(secretariat, city="phuket", title="P6", visibility="public")
    at_once = client.get(URL)

    # then: the kept report, as computed (the page says when)
    assert public_count(at_once) == "4"

    # when: it is older than its freshness (a second, now): the page still answers with the
    # kept one and queues its refresh (the tests' immediate task backend runs it at once) ...
    settings.ASCN_REPORT_CACHE_SECONDS = 1
    time.sleep(1.1)
    stale = client.get(URL)
    refreshed = client.get(URL)

    # then: ... and the next request has the new project
    assert public_count(stale) == "4"
    assert public_count(refreshed) == "5"


def test_a_kept_report_is_never_shown_to_someone_who_may_see_less(
    client, data, secretariat, kept_reports
):
    # given: the Secretariat's report (the Hanoi draft P4 counted) kept first
    staff = Client()
    staff.force_login(secretariat)
    assert public_count(staff.get(URL)) == "5"
    officer = factories.user("cso@me.test", role="cso", scope=City.objects.get(slug="phuket"))
    phuket = Client()
    phuket.force_login(officer)

    # when: a visitor and Phuket's officer ask for the report
    anonymous, csco = client.get(URL), phuket.get(URL)

    # then: each gets their own, without the draft, on the page and in the downloads
    assert public_count(anonymous) == "4"
    assert public_count(csco) == "4"
    assert "P4" not in client.get("/reports/me.csv").content.decode()
    assert "P4" in staff.get("/reports/me.csv").content.decode()


def test_the_task_worker_computes_a_report_from_ids_and_codes(data, secretariat):
    # given: what a page hands the task worker for the Secretariat's 2026 report of Viet Nam
    prepare = prepared.PREPARERS[reports.REPORT]

    # when
    report = prepare(
        user=secretariat.pk,
        audience=reports._audience(secretariat),
        year=2026,
        member_state="VN",
        page=False,
    )
    public = prepare(
        user=None,
        audience=reports._audience(AnonymousUser()),
        year=2026,
        member_state="VN",
        page=True,
    )

    # then: the same report as computed for the user
    expected = reports.me_report(
        secretariat, year=2026, member_state=MemberState.objects.get(code="VN")
    )
    assert report.tables == expected.tables
    assert report.project_count == 2 and public.project_count == 1


def test_a_refresh_queued_for_a_reader_whose_rights_changed_computes_nothing(data, secretariat):
    # given: a refresh queued for the officer of Phuket's report ...
    phuket = City.objects.get(slug="phuket")
    officer = factories.user("cso@me.test", role="cso", scope=phuket)
    args = {
        "user": officer.pk,
        "audience": reports._audience(officer),
        "year": None,
        "member_state": None,
        "page": True,
    }
    # ... who is then made the officer of Hanoi too (they may now see its draft P4)
    membership_grant(
        actor=secretariat, user=officer, role="cso", scope=City.objects.get(slug="hanoi")
    )

    # when / then: the task worker stores nothing under the old audience's key
    with pytest.raises(prepared.Outdated):
        prepared.PREPARERS[reports.REPORT](**args)
