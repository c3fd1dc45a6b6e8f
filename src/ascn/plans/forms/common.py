"""What the plans and projects forms share: repeated rows without
JavaScript, and the rules of ``plans.validation`` shown on the fields they name."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ascn.core import formats
from ascn.core.forms import AccessibleFormMixin, FigureField
from ascn.plans import validation
from ascn.plans.forms.choices import city_choices


def framework_field(model: type[models.Model], label, **kwargs) -> forms.Field:
    """Checkboxes of the framework's outcomes or focus areas, sent as their codes."""
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=model._default_manager.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


def decimal_field(label, help_text, *, max_digits: int, **kwargs) -> forms.DecimalField:
    """A number of at least zero, to the hundredth; its limits in a message written as a
    person writes them (``core.formats``), not as Django's validators do."""
    field = FigureField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_digits=max_digits,
        decimal_places=2,
        **kwargs,
    )
    limited_messages(field)
    return field


def limited_messages(field: forms.DecimalField | forms.IntegerField) -> None:
    """ "At least 0." / "At most 100." instead of "Ensure this value is greater than or equal
    to 0E+1." — Django writes the raw limit into its validators' messages."""
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            validator.message = _limit_message("min", validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            validator.message = _limit_message("max", validator.limit_value)


def _limit_text(side: str, limit: Any) -> str:
    message = gettext("At least %(limit)s.") if side == "min" else gettext("At most %(limit)s.")
    # Django formats the message again with the validator's params: no "%" may be left.
    return (message % {"limit": formats.number(limit)}).replace("%", "%%")


_limit_message = lazy(_limit_text, str)


def amount_field(label, help_text, **kwargs) -> forms.DecimalField:
    """An amount of money (a budget is NUMERIC(18, 2))."""
    return decimal_field(label, help_text, max_digits=18, **kwargs)


def percent_field(label, help_text) -> forms.DecimalField:
    return decimal_field(label, help_text, max_digits=5, max_value=100)


def search_attrs(field: forms.Field, placeholder) -> None:
    """A search box (``<input type="search">``): the widget is replaced, not given a second
    ``type`` attribute, keeping the attributes the field set (``maxlength``)."""
    field.widget = forms.SearchInput(attrs={**field.widget.attrs, "placeholder": placeholder})


def _field_kwargs(field: forms.Field) -> dict:
    kwargs: dict[str, Any] = {"label": field.label, "required": False}
    for attr in ("max_length", "min_value", "max_value"):
        if getattr(field, attr, None) is not None:
            kwargs[attr] = getattr(field, attr)
    return kwargs


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
        """The rows filled in, each with the values given (an empty one is left out)."""
        fields, count = self._row_groups[prefix]
        out = []
        for i in range(count):
            row = {name: self.cleaned_data.get(f"{prefix}-{i}-{name}") for name in fields}
            row = {name: value for name, value in row.items() if value not in (None, "")}
            if row:
                out.append(row)
        return out


def row_templates(**fields: forms.Field) -> dict[str, forms.Field]:
    """The fields of one repeated row, styled as a row's inputs."""
    for template in fields.values():
        template.widget.attrs["class"] = "row-input"
    return fields


class RecordForm(AccessibleFormMixin, RowsMixin, forms.Form):
    """The form of a record of a city that a service writes (a project, an action plan):
    a new one is for one of ``cities``, an edit (of ``record``) sends the version edited.

    ``EDIT_FIELDS`` are the record's fields the form edits, ``ROW_GROUPS`` its repeated rows
    (row prefix → the record's field, its label, the keys of a row) and ``RULES`` the record's
    rules (``plans.validation``), checked in ``clean`` on the values the service will get.
    """

    EDIT_FIELDS: ClassVar[tuple[str, ...]] = ()
    ROW_GROUPS: ClassVar[dict[str, tuple[str, Any, tuple[str, ...]]]] = {}
    RULES: ClassVar[validation.Rules]

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # What the form showed when it was opened (signed), to merge if someone saves first.
    original = forms.CharField(widget=forms.HiddenInput, required=False)
    city = forms.ChoiceField(
        label=_("City"), help_text=_("Only the cities you are an officer of are listed.")
    )

    def __init__(self, *args, record: models.Model | None = None, cities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if record is None:
            self.fields["city"].choices = city_choices(cities)
        else:
            del self.fields["city"]
            self.fields["version"].required = True

    @classmethod
    def initial_from(cls, record: models.Model) -> dict[str, Any]:
        """The form's values for a record as it is stored (ASCF links as their codes)."""
        initial: dict[str, Any] = {"version": record.version}
        for name in cls.EDIT_FIELDS:
            field = record._meta.get_field(name)
            if field.many_to_many:
                initial[name] = [item.code for item in getattr(record, name).all()]
            else:
                initial[name] = getattr(record, field.attname)
        return initial

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as the keyword arguments of the record's services."""
        data = self.cleaned_data
        values = {
            name: (
                [item.code for item in data[name]]
                if isinstance(self.fields[name], forms.ModelMultipleChoiceField)
                else data[name]
            )
            for name in self.EDIT_FIELDS
            if name in data
        }
        for prefix, (key, _label, _names) in self.ROW_GROUPS.items():
            values[key] = self.row_values(prefix)
        return values

    def clean(self):
        data = super().clean()
        _values, problems = self.RULES.problems(self.service_values())
        for problem in problems:
            self.add_error(self.field_of(problem), problem.message)
        return data

    def field_of(self, problem: validation.Refused) -> str | None:
        """The field of this form that shows a problem (None: the form as a whole)."""
        return problem.field if problem.field in self.fields else None
