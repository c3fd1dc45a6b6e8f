"""GET /api/v1/audit — the audit trail, for the Secretariat only."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.pagination import paginate

from ascn.core.api import ERRORS_LIST, AppRouter, InputSchema, IsoDate, PageNumberCapped
from ascn.core.audit.queries import audit_entries
from ascn.core.errors import PermissionDenied
from ascn.core.permissions import is_secretariat
from ascn.core.queries import CountedUpTo

router = AppRouter(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    at: dt.datetime
    actor: str = Field(..., alias="actor_label")
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]
    request_id: str
    client_ip: str | None


class AuditFilters(InputSchema):
    actor: str | None = Field(None, max_length=254)
    action: str | None = Field(None, max_length=100, description="Prefix, e.g. `network.`")
    object_type: str | None = Field(None, max_length=100, description="e.g. `network.city`")
    object_id: str | None = Field(None, max_length=64)
    since: IsoDate | None = None
    until: IsoDate | None = None


@router.read(
    "/audit",
    list[AuditEntryOut],
    "Audit entries, newest first (Secretariat only)",
    errors=ERRORS_LIST,
    signed_in=True,
)
@paginate(PageNumberCapped)
def audit_list(request: HttpRequest, filters: Query[AuditFilters]) -> CountedUpTo:
    """The audit trail, newest first: who changed what, when, from which address, with the
    changed fields. Filter by actor, action prefix, object and dates. For the Secretariat
    only (others get 403). Counted up to a cap, 10,000 entries by default (`count_exact`
    false beyond it: later pages still answer; the filters reach older entries sooner)."""
    if not is_secretariat(request.user):
        raise PermissionDenied(_("The audit trail is for the Secretariat."))

    return CountedUpTo(audit_entries(**filters.dict()), settings.ASCN_AUDIT_COUNT_CAP)
