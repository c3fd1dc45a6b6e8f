"""The forms of indicator pages: a CSCO's entry and edit, the verifier's answer, the choice
of cities to compare. They shape input; the rules live in ``validation.py`` and the
services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ascn.core import formats
from ascn.core.forms import FilterForm, VersionedForm, line_field, rule_errors, text_field
from ascn.core.visibility import Visibility
from ascn.indicators import validation
from ascn.indicators.models import Framework, Indicator, QualityGrade
from ascn.network.queries import focus_area_labels


def indicator_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """The catalogue for a <select>, one <optgroup> per framework in the catalogue's order:
    with some 60 indicators a flat menu is hard to read."""
    names = dict(Framework.choices)
    groups: dict[str, list[tuple[int, str]]] = {}
    for i in Indicator.objects.all():
        groups.setdefault(str(names[i.framework]), []).append(
            (i.pk, f"{i.code} — {i.label} ({i.unit_label})")
        )
    return list(groups.items())


class CatalogueFilterForm(FilterForm):
    """The catalogue page's filters: a framework, an ASCF focus area."""

    framework = forms.ChoiceField(label=_("Framework"), required=False)
    focus_area = forms.ChoiceField(label=_("ASCF focus area"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        used = set(Indicator.objects.values_list("framework", flat=True))
        self.fields["framework"].choices = [("", _("All frameworks"))] + [
            (code, name) for code, name in Framework.choices if code in used
        ]
        self.fields["focus_area"].choices = [
            ("", _("All focus areas")),
            *focus_area_labels().items(),
        ]


class ValueForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.none(), empty_label=None
    )
    year = forms.IntegerField(label=_("Year"), help_text=_("The year the figure describes."))
    value = line_field(
        _("Value"),
        max_length=30,
        required=True,
        help_text=_("In the indicator's unit (shown with it), without the unit."),
    )
    source = line_field(
        _("Source"),
        max_length=500,
        required=True,
        help_text=_("Publication or agency, with its year, so that a reader can check it."),
    )
    method_note = text_field(
        _("Method note"),
        max_length=5000,
        help_text=_("How it was measured or estimated; departures from the definition."),
    )
    visibility = forms.ChoiceField(
        label=_("Who sees it"), choices=Visibility.choices, initial=Visibility.DRAFT
    )

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.all()
        self.fields["indicator"].choices = indicator_choices()
        if editing:  # an edit keeps its indicator
            del self.fields["indicator"]

    def clean_value(self) -> str:
        return typed_figure(self, "value")

    def clean(self):
        """The service's rules of the year and the figure, said with the form's own errors:
        every mistake in one answer (a missing source, then a year out of range, then a
        figure that is not a number took three submits)."""
        data = super().clean()
        indicator = data.get("indicator")
        checks = [("year", lambda: validation.clean_year(data["year"]))]
        if indicator is not None:
            checks.append(("value", lambda: validation.clean_value(indicator, data["value"])))
        for name, check in checks:
            if name in data and name not in self.errors:
                with rule_errors(self):
                    check()
        return data


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("verified", _("Verified")), ("returned", _("Return it to the city"))],
        widget=forms.RadioSelect,
    )
    grade = forms.ChoiceField(
        label=_("Data-quality grade"),
        required=False,
        choices=[("", _("— choose when verifying —")), *QualityGrade.choices],
        help_text=_("How the figure was obtained (the U4SSC data-quality scale, best first)."),
    )
    note = text_field(
        _("Note to the city"),
        max_length=2000,
        help_text=_("Required when you return the value: say what to correct."),
    )


class ValueEditForm(VersionedForm, ValueForm):
    """An edit of a value: its indicator stays, and the version the person saw goes back
    with it (someone else's save meanwhile: the form again with what differs)."""

    record_fields = ["year", "value", "source", "method_note", "visibility"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, editing=True, **kwargs)

    @classmethod
    def initial_from(cls, record) -> dict:
        return {**super().initial_from(record), "value": formats.as_typed(record.value.normalize())}


def typed_figure(form: forms.Form, field: str) -> str:
    """The figure typed in ``field``, in the page's style, as the services read it
    (``formats.typed_number``); a figure that reads two ways is refused on its field."""
    try:
        return formats.typed_number(form.cleaned_data.get(field) or "")
    except ValueError as exc:
        raise forms.ValidationError(str(exc)) from exc


class ProjectTargetForm(VersionedForm):
    """An indicator a project aims to move, with its target and optional baseline (the
    service checks the figures against the indicator's unit and the years' order). Adding
    one, it carries no version; changing one's figures (``editing``: its indicator stays),
    the version read."""

    record_fields = ["baseline", "baseline_year", "target", "target_year"]

    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.none(), empty_label=None
    )
    baseline = line_field(
        _("Baseline"),
        max_length=30,
        help_text=_("The figure the project starts from, in the indicator's unit (optional)."),
    )
    baseline_year = forms.IntegerField(
        label=_("Baseline year"), required=False, help_text=_("Needed with a baseline.")
    )
    target = line_field(
        _("Target"),
        max_length=30,
        required=True,
        help_text=_("The figure the project aims for, in the indicator's unit."),
    )
    target_year = forms.IntegerField(label=_("Target year"))

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["indicator"]
        else:
            self.fields["indicator"].queryset = Indicator.objects.all()
            self.fields["indicator"].choices = indicator_choices()

    @classmethod
    def initial_from(cls, record) -> dict:
        figures = {
            name: formats.as_typed(getattr(record, name).normalize())
            for name in ("baseline", "target")
            if getattr(record, name) is not None
        }
        return {**super().initial_from(record), **figures}

    def clean_baseline(self) -> str:
        return typed_figure(self, "baseline")

    def clean_target(self) -> str:
        return typed_figure(self, "target")
