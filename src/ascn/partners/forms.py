"""Forms of the organisation pages. They shape input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ascn.core.countries import country_codes
from ascn.core.forms import (
    FigureField,
    FilterForm,
    VersionedForm,
    line_field,
    text_field,
    ticks_field,
)
from ascn.core.visibility import Visibility
from ascn.network.queries import focus_area_labels, member_state_labels
from ascn.partners.countries import country_choices
from ascn.partners.models import Organisation
from ascn.plans import codelists
from ascn.plans.models import FinancingInstrument


def _member_states():
    return list(member_state_labels().items())


def _focus_areas():
    return list(focus_area_labels().items())


class OrganisationFilterForm(FilterForm):
    q = line_field(_("Search"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Organisation.Kind.choices],
    )
    country = forms.ChoiceField(label=_("Works in"), required=False)
    focus_area = forms.ChoiceField(label=_("Focus area"), required=False)
    verified = forms.ChoiceField(
        label=_("Verified"),
        required=False,
        choices=[
            ("", _("Verified or not")),
            ("yes", _("Verified only")),
            ("no", _("Not verified")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        search = self.fields["q"]
        search.widget = forms.SearchInput(
            attrs={**search.widget.attrs, "placeholder": _("Name or capability")}
        )
        self.fields["country"].choices = [("", _("Any member state")), *_member_states()]
        self.fields["focus_area"].choices = [("", _("All focus areas")), *_focus_areas()]

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "q": data.get("q") or None,
            "kind": data.get("kind") or None,
            "country": data.get("country") or None,
            "focus_area": data.get("focus_area") or None,
            "verified": {"yes": True, "no": False}.get(data.get("verified") or ""),
        }


def _headquarters_choices() -> list[tuple[str, str]]:
    # the profile says "Not published" for an organisation that gives no head office
    return [("", gettext("Not published")), *country_choices()]


class CountryField(forms.ChoiceField):
    """A country of the world chosen by its name in the reader's language; the value is its
    ISO 3166-1 alpha-2 code, in upper case whatever case was sent. Optional."""

    default_error_messages = {
        "invalid_choice": _("Choose the country from the list: %(value)s is not one."),
    }

    def __init__(self, label: Any, **kwargs: Any) -> None:
        super().__init__(label=label, choices=_headquarters_choices, required=False, **kwargs)

    def to_python(self, value: Any) -> str:
        return super().to_python(value).strip().upper()


class OrganisationForm(VersionedForm):
    """An organisation's profile: every field of the form but the version is a field of the
    organisation (``record_fields``, set below from the form's fields)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    name = line_field(_("Name"), max_length=200, required=True)
    alt_names = line_field(
        _("Other names"),
        max_length=300,
        help_text=_("Acronyms and other names people search for, comma-separated (e.g. ADB)."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    headquarters_country = CountryField(_("Headquarters country"))
    countries = ticks_field(
        _("ASEAN countries of operation"),
        help_text=_("None ticked: no restriction (matched with projects in every country)."),
    )
    focus_areas = ticks_field(_("ASCF focus areas"))
    instruments = ticks_field(_("Financing instruments"), choices=FinancingInstrument.choices)
    stages = ticks_field(_("Project stages you engage at"), help_text=_("None ticked: any stage."))
    ticket_min_usd = FigureField(
        label=_("Smallest ticket (US$)"), required=False, min_value=0, decimal_places=2
    )
    ticket_max_usd = FigureField(
        label=_("Largest ticket (US$)"), required=False, min_value=0, decimal_places=2
    )
    capability_statement = text_field(
        _("Capability statement"),
        rows=6,
        help_text=_("What you do and fund, in plain words: matchmaking compares it with projects."),
    )
    description = text_field(_("Description"))
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    source = line_field(_("Source"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = _member_states()
        self.fields["focus_areas"].choices = _focus_areas()
        self.fields["stages"].choices = codelists.choices(codelists.PROJECT_STATUS)
        saved = self.initial.get("headquarters_country") or ""
        if saved and saved not in country_codes():
            # a code no country has (written around the services): shown as saved rather than
            # silently emptied; saving asks for a country of the list
            headquarters = self.fields["headquarters_country"]
            headquarters.choices = [*_headquarters_choices(), (saved, saved)]

    @classmethod
    def initial_from(cls, record: Any) -> dict[str, Any]:
        initial = super().initial_from(record)
        # codes saved in lower case ("jp") are the menu's upper-case ones
        initial["headquarters_country"] = (initial["headquarters_country"] or "").upper()
        return initial


# The profile's fields, in the form's order (the version belongs to the form, not the profile).
OrganisationForm.record_fields = [
    name for name in OrganisationForm.base_fields if name != "version"
]
