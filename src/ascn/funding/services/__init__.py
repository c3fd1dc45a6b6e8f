"""Writes to funding (``programmes``: programmes and their calls; ``applications``: applications,
awards and disbursements), named here for the rest of the platform. Each checks permission,
validates, writes and audits; the rules each write checks are in ``funding.validation``.
"""

from ascn.funding.services.applications import (
    ACTIONS,
    APPLICATION_TRANSITIONS,
    MoneyConflict,
    allowed_actions,
    application_award,
    application_create,
    application_delete,
    application_transition,
    disbursement_create,
    require_payment_recorder,
)
from ascn.funding.services.programmes import (
    CALL_FIELDS,
    PROGRAMME_RECORD_FIELDS,
    call_create,
    call_update,
    can_create_programme,
    is_secretariat_or_manager,
    programme_create,
    programme_update,
    programme_upsert_seed,
)

__all__ = [
    "ACTIONS",
    "APPLICATION_TRANSITIONS",
    "CALL_FIELDS",
    "PROGRAMME_RECORD_FIELDS",
    "MoneyConflict",
    "allowed_actions",
    "application_award",
    "application_create",
    "application_delete",
    "application_transition",
    "call_create",
    "call_update",
    "can_create_programme",
    "disbursement_create",
    "is_secretariat_or_manager",
    "programme_create",
    "programme_update",
    "programme_upsert_seed",
    "require_payment_recorder",
]
