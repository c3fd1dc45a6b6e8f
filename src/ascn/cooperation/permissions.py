"""Who sees and does what in cooperation: cities record their partnerships, the Secretariat
moderates the discussions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ascn.cooperation.models import CaseStudy, CityPartnership
from ascn.core.permissions import (
    CSO,
    NATIONAL_REPRESENTATIVE,
    SECRETARIAT,
    ScopedPolicy,
    scopes_of,
)

if TYPE_CHECKING:
    from ascn.core.types import Actor


class PartnershipPolicy(ScopedPolicy[CityPartnership]):
    city_path = "city"
    member_state_path = "city__member_state"
    rules = {"change": {CSO, NATIONAL_REPRESENTATIVE, SECRETARIAT}}


class CaseStudyPolicy(ScopedPolicy[CaseStudy]):
    city_path = "city"
    member_state_path = "city__member_state"
    organisation_path = "provider"
    rules = {"change": {SECRETARIAT}}


def is_member(user: Actor) -> bool:
    """Signed in and holding at least one current role in the network."""
    return bool(scopes_of(user).roles)


def can_moderate(user: Actor) -> bool:
    return scopes_of(user).secretariat


partnership_policy = PartnershipPolicy()
case_study_policy = CaseStudyPolicy()
