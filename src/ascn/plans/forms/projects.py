"""The forms of a project: the project itself, and what is kept with it (readiness,
progress, documents, milestones)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ascn.core import formats
from ascn.core.forms import (
    AccessibleFormMixin,
    CoordinateField,
    date_field,
    line_field,
    rule_errors,
    text_field,
    ticks_field,
)
from ascn.core.visibility import Visibility
from ascn.network.models import FocusArea, Outcome
from ascn.plans import codelists, readiness, validation
from ascn.plans.forms.choices import (
    codelist_choices,
    currency_choices,
    document_type_choices,
    national_currency,
    status_choices,
)
from ascn.plans.forms.common import (
    RecordForm,
    amount_field,
    framework_field,
    percent_field,
    row_templates,
)
from ascn.plans.models import ActionPlan, FinancingInstrument
from ascn.plans.queries import progress_before

LOCATION_FIELDS = row_templates(
    description=forms.CharField(label=_("Place"), max_length=300),
    lat=CoordinateField(label=_("Latitude"), min_value=-90, max_value=90),
    lon=CoordinateField(label=_("Longitude"), min_value=-180, max_value=180),
)
CONTACT_FIELDS = row_templates(
    name=forms.CharField(label=_("Name"), max_length=200),
    role=forms.CharField(label=_("Role"), max_length=200),
    email=forms.EmailField(label=_("E-mail"), max_length=200),
)


class ProjectForm(RecordForm):
    """A priority project: create (with a city) or edit (with the version edited)."""

    plan = forms.ModelChoiceField(
        label=_("Smart City Action Plan"),
        queryset=ActionPlan.objects.none(),
        required=False,
        empty_label=_("— not in a plan yet —"),
        help_text=_("The city's action plan that lists this project as a priority."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = text_field(
        _("Description"),
        rows=6,
        required=True,
        help_text=_("The problem, the solution and who benefits, in a few paragraphs."),
    )
    focus_areas = framework_field(
        FocusArea,
        _("ASCF focus areas"),
        help_text=_("Choose at least one."),
        error_messages={"required": _("Choose at least one ASCF focus area.")},
    )
    outcomes = framework_field(Outcome, _("ASCF strategic outcomes"), required=False)
    sdg_targets = ticks_field(_("SDG 11 targets"), choices=list(codelists.SDG11_TARGETS.items()))
    status = forms.ChoiceField(
        label=_("Stage (OC4IDS project status)"),
        help_text=_("Identification: the idea is decided; preparation: studies and design."),
    )
    project_type = forms.ChoiceField(label=_("Type (OC4IDS)"), required=False)
    sectors = ticks_field(_("Sectors (OC4IDS)"))
    period_start = date_field(_("Start"), required=False, **validation.PROJECT_YEARS)
    period_end = date_field(_("End"), required=False, **validation.PROJECT_YEARS)
    budget_amount = amount_field(_("Budget"), _("The whole cost, in the currency below."))
    # A code off the menu (a fund, a metal, "no currency") is refused in the validator's words.
    budget_currency = forms.ChoiceField(
        label=_("Currency"),
        error_messages={"invalid_choice": _("Choose the currency the budget is in.")},
    )
    funding_secured = amount_field(
        _("Funding secured"),
        _("In the budget's currency. The funding gap is computed from it."),
        required=False,
        initial=Decimal("0"),
    )
    financing_sought = ticks_field(_("Financing sought"), choices=FinancingInstrument.choices)
    visibility = forms.ChoiceField(
        label=_("Who sees this project"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        initial=Visibility.DRAFT,
    )

    # only when the project is created: the language its title and description are in (the
    # page's, unless chosen); afterwards the translations page says it (core.translations)
    language = forms.ChoiceField(
        label=_("Written in"),
        choices=settings.LANGUAGES,
        help_text=_(
            "The language of the title and description. Translations into other languages can "
            "be added once the project is saved."
        ),
    )

    EDIT_FIELDS = (
        "language",
        "plan",
        "title",
        "description",
        "focus_areas",
        "outcomes",
        "sdg_targets",
        "status",
        "project_type",
        "sectors",
        "period_start",
        "period_end",
        "budget_amount",
        "budget_currency",
        "funding_secured",
        "financing_sought",
        "visibility",
    )
    ROW_GROUPS = {
        "location": ("locations", _("Locations"), ("description", "lat", "lon")),
        "contact": ("contacts", _("Contacts"), ("name", "role", "email")),
    }
    RULES = validation.PROJECT

    def __init__(
        self,
        *args,
        cities=None,
        plans=None,
        project=None,
        may_publish: bool = True,
        **kwargs,
    ):
        super().__init__(*args, record=project, cities=cities, **kwargs)
        self.project = project
        if project is None:
            self.fields["language"].initial = translation.get_language() or settings.LANGUAGE_CODE
        else:
            del self.fields["language"]
        self.fields["status"].choices = status_choices()
        self.fields["project_type"].choices = codelist_choices(
            codelists.PROJECT_TYPE, empty_label=_("— not set —")
        )
        self.fields["sectors"].choices = codelist_choices(codelists.PROJECT_SECTOR)
        self.fields["budget_currency"].choices = currency_choices(
            project.budget_currency if project else ""
        )
        self.budget_unpublished = project is not None and project.budget_amount is None
        if self.budget_unpublished:
            # a real project whose sources publish no budget: left empty, it stays so (as an
            # API edit without ``budget``); typed, it is the project's budget from now on
            self.fields["budget_amount"].required = False
            self.fields["budget_amount"].help_text = _(
                "Its sources publish no budget: leave it empty to keep it so, or give the "
                "whole cost, in the currency below."
            )
            self.fields["budget_currency"].required = False
            self.initial.update(
                budget_currency=national_currency(project.city), funding_secured=None
            )
        self.fields["plan"].queryset = plans if plans is not None else ActionPlan.objects.none()
        self.fields["plan"].label_from_instance = lambda plan: (
            f"{plan.city.name}: {plan.title} ({plan.period_start}–{plan.period_end})"
        )
        if not may_publish:
            del self.fields["visibility"]
        self.add_rows("location", LOCATION_FIELDS, project.locations if project else [])
        self.add_rows("contact", CONTACT_FIELDS, project.contacts if project else [])

    @property
    def location_rows(self):
        return self.rows("location")

    @property
    def contact_rows(self):
        return self.rows("contact")

    def service_values(self) -> dict[str, Any]:
        values = super().service_values()
        unpublished = values.get("budget_amount") is None and not values.get("funding_secured")
        if self.budget_unpublished and unpublished:
            for name in ("budget_amount", "budget_currency", "funding_secured"):
                values.pop(name, None)  # kept unpublished (funding secured alone: a budget due)
            return values
        values["funding_secured"] = values.get("funding_secured") or Decimal("0")
        return values


# --- readiness, progress, documents, milestones --------------------------------------


class ReadinessForm(forms.Form):
    """The bankability checklist: one checkbox per item, grouped by dimension, each with the
    project's documents on file that show it done (``on_file``: ``readiness.on_file``)."""

    # the latest assessment the page showed (0: none yet), for the service's stale check
    read = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, on_file: dict[str, list] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_file = on_file or {}
        for item in readiness.items():
            self.fields[item.code] = forms.BooleanField(label=item.label, required=False)

    def read_id(self) -> int | None:
        """The latest assessment the page showed (0: none); None when the form did not
        say (a client of its own: recorded as sent, as through the API). Said but not a
        number: 0, so that any assessment on record makes it stale, never no check."""
        if self.data.get("read") in (None, ""):
            return None
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("read") or 0

    def groups(self) -> list[tuple[str, list[tuple[forms.BoundField, readiness.Item, list]]]]:
        names = readiness.dimensions()
        grouped: dict[str, list] = {code: [] for code in names}
        for item in readiness.items():
            row = (self[item.code], item, self.on_file.get(item.code, []))
            grouped.setdefault(item.dimension, []).append(row)
        return [(names.get(code, code), rows) for code, rows in grouped.items() if rows]

    def answers(self) -> dict[str, bool]:
        """The ticks sent (none for an unbound form), also when the page was refused."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {item.code: bool(data.get(item.code)) for item in readiness.items()}


class ProgressForm(AccessibleFormMixin, forms.Form):
    date = date_field(_("As of"), initial=dt.date.today, **validation.PROJECT_YEARS)
    physical_pct = percent_field(
        _("Physical progress (%)"), _("How much of the works or services is done.")
    )
    financial_pct = percent_field(
        _("Financial progress (%)"), _("How much of the budget is spent.")
    )
    note = text_field(_("Note"))

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project

    def clean(self):
        data = super().clean()
        if data.get("date") is not None:
            with rule_errors(self):
                validation.progress_date(data["date"])
        if not (data.get("note") or "").strip():
            self._ask_why_it_drops(data)
        return data

    def _ask_why_it_drops(self, data) -> None:
        """Progress that goes down from the update before it is a correction or a setback,
        which a reader of the project cannot tell apart: the page asks for a note saying
        which before it records it (the API records it as sent)."""
        date = data.get("date") or dt.date.today()
        before = progress_before(self.project, date) if self.project else None
        if before is None:
            return
        for field, label in (
            ("physical_pct", _("Physical progress")),
            ("financial_pct", _("Financial progress")),
        ):
            now = data.get(field)
            if now is not None and now < getattr(before, field):
                self.add_error(
                    "note",
                    _(
                        "%(what)s goes down from %(before)s (update of %(date)s) to %(now)s. "
                        "If that is right, say why in the note (a correction, a setback) and "
                        "send it again."
                    )
                    % {
                        "what": label,
                        "before": formats.percent(getattr(before, field)),
                        "date": formats.day(before.date),
                        "now": formats.percent(now),
                    },
                )


class DocumentForm(AccessibleFormMixin, forms.Form):
    title = line_field(
        _("Title"),
        max_length=200,
        help_text=_("For example “Feasibility study, final report”. Defaults to the file name."),
    )
    document_type = forms.ChoiceField(label=_("Type of document (OC4IDS)"), required=False)
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("A PDF of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = document_type_choices()


class MilestoneForm(AccessibleFormMixin, forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Milestone"), max_length=200)
    code = forms.ChoiceField(label=_("Kind (OC4IDS milestone code)"), required=False)
    milestone_type = forms.ChoiceField(label=_("Type (OC4IDS)"), required=False)
    status = forms.ChoiceField(label=_("Status"), initial="scheduled")
    due_date = date_field(_("Due"), required=False, **validation.PROJECT_YEARS)
    date_met = date_field(
        _("Met on"),
        required=False,
        help_text=_("Needed when the status is “Met”."),
        **validation.PROJECT_YEARS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        none = _("— none —")
        self.fields["code"].choices = codelist_choices(codelists.MILESTONE_CODE, empty_label=none)
        self.fields["milestone_type"].choices = codelist_choices(
            codelists.MILESTONE_TYPE, empty_label=none
        )
        self.fields["status"].choices = codelist_choices(codelists.MILESTONE_STATUS)

    def clean(self):
        data = super().clean()
        if "status" in data:
            with rule_errors(self):
                validation.milestone(
                    status=data["status"],
                    milestone_type=data.get("milestone_type", ""),
                    code=data.get("code", ""),
                    date_met=data.get("date_met"),
                )
        return data

    @staticmethod
    def initial_from(milestone) -> dict[str, Any]:
        return {
            "milestone": milestone.pk,
            "title": milestone.title,
            "code": milestone.code,
            "milestone_type": milestone.milestone_type,
            "status": milestone.status,
            "due_date": milestone.due_date,
            "date_met": milestone.date_met,
        }
