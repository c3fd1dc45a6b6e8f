"""Forms of the meetings pages and back office. They only collect input: the services check
the file (PDF by content, at most 10 MB) and who may upload."""

import datetime as dt
import functools
from importlib import resources
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from ascn.core.forms import (
    AccessibleFormMixin,
    date_field,
    line_field,
    rule_problems_too,
    text_field,
)
from ascn.core.services import fields_digest
from ascn.meetings.models import Meeting, MeetingDocument
from ascn.meetings.services import MINUTES, TIME_ZONES, meeting_problems
from ascn.meetings.services.agenda import meeting_days
from ascn.network.forms import any_city_field
from ascn.network.models import MemberState
from ascn.network.queries import member_state_labels


class MeetingDocumentForm(forms.Form):
    title = line_field(_("Title"), max_length=200, help_text=_("Defaults to the file name."))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=MeetingDocument.Kind.choices, initial=MeetingDocument.Kind.OTHER
    )
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("A PDF of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


@functools.cache
def _zone_table(name: str) -> list[tuple[str, str]]:
    """(country codes, zone) of one of the IANA database's tables, as the tzdata package
    (a dependency of icalendar) ships them."""
    text = (resources.files("tzdata") / "zoneinfo" / name).read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return [(row[0], row[2]) for row in rows if len(row) >= 3]


def _time_zone_choices() -> list[tuple[str, Any]]:
    """The member states' zones first, each with its country; then every other zone the
    IANA database still uses (not its old aliases, such as Asia/Saigon or Asia/Rangoon)."""
    states = member_state_labels()
    asean = [
        (zone, f"{zone} — {states[code]}")
        for code, zone in _zone_table("zone.tab")
        if code in states and zone in TIME_ZONES
    ]
    chosen = {zone for zone, _label in asean}
    others = sorted({zone for _codes, zone in _zone_table("zone1970.tab")} & TIME_ZONES - chosen)
    return [
        ("", _("Not set")),
        (_("ASEAN member states"), sorted(asean, key=lambda choice: choice[1])),
        (_("Elsewhere"), [(zone, zone) for zone in others]),
    ]


class MeetingForm(forms.Form):
    """A meeting's facts as the Secretariat enters them; the slug is made from the title."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # the facts as the form showed them (``fields_digest``): minutes saved meanwhile are no
    # conflict (``lock_fields``)
    opened = forms.CharField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    # no kind chosen for the Secretariat: a workshop was published as an annual meeting,
    # the menu's first entry
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("— choose the kind —")), *Meeting.Kind.choices]
    )
    number = forms.IntegerField(
        label=_("Number in its series"), min_value=1, max_value=999, required=False
    )
    start_date = date_field(_("First day"))
    end_date = date_field(
        _("Last day"), required=False, help_text=_("Empty for a one-day meeting.")
    )
    time_zone = forms.ChoiceField(
        label=_("Host's time zone"),
        required=False,
        choices=_time_zone_choices,
        help_text=_("Agenda times are in this time zone (e.g. Asia/Bangkok for Thailand)."),
    )
    host_member_state = forms.ModelChoiceField(
        label=_("Host member state"),
        queryset=MemberState.objects.order_by("name"),
        required=False,
        empty_label=_("None"),
    )
    host_city = any_city_field(
        _("Host city"), empty_label=_("None"), help_text=_("A city of the host member state.")
    )
    place = line_field(_("Venue and place"), max_length=200)
    format = forms.ChoiceField(
        label=_("Format"), choices=[("", _("Not decided")), *Meeting.Format.choices], required=False
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, required=False, help_text=_("Empty: no limit.")
    )
    registration_open = forms.BooleanField(label=_("Registration is open"), required=False)
    registration_opens_on = date_field(
        _("Registration opens"),
        required=False,
        help_text=_("Empty: as soon as registration is open."),
    )
    registration_closes_on = date_field(
        _("Registration closes"),
        required=False,
        help_text=_("The last day to register. Empty: until the meeting ends."),
    )

    FIELDS = (
        "title",
        "kind",
        "number",
        "start_date",
        "end_date",
        "time_zone",
        "host_member_state",
        "host_city",
        "place",
        "format",
        "description",
        "capacity",
        "registration_open",
        "registration_opens_on",
        "registration_closes_on",
    )

    @classmethod
    def initial_from(cls, meeting: Meeting) -> dict[str, Any]:
        return {
            "version": meeting.version,
            "opened": fields_digest(meeting, cls.FIELDS),
            **{f: getattr(meeting, f) for f in cls.FIELDS},
        }

    def clean(self) -> dict[str, Any]:
        """With a field missing or wrong, the service is not asked: the meeting's rules are
        checked here too on what was given (``meeting_problems``), so that one send shows
        every problem, not the field errors first and the rules' after the next send."""
        data = super().clean()
        if self.errors:
            given = {f: data[f] for f in self.FIELDS if f in data}
            rule_problems_too(self, meeting_problems(Meeting(**given)))
        return data

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {f: data[f] for f in self.FIELDS}
        for text in ("place", "description", "time_zone", "format"):
            values[text] = (values[text] or "").strip()
        values["title"] = values["title"].strip()
        return values


class AgendaItemForm(AccessibleFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    day = forms.TypedChoiceField(
        label=_("Day"), required=False, coerce=dt.date.fromisoformat, empty_value=None
    )
    time = forms.TimeField(
        label=_("Time (local)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    description = text_field(_("Description"), rows=2)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = meeting_days(meeting)
        if days:  # a meeting of several days: which one
            field = self.fields["day"]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [("", _("Not said"))] + [
                (day.isoformat(), formats.date_format(day, "l j F Y")) for day in days
            ]
        else:
            del self.fields["day"]


class DecisionForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("Decision or document adopted"), max_length=300)
    description = text_field(_("Description"), rows=2)
    document_title = line_field(_("Document title"), max_length=300)
    document_url = forms.URLField(
        label=_("Document address (URL)"), required=False, assume_scheme="https"
    )


class MinutesForm(forms.Form):
    FIELDS = MINUTES
    version = forms.IntegerField(widget=forms.HiddenInput)
    # the minutes as the form showed them: an edit of the facts meanwhile is no conflict
    opened = forms.CharField(widget=forms.HiddenInput, required=False)
    minutes = text_field(
        _("Minutes (Markdown)"),
        rows=18,
        max_length=100_000,
        help_text=_(
            "Headings with #, lists with -, links as [text](address). Preview before saving."
        ),
    )
