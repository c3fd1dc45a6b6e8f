"""Who sees and does what with agreements: the Secretariat keeps the record of agreements."""

from ascn.agreements.models import Agreement
from ascn.core.permissions import SECRETARIAT, ScopedPolicy


class AgreementPolicy(ScopedPolicy[Agreement]):
    # Agreements belong to the network as a whole, not to one city's scope: drafts are the
    # Secretariat's, network and public records are read by members and everyone.
    rules = {
        "change": {SECRETARIAT},
        "transition": {SECRETARIAT},
        "upload": {SECRETARIAT},
    }


agreement_policy = AgreementPolicy()
