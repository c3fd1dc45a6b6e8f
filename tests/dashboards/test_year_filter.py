"""The dashboards' year (issue 19): only years with figures are offered, and the network's
members follow the year — the cities that had joined by then (their cohort) and the member
states that had joined ASEAN (Timor-Leste: 2025). The real seed: 11 member states, 26 pilot
cities of 2018, 3 of 2023, 2 of 2024."""

from __future__ import annotations

import html as html_lib
import re

from django.utils import timezone

from ascn.network.models import MemberState
from tests.dashboards.test_dashboards import URL, chart_table


def overview(client, **params) -> dict[str, str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    body = response.content.decode()
    stats = body.split('<dl class="stats">', 1)[1].split("</dl>", 1)[0]
    return {
        html_lib.unescape(dt): dd
        for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", stats, flags=re.S)
    }


def test_only_years_up_to_this_one_are_offered(client, network):
    body = client.get(URL).content.decode()
    select = body.split('name="year"', 1)[1].split("</select>", 1)[0]
    years = [int(y) for y in re.findall(r'<option value="(\d{4})"', select)]
    assert years == list(range(timezone.localdate().year, 2017, -1))


def test_the_members_follow_the_year(client, network):
    everything = overview(client)
    assert (everything["Member states"], everything["Cities"]) == ("11", "31")
    in_2018 = overview(client, year="2018")
    assert (in_2018["Member states"], in_2018["Cities"]) == ("10", "26")
    assert in_2018["Cohorts (joining years)"] == "1"
    in_2024 = overview(client, year="2024")
    assert (in_2024["Member states"], in_2024["Cities"]) == ("10", "31")
    in_2025 = overview(client, year="2025")
    assert (in_2025["Member states"], in_2025["Cities"]) == ("11", "31")
    # Timor-Leste before it joined: no member state, no city
    timor = overview(client, year="2024", member_state="TL")
    assert (timor["Member states"], timor["Cities"]) == ("0", "0")


def test_the_map_and_its_table_follow_the_year(client, network):
    rows = chart_table(client.get(URL, {"year": "2018"}).content.decode(), "cities")
    assert len(rows) == 26
    assert {row[2] for row in rows} == {"2018"}


def test_a_state_whose_joining_date_is_unknown_is_not_counted_and_the_page_says_so(client, network):
    MemberState.objects.filter(code="SG").update(asean_member_since=None)
    body = client.get(URL, {"year": "2020"}).content.decode()
    assert "1 member state is not counted: its date of joining ASEAN is not on record." in body
    assert overview(client, year="2020")["Member states"] == "9"
