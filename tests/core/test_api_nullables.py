"""What the OpenAPI says about null is what the API does: a field documented nullable accepts
null (it clears the value), a field that cannot be cleared is not documented nullable and
null is refused with 422 — never a 500. Dates are ISO strings, never integers."""

import pytest

from config.api import api
from tests import factories
from tests.roles import SECRETARIAT

pytest_plugins = ["tests.roles"]


def _schema():
    return api.get_openapi_schema()


def _body_schema(openapi: dict, path: str, method: str) -> dict:
    ref = openapi["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return openapi["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]


def _nullable(prop: dict) -> bool:
    return any(option.get("type") == "null" for option in prop.get("anyOf", []))


@pytest.fixture
def records(roles):
    """One record behind each PATCH operation, all editable by the Secretariat."""
    actor = roles.user(SECRETARIAT)
    sponsor = factories.organisation(actor, slug="null-sponsor")
    programme = factories.programme(actor, slug="null-programme", sponsor=sponsor)
    call = factories.call(actor, programme=programme)
    project = factories.project(actor)
    plan = factories.plan(actor)
    return {
        "/api/v1/projects/{project_id}": f"/api/v1/projects/{project.pk}",
        "/api/v1/action-plans/{plan_id}": f"/api/v1/action-plans/{plan.pk}",
        "/api/v1/organisations/{slug}": f"/api/v1/organisations/{sponsor.slug}",
        "/api/v1/programmes/{slug}": f"/api/v1/programmes/{programme.slug}",
        "/api/v1/programmes/{slug}/calls/{call_id}": (
            f"/api/v1/programmes/{programme.slug}/calls/{call.pk}"
        ),
    }


def _version(client, url: str) -> int:
    if "/calls/" in url:  # a call is read in its programme's list
        programme = url.split("/calls/")[0]
        calls = client.get(f"{programme}/calls").json()["items"]
        return next(c["version"] for c in calls if url.endswith(f"/calls/{c['id']}"))
    return client.get(url).json()["version"]


def test_every_patch_field_takes_null_exactly_as_documented(roles, records):
    # given the Secretariat and one record behind each PATCH operation
    client = roles.bearer(SECRETARIAT)
    openapi = _schema()
    wrong = []
    for template, url in records.items():
        props = _body_schema(openapi, template, "patch")["properties"]
        for name, prop in props.items():
            if name == "version":
                continue
            # when a field is sent as null
            body = {"version": _version(client, url), name: None}
            response = client.patch(url, body, content_type="application/json")
            # then it is accepted if documented nullable, refused (422) if not
            expected = 200 if _nullable(prop) else 422
            if response.status_code != expected:
                wrong.append(f"{template} {name}: expected {expected}, got {response.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("date", [1_704_067_200, "1704067200", 0, 20240101, "2024-13-01"])
def test_a_date_is_an_iso_string_never_a_number(roles, records, date):
    # given the Secretariat and a project
    client = roles.bearer(SECRETARIAT)
    url = records["/api/v1/projects/{project_id}"]
    # when a date field is sent as a number (or a string of one)
    body = {"version": _version(client, url), "period_end": date}
    response = client.patch(url, body, content_type="application/json")
    # then it is refused as invalid input
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "period_end"


def test_a_call_description_can_be_cleared_with_null(roles, records):
    # the example: PATCH of a call with "description": null was a 500
    client = roles.bearer(SECRETARIAT)
    url = records["/api/v1/programmes/{slug}/calls/{call_id}"]
    body = {"version": _version(client, url), "description": None}
    response = client.patch(url, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["description"] == ""
