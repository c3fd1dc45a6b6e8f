"""Lockout cannot be turned against a victim (issue 15, item 2).

An attacker's failed sign-ins lock the attacker's address out (django-axes, per address);
against one account they only take away the password-alone sign-in, which the owner's
password plus second factor still passes, and which the e-mailed reset link lifts. Both on
the sign-in page and on the token API. The client address behind proxies follows
``TRUSTED_PROXY_COUNT``.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory

from ascn.accounts.services import user_create
from ascn.core.client import client_address
from tests.roles import Redirect, totp_code, totp_device

pytestmark = pytest.mark.usefixtures("signing_in")

PASSWORD = "banyan-ferry-monsoon-62"
ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"
SIGN_IN = "/accounts/sign-in/"
TOKEN_URL = "/api/v1/auth/token"


@pytest.fixture
def owner(network):
    return user_create(actor=None, email="anong@ministry.example", password=PASSWORD)


def page_sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(SIGN_IN, {"username": email, "password": password})


def token(client: Client, email: str, password: str = PASSWORD, **extra):
    payload = {"email": email, "password": password, **extra}
    return client.post(TOKEN_URL, payload, content_type="application/json")


def attack(email: str, times: int = 10, **client_kwargs) -> Client:
    """``times`` wrong passwords for ``email`` from the attacker's address, half on the page
    and half on the API; returns the attacker's client."""
    client_kwargs.setdefault("REMOTE_ADDR", ATTACKER)
    attacker = Client(**client_kwargs)
    for n in range(times):
        if n % 2:
            token(attacker, email, "guess-again")
        else:
            page_sign_in(attacker, email, "guess-again")
    return attacker


def signed_in(client: Client) -> bool:
    return client.get("/api/v1/me").status_code == 200


# --- the owner with two-factor is never locked out --------------------------------------


def test_an_attack_from_elsewhere_does_not_stop_the_owner_with_two_factor(owner):
    device = totp_device(owner)
    attacker = attack(owner.email)
    # the attacker's address is blocked, even with the right password
    assert page_sign_in(attacker, owner.email).status_code == 429
    assert token(attacker, owner.email, otp_code=totp_code(device)).status_code == 429
    # the owner signs in on the page: password, then the code
    browser = Client(REMOTE_ADDR=OWNER)
    assert Redirect("/accounts/two-factor/verify/").matches(page_sign_in(browser, owner.email))
    browser.post("/accounts/two-factor/verify/", {"code": totp_code(device)})
    assert signed_in(browser)
    # and gets a token with password and code
    script = Client(REMOTE_ADDR=OWNER)
    assert token(script, owner.email, otp_code=totp_code(device, steps_ahead=1)).status_code == 201


# --- the owner without two-factor: the password alone is held back, not the account --------


def test_below_the_account_limit_the_owner_signs_in_with_the_password(owner):
    attack(owner.email, times=4)
    assert Redirect("/").matches(page_sign_in(Client(REMOTE_ADDR=OWNER), owner.email))
    assert token(Client(REMOTE_ADDR=OWNER), owner.email).status_code == 201


def test_an_attacked_account_without_two_factor_is_reopened_by_the_emailed_link(
    owner, mailoutbox, text
):
    attack(owner.email)
    browser = Client(REMOTE_ADDR=OWNER)
    # the password alone is held back, with what to do (not a lockout of the owner's address)
    held = page_sign_in(browser, owner.email)
    assert held.status_code == 200
    assert "Reset your password" in text(held)
    api = token(Client(REMOTE_ADDR=OWNER), owner.email)
    assert api.status_code == 429
    assert "Reset your password" in api.json()["detail"]
    # the owner resets the password from their address: the e-mailed link lifts it
    browser.post("/accounts/password/reset/", {"email": owner.email})
    link = re.search(r"(/accounts/password/reset/\S+/\S+/)", mailoutbox[0].body).group(1)
    form = browser.get(link, follow=True)
    new = "cashew-lighthouse-terrace-55"
    browser.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert Redirect("/").matches(page_sign_in(browser, owner.email, new))
    assert token(Client(REMOTE_ADDR=OWNER), owner.email, new).status_code == 201


def test_a_right_password_from_an_attacked_account_without_two_factor_reveals_nothing(owner):
    # while the account is guarded, the right and a wrong password get the same answer
    attack(owner.email, times=6)
    right = token(Client(REMOTE_ADDR="192.0.2.50"), owner.email)
    wrong = token(Client(REMOTE_ADDR="192.0.2.51"), owner.email, "guess-again")
    assert right.status_code == wrong.status_code == 429
    assert right.json() == wrong.json()


# --- the attacker's own address ------------------------------------------------------------


def test_signing_in_to_ones_own_account_does_not_reset_the_addresss_count(owner, network):
    user_create(actor=None, email="mallory@example.org", password=PASSWORD)
    attacker = attack(owner.email, times=9)
    # a success on the attacker's own account
    assert token(attacker, "mallory@example.org").status_code == 201
    # does not buy more guesses
    assert token(attacker, owner.email, "guess-again").status_code == 429


# --- behind proxies: the address is the one the trusted proxy saw ---------------------------


def test_behind_a_trusted_proxy_the_attacker_and_the_owner_are_told_apart(owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    totp_device(owner)
    proxy = "10.0.0.1"
    # the attacker, behind our proxy, pretends in X-Forwarded-For to be the owner
    attack(owner.email, REMOTE_ADDR=proxy, headers={"X-Forwarded-For": f"{OWNER}, {ATTACKER}"})
    attacker = Client(REMOTE_ADDR=proxy, headers={"X-Forwarded-For": ATTACKER})
    assert page_sign_in(attacker, owner.email).status_code == 429
    # the owner, behind the same proxy, is not locked out
    browser = Client(REMOTE_ADDR=proxy, headers={"X-Forwarded-For": OWNER})
    assert Redirect("/accounts/two-factor/verify/").matches(page_sign_in(browser, owner.email))


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy trusted: the header is anyone's
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client's own entry is ignored
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (2, "198.51.100.7", "10.0.0.1"),  # shorter than the proxies: the proxy's address
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_address(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    meta = {"REMOTE_ADDR": "10.0.0.1"}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(RequestFactory().get("/", **meta)) == expected
