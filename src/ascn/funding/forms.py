"""Forms of the programme pages. They only shape input; the services decide."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ascn.core import formats
from ascn.core.forms import (
    AccessibleFormMixin,
    FigureField,
    SourceRowsField,
    VersionedForm,
    date_field,
    line_field,
    sent_values,
    text_field,
)
from ascn.core.visibility import Visibility
from ascn.funding.services import PROGRAMME_RECORD_FIELDS
from ascn.network.queries import focus_area_labels, member_state_labels
from ascn.plans import codelists
from ascn.plans.models import FinancingInstrument, Project

AMOUNT = {"max_digits": 16, "decimal_places": 2, "min_value": Decimal("0.01")}


class ApplyForm(forms.Form):
    call = forms.TypedChoiceField(label=_("Call"), coerce=int)
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    amount_requested = FigureField(label=_("Amount requested"), **AMOUNT)
    statement = text_field(_("Why this project"), rows=4, max_length=20000)

    def __init__(self, *args, calls=(), projects=(), currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].choices = [
            (c.pk, f"{c.title} ({formats.days(c.opens_on, c.closes_on)})") for c in calls
        ]
        self.offer(projects)
        self.fields["amount_requested"].help_text = _("In %(currency)s.") % {"currency": currency}

    def offer(self, projects: Iterable[Project]) -> None:
        """Offer ``projects`` to choose from."""
        self.fields["project"].choices = [(p.pk, f"{p.title} — {p.city.name}") for p in projects]


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


def _typed_amount(label) -> forms.DecimalField:
    """An amount typed as a person writes it (a text box with the decimal keyboard)."""
    return FigureField(label=label, **AMOUNT)


class _RowForm(AccessibleFormMixin, forms.Form):
    """A form of one row of a programme's page (an application's award, an award's payment):
    prefixed with the row's anchor, so that its ids stay apart from the other rows'; sent
    back refused, its first field in error takes the focus (``AccessibleFormMixin``)."""

    def __init__(self, *args, currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _("In %(currency)s.") % {"currency": currency}


class AwardForm(_RowForm, TransitionForm):
    amount = _typed_amount(_("Amount awarded"))


class DisbursementForm(_RowForm):
    amount = _typed_amount(_("Amount paid"))
    paid_on = date_field(_("Paid on"), required=False)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=100)
    # the award's total paid as the page showed it: a payment recorded since is refused (a
    # form sent twice, two managers at once)
    disbursed = forms.DecimalField(widget=forms.HiddenInput, required=False)


class CallForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    opens_on = date_field(_("Opens"))
    closes_on = date_field(_("Closes"))
    description = text_field(_("Description"), max_length=20000)


def _choices(pairs) -> list[tuple[str, str]]:
    return [(str(code), str(label)) for code, label in pairs]


class ProgrammeForm(forms.Form):
    """A programme's record. The sponsor is chosen by name when the programme is new (and
    only among the organisations the person may add programmes for); the slug comes from
    the name."""

    record_fields = PROGRAMME_RECORD_FIELDS

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    sponsor = forms.ChoiceField(label=_("Sponsor"))
    name = forms.CharField(label=_("Name"), max_length=200)
    implementer = forms.ChoiceField(label=_("Implemented by"), required=False)
    description = text_field(_("Description"), rows=4, max_length=20000)
    total_amount = FigureField(
        label=_("Total"), max_digits=16, decimal_places=2, min_value=Decimal("0")
    )
    currency = forms.ChoiceField(label=_("Currency"))
    max_award_amount = FigureField(
        label=_("Largest award"),
        required=False,
        help_text=_("Leave it empty when the programme publishes no cap."),
        **AMOUNT,
    )
    period_start = date_field(_("Runs from"), required=False)
    period_end = date_field(_("Runs until"), required=False)
    period_label = line_field(
        _("Period as published"), max_length=100, help_text=_("e.g. “5 years from 2018”")
    )
    eligible_countries = forms.MultipleChoiceField(
        label=_("Eligible member states"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the programme publishes no restriction."),
    )
    eligible_focus_areas = forms.MultipleChoiceField(
        label=_("Eligible focus areas"), required=False, widget=forms.CheckboxSelectMultiple
    )
    eligible_stages = forms.MultipleChoiceField(
        label=_("Eligible project stages"), required=False, widget=forms.CheckboxSelectMultiple
    )
    instruments = forms.MultipleChoiceField(
        label=_("Instruments"), required=False, widget=forms.CheckboxSelectMultiple
    )
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    visibility = forms.ChoiceField(label=_("Who may see it"))
    source = line_field(
        _("Source"),
        max_length=300,
        help_text=_("Where the programme and its figures are published."),
    )
    sources = SourceRowsField()

    def __init__(self, *args, sponsors=None, organisations=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.record_fields = list(type(self).record_fields)
        if editing:  # the sponsor and the currency stay, as in the API's PATCH
            del self.fields["sponsor"]
            del self.fields["currency"]
            self.record_fields.remove("currency")
        else:
            del self.fields["version"]
            self.fields["sponsor"].choices = [("", _("Choose the sponsor"))] + [
                (o.slug, o.name) for o in sponsors or ()
            ]
            self.fields["currency"].choices = _choices(
                sorted(codelists.codelist(codelists.CURRENCY).items())
            )
        self.fields["implementer"].choices = [("", _("The sponsor itself"))] + [
            (o.slug, o.name) for o in organisations
        ]
        self.fields["eligible_countries"].choices = list(member_state_labels().items())
        self.fields["eligible_focus_areas"].choices = list(focus_area_labels().items())
        self.fields["eligible_stages"].choices = _choices(
            codelists.labels(codelists.PROJECT_STATUS).items()
        )
        self.fields["instruments"].choices = _choices(FinancingInstrument.choices)
        self.fields["visibility"].choices = _choices(Visibility.choices)

    @classmethod
    def initial_from(cls, programme) -> dict:
        initial = {f: getattr(programme, f) for f in cls.record_fields if f != "currency"}
        initial["version"] = programme.version
        initial["implementer"] = programme.implementer.slug if programme.implementer_id else ""
        return initial

    def service_values(self) -> dict:
        return sent_values({f: self.cleaned_data[f] for f in self.record_fields})

    def as_shown(self) -> dict:
        shown = {f: self.cleaned_data.get(f) for f in self.record_fields}
        shown["implementer"] = self.cleaned_data.get("implementer") or ""
        return shown


class CallEditForm(VersionedForm, CallForm):
    """A call's dates, title and description. A call is open between its dates: closing it
    early is giving it an earlier closing date."""

    record_fields = ["title", "opens_on", "closes_on", "description"]
