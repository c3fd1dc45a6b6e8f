"""The menus of member states and focus areas name them in the page's language: a Thai
reader chooses "ไทย", not "Thailand" (``MemberState.label``, ``FocusArea.label``)."""

from __future__ import annotations

import ast
import html
import pathlib
import re

import pytest
from django.utils import translation

import ascn
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


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/lo/cities/phuket/edit/", "Only the Secretariat keeps the network registry."),
        ("/lo/agreements/new/", "Only the Secretariat records agreements."),
        ("/lo/cooperation/case-studies/new/", "Only the Secretariat adds case studies."),
    ],
)
def test_a_refusal_gives_its_reason_in_the_page_language(roles, path, reason):
    # given a National Representative on a Lao page she may not use
    page = roles.session("nr_th").get(path)

    # then the reason is in Lao, as the rest of the page
    assert page.status_code == 403
    with translation.override("lo"):
        lao = translation.gettext(reason)
    assert lao != reason, f"the Lao catalogue does not give {reason!r}"
    assert html.escape(lao) in page.content.decode() or lao in page.content.decode()
    assert reason not in page.content.decode()


def test_no_text_is_translated_once_for_every_request():
    # a text read with gettext when its module is imported (at the top of the module, in a
    # class's body, a decorator's arguments or a default value) stays in the language of
    # whichever request imported it: such texts are gettext_lazy, read per request
    eager_at_import = []
    for path in pathlib.Path(ascn.__file__).parent.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        names = {
            alias.asname or alias.name
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
            for alias in node.names
            if alias.name in EAGER
        }
        eager_at_import += [f"{path.name}:{line}" for line in _eager_calls(tree.body, names)]
    assert eager_at_import == []


EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def _eager_calls(statements: list[ast.stmt], names: set[str]) -> list[int]:
    """The lines of the calls of ``names`` (or ``translation.gettext``…) that run when these
    statements run: not inside a function's body or a lambda, which run later."""
    found = []
    pending: list[ast.AST] = list(statements)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            defaults = [d for d in node.args.kw_defaults if d is not None]
            pending += [*node.decorator_list, *node.args.defaults, *defaults]
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Name) and func.id in names) or (
                isinstance(func, ast.Attribute) and func.attr in EAGER
            ):
                found.append(node.lineno)
        pending += list(ast.iter_child_nodes(node))
    return found
