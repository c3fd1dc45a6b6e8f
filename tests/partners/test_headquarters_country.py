"""An organisation's head office is chosen by its country's name, in the reader's language,
and saved as its ISO 3166-1 alpha-2 code, as the API, the open data and search read it.

Over the real seed with the role matrix of ``tests.roles``: the Asian Development Bank's
member (``partner_adb``) edits its profile.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.utils import translation

from ascn.partners.countries import country_choices
from ascn.partners.models import Organisation
from tests.roles import ADB_SLUG

pytest_plugins = ["tests.roles"]

EDIT = f"/organisations/{ADB_SLUG}/edit/"
# the Unicode CLDR names Japan so in Vietnamese (core/data/country-names.json)
JAPAN_IN_VIETNAMESE = "Nhật Bản"


def menu(response) -> list[tuple[str, str, bool]]:
    """The headquarters menu of an edit page: (value, name, chosen) of each option."""
    html = response.content.decode()
    select = re.search(r'<select name="headquarters_country"[^>]*>(.*?)</select>', html, re.S)
    assert select, "the page has a headquarters menu"
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select[1])
    return [(value, unescape(name), bool(chosen)) for value, chosen, name in options]


def chosen(response) -> list[str]:
    return [value for value, _name, is_chosen in menu(response) if is_chosen]


def form_of(org: Organisation, **changes) -> dict:
    """The edit form as the browser sends it, with ``changes``."""
    return {
        "version": org.version,
        "name": org.name,
        "kind": org.kind,
        "visibility": org.visibility,
        "headquarters_country": org.headquarters_country,
        **changes,
    }


def test_the_menu_names_every_country_in_the_readers_language(roles, adb):
    session = roles.session("partner_adb")
    # in English: Japan for JP, after an empty choice, sorted by name with its accents ignored
    english = menu(session.get(EDIT))
    assert english[0][:2] == ("", "Not published")
    names = {value: name for value, name, _chosen in english}
    assert names["JP"] == "Japan" and len(names) == 250  # every ISO 3166-1 country, and none
    order = [name for _value, name, _chosen in english[1:]]
    assert order[:3] == ["Afghanistan", "Åland Islands", "Albania"]
    assert order.index("Jamaica") < order.index("Japan") < order.index("Jersey")
    # in Vietnamese: the CLDR name; đ after d, ê after e, as the Vietnamese alphabet has them
    vietnamese = menu(session.get(f"/vi{EDIT}"))
    names = {value: name for value, name, _chosen in vietnamese}
    assert names["JP"] == JAPAN_IN_VIETNAMESE and names["DE"] == "Đức"
    order = [name for _value, name, _chosen in vietnamese[1:]]
    assert order.index("Dominica") < order.index("Đan Mạch") < order.index("Đức")
    assert order.index("Đức") < order.index("Ecuador") < order.index("El Salvador")


def test_the_menu_is_built_once_per_language():
    with translation.override("en"):
        english = country_choices()
        assert country_choices() is english
    with translation.override("th"):
        assert country_choices() is not english
        assert dict(country_choices())["JP"] == "ญี่ปุ่น"


@pytest.mark.parametrize("saved", ["PH", "ph"])
def test_the_saved_country_is_chosen_whatever_its_case(roles, adb, saved):
    Organisation.objects.filter(pk=adb.pk).update(headquarters_country=saved)
    assert chosen(roles.session("partner_adb").get(EDIT)) == ["PH"]


def test_no_country_saved_chooses_the_empty_choice(roles, adb):
    Organisation.objects.filter(pk=adb.pk).update(headquarters_country="")
    assert chosen(roles.session("partner_adb").get(EDIT)) == [""]


@pytest.mark.parametrize(("sent", "saved"), [("JP", "JP"), ("jp", "JP"), ("", "")])
def test_the_country_chosen_is_saved_as_its_code(roles, adb, sent, saved):
    response = roles.session("partner_adb").post(EDIT, form_of(adb, headquarters_country=sent))
    assert response.status_code == 302
    adb.refresh_from_db()
    assert adb.headquarters_country == saved


@pytest.mark.parametrize("sent", ["ZZ", "Japan", "J"])
def test_a_code_no_country_has_is_refused_and_changes_nothing(roles, adb, text, sent):
    before = Organisation.objects.get(pk=adb.pk)
    response = roles.session("partner_adb").post(
        EDIT, form_of(adb, headquarters_country=sent, description="Changed")
    )
    assert response.status_code == 422
    assert f"Choose the country from the list: {sent.upper()} is not one." in text(response)
    after = Organisation.objects.get(pk=adb.pk)
    assert (after.headquarters_country, after.description, after.version) == (
        before.headquarters_country,
        before.description,
        before.version,
    )


def test_a_code_saved_around_the_services_is_shown_and_must_be_replaced(roles, adb, text):
    # given a head office saved as a code no country has (through the admin, say)
    Organisation.objects.filter(pk=adb.pk).update(headquarters_country="XK")
    session = roles.session("partner_adb")
    # then the form shows it as saved rather than emptied, and saving it asks for a country
    assert chosen(session.get(EDIT)) == ["XK"]
    adb.refresh_from_db()
    response = session.post(EDIT, form_of(adb))
    assert response.status_code == 422
    assert "XK is not one" in text(response)


@pytest.mark.parametrize(
    ("prefix", "name"), [("", "Japan"), ("/vi", JAPAN_IN_VIETNAMESE), ("/th", "ญี่ปุ่น")]
)
def test_the_profile_names_the_head_office_in_the_readers_language(roles, adb, text, prefix, name):
    Organisation.objects.filter(pk=adb.pk).update(headquarters_country="jp")
    page = text(roles.session("anonymous").get(f"{prefix}/organisations/{ADB_SLUG}/"))
    assert name in page
    assert not {"jp", "JP"} & set(page.split())  # never the bare code
