"""Who sees and does what in cooperation: cities record their partnerships, the Secretariat
moderates the discussions."""

from ascn.core.permissions import (
    CSO,
    NATIONAL_REPRESENTATIVE,
    SECRETARIAT,
    ScopedPolicy,
    scopes_of,
)


class PartnershipPolicy(ScopedPolicy):
    city_path = "city"
    member_state_path = "city__member_state"
    rules = {"change": {CSO, NATIONAL_REPRESENTATIVE, SECRETARIAT}}


class CaseStudyPolicy(ScopedPolicy):
    city_path = "city"
    member_state_path = "city__member_state"
    organisation_path = "provider"
    rules = {"change": {SECRETARIAT}}


def is_member(user) -> bool:
    """Signed in and holding at least one current role in the network."""
    return bool(scopes_of(user).roles)


def can_moderate(user) -> bool:
    return scopes_of(user).secretariat


partnership_policy = PartnershipPolicy()
case_study_policy = CaseStudyPolicy()
