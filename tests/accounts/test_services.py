"""Accounts services (SPEC C2; issue 3 items 1–2 and 6): invitations and memberships.

Each write checks permission, validates, writes and leaves exactly the audit entry a
reader of the trail would expect; a refused write leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ascn.accounts.models import Invitation, Membership, Role, ScopeType, User
from ascn.accounts.services import (
    hash_secret,
    invitation_accept,
    invitation_by_token,
    invitation_create,
    invitation_revoke,
    invitation_url,
    membership_end,
    membership_grant,
    user_create,
)
from ascn.core.errors import InvalidInput, NotFound, PermissionDenied
from ascn.core.permissions import scopes_of
from ascn.network.models import City, MemberState, Person
from ascn.partners.permissions import organisation_policy
from tests.roles import ADB_SLUG, AuditMark

pytest_plugins = ["tests.roles"]

STRONG_PASSWORD = "monsoon-lantern-orchard-47"
TODAY = timezone.localdate


def fresh(user: User) -> User:
    """The user as the next request would load it (no cached scopes)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def th(network):
    return MemberState.objects.get(code="TH")


@pytest.fixture
def phuket(network):
    return City.objects.get(slug="phuket")


@pytest.fixture
def hanoi(network):
    return City.objects.get(slug="hanoi")


@pytest.fixture
def invite(roles, th, django_capture_on_commit_callbacks):
    """``invite(**kwargs)``: the Secretariat invites (by default) a National Representative of Thailand,
    running the after-commit e-mail; returns the invitation and its token."""

    def make(**kwargs):
        kwargs.setdefault("actor", roles.user("secretariat"))
        kwargs.setdefault("email", "new-nr@example.org")
        kwargs.setdefault("role", Role.NATIONAL_REPRESENTATIVE)
        kwargs.setdefault("scope", th)
        with django_capture_on_commit_callbacks(execute=True):
            return invitation_create(**kwargs)

    return make


def nothing_written(mark: AuditMark, invitations_before: int, mailoutbox) -> bool:
    return (
        not mark.entries() and Invitation.objects.count() == invitations_before and not mailoutbox
    )


# --- invitations: who may invite whom ---------------------------------------------------


def test_the_secretariat_invites_a_national_representative(roles, invite, mailoutbox):
    # given the Secretariat
    mark = AuditMark()
    # when it invites someone as National Representative of Thailand
    invitation, token = invite(email="  New-NR@Example.org ")
    # then a pending invitation is stored, keyed by the hash of a one-time token
    assert invitation.status == "pending"
    assert invitation.email == "new-nr@example.org"
    assert (invitation.role, invitation.scope.code) == (Role.NATIONAL_REPRESENTATIVE, "TH")
    assert invitation.token_hash == hash_secret(token) != token
    assert not Invitation.objects.filter(token_hash=token).exists()
    # it lasts seven days
    lifetime = invitation.expires_at - invitation.created_at
    assert dt.timedelta(days=7) - dt.timedelta(seconds=5) < lifetime <= dt.timedelta(days=7)
    # and the audit trail names who invited whom to what
    entry = mark.only("accounts.invitation.created")
    assert entry.actor == roles.user("secretariat")
    assert entry.actor_label == "secretariat@roles.test"
    assert (entry.object_type, entry.object_id) == ("accounts.invitation", str(invitation.pk))
    assert set(entry.changes) == {"email", "role", "scope", "expires_at"}
    assert entry.changes["email"] == {"before": None, "after": "new-nr@example.org"}
    assert entry.changes["role"]["after"] == "national_representative"
    assert entry.changes["scope"]["after"] == "TH"


def test_the_invitation_arrives_by_email_with_its_link(roles, invite, mailoutbox):
    # given the Secretariat invites someone
    _, token = invite(email="new-nr@example.org")
    # then one e-mail goes to them, with the single-use link to accept
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["new-nr@example.org"]
    assert invitation_url(token) in message.body
    assert f"/accounts/invitations/{token}/" in message.body
    assert "Thailand" in message.body


def test_the_secretariat_invites_a_partner_member(roles, adb, invite, mailoutbox):
    # given the Secretariat
    mark = AuditMark()
    # when it invites a member of the Asian Development Bank
    invitation, _ = invite(email="staff@adb.example", role=Role.PARTNER_MEMBER, scope=adb)
    # then the invitation is for that organisation, audited and mailed
    assert invitation.organisation == adb
    assert mark.only("accounts.invitation.created").changes["scope"]["after"] == ADB_SLUG
    assert mailoutbox[0].to == ["staff@adb.example"]


def test_a_national_representative_invites_a_csco_for_a_city_of_their_state(
    roles, phuket, invite, mailoutbox
):
    # given the National Representative of Thailand
    mark = AuditMark()
    # when they invite the CSCO of Phuket
    invitation, _ = invite(
        actor=roles.user("nr_th"), email="csco@phuket.example", role=Role.CSO, scope=phuket
    )
    # then it works, with an audit entry in their name and an e-mail
    assert invitation.city == phuket
    assert invitation.invited_by == roles.user("nr_th")
    assert mark.only("accounts.invitation.created").actor == roles.user("nr_th")
    assert len(mailoutbox) == 1


def test_a_national_representative_cannot_invite_for_a_city_of_another_state(
    roles, hanoi, invite, mailoutbox
):
    # given the National Representative of Thailand
    mark, before = AuditMark(), Invitation.objects.count()
    # when they invite a CSCO for Hanoi (Viet Nam)
    # then they are refused, and nothing is written, audited or sent
    with pytest.raises(PermissionDenied):
        invite(actor=roles.user("nr_th"), email="csco@hanoi.example", role=Role.CSO, scope=hanoi)
    assert nothing_written(mark, before, mailoutbox)


def test_a_national_representative_cannot_invite_another_national_representative(
    roles, th, invite, mailoutbox
):
    mark, before = AuditMark(), Invitation.objects.count()
    with pytest.raises(PermissionDenied):
        invite(actor=roles.user("nr_th"), role=Role.NATIONAL_REPRESENTATIVE, scope=th)
    assert nothing_written(mark, before, mailoutbox)


@pytest.mark.parametrize("inviter", ["cso_phuket", "partner_adb"])
def test_cscos_and_partners_cannot_invite(roles, phuket, adb, invite, mailoutbox, inviter):
    # given a CSCO of Phuket or a partner member
    mark, before = AuditMark(), Invitation.objects.count()
    # when they try to invite a colleague to their own scope
    role, scope = (Role.CSO, phuket) if inviter == "cso_phuket" else (Role.PARTNER_MEMBER, adb)
    # then they are refused and nothing is written
    with pytest.raises(PermissionDenied):
        invite(actor=roles.user(inviter), email="colleague@example.org", role=role, scope=scope)
    assert nothing_written(mark, before, mailoutbox)


def test_nobody_signed_out_can_invite(roles, th, invite, mailoutbox):
    mark, before = AuditMark(), Invitation.objects.count()
    with pytest.raises(PermissionDenied):
        invite(actor=None)
    assert nothing_written(mark, before, mailoutbox)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": ""}, "email"),
        ({"role": "emperor"}, "role"),
        ({"role": Role.CSO}, "scope"),  # a CSCO is held over a city, not a member state
    ],
)
def test_a_malformed_invitation_names_the_field_and_writes_nothing(
    roles, invite, mailoutbox, kwargs, field
):
    mark, before = AuditMark(), Invitation.objects.count()
    with pytest.raises(InvalidInput) as refused:
        invite(**kwargs)
    assert refused.value.field == field
    assert nothing_written(mark, before, mailoutbox)


def test_an_invitation_naming_a_person_must_name_an_officer_of_that_city(
    roles, phuket, hanoi, invite, mailoutbox
):
    # given the officer of Hanoi in the registry
    hanoi_officer = Person.objects.filter(appointments__city=hanoi).first()
    # when the Secretariat invites them as CSCO of Phuket
    # then the invitation is refused, naming the person
    with pytest.raises(InvalidInput) as refused:
        invite(role=Role.CSO, scope=phuket, person=hanoi_officer)
    assert refused.value.field == "person"


def test_inviting_someone_to_a_role_they_hold_is_refused_whatever_the_case_of_the_address(
    roles, phuket, invite, mailoutbox
):
    # given Phuket's Chief Smart City Officer (cso-phuket@roles.test)
    mark, before = AuditMark(), Invitation.objects.count()
    # when the NR of Thailand invites them again to that role, typing capitals
    with pytest.raises(InvalidInput) as refused:
        invite(
            actor=roles.user("nr_th"), email="CSO-Phuket@Roles.test", role=Role.CSO, scope=phuket
        )
    # then the address is refused as one that already holds the role, and nothing is sent
    assert refused.value.field == "email"
    assert refused.value.message == "This person already holds this role."
    assert nothing_written(mark, before, mailoutbox)


def test_a_second_invitation_to_the_same_role_waits_for_the_first_to_be_revoked(
    roles, invite, mailoutbox
):
    # given a pending invitation as National Representative of Thailand
    first, _ = invite(email="new-nr@example.org")
    mark, before = AuditMark(), Invitation.objects.count()
    mailoutbox.clear()
    # when the same address, in capitals, is invited to the same role again
    with pytest.raises(InvalidInput) as refused:
        invite(email="New-NR@example.org")
    # then it is refused, saying an invitation is pending, and nothing is sent
    assert refused.value.field == "email"
    assert "already has a pending invitation to this role" in refused.value.message
    assert nothing_written(mark, before, mailoutbox)
    # when the first is revoked, a new invitation is sent
    invitation_revoke(actor=roles.user("secretariat"), invitation=first)
    second, _ = invite(email="New-NR@example.org")
    assert second.status == "pending"
    assert mailoutbox[0].to == ["new-nr@example.org"]


# --- invitations: accepting -------------------------------------------------------------


def test_accepting_creates_the_account_with_its_role(roles, invite):
    # given a pending invitation as National Representative of Thailand
    invitation, token = invite(email="new-nr@example.org")
    mark = AuditMark()
    # when the invitee accepts, choosing a strong password
    user = invitation_accept(token=token, password=STRONG_PASSWORD, full_name=" Somchai Dee ")
    # then their account exists, signs in with that password and holds the role
    assert user.email == "new-nr@example.org"
    assert user.full_name == "Somchai Dee"
    assert fresh(user).check_password(STRONG_PASSWORD)
    scopes = scopes_of(fresh(user))
    assert scopes.member_state_ids == {MemberState.objects.get(code="TH").pk}
    assert not scopes.secretariat
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.scope_type, membership.start_date) == (
        Role.NATIONAL_REPRESENTATIVE,
        ScopeType.MEMBER_STATE,
        TODAY(),
    )
    # the invitation is used up
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert invitation.accepted_by == user
    # and the trail tells the story: the account, its role, the accepted invitation
    created, granted, accepted = mark.entries()
    assert created.action == "accounts.user.created"
    assert created.actor == user
    assert created.changes == {
        "email": {"before": None, "after": "new-nr@example.org"},
        "via": {"before": None, "after": "invitation"},
    }
    assert granted.action == "accounts.membership.granted"
    assert granted.actor is None and granted.actor_label == "system"
    assert granted.changes["role"]["after"] == "national_representative"
    assert granted.changes["scope"]["after"] == "TH"
    assert granted.changes["user"]["after"] == "new-nr@example.org"
    assert accepted.action == "accounts.invitation.accepted"
    assert accepted.actor == user
    assert accepted.changes == {"membership": {"before": None, "after": membership.pk}}


@pytest.mark.parametrize("weak", ["password", "12345678", "new-nr@example.org", "short"])
def test_a_weak_password_is_refused_and_nothing_is_created(roles, invite, weak):
    # given a pending invitation
    invitation, token = invite(email="new-nr@example.org")
    mark, users = AuditMark(), User.objects.count()
    # when the invitee picks a password the validators reject
    with pytest.raises(InvalidInput) as refused:
        invitation_accept(token=token, password=weak)
    # then they are told so and nothing is created; the link still works
    assert refused.value.field == "password"
    assert User.objects.count() == users
    assert not Membership.objects.filter(user__email="new-nr@example.org").exists()
    assert not mark.entries()
    assert invitation_by_token(token) == invitation


def test_accepting_without_a_password_is_refused(roles, invite):
    _, token = invite(email="new-nr@example.org")
    with pytest.raises(InvalidInput) as refused:
        invitation_accept(token=token, password="")
    assert refused.value.field == "password"


def test_an_invitation_works_once(roles, invite):
    # given an accepted invitation
    _, token = invite(email="new-nr@example.org")
    invitation_accept(token=token, password=STRONG_PASSWORD)
    mark = AuditMark()
    # when the link is used again
    # then it is not found, and nothing more is written
    with pytest.raises(NotFound):
        invitation_accept(token=token, password="another-strong-passphrase-9")
    with pytest.raises(NotFound):
        invitation_by_token(token)
    assert not mark.entries()
    assert Membership.objects.filter(user__email="new-nr@example.org").count() == 1


def test_an_expired_invitation_is_not_found(roles, invite):
    # given an invitation whose seven days have passed
    invitation, token = invite(email="new-nr@example.org")
    # (the ORM moves its expiry into the past: the clock, not a service, expires it)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    invitation.refresh_from_db()
    assert invitation.status == "expired"
    # when the invitee accepts
    # then the link is not found and no account is created
    with pytest.raises(NotFound):
        invitation_accept(token=token, password=STRONG_PASSWORD)
    assert not User.objects.filter(email="new-nr@example.org").exists()


def test_an_unknown_token_is_not_found(roles):
    with pytest.raises(NotFound):
        invitation_accept(token="made-up-token", password=STRONG_PASSWORD)
    with pytest.raises(NotFound):
        invitation_by_token("")


def test_a_revoked_invitation_is_not_found(roles, invite):
    # given a pending invitation
    invitation, token = invite(email="new-nr@example.org")
    mark = AuditMark()
    # when the Secretariat revokes it
    invitation_revoke(actor=roles.user("secretariat"), invitation=invitation)
    # then it is recorded, and the link no longer works
    entry = mark.only("accounts.invitation.revoked")
    assert entry.actor == roles.user("secretariat")
    assert entry.changes["revoked_at"]["before"] is None
    assert entry.changes["revoked_at"]["after"]
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    with pytest.raises(NotFound):
        invitation_accept(token=token, password=STRONG_PASSWORD)
    assert not User.objects.filter(email="new-nr@example.org").exists()


def test_the_inviter_may_revoke_their_invitation_and_others_may_not_see_it(roles, phuket, invite):
    # given the NR of Thailand invited a CSCO of Phuket
    invitation, _ = invite(
        actor=roles.user("nr_th"), email="csco@phuket.example", role=Role.CSO, scope=phuket
    )
    mark = AuditMark()
    # when the CSCO of Hanoi tries to revoke it, it is not found for them
    with pytest.raises(NotFound):
        invitation_revoke(actor=roles.user("cso_hanoi"), invitation=invitation)
    assert not mark.entries()
    # when the inviter revokes it, it is revoked
    invitation_revoke(actor=roles.user("nr_th"), invitation=invitation)
    assert mark.only("accounts.invitation.revoked").actor == roles.user("nr_th")
    # and revoking it again is refused
    with pytest.raises(InvalidInput):
        invitation_revoke(actor=roles.user("nr_th"), invitation=invitation)


def test_accepting_links_the_registry_officer_named_in_the_invitation(roles, phuket, invite):
    # given Phuket's officer in the registry, with no account yet
    officer = Person.objects.filter(appointments__city=phuket).first()
    assert officer is not None and officer.user is None
    # and the NR of Thailand invites them as CSCO of Phuket
    _, token = invite(
        actor=roles.user("nr_th"),
        email="officer@phuket.example",
        role=Role.CSO,
        scope=phuket,
        person=officer,
    )
    mark = AuditMark()
    # when they accept
    user = invitation_accept(token=token, password=STRONG_PASSWORD)
    # then the registry's officer is their account
    officer.refresh_from_db()
    assert officer.user == user
    assert scopes_of(fresh(user)).city_ids == {phuket.pk}
    linked = [e for e in mark.entries() if e.action == "network.person.linked"]
    assert len(linked) == 1
    assert linked[0].object_id == str(officer.pk)
    assert linked[0].changes == {"user": {"before": None, "after": "officer@phuket.example"}}
    assert mark.actions() == [
        "accounts.user.created",
        "accounts.membership.granted",
        "network.person.linked",
        "accounts.invitation.accepted",
    ]


def test_an_existing_account_accepting_gains_the_role_without_a_new_password(roles, adb, invite):
    # given the CSCO of Hanoi is also invited as a member of the ADB
    hanoi_user = roles.user("cso_hanoi")
    _, token = invite(email=hanoi_user.email, role=Role.PARTNER_MEMBER, scope=adb)
    mark = AuditMark()
    # when they accept signed in (no password: they have an account)
    user = invitation_accept(token=token, password=None, actor=hanoi_user)
    # then the same account holds both roles, and no account was created
    assert user.pk == hanoi_user.pk
    assert scopes_of(fresh(user)).roles == {"cso", "partner_member"}
    assert mark.actions() == ["accounts.membership.granted", "accounts.invitation.accepted"]


def test_accepting_a_role_gained_since_the_invitation_adds_no_second_one(roles, adb, invite):
    # given the CSCO of Hanoi invited as a member of the ADB, and granted that role meanwhile
    hanoi_user = roles.user("cso_hanoi")
    invitation, token = invite(email=hanoi_user.email, role=Role.PARTNER_MEMBER, scope=adb)
    membership_grant(
        actor=roles.user("secretariat"), user=hanoi_user, role=Role.PARTNER_MEMBER, scope=adb
    )
    # when they accept the invitation
    invitation_accept(token=token, password=None, actor=hanoi_user)
    # then they hold the role once, and the invitation is used up
    held = Membership.objects.active().filter(user=hanoi_user, role=Role.PARTNER_MEMBER)
    assert held.count() == 1
    invitation.refresh_from_db()
    assert invitation.status == "accepted"


@pytest.mark.parametrize("who", [None, "cso_phuket"])
def test_an_existing_account_accepts_only_signed_in_as_itself(roles, adb, invite, who):
    # given the CSCO of Hanoi, who has an account, is invited as a member of the ADB
    hanoi_user = roles.user("cso_hanoi")
    invitation, token = invite(email=hanoi_user.email, role=Role.PARTNER_MEMBER, scope=adb)
    mark, users = AuditMark(), User.objects.count()
    # when the link is used by nobody signed in, or by another account (with a password even)
    actor = roles.user(who) if who else None
    with pytest.raises(PermissionDenied) as refused:
        invitation_accept(token=token, password=STRONG_PASSWORD, actor=actor)
    # then they are asked to sign in as that account, and nothing is written
    assert "sign in" in refused.value.message
    assert User.objects.count() == users
    assert scopes_of(fresh(hanoi_user)).roles == {"cso"}
    assert not mark.entries()
    assert invitation_by_token(token) == invitation


# --- users ------------------------------------------------------------------------------


def test_the_secretariat_creates_an_account_directly(roles):
    mark = AuditMark()
    user = user_create(
        actor=roles.user("secretariat"),
        email="Direct@Example.org",
        password=None,
        full_name="Dewi Lestari",
    )
    assert user.email == "direct@example.org"
    assert not user.has_usable_password()
    entry = mark.only("accounts.user.created")
    assert entry.actor == roles.user("secretariat")
    assert entry.changes == {
        "email": {"before": None, "after": "direct@example.org"},
        "full_name": {"before": None, "after": "Dewi Lestari"},
    }


@pytest.mark.parametrize("actor", ["nr_th", "cso_phuket", "partner_adb"])
def test_only_the_secretariat_creates_accounts_directly(roles, actor):
    mark, users = AuditMark(), User.objects.count()
    with pytest.raises(PermissionDenied):
        user_create(actor=roles.user(actor), email="direct@example.org", password=None)
    assert User.objects.count() == users and not mark.entries()


def test_an_email_is_one_account(roles):
    with pytest.raises(InvalidInput) as refused:
        user_create(actor=None, email="NR-TH@roles.test", password=None)
    assert refused.value.field == "email"


# --- memberships ------------------------------------------------------------------------


def test_a_membership_granted_from_a_date_shows_in_the_users_scopes(roles, phuket):
    # given an account with no role
    user = user_create(actor=None, email="deputy@phuket.example", password=None)
    assert scopes_of(fresh(user)).roles == set()
    mark = AuditMark()
    # when the NR of Thailand makes them CSCO of Phuket from a month ago
    start = TODAY() - dt.timedelta(days=30)
    membership = membership_grant(
        actor=roles.user("nr_th"), user=user, role=Role.CSO, scope=phuket, start_date=start
    )
    # then the membership is dated and the user's scopes include Phuket
    assert (membership.start_date, membership.end_date) == (start, None)
    assert membership.scope_type == ScopeType.CITY and membership.scope_key == "phuket"
    assert scopes_of(fresh(user)).city_ids == {phuket.pk}
    assert list(Membership.objects.active().filter(user=user)) == [membership]
    # and the grant is audited with the NR as actor
    entry = mark.only("accounts.membership.granted")
    assert entry.actor == roles.user("nr_th")
    assert entry.changes == {
        "role": {"before": None, "after": "cso"},
        "scope": {"before": None, "after": "phuket"},
        "start_date": {"before": None, "after": str(start)},
        "user": {"before": None, "after": "deputy@phuket.example"},
    }


def test_a_membership_that_has_not_started_gives_no_access_yet(roles, phuket):
    user = user_create(actor=None, email="deputy@phuket.example", password=None)
    membership_grant(
        actor=None,
        user=user,
        role=Role.CSO,
        scope=phuket,
        start_date=TODAY() + dt.timedelta(days=1),
    )
    assert scopes_of(fresh(user)).roles == set()


def test_a_national_representative_grants_cscos_only_in_their_state(roles, hanoi):
    user = user_create(actor=None, email="deputy@hanoi.example", password=None)
    mark = AuditMark()
    with pytest.raises(PermissionDenied):
        membership_grant(actor=roles.user("nr_th"), user=user, role=Role.CSO, scope=hanoi)
    assert not Membership.objects.filter(user=user).exists() and not mark.entries()


def test_granting_a_role_over_the_wrong_kind_of_scope_is_refused(roles, th):
    user = user_create(actor=None, email="someone@example.org", password=None)
    with pytest.raises(InvalidInput) as refused:
        membership_grant(actor=None, user=user, role=Role.CSO, scope=th)
    assert refused.value.field == "scope"


def test_granting_a_role_held_already_changes_nothing(roles, phuket):
    user = roles.user("cso_phuket")
    existing = Membership.objects.get(user=user)
    mark = AuditMark()
    again = membership_grant(actor=None, user=user, role=Role.CSO, scope=phuket)
    assert again == existing and not mark.entries()


def test_an_ended_membership_gives_no_access(roles, adb):
    # given a partner member of the ADB since last year, who can edit its profile
    user = user_create(actor=None, email="former@adb.example", password=None)
    membership = membership_grant(
        actor=None,
        user=user,
        role=Role.PARTNER_MEMBER,
        scope=adb,
        start_date=TODAY() - dt.timedelta(days=365),
    )
    assert organisation_policy.can(fresh(user), "change", adb)
    mark = AuditMark()
    # when the Secretariat ends the membership today
    ended = membership_end(actor=roles.user("secretariat"), membership=membership)
    # then it is kept with its end date, and gives nothing any more
    assert ended.end_date == TODAY()
    assert Membership.objects.filter(pk=membership.pk, end_date=TODAY()).exists()
    assert scopes_of(fresh(user)).roles == set()
    assert not organisation_policy.can(fresh(user), "change", adb)
    assert not Membership.objects.active().filter(user=user).exists()
    # but it was active yesterday (history is kept)
    assert Membership.objects.active(TODAY() - dt.timedelta(days=1)).filter(user=user).exists()
    entry = mark.only("accounts.membership.ended")
    assert entry.actor == roles.user("secretariat")
    assert entry.changes == {"end_date": {"before": None, "after": str(TODAY())}}


def test_a_membership_ended_at_a_future_date_lasts_until_then(roles, adb):
    user = user_create(actor=None, email="leaving@adb.example", password=None)
    membership = membership_grant(actor=None, user=user, role=Role.PARTNER_MEMBER, scope=adb)
    membership_end(actor=None, membership=membership, end_date=TODAY() + dt.timedelta(days=10))
    assert scopes_of(fresh(user)).organisation_ids == {adb.pk}
    assert not Membership.objects.active(TODAY() + dt.timedelta(days=10)).filter(user=user).exists()


def test_a_membership_cannot_end_before_it_starts_or_end_twice(roles, adb):
    user = user_create(actor=None, email="member@adb.example", password=None)
    membership = membership_grant(actor=None, user=user, role=Role.PARTNER_MEMBER, scope=adb)
    with pytest.raises(InvalidInput) as refused:
        membership_end(actor=None, membership=membership, end_date=TODAY())
    assert refused.value.field == "end_date"
    membership_end(actor=None, membership=membership, end_date=TODAY() + dt.timedelta(days=1))
    with pytest.raises(InvalidInput):
        membership_end(actor=None, membership=membership, end_date=TODAY() + dt.timedelta(days=2))


@pytest.mark.parametrize("actor", ["nr_th", "cso_phuket", "partner_adb"])
def test_only_the_secretariat_ends_a_partner_membership(roles, adb, actor):
    # given a partner membership that started nine days ago (the ORM moves its start back)
    membership = Membership.objects.get(user=roles.user("partner_adb"))
    Membership.objects.filter(pk=membership.pk).update(start_date=TODAY() - dt.timedelta(days=9))
    mark = AuditMark()
    with pytest.raises(PermissionDenied):
        membership_end(actor=roles.user(actor), membership=membership)
    assert Membership.objects.get(pk=membership.pk).end_date is None and not mark.entries()


def test_the_secretariat_runs_the_back_office_only_while_it_is_the_secretariat(roles):
    # given a new Secretariat member since last month: they are staff
    user = user_create(actor=None, email="officer@asean.example", password=None)
    membership = membership_grant(
        actor=None, user=user, role=Role.SECRETARIAT, start_date=TODAY() - dt.timedelta(days=30)
    )
    assert fresh(user).is_staff and fresh(user).is_superuser
    assert scopes_of(fresh(user)).secretariat
    # when the membership ends
    membership_end(actor=roles.user("secretariat"), membership=membership)
    # then they lose the back office and the Secretariat's reach
    assert not fresh(user).is_staff and not fresh(user).is_superuser
    assert not scopes_of(fresh(user)).secretariat
