"""Forms of the programme pages. They only shape input; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ascn.core.forms import date_field, text_field

AMOUNT = {"max_digits": 16, "decimal_places": 2, "min_value": Decimal("0.01")}


class ApplyForm(forms.Form):
    call = forms.TypedChoiceField(label=_("Call"), coerce=int)
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    amount_requested = forms.DecimalField(label=_("Amount requested"), **AMOUNT)
    statement = text_field(_("Why this project"), rows=4, max_length=20000)

    def __init__(self, *args, calls=(), projects=(), currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].choices = [
            (c.pk, f"{c.title} ({c.opens_on} – {c.closes_on})") for c in calls
        ]
        self.fields["project"].choices = [(p.pk, f"{p.title} — {p.city.name}") for p in projects]
        self.fields["amount_requested"].help_text = _("In %(currency)s.") % {"currency": currency}


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class AwardForm(TransitionForm):
    amount = forms.DecimalField(label=_("Amount awarded"), **AMOUNT)


class DisbursementForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount paid"), **AMOUNT)
    paid_on = date_field(_("Paid on"), required=False)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=100)


class CallForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    opens_on = date_field(_("Opens"))
    closes_on = date_field(_("Closes"))
    description = text_field(_("Description"), max_length=20000)
