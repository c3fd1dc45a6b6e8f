"""The forms of an action plan: the plan (with its document), and a step of its workflow."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ascn.core.forms import AccessibleFormMixin, rule_errors, text_field
from ascn.network.models import FocusArea, Outcome
from ascn.plans import validation
from ascn.plans.forms.common import RecordForm, framework_field

SECTION_FIELDS = {
    "heading": forms.CharField(label=_("Heading"), max_length=200),
    "body": text_field(_("Text"), rows=5, required=True),
}


class PlanForm(RecordForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    period_start = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100)
    period_end = forms.IntegerField(label=_("Last year"), min_value=2000, max_value=2100)
    vision = text_field(
        _("Vision"),
        rows=5,
        help_text=_("What the city wants to be at the end of the plan, in a paragraph or two."),
    )
    outcomes = framework_field(Outcome, _("ASCF strategic outcomes it addresses"), required=False)
    focus_areas = framework_field(FocusArea, _("ASCF focus areas it addresses"), required=False)
    # In the same form as the text, so a file chosen before "Save changes" is saved with it
    # (checked as a PDF by the service); not one of EDIT_FIELDS: the view passes it apart.
    document = forms.FileField(
        label=_("Plan document (PDF)"),
        required=False,
        help_text=_(
            "The plan as published by the city: a PDF of at most 10 MB. It is attached when "
            "you save; choosing another replaces it (earlier versions keep theirs)."
        ),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    EDIT_FIELDS = ("title", "period_start", "period_end", "vision", "outcomes", "focus_areas")
    ROW_GROUPS = {"section": ("sections", _("Narrative sections"), ("heading", "body"))}
    RULES = validation.PLAN

    def __init__(self, *args, cities=None, plan=None, extra_sections: int = 0, **kwargs):
        super().__init__(*args, record=plan, cities=cities, **kwargs)
        self.plan = plan
        sections = plan.sections if plan else []
        self.add_rows("section", SECTION_FIELDS, sections, extra=1 if sections else 2)
        if extra_sections:
            self.grow_rows("section", self.row_count("section") + extra_sections)

    @property
    def section_rows(self):
        return self.rows("section")

    def field_of(self, problem: validation.Refused) -> str | None:
        if problem.rule == "section-heading":  # the row's heading (rows left empty not counted)
            return f"section-{problem.params['number'] - 1}-heading"
        return super().field_of(problem)


class TransitionForm(AccessibleFormMixin, forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("submit", "withdraw", "endorse", "return", "publish")],
        widget=forms.HiddenInput,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = text_field(
        _("What needs to change"),
        rows=4,
        help_text=_("Required when returning a plan; the city's officers receive it."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        with rule_errors(self):
            validation.return_comment(data.get("action", ""), data.get("comment"))
        return data
