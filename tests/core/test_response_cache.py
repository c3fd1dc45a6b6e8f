"""Anonymous project lists come from the shared response cache, never stale after a write."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from ascn.core import cache as response_cache
from ascn.core.services import back_office_delete
from ascn.plans.models import Project
from ascn.plans.services import project_update
from tests import factories

pytest_plugins = ["tests.roles"]

LIST = "/api/v1/projects?status=implementation&page_size=50"


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.RESPONSE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public_project(roles) -> Project:
    return factories.project(
        roles.user("secretariat"),
        title="Beach safety cameras",
        status="implementation",
        visibility="public",
    )


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def test_a_repeated_anonymous_list_is_served_without_touching_the_database(
    public_project, django_assert_num_queries
):
    # given the public read the list once
    first = Client().get(LIST)
    assert titles(first) == ["Beach safety cameras"]
    # when they read it again
    with django_assert_num_queries(0):
        again = Client().get(LIST)
    # then the same answer comes from the cache, without a query
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


def test_an_edit_shows_in_the_next_anonymous_list(roles, public_project):
    # given the list cached
    assert titles(Client().get(LIST)) == ["Beach safety cameras"]
    # when the project is renamed
    project_update(
        actor=roles.user("secretariat"),
        project=public_project,
        version=public_project.version,
        title="Beach safety cameras, phase 2",
    )

    # then the next anonymous list has the new title
    assert titles(Client().get(LIST)) == ["Beach safety cameras, phase 2"]


def test_a_new_public_project_and_a_withdrawn_one_show_at_once(roles, public_project):
    secretariat = roles.user("secretariat")
    assert titles(Client().get(LIST)) == ["Beach safety cameras"]

    other = factories.project(
        secretariat, title="Flood gates", status="implementation", visibility="public"
    )
    assert sorted(titles(Client().get(LIST))) == ["Beach safety cameras", "Flood gates"]

    project_update(actor=secretariat, project=other, version=other.version, visibility="draft")
    assert titles(Client().get(LIST)) == ["Beach safety cameras"]


@pytest.mark.django_db(transaction=True)
def test_an_answer_stored_while_a_write_was_in_flight_is_not_served_after_its_commit(
    roles, public_project
):
    secretariat = roles.user("secretariat")
    with transaction.atomic():  # committed for real at the end of the block
        project_update(
            actor=secretariat,
            project=public_project,
            version=public_project.version,
            title="Renamed",
        )
        # another worker, still reading the data before this commit, stores its answer
        stale = b'{"items": [{"title": "Beach safety cameras"}], "count": 1}'
        request = Client().get(LIST).wsgi_request
        cache.set(
            response_cache._key(request, response_cache.data_version()),
            (stale, "application/json"),
            60,
        )

    assert titles(Client().get(LIST)) == ["Renamed"]


def test_signed_in_users_are_never_served_an_anonymous_answer(roles, public_project):
    secretariat = roles.user("secretariat")
    draft = factories.project(secretariat, title="Draft only", status="implementation")
    assert titles(Client().get(LIST)) == ["Beach safety cameras"]

    signed_in = titles(roles.bearer("secretariat").get(LIST))

    assert sorted(signed_in) == ["Beach safety cameras", draft.title]
    assert titles(Client().get(LIST)) == ["Beach safety cameras"]


def test_an_invalid_query_is_not_cached(public_project):
    assert Client().get("/api/v1/projects?status=nonsense").status_code == 422
    assert Client().get("/api/v1/projects?status=nonsense").status_code == 422
    assert titles(Client().get(LIST)) == ["Beach safety cameras"]


def test_a_deleted_project_leaves_the_next_anonymous_list(roles, public_project):
    # given the list cached, and the project with parts that go with it by cascade
    secretariat = roles.user("secretariat")
    factories.milestones(secretariat, project=public_project, count=2)
    assert titles(Client().get(LIST)) == ["Beach safety cameras"]

    # when the Secretariat deletes it in the back office
    back_office_delete(actor=secretariat, obj=public_project)

    # then the next anonymous list no longer has it
    assert titles(Client().get(LIST)) == []
