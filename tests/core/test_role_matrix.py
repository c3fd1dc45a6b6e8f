"""Who reaches what: every endpoint and page that exists, for every principal (SPEC C2, §3).

One row per endpoint or page; later capabilities add theirs with ``tests.roles``.
An object outside the user's scope is 404, never a 403 that leaks its existence.
"""

from __future__ import annotations

import pytest

from ascn.partners.services import organisation_upsert_seed
from tests.roles import (
    ADB_SLUG,
    ADB_VALUES,
    Redirect,
    assert_matrix,
    everyone,
    members,
    sign_in_redirect,
)

pytest_plugins = ["tests.roles"]

PUBLIC_API = [
    "/api/v1/health",
    "/api/v1/framework",
    "/api/v1/member-states",
    "/api/v1/cities",
    "/api/v1/cities/phuket",
]

PUBLIC_PAGES = [
    "/",
    "/member-states/",
    "/member-states/TH/",
    "/cities/",
    "/cities/phuket/",
    "/people/",
    "/organisations/",
]


# --- API --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_API)
def test_the_public_api_answers_everyone_by_session_and_by_token(roles, url):
    # given the standard principals
    # when each reads a public endpoint, signed in by session and then by bearer token
    # then everyone gets it
    assert_matrix(roles.session, "GET", url, everyone(200))
    assert_matrix(roles.bearer, "GET", url, everyone(200))


def test_an_unknown_city_is_404_for_everyone(roles):
    assert_matrix(roles.bearer, "GET", "/api/v1/cities/atlantis", everyone(404))


@pytest.mark.parametrize("auth", ["session", "bearer"])
def test_me_is_for_signed_in_members(roles, auth):
    # given the standard principals
    # when each asks who they are
    responses = assert_matrix(
        getattr(roles, auth), "GET", "/api/v1/me", members(200, anonymous=401)
    )
    # then each member sees their own account
    for name, response in responses.items():
        if name != "anonymous":
            assert response.json()["email"] == roles.user(name).email


@pytest.mark.parametrize("auth", ["session", "bearer"])
def test_the_audit_api_is_for_the_secretariat_only(roles, auth):
    # given the standard principals
    # when each reads the audit trail
    # then anonymous is asked to sign in, members are refused, the Secretariat reads it
    assert_matrix(
        getattr(roles, auth), "GET", "/api/v1/audit", members(403, anonymous=401, secretariat=200)
    )


def test_revoking_a_token_needs_that_token(roles):
    # given the standard principals
    # when each revokes the token they call with
    # then a bearer is revoked (204); a session alone has no token to revoke (401)
    assert_matrix(roles.bearer, "DELETE", "/api/v1/auth/token", members(204, anonymous=401))
    assert_matrix(roles.session, "DELETE", "/api/v1/auth/token", members((401, 403), anonymous=401))


def test_a_revoked_token_is_401_everywhere_even_on_public_endpoints(roles):
    # given each member revoked their token
    assert_matrix(roles.bearer, "DELETE", "/api/v1/auth/token", members(204, anonymous=401))
    # when they call with it again, even a public endpoint
    # then the bad token is refused rather than treated as anonymous
    assert_matrix(roles.bearer, "GET", "/api/v1/health", members(401, anonymous=200))


# --- pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_answer_everyone(roles, url):
    assert_matrix(roles.session, "GET", url, everyone(200))


def test_a_public_organisation_is_seen_by_everyone(roles, adb):
    assert_matrix(roles.session, "GET", f"/organisations/{ADB_SLUG}/", everyone(200))


def test_a_draft_organisation_is_seen_only_by_its_members_and_the_secretariat(roles, adb):
    # given the ADB's profile is a draft
    organisation_upsert_seed(slug=ADB_SLUG, values={**ADB_VALUES, "visibility": "draft"})
    # when each principal opens it
    # then only its partner member and the Secretariat see it; everyone else gets 404
    assert_matrix(
        roles.session,
        "GET",
        f"/organisations/{ADB_SLUG}/",
        everyone(404, partner_adb=200, secretariat=200),
    )


def test_a_draft_organisation_is_left_out_of_the_list_for_those_out_of_scope(roles, adb):
    # given the ADB's profile is a draft
    organisation_upsert_seed(slug=ADB_SLUG, values={**ADB_VALUES, "visibility": "draft"})
    # when each principal lists the organisations
    responses = assert_matrix(roles.session, "GET", "/organisations/", everyone(200))
    # then only its member and the Secretariat find it there
    listed = {
        name: f"/organisations/{ADB_SLUG}/" in r.content.decode() for name, r in responses.items()
    }
    assert listed == {**dict.fromkeys(listed, False), "partner_adb": True, "secretariat": True}


def test_a_network_organisation_is_seen_by_every_member_but_not_the_public(roles):
    # given an organisation shared with the network only
    organisation_upsert_seed(
        slug="network-only-partner",
        values={"name": "Network-only Partner", "kind": "investor", "visibility": "network"},
    )
    # when each principal opens it
    # then every signed-in member sees it, the public does not
    assert_matrix(
        roles.session,
        "GET",
        "/organisations/network-only-partner/",
        members(200, anonymous=404),
    )


def test_an_unknown_organisation_is_404_for_everyone(roles):
    assert_matrix(roles.session, "GET", "/organisations/nobody/", everyone(404))


def test_the_audit_page_is_for_the_secretariat_only(roles):
    # given the standard principals
    # when each opens the audit page
    # then anonymous is sent to sign in, members out of scope get 404, the Secretariat reads it
    assert_matrix(
        roles.session,
        "GET",
        "/audit/",
        members(404, anonymous=sign_in_redirect("/audit/"), secretariat=200),
    )


def test_the_back_office_is_for_the_secretariat(roles):
    # given the standard principals
    # when each opens the Django admin
    # then only the (two-factor verified) Secretariat gets in; the others go to its sign-in
    assert_matrix(
        roles.session,
        "GET",
        "/admin/",
        members(Redirect("/admin/login/"), anonymous=Redirect("/admin/login/"), secretariat=200),
    )


def test_the_account_pages_are_for_members(roles):
    for url in ("/accounts/", "/accounts/tokens/"):
        assert_matrix(roles.session, "GET", url, members(200, anonymous=sign_in_redirect(url)))


def test_only_the_secretariat_and_national_representatives_invite(roles):
    url = "/accounts/invitations/"
    assert_matrix(
        roles.session,
        "GET",
        url,
        members(404, anonymous=sign_in_redirect(url), secretariat=200, nr_th=200),
    )


def test_sign_in_password_reset_and_a_bad_invitation_link_answer_everyone_alike(roles):
    assert_matrix(roles.session, "GET", "/accounts/sign-in/", everyone(200))
    assert_matrix(roles.session, "GET", "/accounts/password/reset/", everyone(200))
    assert_matrix(roles.session, "GET", "/accounts/invitations/no-such-token/", everyone(404))


def test_two_factor_set_up_is_offered_to_members_without_it(roles):
    url = "/accounts/two-factor/setup/"
    # the Secretariat has it on already: sent on to their account
    assert_matrix(
        roles.session,
        "GET",
        url,
        members(200, anonymous=sign_in_redirect(url), secretariat=Redirect("/accounts/")),
    )


def test_an_unverified_secretariat_session_is_sent_to_two_factor_first(roles):
    # given the Secretariat signed in with a password but has not given a code yet
    def unverified(name):
        client = roles.session("anonymous")
        client.force_login(roles.user(name))
        return client

    # when they open any page, or the API by session
    # then they are sent to verify their code (the API says so with a 403)
    verify = Redirect("/accounts/two-factor/verify/")
    assert_matrix(unverified, "GET", "/audit/", {"secretariat": verify})
    assert_matrix(unverified, "GET", "/admin/", {"secretariat": verify})
    assert_matrix(unverified, "GET", "/cities/", {"secretariat": verify})
    assert_matrix(unverified, "GET", "/api/v1/me", {"secretariat": 403})
