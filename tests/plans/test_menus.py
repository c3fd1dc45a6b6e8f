"""The long menus of the project forms: the currencies a city budgets in first, no funds,
metals, test or historic codes; the ~100 OC4IDS document types grouped, each offered once."""

from __future__ import annotations

import re

from ascn.plans import codelists
from ascn.plans.forms.choices import currency_choices
from tests import factories

pytest_plugins = ["tests.roles"]


def optgroups(html: str, name: str) -> list[tuple[str, list[str]]]:
    """The ``<optgroup>`` labels of the ``<select name=…>`` and the option values in each."""
    menu = re.search(rf'<select name="{name}".*?</select>', html, flags=re.S)
    assert menu, f"no {name} menu"
    return [
        (label, re.findall(r'<option value="([^"]+)"', body))
        for label, body in re.findall(
            r'<optgroup label="([^"]*)">(.*?)</optgroup>', menu.group(0), flags=re.S
        )
    ]


def test_the_currency_menu_offers_asean_and_partner_currencies_first(roles):
    # when
    html = roles.session("cso_phuket").get("/projects/new/").content.decode()

    # then
    groups = optgroups(html, "budget_currency")
    assert [label for label, _codes in groups] == [
        "ASEAN and partner currencies",
        "Other currencies",
    ]
    first, others = groups[0][1], groups[1][1]
    assert first[:10] == ["BND", "KHR", "IDR", "LAK", "MYR", "MMK", "PHP", "SGD", "THB", "VND"]
    assert {"USD", "EUR", "JPY", "CNY", "KRW", "AUD"} <= set(first)
    assert {"CHF", "INR", "XOF", "ZAR"} <= set(others)
    assert not set(first) & set(others)


NOT_OFFERED = {
    "XAU": "gold",
    "XAG": "silver",
    "XTS": "test code",
    "XXX": "no currency",
    "USN": "fund",
    "CLF": "fund",
    "XDR": "unit of account",
    "XBA": "bond-market unit",
    "ATS": "historic: Austrian schilling",
    "DEM": "historic: Deutsche Mark",
    "VNC": "historic: old dong",
    "ZWD": "historic: Zimbabwe dollar",
}


def test_the_currency_menu_leaves_out_what_no_budget_is_kept_in(roles):
    html = roles.session("cso_phuket").get("/projects/new/").content.decode()

    offered = {c for _label, codes in optgroups(html, "budget_currency") for c in codes}
    assert {code: kind for code, kind in NOT_OFFERED.items() if code in offered} == {}
    assert len(offered) < 170  # of the codelist's 302


def test_the_currency_menu_names_currencies_in_the_pages_language(roles):
    # the codes stay; the names are the reader's (they were the codelist's English)
    html = roles.session("cso_hanoi").get("/vi/projects/new/").content.decode()
    assert ">VND — Đồng Việt Nam<" in html and ">THB — Bạt Thái Lan<" in html
    english = roles.session("cso_hanoi").get("/projects/new/").content.decode()
    assert ">THB — Thai Baht<" in english


def test_a_project_in_a_historic_currency_keeps_it_on_its_edit_form():
    # given: a record imported with a code no longer in use
    choices = currency_choices("ATS")

    # then: it is still offered (the form can be saved unchanged), after the others
    assert choices[1][1][-1] == ("ATS", "ATS — Austrian Schilling")
    assert all(code != "ATS" for code, _title in choices[1][1][:-1])
    assert "ATS" not in {c for c, _t in currency_choices()[1][1]}


def test_the_document_types_are_grouped_and_each_offered_once(roles):
    # given
    project = factories.project(roles.user("cso_phuket"))

    # when
    html = roles.session("cso_phuket").get(f"/projects/{project.pk}/documents/").content.decode()

    # then
    groups = optgroups(html, "document_type")
    assert [label for label, _codes in groups] == [
        "Common",
        "Identification and preparation",
        "Environment, society and climate",
        "Budget and finance",
        "Procurement",
        "Contract",
        "Implementation and monitoring",
        "Completion and evaluation",
        "Consultation and transparency",
    ]
    offered = [code for _label, codes in groups for code in codes]
    assert sorted(offered) == sorted(codelists.codelist(codelists.DOCUMENT_TYPE))
    assert len(offered) == len(set(offered))
    assert groups[0][1][0] == "feasibilityStudy"
    assert "tenderNotice" in dict(groups)["Procurement"]
    assert "resettlementPlan" in dict(groups)["Environment, society and climate"]
