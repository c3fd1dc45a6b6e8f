from django import forms
from django.utils.translation import gettext_lazy as _

from ascn.core.forms import FilterForm, date_field, text_field
from ascn.network.models import Appointment, MemberState, SizeClass
from ascn.network.queries import UNKNOWN_SIZE, cohorts


def member_states_with_cities() -> list[tuple[str, str]]:
    """A member-state filter over cities or their records: all, or a state that has cities."""
    return [("", _("All member states"))] + [
        (state.code, state.name)
        for state in MemberState.objects.filter(cities__isnull=False).distinct()
    ]


class CityFilterForm(FilterForm):
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": _("Search cities")}),
    )
    country = forms.ChoiceField(label=_("Member state"), required=False)
    cohort = forms.TypedChoiceField(label=_("Joined"), required=False, coerce=int, empty_value=None)
    size_class = forms.ChoiceField(label=_("Size"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = member_states_with_cities()
        self.fields["cohort"].choices = [("", _("Any year"))] + [
            (year, str(year)) for year in cohorts()
        ]
        self.fields["size_class"].choices = (
            [("", _("Any size"))]
            + list(SizeClass.choices)
            + [(UNKNOWN_SIZE, _("Population not published"))]
        )


class DirectoryFilterForm(FilterForm):
    q = forms.CharField(
        label=_("Name, city or designation"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(),
    )
    country = forms.ChoiceField(label=_("Member state"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Appointment.Role.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All member states"))] + [
            (state.code, state.name) for state in MemberState.objects.all()
        ]


class AppointForm(forms.Form):
    """A new officer for a city (a CSCO) or a member state (its National Representative)."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False)
    designation = text_field(
        _("Designation"), rows=2, help_text=_("As published: one line per designation.")
    )
    start_date = date_field(_("Takes office on"), required=False)
    succeeds = forms.BooleanField(
        label=_("Succeeds the officers in office now"),
        required=False,
        help_text=_(
            "Their appointments end on this start date and stay in the history. Leave it "
            "unticked to add an officer beside them."
        ),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Where the appointment is published: a letter, a decree, a web page."),
    )


class EndForm(forms.Form):
    end_date = date_field(_("Left office on"))
