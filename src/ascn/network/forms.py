from typing import Any

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from ascn.core.forms import (
    FigureField,
    FilterForm,
    VersionedForm,
    WholeNumberField,
    date_field,
    line_field,
    text_field,
)
from ascn.network.models import Appointment, City, MemberState, SizeClass
from ascn.network.queries import UNKNOWN_SIZE, cohorts, member_state_labels


class CityChoiceField(forms.ModelChoiceField):
    """A city chosen by its name (and its member state's, as two cities may share one)."""

    def label_from_instance(self, obj: City) -> str:
        return f"{obj.name} ({obj.member_state.label})"


def any_city_field(label: str, *, empty_label: str, **kwargs: Any) -> CityChoiceField:
    """An optional choice among all the cities, by name (``kwargs``: ``to_field_name``,
    ``help_text``)."""
    return CityChoiceField(
        label=label,
        queryset=City.objects.select_related("member_state").order_by("name"),
        required=False,
        empty_label=empty_label,
        **kwargs,
    )


def member_states_with_cities() -> list[tuple[str, str]]:
    """A member-state filter over cities or their records: all, or a state that has cities."""
    # EXISTS, one index probe a state: DISTINCT over the join read every city (2 ms of
    # PostgreSQL on every filtered list page at 3,000 cities)
    has_cities = Exists(City.objects.filter(member_state=OuterRef("pk")))
    states = MemberState.objects.filter(has_cities).values_list("code", "name")
    # named in the reader's language (``MemberState.label``)
    return [("", _("All member states"))] + [
        (code, MemberState(name=name).label) for code, name in states
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
        self.fields["country"].choices = [
            ("", _("All member states")),
            *member_state_labels().items(),
        ]


class AppointForm(forms.Form):
    """A new officer for a city (a CSCO) or a member state (its National Representative)."""

    full_name = line_field(_("Full name"), max_length=200, required=True)
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
    source = line_field(
        _("Source"),
        max_length=300,
        required=True,
        help_text=_("Where the appointment is published: a letter, a decree, a web page."),
    )


class EndForm(forms.Form):
    end_date = date_field(_("Left office on"))


class MemberStateForm(VersionedForm):
    record_fields = ["official_name", "asean_member_since", "note", "source"]

    official_name = line_field(_("Official name"), max_length=200)
    asean_member_since = date_field(_("ASEAN member since"), required=False)
    note = text_field(_("Note"), max_length=5000)
    source = line_field(
        _("Source"),
        max_length=300,
        help_text=_("Where the official name and the date are published."),
    )


def _degrees(label: str, limit: int, help_text: str) -> forms.DecimalField:
    """A coordinate in decimal degrees, as the city record keeps it (five places), from
    ``-limit`` to ``limit``."""
    return FigureField(
        label=label,
        max_digits=8,
        decimal_places=5,
        min_value=-limit,
        max_value=limit,
        help_text=help_text,
    )


class CityForm(VersionedForm):
    """A city's record. Its size class follows from the population; the pilot cities are
    those that joined in 2018."""

    record_fields = [
        "name",
        "alt_names",
        "cohort",
        "cohort_source",
        "cohort_note",
        "population",
        "population_year",
        "population_source",
        "population_note",
        "latitude",
        "longitude",
    ]

    name = line_field(_("Name"), max_length=120, required=True)
    alt_names = line_field(
        _("Other names"),
        max_length=300,
        help_text=_("Comma-separated, for search: local spellings, former names."),
    )
    cohort = forms.IntegerField(
        label=_("Joined the network in"),
        min_value=2018,
        max_value=2100,
        help_text=_("2018 for the 26 pilot cities."),
    )
    cohort_source = line_field(_("Source of that year"), max_length=300)
    cohort_note = line_field(_("Note on that year"), max_length=300)
    population = WholeNumberField(
        label=_("Population"),
        min_value=0,
        max_value=2**31 - 1,
        required=False,
        help_text=_(
            "Of the city proper, as officially published; it sets the size class. Leave it "
            "empty when no official figure is known."
        ),
    )
    population_year = forms.IntegerField(
        label=_("Year of the population figure"), min_value=1900, max_value=2100, required=False
    )
    population_source = line_field(_("Source of the population figure"), max_length=300)
    population_note = line_field(_("Note on the population figure"), max_length=300)
    latitude = _degrees(_("Latitude"), 90, _("Decimal degrees, north positive (e.g. 16.05440)."))
    longitude = _degrees(_("Longitude"), 180, _("Decimal degrees, east positive (e.g. 108.20220)."))


class CityNewForm(CityForm):
    """A city joining the network: its member state chosen by name; the slug comes from the
    name."""

    member_state = forms.ChoiceField(label=_("Member state"))

    field_order = ["member_state", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]
        self.fields["member_state"].choices = [
            ("", _("Choose a member state")),
            *member_state_labels().items(),
        ]
