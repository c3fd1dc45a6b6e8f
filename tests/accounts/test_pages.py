"""Account pages (SPEC C2; issue 3 items 3, 4 and 7): sign-in, two-factor, lockout, password
reset, invitations, API tokens, and the demo accounts."""

from __future__ import annotations

import io
import re

import axes.utils
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from ascn.accounts.models import ApiToken, Invitation, Membership, Role, User
from ascn.accounts.services import hash_secret, invitation_create, membership_grant, user_create
from ascn.core.permissions import scopes_of
from ascn.network.models import City
from config import settings as production_settings
from tests.roles import (
    AuditMark,
    Redirect,
    totp_code,
    totp_device,
    wrong_code,
)

pytest_plugins = ["tests.roles"]

SIGN_IN = "/accounts/sign-in/"
PASSWORD = "banyan-ferry-monsoon-62"
SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"


@pytest.fixture(autouse=True)
def _no_lockouts_left_over(db):
    axes.utils.reset()
    yield
    axes.utils.reset()


@pytest.fixture
def quick_hashing(settings):
    """A cheap hash for tests that sign in many times (what is tested is not the hash)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client: Client, email: str, password: str = PASSWORD, next_url: str = ""):
    data = {"username": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(SIGN_IN, data)


def signed_in_user(client: Client):
    return client.get("/api/v1/me")  # 200 with the user's e-mail when the session is signed in


# --- sign-in -----------------------------------------------------------------------------


def test_a_member_signs_in_with_email_and_password_and_out_again(network, client, text, settings):
    # given a member with an argon2-hashed password, as in production
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    user = user_create(actor=None, email="anong@ministry.example", password=PASSWORD)
    assert user.password.startswith("argon2")
    # when they sign in with their e-mail address, in any case
    response = sign_in(client, "Anong@Ministry.example", next_url="/cities/")
    # then they are signed in and taken where they were going
    assert Redirect("/cities/").matches(response)
    assert signed_in_user(client).json()["email"] == "anong@ministry.example"
    assert "anong@ministry.example" in text(client.get("/cities/"))
    # when they sign out, they are signed out
    assert client.post("/accounts/sign-out/").status_code == 302
    assert signed_in_user(client).status_code == 401


def test_a_wrong_password_shows_an_error_and_signs_nobody_in(network, client, quick_hashing, text):
    user_create(actor=None, email="anong@ministry.example", password=PASSWORD)
    response = sign_in(client, "anong@ministry.example", "not-the-password")
    assert response.status_code == 200
    assert "There is a problem" in text(response)
    assert signed_in_user(client).status_code == 401


def test_the_sign_in_page_never_sends_people_to_another_site(network, client, quick_hashing):
    user_create(actor=None, email="anong@ministry.example", password=PASSWORD)
    response = sign_in(client, "anong@ministry.example", next_url="https://evil.example/")
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


def test_the_usual_sign_in_address_leads_to_the_sign_in_page(network, client):
    # a person who types /accounts/login/ (most sites' address), with where to go after
    response = client.get("/accounts/login/?next=/workspace/")
    assert response.status_code == 301
    assert response["Location"] == "/accounts/sign-in/?next=/workspace/"
    assert client.get("/th/accounts/login/")["Location"] == "/th/accounts/sign-in/"


# --- two-factor --------------------------------------------------------------------------


@pytest.fixture
def secretariat(roles, quick_hashing):
    """The Secretariat with a password and without a device yet."""
    user = roles.user("secretariat")
    TOTPDevice.objects.filter(user=user).delete()  # django-otp owns devices: no service of ours
    roles.set_password("secretariat", PASSWORD)
    return user


def test_the_secretariat_must_set_up_two_factor_before_reaching_the_audit_trail(
    secretariat, client
):
    # given the Secretariat signs in with a password, with no authenticator yet
    assert sign_in(client, secretariat.email, next_url="/audit/").status_code == 302
    # when they open the audit trail
    # then they are sent to set up two-factor sign-in first
    assert Redirect(f"{SETUP}?next=/audit/").matches(client.get("/audit/"))
    assert Redirect(SETUP).matches(client.get("/"))
    setup = client.get(f"{SETUP}?next=/audit/")
    assert setup.status_code == 200
    assert b"<svg" in setup.content  # the QR code to scan
    # when they confirm the app with its current code
    device = TOTPDevice.objects.get(user=secretariat, confirmed=False)
    mark = AuditMark()
    confirmed = client.post(SETUP, {"code": totp_code(device), "next": "/audit/"})
    # then the device is on, the session verified, and the audit trail opens
    assert Redirect("/audit/").matches(confirmed)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert mark.actions() == ["accounts.two_factor.enabled"]
    assert client.get("/audit/").status_code == 200


def test_the_secretariat_with_a_device_verifies_a_code_after_signing_in(secretariat, client):
    # given the Secretariat has an authenticator
    device = totp_device(secretariat)
    # when they sign in with their password only
    sign_in(client, secretariat.email)
    # then the audit trail (and the API, by session) wait for the code
    assert Redirect(f"{VERIFY}?next=/audit/").matches(client.get("/audit/"))
    assert client.get("/api/v1/audit").status_code == 403
    assert client.get(f"{VERIFY}?next=/audit/").status_code == 200
    # when they give the right code
    verified = client.post(VERIFY, {"code": totp_code(device), "next": "/audit/"})
    # then they get through
    assert Redirect("/audit/").matches(verified)
    assert client.get("/audit/").status_code == 200
    assert client.get("/api/v1/audit").status_code == 200


def test_a_wrong_code_shows_an_error_and_keeps_the_door_shut(secretariat, client, text):
    device = totp_device(secretariat)
    sign_in(client, secretariat.email)
    response = client.post(VERIFY, {"code": wrong_code(device), "next": "/audit/"})
    assert response.status_code == 200
    assert "That code is not right" in text(response)
    assert Redirect(VERIFY).matches(client.get("/audit/"))


def test_letters_are_not_a_code(secretariat, client, text):
    totp_device(secretariat)
    sign_in(client, secretariat.email)
    response = client.post(VERIFY, {"code": "abcdef"})
    assert response.status_code == 200
    assert "digits only" in text(response)


def test_a_member_who_turned_two_factor_on_is_asked_for_the_code_too(roles, quick_hashing, client):
    # given the CSCO of Phuket turned two-factor on
    device = totp_device(roles.user("cso_phuket"))
    roles.set_password("cso_phuket", PASSWORD)
    # when they sign in
    sign_in(client, roles.user("cso_phuket").email)
    # then they are asked for the code before going on
    assert Redirect(VERIFY).matches(client.get("/accounts/"))
    client.post(VERIFY, {"code": totp_code(device)})
    assert client.get("/accounts/").status_code == 200


def test_members_without_two_factor_are_not_asked_for_a_code(roles, quick_hashing, client):
    roles.set_password("nr_th", PASSWORD)
    sign_in(client, roles.user("nr_th").email)
    assert client.get("/accounts/").status_code == 200


# --- failed sign-in throttling -----------------------------------------------------------


@pytest.fixture
def officer(network, quick_hashing):
    return user_create(actor=None, email="anong@ministry.example", password=PASSWORD)


def test_ten_failed_sign_ins_lock_the_address_out_with_a_page(officer, client, text):
    # given nine failed sign-ins from one address
    for _ in range(9):
        assert sign_in(client, officer.email, "guess-again").status_code == 200
    # when the tenth fails too
    locked = sign_in(client, officer.email, "guess-again")
    # then the person sees the locked-out page (429) pointing to password reset
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in text(locked)
    assert b"/accounts/password/reset/" in locked.content
    # and even the right password is refused from there while locked
    assert sign_in(client, officer.email).status_code == 429
    assert signed_in_user(client).status_code == 401


def test_the_account_guard_cannot_be_dodged_by_changing_the_case_of_the_email(officer, text):
    for n in range(5):
        sign_in(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"), officer.email, "guess-again")
    client = Client(REMOTE_ADDR="198.51.100.7")
    refused = sign_in(client, officer.email.upper())
    assert refused.status_code == 200
    assert "the password alone no longer opens it" in text(refused)
    assert signed_in_user(client).status_code == 401


def test_a_password_reset_lifts_the_lockout(officer, client, mailoutbox):
    for _ in range(5):
        sign_in(client, officer.email, "guess-again")
    # when the person resets their password through the e-mailed link
    reset_password(client, officer.email, mailoutbox, "cashew-lighthouse-terrace-55")
    # then they can sign in with the new one
    assert Redirect("/").matches(sign_in(Client(), officer.email, "cashew-lighthouse-terrace-55"))


# --- password reset ----------------------------------------------------------------------


def reset_password(client: Client, email: str, mailoutbox, new_password: str):
    assert Redirect("/accounts/password/reset/done/").matches(
        client.post("/accounts/password/reset/", {"email": email})
    )
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/\S+/)", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link.group(1),
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert Redirect("/accounts/password/reset/complete/").matches(done), done.status_code
    return done


def test_password_reset_sends_a_link_that_sets_a_new_password(officer, client, mailoutbox):
    # given a member who forgot their password
    mark = AuditMark()
    # when they ask for a reset and follow the e-mailed link
    reset_password(client, officer.email, mailoutbox, "cashew-lighthouse-terrace-55")
    # then the e-mail went to them, the new password works and the old one does not
    assert mailoutbox[0].to == [officer.email]
    officer.refresh_from_db()
    assert officer.check_password("cashew-lighthouse-terrace-55")
    assert not officer.check_password(PASSWORD)
    assert "accounts.password.reset" in mark.actions()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    network, client, mailoutbox
):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert Redirect("/accounts/password/reset/done/").matches(response)
    assert mailoutbox == []


def test_a_weak_new_password_is_refused(officer, client, mailoutbox, text):
    client.post("/accounts/password/reset/", {"email": officer.email})
    link = re.search(r"(/accounts/password/reset/\S+/\S+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"}
    )
    assert response.status_code == 200
    assert "There is a problem" in text(response)
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


# --- invitations -------------------------------------------------------------------------


@pytest.fixture
def invitation_link(roles, django_capture_on_commit_callbacks, mailoutbox):
    """The NR of Thailand invites the CSCO of Phuket; the link as the e-mail gives it."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            actor=roles.user("nr_th"),
            email="csco@phuket.example",
            role=Role.CSO,
            scope=City.objects.get(slug="phuket"),
        )
    found = re.search(r"https?://[^/\s]+(/accounts/invitations/[^/\s]+/)", mailoutbox[0].body)
    assert found, mailoutbox[0].body
    return found.group(1)


def test_an_invitation_is_accepted_on_its_page(roles, invitation_link, text):
    client = Client()
    # given the invitee opens the e-mailed link
    page = client.get(invitation_link)
    assert page.status_code == 200
    assert "csco@phuket.example" in text(page) and "Phuket" in text(page)
    # when they choose a weak password
    weak = client.post(
        invitation_link,
        {"full_name": "Kanya Phuket", "password": "password", "password_confirm": "password"},
    )
    # then they are told, and no account exists yet
    assert weak.status_code == 200
    assert "There is a problem" in text(weak)
    assert not User.objects.filter(email="csco@phuket.example").exists()
    # when they choose a strong one
    accepted = client.post(
        invitation_link,
        {"full_name": "Kanya Phuket", "password": PASSWORD, "password_confirm": PASSWORD},
    )
    # then their account exists with the role, and they are signed in, on their workspace
    assert Redirect("/workspace/").matches(accepted)
    user = User.objects.get(email="csco@phuket.example")
    assert user.full_name == "Kanya Phuket"
    assert scopes_of(user).city_ids == {City.objects.get(slug="phuket").pk}
    assert signed_in_user(client).json()["email"] == "csco@phuket.example"
    # and the link works no more
    again = Client().get(invitation_link)
    assert again.status_code == 404
    assert "not valid" in text(again)


def test_mismatched_passwords_are_refused(roles, invitation_link, text):
    response = Client().post(
        invitation_link,
        {"full_name": "Kanya", "password": PASSWORD, "password_confirm": PASSWORD + "x"},
    )
    assert response.status_code == 200
    assert "differ" in text(response)
    assert not User.objects.filter(email="csco@phuket.example").exists()


def test_an_unknown_invitation_link_is_404(network, text):
    response = Client().get("/accounts/invitations/not-a-real-token/")
    assert response.status_code == 404
    assert "not valid" in text(response)


def test_a_national_representative_invites_from_the_invitations_page(
    roles, django_capture_on_commit_callbacks, mailoutbox
):
    client = roles.session("nr_th")
    phuket = City.objects.get(slug="phuket")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/invitations/",
            {"email": "deputy@phuket.example", "role": Role.CSO, "city": phuket.pk},
        )
    assert Redirect("/accounts/invitations/").matches(response)
    assert mailoutbox[0].to == ["deputy@phuket.example"]
    # a city of another state is not offered, and is refused if sent anyway
    hanoi = City.objects.get(slug="hanoi")
    refused = client.post(
        "/accounts/invitations/",
        {"email": "deputy@hanoi.example", "role": Role.CSO, "city": hanoi.pk},
    )
    assert refused.status_code == 422
    assert len(mailoutbox) == 1


def test_the_invitation_desk_refuses_a_person_who_already_holds_the_role(
    roles, django_capture_on_commit_callbacks, mailoutbox, text
):
    # given the NR of Thailand on the invitation desk
    client = roles.session("nr_th")
    phuket = City.objects.get(slug="phuket")
    # when they invite Phuket's Chief Smart City Officer to that very role, typing capitals
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            "/accounts/invitations/",
            {"email": "CSO-Phuket@roles.test", "role": Role.CSO, "city": phuket.pk},
        )
    # then the form says so (422), and nothing is sent or saved
    assert refused.status_code == 422
    assert "This person already holds this role." in text(refused)
    assert "Invitation e-mailed" not in text(refused)
    assert mailoutbox == []
    assert not Invitation.objects.exists()


def test_an_invitation_to_a_role_held_meanwhile_says_so_and_adds_nothing(
    roles, adb, django_capture_on_commit_callbacks, mailoutbox, text
):
    # given the CSCO of Hanoi invited as a member of the ADB, and granted that role meanwhile
    hanoi_user = roles.user("cso_hanoi")
    with django_capture_on_commit_callbacks(execute=True):
        _, token = invitation_create(
            actor=roles.user("secretariat"),
            email=hanoi_user.email,
            role=Role.PARTNER_MEMBER,
            scope=adb,
        )
    membership_grant(actor=None, user=hanoi_user, role=Role.PARTNER_MEMBER, scope=adb)
    client = roles.session("cso_hanoi")
    link = f"/accounts/invitations/{token}/"
    # when they open the link, signed in
    page = client.get(link)
    # then it says they hold the role already, rather than offering to add it
    assert "You already hold the role Partner member." in text(page)
    assert "Accept to add the role" not in text(page)
    # and accepting says so again and adds no second membership
    accepted = client.post(link, follow=True)
    assert "You already hold the role Partner member." in text(accepted)
    assert "is added to your account" not in text(accepted)
    assert Membership.objects.filter(user=hanoi_user, role=Role.PARTNER_MEMBER).count() == 1


# --- API tokens page ---------------------------------------------------------------------


def test_a_new_tokens_secret_is_shown_once_then_listed_without_it(roles, text):
    # given the NR of Thailand on their tokens page
    client = roles.session("nr_th")
    # when they create a token
    created = client.post("/accounts/tokens/", {"name": "nightly export", "days": 30})
    # then its secret is shown, once
    assert created.status_code == 200
    secret = re.search(r'value="(ascn_[^"]+)"', created.content.decode()).group(1)
    token = ApiToken.objects.get(user=roles.user("nr_th"), name="nightly export")
    assert token.key_hash == hash_secret(secret)
    # and it works on the API
    assert (
        Client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).json()["email"]
        == roles.user("nr_th").email
    )
    # when they come back to the page
    listed = client.get("/accounts/tokens/")
    # then the token is listed by name and prefix, without its secret
    assert "nightly export" in text(listed)
    assert token.prefix in text(listed)
    assert secret not in listed.content.decode()


def test_a_token_is_revoked_from_the_tokens_page(roles):
    client = roles.session("nr_th")
    client.post("/accounts/tokens/", {"name": "laptop", "days": 30})
    token = ApiToken.objects.get(user=roles.user("nr_th"), name="laptop")
    assert Redirect("/accounts/tokens/").matches(
        client.post(f"/accounts/tokens/{token.pk}/revoke/")
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_each_token_and_invitation_row_has_a_revoke_button_naming_what_it_revokes(
    roles, django_capture_on_commit_callbacks
):
    # given the NR of Thailand with a token and a pending invitation, both named with
    # characters HTML must escape
    client = roles.session("nr_th")
    client.post("/accounts/tokens/", {"name": "Nok's <laptop>", "days": 30})
    token = ApiToken.objects.get(user=roles.user("nr_th"), name="Nok's <laptop>")
    phuket = City.objects.get(slug="phuket")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/invitations/",
            {"email": "o'brien@phuket.example", "role": Role.CSO, "city": phuket.pk},
        )
    invitation = roles.user("nr_th").invitations_sent.get()
    rows = {
        "/accounts/tokens/": (
            f"/accounts/tokens/{token.pk}/revoke/",
            "Revoke the token Nok&#x27;s &lt;laptop&gt;",
        ),
        "/accounts/invitations/": (
            f"/accounts/invitations/{invitation.pk}/revoke/",
            "Revoke the invitation to o&#x27;brien@phuket.example",
        ),
    }
    for page, (action, label) in rows.items():
        # when they open the page
        html = client.get(page).content.decode()
        # then the row's button posts to its revoke address, with the CSRF token, and is
        # read out with the name, escaped once
        form = re.search(
            rf'<form method="post" action="{re.escape(action)}" class="inline">(.*?)</form>',
            html,
            re.S,
        )
        assert form, page
        assert 'name="csrfmiddlewaretoken"' in form.group(1)
        assert f'aria-label="{label}">Revoke</button>' in form.group(1)


def test_nobody_revokes_someone_elses_token_from_the_page(roles):
    own = roles.session("nr_th")
    own.post("/accounts/tokens/", {"name": "laptop", "days": 30})
    token = ApiToken.objects.get(user=roles.user("nr_th"), name="laptop")
    response = roles.session("cso_hanoi").post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_page_write_needs_the_csrf_token(roles):
    client = roles.session("nr_th", enforce_csrf_checks=True)
    response = client.post("/accounts/tokens/", {"name": "forged", "days": 30})
    assert response.status_code == 403
    assert not ApiToken.objects.filter(name="forged").exists()


# --- the demo accounts -------------------------------------------------------------------

DEMO_ROLES = {
    "secretariat@example.org": (Role.SECRETARIAT, None),
    "nr-th@example.org": (Role.NATIONAL_REPRESENTATIVE, "TH"),
    "cso-phuket@example.org": (Role.CSO, "phuket"),
    "cso-hanoi@example.org": (Role.CSO, "hanoi"),
    # SPEC §4's partner, of the real ADB's record (load_partners)
    "partner-adb@example.org": (Role.PARTNER_MEMBER, "asian-development-bank"),
    # a member of a sample organisation (load_sample_partners)
    "partner@example.org": (Role.PARTNER_MEMBER, "sample-mekong-resilience-investors"),
}


def test_load_demo_refuses_outside_demo_mode(network, settings):
    settings.ASCN_DEMO = False
    with pytest.raises(CommandError):
        call_command("load_demo")
    assert not User.objects.filter(email__in=DEMO_ROLES).exists()


def test_load_demo_creates_the_six_accounts_with_their_roles_once(network, settings, quick_hashing):
    # given demo mode and the real partners
    settings.ASCN_DEMO = True
    call_command("load_partners", stdout=open_null())
    # when the demo accounts and the sample partners are loaded
    call_command("load_demo", stdout=open_null())
    call_command("load_sample_partners", stdout=open_null())
    # then the six accounts exist with the password and the roles of SPEC §4
    users = {user.email: user for user in User.objects.filter(email__in=DEMO_ROLES)}
    assert set(users) == set(DEMO_ROLES)
    for email, (role, scope) in DEMO_ROLES.items():
        held = [
            (m.role, m.scope_key) for m in Membership.objects.active().filter(user=users[email])
        ]
        assert held == [(role, scope)], email
        assert users[email].check_password("ascn-demo")
    # the Secretariat has its authenticator (two-factor is required for it)
    assert TOTPDevice.objects.filter(user=users["secretariat@example.org"], confirmed=True).exists()
    # when they are loaded again, nothing changes
    mark, memberships = AuditMark(), Membership.objects.count()
    call_command("load_demo", stdout=open_null())
    assert User.objects.filter(email__in=DEMO_ROLES).count() == 6
    assert Membership.objects.count() == memberships
    assert TOTPDevice.objects.filter(user=users["secretariat@example.org"]).count() == 1
    assert mark.entries() == []


def open_null():

    return io.StringIO()
