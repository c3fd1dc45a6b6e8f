"""What a signed-in person sees is kept by no shared cache; no page may use device features."""

import pytest

from tests.roles import CSO_PHUKET, SECRETARIAT

pytest_plugins = ["tests.roles"]


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize(
    "path", ["/", "/projects/", "/api/v1/projects", "/api/v1/cities/phuket", "/workspace/"]
)
def test_answers_to_a_signed_in_session_are_private_and_not_stored(roles, path):
    response = roles.session(CSO_PHUKET).get(path)
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)
    assert "public" not in cache_control(response)


def test_answers_to_an_api_token_are_private_and_not_stored(roles):
    response = roles.bearer(SECRETARIAT).get("/api/v1/audit")
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


def test_public_answers_to_the_public_stay_cacheable(client, network):
    response = client.get("/api/v1/cities/phuket")
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)


@pytest.mark.parametrize("path", ["/", "/api/v1/health", "/accounts/login/"])
def test_every_answer_forbids_device_features(client, db, path):
    policy = client.get(path)["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
