"""The pages that list cities stay the same size, and take the same number of queries,
however many cities the network has (issue 21: 3,000 cities at ASEAN scale); every city
stays reachable through the paginated city list."""

from __future__ import annotations

import csv
import io
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ascn.network.models import City, MemberState

PAGES = [
    "/",
    "/member-states/",
    "/member-states/th/",
    "/cities/",
    "/cities/?country=TH",
    "/dashboards/",
]


def add_cities(count: int, *, start: int = 0, country: str | None = None) -> None:
    """``count`` more cities, spread over the member states or all in ``country`` (test
    data, written directly)."""
    states = list(MemberState.objects.filter(**({"code": country} if country else {})))
    City.objects.bulk_create(
        City(
            slug=f"extra-city-{i}",
            name=f"Extra City {i:04d}",
            member_state=states[i % len(states)],
            cohort=2024,
            latitude=10,
            longitude=105,
        )
        for i in range(start, start + count)
    )


def measured(client, path: str) -> tuple[int, int]:
    """The number of SQL queries and the bytes of one answer."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries), len(response.content)


def test_the_pages_do_not_grow_with_the_number_of_cities(client, network):
    # given 31 + 600 cities (Thailand 303), then 31 + 1,200 (Thailand 603): both past every
    # bound (a dozen cities a state, 24 cards, 50 rows a page, 100 dots on a map)
    add_cities(330)
    add_cities(270, start=10_000, country="TH")
    before = {path: measured(client, path) for path in PAGES}
    add_cities(330, start=330)
    add_cities(300, start=20_000, country="TH")

    # when
    after = {path: measured(client, path) for path in PAGES}

    # then the same queries; only the counts in the text change ("and 30 more cities" →
    # "and 60 more cities"), and on a map which cities are drawn (their names' lengths)
    for path in PAGES:
        (queries_before, size_before), (queries_after, size_after) = before[path], after[path]
        assert queries_after == queries_before, path
        assert abs(size_after - size_before) < 0.02 * size_before, (path, size_before, size_after)
        assert size_after < 200_000, (path, size_after)


def test_the_home_page_names_a_dozen_cities_per_state_and_links_to_the_rest(client, network):
    add_cities(110)  # ten more for each of the 11 member states

    page = client.get("/").content.decode()

    thailand = re.search(r'<li><a class="state" href="/cities/\?country=TH">.*?</li>', page, re.S)
    assert thailand is not None
    assert len(re.findall(r'href="/cities/[-\w]+/"', thailand.group())) == 12
    total = City.objects.filter(member_state__code="TH").count()
    assert f"and {total - 12} more cities" in thailand.group()
    assert 'action="/cities/"' in page  # and a search over every city


def test_every_city_is_reachable_through_the_paginated_city_list(client, network):
    add_cities(120)
    linked: set[str] = set()

    page_number = 1
    while True:
        response = client.get("/cities/", {"page": page_number})
        linked |= set(
            re.findall(r'<th scope="row"><a href="/cities/([-\w]+)/"', response.content.decode())
        )
        if 'rel="next"' not in response.content.decode():
            break
        page_number += 1

    assert page_number == 4  # 151 cities, 50 a page
    assert linked == set(City.objects.values_list("slug", flat=True))


def test_the_dashboards_show_the_busiest_cities_and_the_csv_has_them_all(client, network):
    add_cities(60)

    page = client.get("/dashboards/").content.decode()
    rows = list(csv.reader(io.StringIO(client.get("/dashboards/cities.csv").content.decode())))

    assert "The 50 cities with the most public projects, of 91" in page
    assert len(rows) == 1 + 91
