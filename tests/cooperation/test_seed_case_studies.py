"""The knowledge bank's real case studies (issue 17): loaded once, public, each with a city,
its problem and solution, results only where a source gives them, and its published sources
shown as people cite them."""

from __future__ import annotations

import pytest
import yaml

from ascn.cooperation.management.commands.load_cooperation import (
    CASE_STUDIES,
    load_case_studies,
)
from ascn.cooperation.models import CaseStudy
from ascn.core.sources import validate_sources
from tests.roles import AuditMark

pytestmark = pytest.mark.django_db

ENTRIES = yaml.safe_load(CASE_STUDIES.read_text(encoding="utf-8"))


def test_the_case_studies_load_once_with_dated_sources(network):
    # when the case studies are loaded twice
    mark = AuditMark()
    assert load_case_studies() == len(ENTRIES)
    assert load_case_studies() == 0
    # then each is on record once, audited, public, with a dated source
    assert mark.actions() == ["cooperation.casestudy.created"] * len(ENTRIES)
    for study in CaseStudy.objects.all():
        assert study.visibility == "public" and study.city is not None
        assert study.problem and study.solution
        validate_sources(study.sources)
        assert any(s.get("date") and s.get("publisher") for s in study.sources)


def test_the_page_shows_the_sources_and_results_no_source_gives_as_not_published(network, client):
    load_case_studies()
    page = client.get("/cooperation/case-studies/phuket-smart-city-safe-city/").content.decode()
    assert "The Phuket News (from the Bangkok Post)" in page
    assert 'href="https://www.thephuketnews.com/' in page
    assert "not published" in page  # its results: no source gives them yet
    mandalay = CaseStudy.objects.get(slug="mandalay-smart-city-public-services")
    page = client.get(mandalay.get_absolute_url()).content.decode()
    assert "Smart City Award 2019" in page
    assert "gives:" in page  # the Irrawaddy gives the results, Consult-Myanmar the problem
