"""The real partner organisations' profiles (issue 17): every published mandate field comes
from a cited source (title, publisher, link), and a field no source gives stays empty."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth.models import AnonymousUser

from ascn.core import search
from ascn.core.sources import validate_sources
from ascn.funding.management.commands.load_partners import load_partners, load_programmes
from ascn.funding.models import Programme
from ascn.partners.models import Organisation
from ascn.partners.services import organisation_update
from tests import factories

MANDATE = ["countries", "focus_areas", "instruments", "stages", "capability_statement"]

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.roles"]


@pytest.fixture
def partners(network):
    load_partners()
    return list(Organisation.objects.filter(sample=False))


def test_every_published_mandate_field_has_its_source(partners):
    for org in partners:
        validate_sources(org.sources)
        given = {field for source in org.sources for field in source.get("fields", [])}
        for field in MANDATE:
            if getattr(org, field):
                assert field in given, f"{org.slug}.{field} has no source"
        for field in ("ticket_min_usd", "ticket_max_usd"):
            assert getattr(org, field) is None or field in given, f"{org.slug}.{field}"


def test_sources_read_as_people_cite_them(partners, client):
    # given a researched profile
    mlit = next(org for org in partners if org.slug == "japan-mlit")
    page = client.get(mlit.get_absolute_url()).content.decode()
    # then its sources show title, publisher, date and link — never a repository path
    assert "Japan announces assistance package for ASEAN countries to develop Smart City" in page
    assert 'href="https://www.mlit.go.jp/report/press/sogo07_hh_000597.html"' in page
    assert "2020-12-26" in page
    assert "seed/" not in page and ".yaml" not in page and ".txt" not in page


def test_a_researched_profile_is_matchable_and_an_empty_one_is_not(partners):
    by_slug = {org.slug: org for org in partners}
    assert by_slug["us-asean-smart-cities-partnership"].missing_for_matching == []
    assert by_slug["japan-mlit"].missing_for_matching == []
    # ADB's Strategy 2030 as reported gives its focus areas and instruments: matchable
    assert by_slug["asian-development-bank"].missing_for_matching == []
    # nothing published about UNDP's mandate for the network: it is not matched, and says so
    assert by_slug["undp"].missing_for_matching == ["focus_areas", "one_more"]


def test_the_api_gives_the_sources_with_the_fields_they_give(partners, client):
    body = client.get("/api/v1/organisations/us-asean-smart-cities-partnership").json()
    assert body["countries"] and body["sources"]
    given = {field for source in body["sources"] for field in source["fields"]}
    assert {"countries", "focus_areas", "instruments"} <= given
    assert all(source["url"].startswith("http") for source in body["sources"])


def test_every_real_programme_cites_its_sources(partners, client):
    # given the real programmes (loaded with the partners)
    load_programmes()
    for programme in Programme.objects.filter(sample=False):
        # then each cites at least one published source, readably on its page
        assert programme.sources, programme.slug
        validate_sources(programme.sources)
        page = client.get(programme.get_absolute_url()).content.decode()
        assert f'href="{programme.sources[0]["url"]}"' in page
        assert ".yaml" not in page


def test_a_programme_is_found_by_the_short_name_of_the_bank_that_runs_it(partners, roles):
    # given the real programmes: the AASCTF is implemented by the Asian Development Bank
    load_programmes()
    # when a visitor searches for "ADB", then the programme the bank runs is found too (it
    # was found only by the bank's full name)
    found = [hit.title for hit in search.search(AnonymousUser(), "ADB").items]
    assert "ASEAN-Australia Smart Cities Trust Fund (AASCTF)" in found, found
    # and a name the bank is given later finds it as well, without rebuilding the index
    adb = Organisation.objects.get(slug="asian-development-bank")
    organisation_update(
        actor=roles.user("secretariat"),
        organisation=adb,
        version=adb.version,
        alt_names=f"{adb.alt_names}, AsDB",
    )
    found = [hit.title for hit in search.search(AnonymousUser(), "AsDB").items]
    assert "ASEAN-Australia Smart Cities Trust Fund (AASCTF)" in found, found


def test_the_public_finds_real_partners_by_the_short_names_people_use(partners, client, roles):
    # given the real partners, loaded from their register, and a public project whose text
    # names each of them by its acronym, more often than the organisation's own text does
    for acronym, name, title in [
        ("ADB", "Asian Development Bank", "Asian Development Bank (ADB)"),
        (
            "DFAT",
            "Department of Foreign Affairs and Trade (Australia)",
            "Department of Foreign Affairs and Trade (Australia; DFAT)",
        ),
        (
            "MLIT",
            "Ministry of Land, Infrastructure, Transport and Tourism (Japan)",
            "Ministry of Land, Infrastructure, Transport and Tourism (Japan; MLIT)",
        ),
    ]:
        factories.project(
            roles.user("cso_phuket"),
            title=f"Advice from {len(name)}",
            description=f"{acronym} advice. {acronym} review. {acronym} report.",
            visibility="public",
        )
        # when a visitor searches the site for the acronym
        page = html.unescape(client.get("/search/", {"q": acronym}).content.decode())
        page = re.sub(r"</?mark>", "", page)
        # then the organisation is found first, its other name beside its own (in the
        # brackets its name may already have)
        assert title in page, acronym
        found = search.search(AnonymousUser(), acronym).items
        assert found[0].title == title, [hit.title for hit in found]
        assert f"Advice from {len(name)}" in [hit.title for hit in found]
        # and its page says the short name
        organisation = Organisation.objects.get(name=name)
        detail = html.unescape(client.get(organisation.get_absolute_url()).content.decode())
        assert acronym in detail.split("Also known as", 1)[1][:200]
