"""GET /api/v1/audit — the audit trail, for the Secretariat only."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from ascn.core.api import AppRouter, InputSchema, IsoDate
from ascn.core.audit.queries import audit_entries
from ascn.core.errors import PermissionDenied
from ascn.core.models import AuditEntry
from ascn.core.permissions import is_secretariat

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


@router.page(
    "/audit",
    AuditEntryOut,
    "Audit entries, newest first (Secretariat only)",
    signed_in=True,
)
def audit_list(request: HttpRequest, filters: Query[AuditFilters]) -> QuerySet[AuditEntry]:
    """The audit trail, newest first: who changed what, when, from which address, with the
    changed fields. Filter by actor, action prefix, object and dates. For the Secretariat
    only (others get 403)."""
    if not is_secretariat(request.user):
        raise PermissionDenied(_("The audit trail is for the Secretariat."))

    return audit_entries(**filters.dict())
