"""What every page shares: a service's refusal that a view leaves alone becomes the page it
means (never a 500), and a higher app's section shows on a lower app's page."""

from __future__ import annotations

import html
import re

import pytest
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory

from ascn.core import sections
from ascn.core.errors import (
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StaleEdit,
    refuse_all,
)
from ascn.core.middleware import DomainErrorMiddleware
from ascn.plans.models import Project

REFUSALS = [
    (NotFound("Project not found."), 404),
    (PermissionDenied("Only the city's CSCOs edit this project."), 403),
    (StaleEdit(Project(version=3), 2), 409),
    (IllegalTransition("This plan is already endorsed."), 409),
    (InvalidInput("At most 200 characters.", field="title"), 422),
]


def _page(exc: Exception):
    request = RequestFactory().get("/somewhere/")

    def view(request):
        raise exc

    middleware = DomainErrorMiddleware(lambda request: HttpResponse())
    try:
        response = view(request)
    except Exception as raised:
        return middleware.process_exception(request, raised)
    return response


@pytest.mark.django_db
@pytest.mark.parametrize(("refusal", "status"), REFUSALS, ids=lambda v: type(v).__name__)
def test_a_refusal_a_view_leaves_alone_is_the_page_it_means(refusal, status):
    if status == 404:
        # a 404 is Django's own page (the same for a missing and a hidden record)
        with pytest.raises(Http404):
            _page(refusal)
        return
    response = _page(refusal)
    assert response.status_code == status
    assert refusal.message in html.unescape(response.content.decode())


@pytest.mark.django_db
def test_a_refusal_page_lists_every_problem_the_service_found():
    # given a service that found two broken rules at once
    problems = [
        InvalidInput("Give a year for the population.", field="population_year"),
        InvalidInput("Name the population's source.", field="population_source"),
    ]
    with pytest.raises(InvalidInput) as raised:
        refuse_all(problems)
    # when a page leaves the refusal to the middleware
    response = _page(raised.value)
    # then the page names both, each as an item, not only the first
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    for problem in problems:
        assert f"<li>{problem.message}</li>" in page


def test_an_error_that_is_not_a_refusal_is_left_to_django():
    middleware = DomainErrorMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, ValueError("a bug")) is None


@pytest.mark.django_db  # the main slot holds other apps' sections, which read the database
def test_a_section_shows_on_its_models_pages_in_its_slot_when_it_has_something():
    # given a section registered for projects, with something to show for project 1 only
    section = sections.Section(
        "components/refused.html",
        lambda request, project: (
            {"message": f"Deal on {project.pk}", "status": 409} if project.pk == 1 else None
        ),
        slot="test-slot",
    )
    sections.register("plans.project", section)
    try:
        request = RequestFactory().get("/")
        request.user = type("Anonymous", (), {"is_authenticated": False})()
        template = Template('{% load sections %}{% sections project "test-slot" %}')

        def render(pk: int, slot: str = "test-slot") -> str:
            t = (
                template
                if slot == "test-slot"
                else Template("{% load sections %}{% sections project %}")
            )
            return t.render(Context({"request": request, "project": Project(pk=pk)}))

        # then it shows on project 1's page, in its slot only, and not on project 2's
        assert "Deal on 1" in render(1)
        assert "Deal on 1" not in render(1, slot="main")
        assert "Deal on" not in render(2)
    finally:
        sections._sections["plans.project"].remove(section)


@pytest.mark.parametrize(
    ("page", "ends", "links"),
    [
        ("1", True, ["Older", "Oldest"]),
        ("2", True, ["Newest", "Newer", "Older", "Oldest"]),
        ("3", True, ["Newest", "Newer"]),
        ("2", False, ["Newer", "Older"]),
    ],
)
def test_a_newest_first_list_pages_newer_and_older_and_with_ends_the_first_and_last(
    page, ends, links
):
    # given a list of 5 rows, 2 a page (the audit trail with ends, the invitations without)
    request = RequestFactory().get("/list/", {"page": page, "actor": "ana"})
    page_obj = Paginator(range(5), 2).get_page(page)
    # when its pages are drawn
    drawn = render_to_string(
        "components/pagination_newest_first.html",
        {"page_obj": page_obj, "label": "Pages of the list", "ends": ends},
        request=request,
    )
    # then each link keeps the filters and leads where its name says
    shown = re.findall(r'<a href="\?page=(\d)&amp;actor=ana"[^>]*>(\w+)</a>', drawn)
    assert [name for _page, name in shown] == links
    where = {"Newest": "1", "Newer": str(int(page) - 1), "Older": str(int(page) + 1)}
    assert all(target == where.get(name, "3") for target, name in shown)
    assert f"Page {page} of 3" in drawn
    assert 'aria-label="Pages of the list"' in drawn


def test_a_newest_first_list_of_one_page_draws_no_pages():
    page_obj = Paginator(range(2), 2).get_page("1")
    drawn = render_to_string(
        "components/pagination_newest_first.html",
        {"page_obj": page_obj, "label": "x"},
        request=RequestFactory().get("/list/"),
    )
    assert "<nav" not in drawn
