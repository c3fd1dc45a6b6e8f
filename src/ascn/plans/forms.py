"""Forms of the plans and projects pages.

Forms shape what a person types into the arguments of the services; the services validate
again (they are the rule), and their ``InvalidInput`` errors come back onto these forms.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ascn.core.visibility import Visibility
from ascn.network.models import City, FocusArea, MemberState, Outcome
from ascn.plans import codelists, readiness
from ascn.plans.models import ActionPlan, FinancingInstrument, PlanStatus, ReadinessLevel

# The currencies of the ASEAN member states first (Timor-Leste uses the US dollar), then
# those of the network's usual partners; every other ISO 4217 code after them.
FIRST_CURRENCIES = [
    "BND",
    "KHR",
    "IDR",
    "LAK",
    "MYR",
    "MMK",
    "PHP",
    "SGD",
    "THB",
    "VND",
    "USD",
    "EUR",
    "JPY",
    "CNY",
    "KRW",
    "AUD",
    "GBP",
]
# The currency a city's budget is most likely in, by member state (ISO 3166 → ISO 4217).
NATIONAL_CURRENCY = {
    "BN": "BND",
    "KH": "KHR",
    "ID": "IDR",
    "LA": "LAK",
    "MY": "MYR",
    "MM": "MMK",
    "PH": "PHP",
    "SG": "SGD",
    "TH": "THB",
    "VN": "VND",
    "TL": "USD",
}
# Document types a city uploads most while shaping a project, offered first.
FIRST_DOCUMENT_TYPES = (
    "feasibilityStudy",
    "projectPlan",
    "environmentalImpact",
    "socialImpact",
    "costBenefitAnalysis",
    "valueForMoneyAnalysis",
    "needsAssessment",
    "projectScope",
    "designReport",
    "procurementPlan",
    "landAndSettlementImpact",
    "climateAndDisasterRiskAssessment",
    "budgetApproval",
    "physicalProgressReport",
    "financialProgressReport",
)
SDG11_TARGETS = {
    "11.1": _("11.1 Adequate, safe and affordable housing; upgrade slums"),
    "11.2": _("11.2 Safe, affordable, accessible and sustainable transport"),
    "11.3": _("11.3 Inclusive, sustainable urbanisation and participatory planning"),
    "11.4": _("11.4 Protect cultural and natural heritage"),
    "11.5": _("11.5 Fewer deaths and losses from disasters, including floods"),
    "11.6": _("11.6 Less environmental impact of cities: air quality and waste"),
    "11.7": _("11.7 Safe, inclusive and accessible green and public spaces"),
    "11.a": _("11.a Links between urban, peri-urban and rural areas"),
    "11.b": _("11.b Integrated policies for inclusion, resilience and disaster risk"),
    "11.c": _("11.c Support least developed countries to build sustainably"),
}


def status_choices() -> list[tuple[str, str]]:
    """OC4IDS project statuses with their titles (one of which is lower case upstream)."""
    return [
        (code, capfirst(title))
        for code, title in codelists.codelist(codelists.PROJECT_STATUS).items()
    ]


def currency_choices() -> list[tuple[str, Any]]:
    names = codelists.codelist(codelists.CURRENCY)
    first = [(code, f"{code} — {names[code]}") for code in FIRST_CURRENCIES if code in names]
    rest = [
        (code, f"{code} — {title}") for code, title in names.items() if code not in FIRST_CURRENCIES
    ]
    return [(_("ASEAN and partner currencies"), first), (_("All currencies"), rest)]


def document_type_choices() -> list[tuple[str, Any]]:
    names = codelists.codelist(codelists.DOCUMENT_TYPE)
    first = [(code, names[code]) for code in FIRST_DOCUMENT_TYPES if code in names]
    rest = sorted(
        ((code, title) for code, title in names.items() if code not in FIRST_DOCUMENT_TYPES),
        key=lambda pair: pair[1].lower(),
    )
    return [("", _("— choose a type —")), (_("Common"), first), (_("All OC4IDS types"), rest)]


def city_choices(cities) -> list[tuple[str, Any]]:
    """Cities grouped by member state, for a <select> with <optgroup>s."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for city in cities.select_related("member_state").order_by("member_state__name", "name"):
        groups.setdefault(city.member_state.name, []).append((city.slug, city.name))
    return list(groups.items())


CITY_MENU_LIMIT = 300


def city_filter_choices(data) -> list[tuple[str, Any]]:
    """The city menu of a filter form: the chosen member state's cities, or all of them
    while they are few enough for a menu (at ASEAN scale, choose a member state first)."""
    data = data or {}
    cities = City.objects.all()
    if data.get("country"):
        cities = cities.filter(member_state__code__iexact=data["country"])
    if cities.count() <= CITY_MENU_LIMIT:
        return [("", _("All cities")), *city_choices(cities)]
    chosen = cities.filter(slug=data.get("city") or "")
    return [("", _("All cities (choose a member state to pick one)")), *city_choices(chosen)]


class AccessibleFormMixin:
    """Marks invalid fields with ``aria-invalid`` and points them at their error message
    (``<id>_error``, rendered by ``components/field.html``)."""

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                described = [f"{bound.auto_id}_error"]
                if self.fields[name].help_text:
                    described.append(f"{bound.auto_id}_helptext")
                attrs["aria-describedby"] = " ".join(described)


def _search_attrs(field: forms.Field, placeholder) -> None:
    field.widget.attrs.update({"type": "search", "placeholder": placeholder})


# --- filters -------------------------------------------------------------------------


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Member state"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)
    focus_area = forms.ChoiceField(label=_("Focus area"), required=False)
    status = forms.ChoiceField(label=_("Stage"), required=False)
    readiness = forms.ChoiceField(
        label=_("Readiness"),
        required=False,
        choices=[("", _("Any readiness")), *ReadinessLevel.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _search_attrs(self.fields["q"], _("Title, description or city"))
        self.fields["country"].choices = [("", _("All member states"))] + [
            (state.code, state.name)
            for state in MemberState.objects.filter(cities__isnull=False).distinct()
        ]
        self.fields["city"].choices = city_filter_choices(self.data)
        self.fields["focus_area"].choices = [("", _("All focus areas"))] + [
            (area.code, area.name) for area in FocusArea.objects.all()
        ]
        self.fields["status"].choices = [("", _("Any stage")), *status_choices()]


class PlanFilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Member state"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *PlanStatus.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All member states"))] + [
            (state.code, state.name)
            for state in MemberState.objects.filter(cities__isnull=False).distinct()
        ]
        self.fields["city"].choices = city_filter_choices(self.data)


# --- repeated rows (locations, contacts, plan sections) without JavaScript ---------


class RowsMixin:
    """Numbered groups of fields (``location-0-lat`` …): as many as the record has plus an
    empty one; a bound form keeps the rows that were posted, and ``grow_rows`` adds more
    (an "add another" button that works without JavaScript)."""

    MAX_ROWS = 50

    def add_rows(
        self, prefix: str, fields: dict[str, forms.Field], rows: list[dict], extra: int = 1
    ) -> None:
        if self.is_bound:
            pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)-")
            indices = [int(m.group(1)) for key in self.data if (m := pattern.match(key))]
            count = max(indices, default=-1) + 1
        else:
            count = len(rows) + extra
            for index, row in enumerate(rows):
                for name in fields:
                    self.initial[f"{prefix}-{index}-{name}"] = row.get(name, "")
        self._row_groups = getattr(self, "_row_groups", {})
        self._row_groups[prefix] = (fields, 0)
        self.grow_rows(prefix, max(count, 1))

    def grow_rows(self, prefix: str, count: int) -> None:
        fields, current = self._row_groups[prefix]
        count = min(count, self.MAX_ROWS)
        for index in range(current, count):
            for name, template in fields.items():
                field = template.__class__(**_field_kwargs(template))
                field.widget = template.widget.__class__(attrs=dict(template.widget.attrs))
                self.fields[f"{prefix}-{index}-{name}"] = field
        self._row_groups[prefix] = (fields, max(count, current))

    def row_count(self, prefix: str) -> int:
        return self._row_groups[prefix][1]

    def rows(self, prefix: str) -> list[list[forms.BoundField]]:
        fields, count = self._row_groups[prefix]
        return [[self[f"{prefix}-{i}-{name}"] for name in fields] for i in range(count)]

    def row_values(self, prefix: str) -> list[dict]:
        fields, count = self._row_groups[prefix]
        out = []
        for i in range(count):
            row = {name: self.cleaned_data.get(f"{prefix}-{i}-{name}") for name in fields}
            if any(value not in (None, "") for value in row.values()):
                out.append(row)
        return out


def _field_kwargs(field: forms.Field) -> dict:
    kwargs: dict[str, Any] = {"label": field.label, "required": False}
    for attr in ("max_length", "min_value", "max_value"):
        if getattr(field, attr, None) is not None:
            kwargs[attr] = getattr(field, attr)
    return kwargs


# --- projects ------------------------------------------------------------------------

LOCATION_FIELDS = {
    "description": forms.CharField(label=_("Place"), max_length=300),
    "lat": forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90),
    "lon": forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180),
}
CONTACT_FIELDS = {
    "name": forms.CharField(label=_("Name"), max_length=200),
    "role": forms.CharField(label=_("Role"), max_length=200),
    "email": forms.EmailField(label=_("E-mail"), max_length=200),
}
for _template in (*LOCATION_FIELDS.values(), *CONTACT_FIELDS.values()):
    _template.widget.attrs["class"] = "row-input"


class ProjectForm(AccessibleFormMixin, RowsMixin, forms.Form):
    """A priority project: create (with a city) or edit (with the version edited)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # What the form showed when it was opened (signed), to merge if someone saves first.
    original = forms.CharField(widget=forms.HiddenInput, required=False)
    city = forms.ChoiceField(
        label=_("City"), help_text=_("Only the cities you are an officer of are listed.")
    )
    plan = forms.ModelChoiceField(
        label=_("Smart City Action Plan"),
        queryset=ActionPlan.objects.none(),
        required=False,
        empty_label=_("— not in a plan yet —"),
        help_text=_("The city's action plan that lists this project as a priority."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The problem, the solution and who benefits, in a few paragraphs."),
    )
    focus_areas = forms.ModelMultipleChoiceField(
        label=_("ASCF focus areas"),
        queryset=FocusArea.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose at least one."),
        error_messages={"required": _("Choose at least one ASCF focus area.")},
    )
    outcomes = forms.ModelMultipleChoiceField(
        label=_("ASCF strategic outcomes"),
        queryset=Outcome.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    sdg_targets = forms.MultipleChoiceField(
        label=_("SDG 11 targets"),
        choices=list(SDG11_TARGETS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Stage (OC4IDS project status)"),
        help_text=_("Identification: the idea is decided; preparation: studies and design."),
    )
    project_type = forms.ChoiceField(label=_("Type (OC4IDS)"), required=False)
    sectors = forms.MultipleChoiceField(
        label=_("Sectors (OC4IDS)"), widget=forms.CheckboxSelectMultiple, required=False
    )
    period_start = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("End"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    budget_amount = forms.DecimalField(
        label=_("Budget"),
        max_digits=18,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        help_text=_("The whole cost, in the currency below."),
    )
    budget_currency = forms.ChoiceField(label=_("Currency"))
    funding_secured = forms.DecimalField(
        label=_("Funding secured"),
        max_digits=18,
        decimal_places=2,
        min_value=0,
        required=False,
        initial=Decimal("0"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        help_text=_("In the budget's currency. The funding gap is computed from it."),
    )
    financing_sought = forms.MultipleChoiceField(
        label=_("Financing sought"),
        choices=FinancingInstrument.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    visibility = forms.ChoiceField(
        label=_("Who sees this project"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        initial=Visibility.DRAFT,
    )

    SERVICE_FIELDS = [
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
    ]
    EDIT_FIELDS = SERVICE_FIELDS
    # row prefix → (the record's field, its label, the keys of a row)
    ROW_GROUPS = {
        "location": ("locations", _("Locations"), ("description", "lat", "lon")),
        "contact": ("contacts", _("Contacts"), ("name", "role", "email")),
    }

    def __init__(
        self,
        *args,
        cities=None,
        plans=None,
        project=None,
        may_publish: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["status"].choices = status_choices()
        self.fields["project_type"].choices = [("", _("— not set —"))] + [
            (code, title) for code, title in codelists.codelist(codelists.PROJECT_TYPE).items()
        ]
        self.fields["sectors"].choices = list(codelists.codelist(codelists.PROJECT_SECTOR).items())
        self.fields["budget_currency"].choices = currency_choices()
        if project is None:
            self.fields["city"].choices = city_choices(cities)
            self.fields["version"].widget = forms.HiddenInput()
        else:
            del self.fields["city"]
            self.fields["version"].required = True
        self.fields["plan"].queryset = plans if plans is not None else ActionPlan.objects.none()
        self.fields["plan"].label_from_instance = lambda plan: (
            f"{plan.city.name}: {plan.title} ({plan.period_start}–{plan.period_end})"
        )
        if not may_publish:
            del self.fields["visibility"]
        locations = project.locations if project else []
        contacts = project.contacts if project else []
        self.add_rows("location", LOCATION_FIELDS, locations)
        self.add_rows("contact", CONTACT_FIELDS, contacts)

    @property
    def location_rows(self):
        return self.rows("location")

    @property
    def contact_rows(self):
        return self.rows("contact")

    @staticmethod
    def initial_from(project) -> dict[str, Any]:
        return {
            "version": project.version,
            "plan": project.plan_id,
            "title": project.title,
            "description": project.description,
            "focus_areas": [area.code for area in project.focus_areas.all()],
            "outcomes": [outcome.code for outcome in project.outcomes.all()],
            "sdg_targets": project.sdg_targets,
            "status": project.status,
            "project_type": project.project_type,
            "sectors": project.sectors,
            "period_start": project.period_start,
            "period_end": project.period_end,
            "budget_amount": project.budget_amount,
            "budget_currency": project.budget_currency,
            "funding_secured": project.funding_secured,
            "financing_sought": project.financing_sought,
            "visibility": project.visibility,
        }

    def clean(self):
        data = super().clean()
        budget, secured = data.get("budget_amount"), data.get("funding_secured")
        if budget is not None and secured is not None and secured > budget:
            self.add_error("funding_secured", _("Funding secured cannot exceed the budget."))
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end cannot come before the start."))
        for row, values in enumerate(self.row_values("location")):
            if (values["lat"] is None) != (values["lon"] is None):
                self.add_error(
                    None,
                    _("Location %(n)s: give both latitude and longitude, or neither.")
                    % {"n": row + 1},
                )
        return data

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as the keyword arguments of ``project_create``/``project_update``."""
        data = self.cleaned_data
        values = {key: data[key] for key in self.SERVICE_FIELDS if key in data}
        values["focus_areas"] = [area.code for area in data["focus_areas"]]
        values["outcomes"] = [outcome.code for outcome in data["outcomes"]]
        values["funding_secured"] = data.get("funding_secured") or Decimal("0")
        values["locations"] = [
            {k: v for k, v in row.items() if v not in (None, "")}
            for row in self.row_values("location")
        ]
        values["contacts"] = [
            {k: v or "" for k, v in row.items()} for row in self.row_values("contact")
        ]
        return values


# --- readiness, progress, documents, milestones --------------------------------------


class ReadinessForm(forms.Form):
    """The bankability checklist: one checkbox per item, grouped by dimension."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in readiness.items():
            self.fields[item.code] = forms.BooleanField(label=item.label, required=False)

    def groups(self) -> list[tuple[str, list[tuple[forms.BoundField, readiness.Item]]]]:
        names = readiness.dimensions()
        grouped: dict[str, list] = {code: [] for code in names}
        for item in readiness.items():
            grouped.setdefault(item.dimension, []).append((self[item.code], item))
        return [(names.get(code, code), rows) for code, rows in grouped.items() if rows]

    def answers(self) -> dict[str, bool]:
        data = self.cleaned_data if self.is_valid() else {}
        return {item.code: bool(data.get(item.code)) for item in readiness.items()}


class ProgressForm(AccessibleFormMixin, forms.Form):
    date = forms.DateField(
        label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}), initial=dt.date.today
    )
    physical_pct = forms.DecimalField(
        label=_("Physical progress (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        max_digits=5,
        help_text=_("How much of the works or services is done."),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    financial_pct = forms.DecimalField(
        label=_("Financial progress (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        max_digits=5,
        help_text=_("How much of the budget is spent."),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > dt.date.today():
            raise forms.ValidationError(_("Progress cannot be reported for a future date."))
        return date


class DocumentForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
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
    due_date = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_met = forms.DateField(
        label=_("Met on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Needed when the status is “Met”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", _("— none —"))] + list(
            codelists.codelist(codelists.MILESTONE_CODE).items()
        )
        self.fields["milestone_type"].choices = [("", _("— none —"))] + list(
            codelists.codelist(codelists.MILESTONE_TYPE).items()
        )
        self.fields["status"].choices = list(codelists.codelist(codelists.MILESTONE_STATUS).items())

    def clean(self):
        data = super().clean()
        if data.get("status") == "met" and not data.get("date_met"):
            self.add_error("date_met", _("A met milestone needs the date it was met."))
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


# --- action plans --------------------------------------------------------------------

SECTION_FIELDS = {
    "heading": forms.CharField(label=_("Heading"), max_length=200),
    "body": forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5})),
}


class PlanForm(AccessibleFormMixin, RowsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    original = forms.CharField(widget=forms.HiddenInput, required=False)
    city = forms.ChoiceField(
        label=_("City"), help_text=_("Only the cities you are an officer of are listed.")
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    period_start = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100)
    period_end = forms.IntegerField(label=_("Last year"), min_value=2000, max_value=2100)
    vision = forms.CharField(
        label=_("Vision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the city wants to be at the end of the plan, in a paragraph or two."),
    )
    outcomes = forms.ModelMultipleChoiceField(
        label=_("ASCF strategic outcomes it addresses"),
        queryset=Outcome.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    focus_areas = forms.ModelMultipleChoiceField(
        label=_("ASCF focus areas it addresses"),
        queryset=FocusArea.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    SERVICE_FIELDS = ("title", "period_start", "period_end", "vision")
    EDIT_FIELDS = (*SERVICE_FIELDS, "outcomes", "focus_areas")
    ROW_GROUPS = {"section": ("sections", _("Narrative sections"), ("heading", "body"))}

    def __init__(self, *args, cities=None, plan=None, extra_sections: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        if plan is None:
            self.fields["city"].choices = city_choices(cities)
        else:
            del self.fields["city"]
            self.fields["version"].required = True
        sections = plan.sections if plan else []
        self.add_rows("section", SECTION_FIELDS, sections, extra=1 if sections else 2)
        if extra_sections:
            self.grow_rows("section", self.row_count("section") + extra_sections)

    @property
    def section_rows(self):
        return self.rows("section")

    @staticmethod
    def initial_from(plan) -> dict[str, Any]:
        return {
            "version": plan.version,
            "title": plan.title,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "vision": plan.vision,
            "outcomes": [o.code for o in plan.outcomes.all()],
            "focus_areas": [f.code for f in plan.focus_areas.all()],
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The last year cannot come before the first."))
        for index, row in enumerate(self.row_values("section")):
            if not (row.get("heading") or "").strip():
                self.add_error(
                    f"section-{index}-heading", _("Give this section a heading (or empty it).")
                )
        return data

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {key: data[key] for key in self.SERVICE_FIELDS}
        values["outcomes"] = [o.code for o in data["outcomes"]]
        values["focus_areas"] = [f.code for f in data["focus_areas"]]
        values["sections"] = [
            {"heading": row["heading"] or "", "body": row["body"] or ""}
            for row in self.row_values("section")
        ]
        return values


class PlanDocumentForm(AccessibleFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    document = forms.FileField(
        label=_("Plan document (PDF)"),
        help_text=_("The plan as published by the city: a PDF of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class TransitionForm(AccessibleFormMixin, forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("submit", "endorse", "return", "publish")],
        widget=forms.HiddenInput,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("What needs to change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when returning a plan; the city's officers receive it."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("action") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what needs to change when returning a plan."))
        return data
