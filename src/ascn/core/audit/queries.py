"""Reads of the audit trail, for the Secretariat's page, CSV export and API."""

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ascn.core.audit.words import object_type_choices
from ascn.core.forms import date_field
from ascn.core.models import AuditEntry
from ascn.core.queries import filter_given


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Person (name or e-mail)"), required=False, max_length=254)
    action = forms.CharField(
        label=_("Action starts with"),
        required=False,
        max_length=100,
        help_text=_("e.g. network. or accounts.invitation"),
    )
    object_type = forms.ChoiceField(label=_("Kind of record"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    since = date_field(_("From"), required=False)
    until = date_field(_("Until"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["object_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Any")), *object_type_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the range comes before its start."))
        return data


def audit_entries(
    *,
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.all()
    if actor:
        # the e-mail recorded, or the person's name today (the user model's ``full_name``)
        qs = qs.filter(Q(actor_label__icontains=actor) | Q(actor__full_name__icontains=actor))
    qs = filter_given(
        qs,
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
