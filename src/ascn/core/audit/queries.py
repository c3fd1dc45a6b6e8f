"""Reads of the audit trail, for the Secretariat's page, CSV export and API."""

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ascn.core.models import AuditEntry
from ascn.core.queries import filter_given


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor e-mail"), required=False, max_length=254)
    action = forms.CharField(
        label=_("Action starts with"),
        required=False,
        max_length=100,
        help_text=_("e.g. network. or accounts.invitation"),
    )
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def audit_entries(
    *,
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    qs = filter_given(
        AuditEntry.objects.all(),
        actor_label__icontains=actor,
        action__startswith=action,
        object_type=object_type,
        object_id=object_id,
        at__date__gte=since,
        at__date__lte=until,
    )
    return qs.order_by("-at", "-id")


CSV_COLUMNS = [
    "at",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "request_id",
    "client_ip",
]
