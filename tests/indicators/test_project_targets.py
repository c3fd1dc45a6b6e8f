"""A project names the indicators it aims to move, with baseline and target; its page and the
API show them next to the city's latest value."""

import pytest

from ascn.core.errors import InvalidInput, PermissionDenied
from ascn.core.models import AuditEntry
from ascn.indicators.management.commands.load_indicators import load_indicators
from ascn.indicators.models import Indicator, ProjectIndicator
from ascn.indicators.services import project_indicator_set, value_enter
from ascn.network.models import City
from tests import factories
from tests.conftest import page_text
from tests.roles import CSO_HANOI, CSO_PHUKET, NR_TH

pytest_plugins = ["tests.roles"]


@pytest.fixture
def drainage(roles):
    load_indicators()
    return factories.project(roles.user(CSO_PHUKET), title="Smart drainage", visibility="public")


def test_the_csco_sets_a_target_shown_with_the_citys_latest_value(client, roles, drainage):
    pm25 = Indicator.objects.get(code="11.6.2")
    value_enter(
        actor=None,
        city=City.objects.get(slug="phuket"),
        indicator=pm25,
        year=2024,
        value="23",
        source="PCD 2024",
        visibility="public",
    )
    # when Phuket's CSCO says the project aims at 15 µg/m³ by 2030 from 25 in 2023
    project_indicator_set(
        actor=roles.user(CSO_PHUKET),
        project=drainage,
        indicator=pm25,
        baseline="25",
        baseline_year=2023,
        target="15",
        target_year=2030,
    )
    assert AuditEntry.objects.filter(action="indicators.projectindicator.created").exists()
    # then the project's page shows it next to the city's latest value, with its year
    text = page_text(client.get(drainage.get_absolute_url()))
    assert "Indicators it aims to move" in text
    assert "25 (2023)" in text and "15 (2030)" in text and "23 (2024)" in text
    # and the API too
    body = client.get(f"/api/v1/projects/{drainage.pk}/indicators").json()
    assert body[0]["target"] == "15" and body[0]["latest"]["year"] == 2024


def test_who_may_set_targets_and_bad_figures(roles, drainage):
    pm25 = Indicator.objects.get(code="11.6.2")
    for name in (CSO_HANOI, NR_TH):
        with pytest.raises(PermissionDenied):
            project_indicator_set(
                actor=roles.user(name),
                project=drainage,
                indicator=pm25,
                target="1",
                target_year=2030,
            )
    with pytest.raises(InvalidInput) as refused:
        project_indicator_set(
            actor=roles.user(CSO_PHUKET),
            project=drainage,
            indicator=Indicator.objects.get(code="11.2.1"),
            target="120",
            target_year=2030,
        )
    assert refused.value.field == "target"
    with pytest.raises(InvalidInput) as refused:
        project_indicator_set(
            actor=roles.user(CSO_PHUKET),
            project=drainage,
            indicator=pm25,
            baseline="30",
            baseline_year=2031,
            target="10",
            target_year=2030,
        )
    assert refused.value.field == "baseline_year"
    assert not ProjectIndicator.objects.exists()


def test_set_and_remove_through_the_api(roles, drainage):
    cso = roles.bearer(CSO_PHUKET)
    url = f"/api/v1/projects/{drainage.pk}/indicators"
    body = {"indicator": "11.6.2", "target": "15", "target_year": 2030}
    assert (
        roles.bearer(CSO_HANOI).post(url, body, content_type="application/json").status_code == 403
    )
    response = cso.post(url, body, content_type="application/json")
    assert response.status_code == 200
    assert [t["indicator"] for t in response.json()] == ["11.6.2"]
    again = cso.post(url, {**body, "target": "12"}, content_type="application/json")
    assert again.json()[0]["target"] == "12" and ProjectIndicator.objects.count() == 1
    assert cso.delete(f"{url}/sdg-11-6-2").status_code == 204
    assert not ProjectIndicator.objects.exists()
    assert cso.delete(f"{url}/sdg-11-6-2").status_code == 404
