"""Recording a city partnership from the cooperation page."""

import pytest

from ascn.cooperation.models import CityPartnership
from ascn.core.models import AuditEntry

pytest_plugins = ["tests.roles"]


def test_a_csco_records_a_twinning_of_her_city(roles):
    # given the CSCO of Phuket, signed in
    client = roles.session("cso_phuket")
    # when she records a partnership of Phuket
    response = client.post(
        "/cooperation/partnerships/new/",
        {
            "city": "phuket",
            "partner_name": "Yokohama",
            "partner_country": "Japan",
            "purpose": "Smart port know-how",
        },
    )
    # then it is recorded, audited, and listed on the cooperation page
    assert response.status_code == 302
    partnership = CityPartnership.objects.get()
    assert (partnership.city.slug, partnership.partner_name) == ("phuket", "Yokohama")
    assert AuditEntry.objects.filter(object_type="cooperation.citypartnership").exists()
    assert "Yokohama" in client.get("/cooperation/").content.decode()


def test_she_cannot_speak_for_another_city_and_nothing_is_written(roles):
    client = roles.session("cso_phuket")
    response = client.post(
        "/cooperation/partnerships/new/", {"city": "hanoi", "partner_name": "X", "purpose": "Y"}
    )
    assert response.status_code == 422
    assert not CityPartnership.objects.exists()


def test_a_missing_purpose_is_a_clear_error(roles):
    client = roles.session("cso_phuket")
    response = client.post(
        "/cooperation/partnerships/new/", {"city": "phuket", "partner_name": "X"}
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert not CityPartnership.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("partner_adb", 404), ("nr_th", 200), ("secretariat", 200)],
)
def test_who_may_open_the_form(roles, who, status):
    assert roles.session(who).get("/cooperation/partnerships/new/").status_code == status
