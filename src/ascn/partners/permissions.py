from ascn.core.permissions import PARTNER_MEMBER, SECRETARIAT, ScopedPolicy
from ascn.partners.models import Organisation


class OrganisationPolicy(ScopedPolicy[Organisation]):
    """An organisation's profile: its members keep it, the Secretariat verifies it."""

    organisation_path = "id"
    rules = {
        "change": {PARTNER_MEMBER, SECRETARIAT},
        "verify": {SECRETARIAT},
        "invite": {SECRETARIAT},
    }


organisation_policy = OrganisationPolicy()
