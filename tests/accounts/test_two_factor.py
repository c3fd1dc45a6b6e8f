"""Two-factor cannot be skipped (issue 15, item 1): every way in obeys one rule.

The ways in: the pages (a session), the API with a session, token creation (the API and the
tokens page) and token use. ``accounts.two_factor.needs_second_factor`` decides for all.
"""

from __future__ import annotations

import axes.utils
import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from ascn.accounts.models import ApiToken, Role
from ascn.accounts.services import membership_grant, token_create
from ascn.accounts.two_factor import needs_second_factor
from ascn.core.errors import PermissionDenied
from tests.roles import Redirect, sign_in, totp_code, totp_device

pytest_plugins = ["tests.roles"]

PASSWORD = "monsoon-lantern-frigate-48"
TOKEN_URL = "/api/v1/auth/token"
AUDIT_API = "/api/v1/audit"
SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"


@pytest.fixture(autouse=True)
def _no_lockouts_left_over(db, settings):
    # a cheap hash: what is tested is the two-factor rule, not password storage
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    axes.utils.reset()
    yield
    axes.utils.reset()


@pytest.fixture
def secretariat(roles):
    """The Secretariat with a password and no authenticator yet."""
    user = roles.user("secretariat")
    TOTPDevice.objects.filter(user=user).delete()  # django-otp owns devices: no service of ours
    roles.set_password("secretariat", PASSWORD)
    return user


def ask_token(client: Client | None = None, **payload):
    return (client or Client()).post(TOKEN_URL, payload, content_type="application/json")


def bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


# --- token creation through the API ------------------------------------------------------


def test_the_secretariat_without_an_authenticator_gets_no_token_with_the_password_alone(
    secretariat,
):
    # when the Secretariat, with no authenticator, asks for a token with the right password
    response = ask_token(email=secretariat.email, password=PASSWORD)
    # then there is no token, and the answer says to set up two-factor first
    assert response.status_code == 403
    assert "/accounts/two-factor/setup/" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=secretariat).exists()


def test_the_secretariat_with_an_authenticator_needs_its_code_for_a_token(secretariat):
    device = totp_device(secretariat)
    # without the code: no token
    assert ask_token(email=secretariat.email, password=PASSWORD).status_code == 401
    assert not ApiToken.objects.filter(user=secretariat).exists()
    # with it: a token that reads the audit trail
    response = ask_token(email=secretariat.email, password=PASSWORD, otp_code=totp_code(device))
    assert response.status_code == 201
    assert ApiToken.objects.get(user=secretariat).two_factor
    assert bearer(response.json()["token"]).get(AUDIT_API).status_code == 200


def test_a_member_without_two_factor_still_gets_a_token_with_the_password(roles):
    roles.set_password("cso_phuket", PASSWORD)
    response = ask_token(email=roles.user("cso_phuket").email, password=PASSWORD)
    assert response.status_code == 201
    assert bearer(response.json()["token"]).get("/api/v1/me").status_code == 200


# --- token use -----------------------------------------------------------------------------


def test_a_token_made_without_a_code_reads_nothing_once_its_owner_joins_the_secretariat(roles):
    # given a CSCO's token made with the password alone
    user = roles.user("cso_phuket")
    _, secret = token_create(actor=user, name="laptop")
    assert bearer(secret).get("/api/v1/me").status_code == 200
    # when the CSCO joins the Secretariat (with an authenticator: it is not the missing device)
    membership_grant(actor=None, user=user, role=Role.SECRETARIAT)
    totp_device(user)
    # then that token opens nothing, the audit trail included, and says why
    for path in (AUDIT_API, "/api/v1/me"):
        refused = bearer(secret).get(path)
        assert refused.status_code == 403, path
        assert "otp_code" in refused.json()["detail"]


def test_a_token_made_without_a_code_stops_when_its_owner_turns_two_factor_on(roles):
    user = roles.user("nr_th")
    _, secret = token_create(actor=user)
    totp_device(user)
    assert bearer(secret).get("/api/v1/me").status_code == 403


def test_the_service_refuses_an_unverified_token_to_the_secretariat(secretariat):
    with pytest.raises(PermissionDenied):
        token_create(actor=secretariat)
    totp_device(secretariat)
    with pytest.raises(PermissionDenied):
        token_create(actor=secretariat)
    token, _ = token_create(actor=secretariat, two_factor=True)
    assert token.two_factor


# --- the API with a session ----------------------------------------------------------------


def test_a_session_that_owes_a_code_reads_no_api(roles):
    device = roles["secretariat"].device
    unverified = sign_in(Client(), roles.user("secretariat"))
    assert unverified.get(AUDIT_API).status_code == 403
    verified = sign_in(Client(), roles.user("secretariat"), device)
    assert verified.get(AUDIT_API).status_code == 200


# --- the pages -----------------------------------------------------------------------------


def test_signing_in_goes_straight_to_the_second_factor(secretariat, client):
    # without an authenticator: to the set-up page, coming back afterwards
    response = client.post(
        "/accounts/sign-in/", {"username": secretariat.email, "password": PASSWORD, "next": "/x/"}
    )
    assert Redirect(f"{SETUP}?next=/x/").matches(response)
    # with one: to the code page
    totp_device(secretariat)
    again = Client().post(
        "/accounts/sign-in/", {"username": secretariat.email, "password": PASSWORD}
    )
    assert Redirect(f"{VERIFY}?next=/").matches(again)


@pytest.mark.parametrize("language", ["th", "vi"])
def test_signing_in_on_a_translated_page_reaches_the_code_page_and_the_workspace(
    secretariat, client, language
):
    """The two-factor pages are open in every language: on a Thai page the Secretariat was
    sent from /th/accounts/two-factor/verify/ to itself until the browser gave up."""
    device = totp_device(secretariat)
    response = client.post(
        f"/{language}/accounts/sign-in/",
        {"username": secretariat.email, "password": PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert len(response.redirect_chain) <= 2, response.redirect_chain
    assert response.request["PATH_INFO"] == f"/{language}{VERIFY}"
    assert 'name="code"' in response.content.decode()
    # the right code opens the workspace, still in the reader's language
    done = client.post(
        f"/{language}{VERIFY}", {"code": totp_code(device), "next": f"/{language}/workspace/"}
    )
    assert done.status_code == 302 and done["Location"] == f"/{language}/workspace/"
    assert client.get(f"/{language}/workspace/").status_code == 200
    # and signing out works from a translated page too
    out = client.post(f"/{language}/accounts/sign-out/")
    assert out.status_code == 302 and "two-factor" not in out["Location"]


def test_a_token_made_on_the_tokens_page_carries_the_sessions_verification(roles):
    # given the Secretariat's verified session
    client = roles.session("secretariat")
    # when they create a token on the tokens page
    page = client.post("/accounts/tokens/", {"name": "reports", "days": 30})
    assert page.status_code == 200
    token = ApiToken.objects.get(user=roles.user("secretariat"), name="reports")
    # then it is verified and reads the audit trail
    assert token.two_factor
    secret = page.context["secret"]
    assert bearer(secret).get(AUDIT_API).status_code == 200


def test_the_rule_is_one_function(roles, secretariat, settings):
    member = roles.user("cso_hanoi")
    assert not needs_second_factor(member, verified=False)
    assert needs_second_factor(secretariat, verified=False)
    assert not needs_second_factor(secretariat, verified=True)
    settings.ASCN_SECRETARIAT_REQUIRES_2FA = False
    assert not needs_second_factor(secretariat, verified=False)
    totp_device(member)
    assert needs_second_factor(member, verified=False)
