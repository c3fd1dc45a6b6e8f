"""The menus of member states and focus areas name them in the page's language: a Thai
reader chooses "ไทย", not "Thailand" (``MemberState.label``, ``FocusArea.label``)."""

from __future__ import annotations

import html
import re

import pytest
from django.utils import translation

from ascn.network.models import FocusArea, MemberState

pytestmark = pytest.mark.django_db

pytest_plugins = ["tests.roles"]


def thai(name: str) -> str:
    with translation.override("th"):
        text = translation.gettext(name)
    assert text != name, f"the Thai catalogue does not name {name!r}"
    return text


def options(page: str, select_name: str) -> list[str]:
    """The labels of the options of the page's ``<select name=…>``."""
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no menu {select_name!r}"
    return [html.unescape(label) for label in re.findall(r"<option[^>]*>([^<]*)<", select[1])]


@pytest.mark.parametrize(
    ("who", "path", "select_name"),
    [
        ("anonymous", "/th/organisations/", "country"),
        ("anonymous", "/th/data/", "member_state"),
        ("anonymous", "/th/reports/me/", "country"),
        ("secretariat", "/th/people/", "country"),
    ],
)
def test_member_state_menus_are_in_the_pages_language(roles, who, path, select_name):
    page = roles.session(who).get(path).content.decode()
    names = options(page, select_name)
    assert thai("Thailand") in names, names
    assert "Thailand" not in names


def test_an_organisations_form_ticks_countries_and_focus_areas_in_the_pages_language(roles):
    page = html.unescape(
        roles.session("partner_adb")
        .get("/th/organisations/asian-development-bank/edit/")
        .content.decode()
    )
    state = MemberState.objects.get(code="TH")
    area = FocusArea.objects.order_by("code").first()
    ticks = page[page.index('name="countries"') - 2000 :]
    assert thai(state.name) in ticks
    assert thai(area.name) in page
    assert f">{state.name}<" not in page.replace(" ", "")
