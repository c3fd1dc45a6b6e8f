"""Forms of the deal pipeline pages (the services validate again; these shape the page)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ascn.core.forms import FigureField, text_field
from ascn.deals.models import EngagementStage
from ascn.plans.models import FinancingInstrument


class InterestForm(forms.Form):
    """Express interest in one project × organisation pair."""

    project = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    organisation = forms.SlugField(widget=forms.HiddenInput, max_length=100)
    message = text_field(
        _("Message to the other side"),
        rows=4,
        max_length=5000,
        help_text=_("Optional: what you would like to discuss."),
    )


class AdvanceForm(forms.Form):
    """Move a deal on. The stage choices are the moves the transition table allows now."""

    stage = forms.ChoiceField(label=_("Move to"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = text_field(
        _("Note"),
        max_length=5000,
        help_text=_("Optional: why, or what was agreed. Both sides see it."),
    )
    commitment_amount = FigureField(
        label=_("Amount committed"),
        required=False,
        # no min_value: "more than zero" is the service's rule, said once (the form's
        # ">= 0" answered -100 while the service answered 0, in two contradicting words)
        max_digits=18,
        decimal_places=2,
        help_text=_("Only when moving to “Committed”, in the project's budget currency."),
    )
    commitment_currency = forms.CharField(widget=forms.HiddenInput, required=False)
    commitment_instrument = forms.ChoiceField(
        label=_("Instrument"),
        required=False,
        choices=[("", "—"), *FinancingInstrument.choices],
        help_text=_("Only when moving to “Committed”."),
    )

    def __init__(self, *args, next_stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            (stage, EngagementStage(stage).label) for stage in next_stages
        ]
        self.offers_commitment = EngagementStage.COMMITTED in next_stages
        if not self.offers_commitment:
            for name in ("commitment_amount", "commitment_currency", "commitment_instrument"):
                del self.fields[name]


class ConfirmForm(forms.Form):
    """The city's answer to a partner's commitment: confirm it, or decline with the reason."""

    decision = forms.ChoiceField(
        label=_("Your answer"),
        widget=forms.RadioSelect,
        choices=[
            ("confirm", _("Confirm: the commitment counts in the project's funding secured")),
            ("decline", _("Do not confirm: the deal goes back to the term sheet")),
        ],
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = text_field(
        _("Reason"),
        max_length=5000,
        help_text=_("Needed when you do not confirm: the partner's members read it."),
    )
