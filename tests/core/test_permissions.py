"""Permission policies and visibility (SPEC C2; DESIGN conventions 2–3; issue 3 item 5).

``draft`` is seen by its owners' scope and the Secretariat, ``network`` by every signed-in
member, ``public`` by everyone; out of sight is 404 (NotFound), in sight but not allowed is
403 (PermissionDenied). Edits carry the version they were made on: a stale one changes
nothing (409).
"""

from __future__ import annotations

import pytest

from ascn.accounts.models import Role
from ascn.core.errors import InvalidInput, NotFound, PermissionDenied, StaleEdit
from ascn.core.permissions import (
    ANONYMOUS,
    CSO,
    NATIONAL_REPRESENTATIVE,
    ScopedPolicy,
    get_visible_or_404,
    scopes_of,
)
from ascn.core.visibility import Visibility
from ascn.network.models import City
from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy
from ascn.partners.services import (
    organisation_update,
    organisation_upsert_seed,
    organisation_verify,
)
from tests.roles import ADB_SLUG, ADB_VALUES, PRINCIPALS, AuditMark

pytest_plugins = ["tests.roles"]

# Who sees the ADB's profile at each visibility (partner_adb is its member).
SEES_ADB = {
    Visibility.PUBLIC: set(PRINCIPALS),
    Visibility.NETWORK: set(PRINCIPALS) - {"anonymous"},
    Visibility.DRAFT: {"secretariat", "partner_adb"},
}


def set_visibility(visibility: str) -> Organisation:
    return organisation_upsert_seed(slug=ADB_SLUG, values={**ADB_VALUES, "visibility": visibility})[
        0
    ]


@pytest.fixture
def other_partner(roles):
    """A second partner organisation (draft) with its own member, ``partner_other``."""
    org, _ = organisation_upsert_seed(
        slug="mekong-solutions",
        values={"name": "Mekong Solutions", "kind": "solution_provider", "visibility": "draft"},
    )
    roles.add("partner_other", email="staff@mekong.example", role=Role.PARTNER_MEMBER, scope=org)
    return org


# --- visibility ------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", list(Visibility))
def test_who_sees_an_organisation_at_each_visibility(roles, adb, visibility):
    # given the ADB's profile at this visibility
    org = set_visibility(visibility)
    for name in PRINCIPALS:
        user = roles[name].user
        # when each principal lists organisations and looks at this one
        listed = organisation_policy.visible(user, Organisation.objects.all())
        in_list = listed.filter(pk=org.pk).exists()
        seen = organisation_policy.is_visible(user, org)
        # then the list and the single check agree, and match the rule
        expected = name in SEES_ADB[visibility]
        assert (in_list, seen) == (expected, expected), (name, visibility)


def test_a_draft_of_another_organisation_is_out_of_a_partners_sight(roles, adb, other_partner):
    visible = set(
        organisation_policy.visible(roles.user("partner_adb"), Organisation.objects.all())
    )
    assert adb in visible and other_partner not in visible
    assert set(
        organisation_policy.visible(roles.user("partner_other"), Organisation.objects.all())
    ) == {adb, other_partner}
    assert set(
        organisation_policy.visible(roles.user("secretariat"), Organisation.objects.all())
    ) >= {adb, other_partner}


def test_the_public_list_holds_only_public_records(roles, adb, other_partner):
    organisation_upsert_seed(
        slug="network-co",
        values={"name": "Network Co", "kind": "investor", "visibility": "network"},
    )
    visible = organisation_policy.visible(None, Organisation.objects.all())
    assert {org.visibility for org in visible} == {Visibility.PUBLIC}
    assert scopes_of(None) == ANONYMOUS


def test_an_inactive_account_sees_what_the_public_sees(roles, adb):
    set_visibility(Visibility.NETWORK)
    user = roles.user("partner_adb")
    user.is_active = False
    assert not organisation_policy.is_visible(user, Organisation.objects.get(slug=ADB_SLUG))


def test_get_visible_or_404_hides_what_is_out_of_sight(roles, adb):
    org = set_visibility(Visibility.DRAFT)
    found = get_visible_or_404(
        organisation_policy, roles.user("partner_adb"), Organisation.objects.all(), slug=ADB_SLUG
    )
    assert found == org
    with pytest.raises(NotFound):
        get_visible_or_404(
            organisation_policy, roles.user("cso_phuket"), Organisation.objects.all(), slug=ADB_SLUG
        )


# --- actions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "change", "verify"),
    [
        ("anonymous", False, False),
        ("secretariat", True, True),
        ("nr_th", False, False),
        ("cso_phuket", False, False),
        ("cso_hanoi", False, False),
        ("partner_adb", True, False),
        ("partner_other", False, False),
    ],
)
def test_who_may_change_and_verify_the_adb_profile(roles, adb, other_partner, name, change, verify):
    user = roles[name].user
    assert organisation_policy.can(user, "change", adb) is change
    assert organisation_policy.can(user, "verify", adb) is verify
    assert organisation_policy.can(user, "no-such-action", adb) is False


def test_require_is_404_out_of_sight_and_403_in_sight(roles, adb, other_partner):
    # given the other partner's draft profile and the ADB's public one
    # when the ADB's member wants to change the draft they cannot see: not found
    with pytest.raises(NotFound):
        organisation_policy.require(roles.user("partner_adb"), "change", other_partner)
    # when the CSCO of Phuket wants to change the ADB's public profile: seen, but refused
    with pytest.raises(PermissionDenied):
        organisation_policy.require(roles.user("cso_phuket"), "change", adb)
    # when the ADB's member changes their own: allowed
    organisation_policy.require(roles.user("partner_adb"), "change", adb)
    # and the Secretariat may change either
    organisation_policy.require(roles.user("secretariat"), "change", other_partner)


class CityOwnedPolicy(ScopedPolicy):
    """A policy for a record owned by a city, as plans and projects will be; here the city
    itself stands in for the record, to show the base class reaches city and member state."""

    city_path = "id"
    member_state_path = "member_state"
    visibility_field = None
    rules = {"endorse": {NATIONAL_REPRESENTATIVE}, "edit": {CSO}}


def test_an_nr_holds_their_states_cities_and_a_csco_their_own(roles):
    policy = CityOwnedPolicy()
    phuket, hanoi = City.objects.get(slug="phuket"), City.objects.get(slug="hanoi")
    # the CSCO of Phuket edits Phuket, not Hanoi; only the NR endorses
    assert policy.can(roles.user("cso_phuket"), "edit", phuket)
    assert not policy.can(roles.user("cso_phuket"), "edit", hanoi)
    assert not policy.can(roles.user("cso_phuket"), "endorse", phuket)
    # the NR of Thailand endorses every Thai city and no other
    assert policy.can(roles.user("nr_th"), "endorse", phuket)
    assert not policy.can(roles.user("nr_th"), "endorse", hanoi)
    owned = City.objects.filter(policy.owner_q(scopes_of(roles.user("nr_th"))))
    assert set(owned.values_list("member_state__code", flat=True)) == {"TH"}
    assert phuket in owned and hanoi not in owned
    # someone with no role owns nothing
    assert not City.objects.filter(policy.owner_q(ANONYMOUS)).exists()


# --- edits and versions ----------------------------------------------------------------


def test_a_member_edits_their_organisation_and_the_edit_is_audited(roles, adb):
    # given the ADB's profile at version 1
    assert adb.version == 1
    mark = AuditMark()
    # when its member edits the description
    org = organisation_update(
        actor=roles.user("partner_adb"),
        organisation=adb,
        version=1,
        description="Implements the AASCTF.",
    )
    # then it is saved as version 2 and the change is audited, before and after
    assert org.version == 2
    assert Organisation.objects.get(pk=adb.pk).description == "Implements the AASCTF."
    entry = mark.only("partners.organisation.updated")
    assert entry.actor == roles.user("partner_adb")
    assert entry.changes == {"description": {"before": "", "after": "Implements the AASCTF."}}


def test_an_edit_that_changes_nothing_writes_nothing(roles, adb):
    mark = AuditMark()
    org = organisation_update(
        actor=roles.user("partner_adb"), organisation=adb, version=1, name=adb.name
    )
    assert org.version == 1 and not mark.entries()


@pytest.mark.parametrize("name", ["nr_th", "cso_phuket", "cso_hanoi"])
def test_members_out_of_scope_cannot_edit(roles, adb, name):
    mark = AuditMark()
    with pytest.raises(PermissionDenied):
        organisation_update(actor=roles.user(name), organisation=adb, version=1, name="Renamed")
    assert Organisation.objects.get(pk=adb.pk).name == "Asian Development Bank"
    assert not mark.entries()


def test_an_edit_of_an_invisible_organisation_is_not_found(roles, adb, other_partner):
    with pytest.raises(NotFound):
        organisation_update(
            actor=roles.user("partner_adb"), organisation=other_partner, version=1, name="Mine"
        )
    with pytest.raises(NotFound):
        organisation_update(actor=None, organisation=other_partner, version=1, name="Mine")


def test_a_stale_edit_changes_nothing(roles, adb):
    # given the profile was edited to version 2
    organisation_update(
        actor=roles.user("secretariat"), organisation=adb, version=1, website="https://adb.org"
    )
    mark = AuditMark()
    # when its member saves an edit made on version 1
    with pytest.raises(StaleEdit) as stale:
        organisation_update(
            actor=roles.user("partner_adb"), organisation=adb, version=1, name="ADB"
        )
    # then it is refused as a conflict and nothing is overwritten or audited
    assert stale.value.status == 409
    assert "version 1" in stale.value.message and "version 2" in stale.value.message
    org = Organisation.objects.get(pk=adb.pk)
    assert (org.name, org.website, org.version) == ("Asian Development Bank", "https://adb.org", 2)
    assert not mark.entries()


def test_of_two_edits_made_on_the_same_version_the_second_is_refused(roles, adb):
    # given two people opened the profile at version 1
    secretariat, member = roles.user("secretariat"), roles.user("partner_adb")
    # when the first saves
    organisation_update(actor=member, organisation=adb, version=1, description="From the member")
    # and then the second saves on the same version
    with pytest.raises(StaleEdit):
        organisation_update(
            actor=secretariat, organisation=adb, version=1, description="From the Secretariat"
        )
    # then the first edit stands
    org = Organisation.objects.get(pk=adb.pk)
    assert (org.description, org.version) == ("From the member", 2)


def test_an_unknown_or_invalid_field_is_refused(roles, adb):

    with pytest.raises(InvalidInput) as unknown:
        organisation_update(
            actor=roles.user("partner_adb"), organisation=adb, version=1, verified=True
        )
    assert unknown.value.field == "verified"
    with pytest.raises(InvalidInput) as invalid:
        organisation_update(
            actor=roles.user("partner_adb"), organisation=adb, version=1, visibility="secret"
        )
    assert invalid.value.field == "visibility"
    assert Organisation.objects.get(pk=adb.pk).version == 1


@pytest.mark.parametrize("name", ["nr_th", "cso_phuket", "partner_adb", "anonymous"])
def test_only_the_secretariat_verifies_an_organisation(roles, adb, name):
    mark = AuditMark()
    with pytest.raises(PermissionDenied):
        organisation_verify(actor=roles[name].user, organisation=adb)
    assert not Organisation.objects.get(pk=adb.pk).verified and not mark.entries()


def test_the_secretariat_verifies_an_organisation(roles, adb):
    mark = AuditMark()
    org = organisation_verify(actor=roles.user("secretariat"), organisation=adb)
    assert org.verified and org.version == 2
    entry = mark.only("partners.organisation.verified")
    assert entry.changes == {"verified": {"before": False, "after": True}}
    # verifying again changes nothing
    organisation_verify(actor=roles.user("secretariat"), organisation=org)
    assert len(mark.entries()) == 1
