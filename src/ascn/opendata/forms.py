from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ascn.core import formats
from ascn.core.countries import asked_member_state
from ascn.core.errors import InvalidInput
from ascn.core.forms import FilterForm
from ascn.network.models import MemberState
from ascn.network.queries import member_state_labels
from ascn.opendata import imports


class ProjectImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet of projects (CSV or XLSX)"),
        help_text=_("At most 5 MB and 10,000 rows; the first row names the columns."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        megabytes = imports.max_bytes() // (1024 * 1024)
        self.fields["file"].help_text = _(
            "At most %(mb)s MB and %(rows)s rows; the first row names the columns."
        ) % {"mb": megabytes, "rows": formats.number(imports.max_rows())}


class ReportFilterForm(FilterForm):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    country = forms.ChoiceField(label=_("Member state"), required=False)

    FIRST_YEAR = 2018  # the ASCN was launched in 2018

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("All years"))] + [
            (year, str(year)) for year in range(this_year + 5, self.FIRST_YEAR - 1, -1)
        ]
        self.states = {state.code: state for state in MemberState.objects.order_by("name")}
        self.fields["country"].choices = [("", _("All member states"))] + [
            (code, state.label) for code, state in self.states.items()
        ]

    def clean(self):
        """``member_state`` is read as ``country`` is (as on the dashboards and the open-data
        files: ``core.countries.asked_member_state``); it was ignored, and a report asked
        for one state gave all of them."""
        data = super().clean()
        try:
            code = asked_member_state(self.data)
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from exc
        if code and code not in self.states:
            self.add_error("country", gettext("No member state “%(code)s”.") % {"code": code})
        elif code:
            data["country"] = code
        return data

    def member_state(self):
        return self.states.get(self.cleaned_data.get("country") or "")


class StateFilesForm(FilterForm):
    """The open-data catalogue's "Download for one member state": the state whose rows the
    datasets' files are offered with (``/data/<dataset>.csv?member_state=TH``)."""

    member_state = forms.ChoiceField(label=_("Member state"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # in the order of their English names, as every member-state menu of the site
        self.labels = member_state_labels()
        self.fields["member_state"].choices = [
            ("", _("Choose a member state")),
            *self.labels.items(),
        ]

    def chosen(self) -> tuple[str, str] | None:
        """(code, name in the reader's language) of the state chosen, or None."""
        code = self.cleaned_data.get("member_state") or ""
        return (code, self.labels[code]) if code else None
