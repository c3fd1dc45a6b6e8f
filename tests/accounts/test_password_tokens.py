"""Tokens end with the password, and an invitation to an existing account is accepted signed in
(issue 15, item 4).

A password change, a reset (and the Secretariat setting one in the admin) revoke the person's
API tokens in the same service call as the audit entry of the new password
(``services.password_changed``), and the page says how many ended.
"""

from __future__ import annotations

import getpass
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from ascn.accounts.models import ApiToken, Membership, Role
from ascn.accounts.services import (
    invitation_create,
    password_changed,
    token_create,
    token_revoke,
    user_create,
)
from ascn.core.errors import PermissionDenied
from tests.roles import AuditMark, Redirect, sign_in

pytestmark = pytest.mark.usefixtures("signing_in")

pytest_plugins = ["tests.roles"]

OLD = "banyan-ferry-monsoon-62"
NEW = "cashew-lighthouse-terrace-55"


@pytest.fixture
def officer(network):
    return user_create(actor=None, email="anong@ministry.example", password=OLD)


def works(secret: str) -> bool:
    return (
        Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/me").status_code == 200
    )


def tokens_of(user, n: int) -> list[str]:
    return [token_create(actor=user, name=f"script {i}")[1] for i in range(n)]


# --- the service ---------------------------------------------------------------------------


def test_a_new_password_revokes_the_tokens_in_the_same_audited_call(officer, roles):
    # given two working tokens and one revoked earlier
    secrets = tokens_of(officer, 2)
    old, _ = token_create(actor=officer, name="old")
    token_revoke(actor=officer, token=old)
    someone_elses = tokens_of(roles.user("cso_hanoi"), 1)[0]
    mark = AuditMark()
    # when the password changes
    revoked = password_changed(actor=officer, user=officer, action="accounts.password.changed")
    # then both working tokens are revoked, each audited, and the change says how many
    assert revoked == 2
    assert not any(works(secret) for secret in secrets)
    assert mark.actions() == [
        "accounts.token.revoked",
        "accounts.token.revoked",
        "accounts.password.changed",
    ]
    assert mark.entries()[-1].changes == {"api_tokens_revoked": {"before": None, "after": 2}}
    # and nobody else's token is touched
    assert works(someone_elses)


def test_nobody_but_the_secretariat_records_someone_elses_password(officer, roles):
    secret = tokens_of(officer, 1)[0]
    with pytest.raises(PermissionDenied):
        password_changed(
            actor=roles.user("cso_hanoi"), user=officer, action="accounts.password.set"
        )
    assert works(secret)


# --- the pages -----------------------------------------------------------------------------


def test_changing_the_password_ends_the_tokens_and_the_page_says_so(officer, text):
    secrets = tokens_of(officer, 2)
    client = sign_in(Client(), officer)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/accounts/password/change/done/"
    assert "Your 2 API tokens were revoked" in text(response)
    assert not any(works(secret) for secret in secrets)
    assert ApiToken.objects.filter(user=officer, revoked_at__isnull=True).count() == 0


def test_a_password_reset_ends_the_tokens_and_the_page_says_so(officer, mailoutbox, text):
    secret = tokens_of(officer, 1)[0]
    client = Client()
    client.post("/accounts/password/reset/", {"email": officer.email})
    link = re.search(r"(/accounts/password/reset/\S+/\S+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert done.redirect_chain[-1][0] == "/accounts/password/reset/complete/"
    assert "Your 1 API token was revoked" in text(done)
    assert not works(secret)


def test_a_password_set_in_the_admin_ends_the_tokens(officer, roles):
    secret = tokens_of(officer, 1)[0]
    admin = roles.session("secretariat")
    response = admin.post(
        f"/admin/accounts/user/{officer.pk}/password/",
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content[:2000]
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    assert not works(secret)


def test_a_password_set_outside_the_services_ends_the_tokens_too(officer, monkeypatch):
    # manage.py changepassword (and a shell) call set_password and save, no service: the
    # token remembers the password it was created under and stops working all the same.
    secret, other = tokens_of(officer, 2)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": NEW)  # the terminal's prompts
    call_command("changepassword", officer.email, stdout=io.StringIO())
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    assert not works(secret) and not works(other)
    # a token created under the new password works
    assert works(tokens_of(officer, 1)[0])


def test_a_wrong_old_password_changes_nothing_and_keeps_the_tokens(officer):
    secret = tokens_of(officer, 1)[0]
    client = sign_in(Client(), officer)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "not-it", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    assert works(secret)


# --- an invitation to an existing account --------------------------------------------------


@pytest.fixture
def link_for_hanoi(roles, adb, django_capture_on_commit_callbacks, mailoutbox):
    """The Secretariat invites the CSCO of Hanoi (who has an account) into the ADB."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            actor=roles.user("secretariat"),
            email=roles.user("cso_hanoi").email,
            role=Role.PARTNER_MEMBER,
            scope=adb,
        )
    assert "sign in" in mailoutbox[0].body
    return re.search(r"(/accounts/invitations/[^/\s]+/)", mailoutbox[0].body).group(1)


def holds_adb(roles) -> bool:
    return Membership.objects.filter(
        user=roles.user("cso_hanoi"), role=Role.PARTNER_MEMBER
    ).exists()


def test_an_existing_account_is_asked_to_sign_in_to_accept(roles, link_for_hanoi, text):
    client = Client()
    page = client.get(link_for_hanoi)
    assert page.status_code == 200
    assert "Sign in to accept" in text(page)
    assert f"/accounts/sign-in/?next={link_for_hanoi}" in page.content.decode().replace("%2F", "/")
    # a bare POST of the link adds nothing
    client.post(link_for_hanoi)
    assert not holds_adb(roles)
    # signed in as that account, the same link adds the role
    signed_in = roles.session("cso_hanoi")
    assert "Accept the invitation" in text(signed_in.get(link_for_hanoi))
    assert Redirect("/workspace/").matches(signed_in.post(link_for_hanoi))
    assert holds_adb(roles)


def test_another_account_signed_in_is_told_whose_invitation_it_is(roles, link_for_hanoi, text):
    other = roles.session("cso_phuket")
    page = other.get(link_for_hanoi)
    assert "you are signed in with another one" in text(page)
    other.post(link_for_hanoi)
    assert not holds_adb(roles)
    assert not Membership.objects.filter(
        user=roles.user("cso_phuket"), role=Role.PARTNER_MEMBER
    ).exists()
