"""What every form of the platform shares."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ascn.core import dates, formats, sources
from ascn.core.errors import InvalidInput
from ascn.core.text import visible


def form_error(
    form: forms.Form, exc: InvalidInput, field_map: dict[str, str] | None = None
) -> None:
    """Put each problem of a service's ``InvalidInput`` on the form field it names
    (``field_map``: the service's field name → the form's), or on the form as a whole."""
    for problem in exc.problems:
        field = (field_map or {}).get(problem.field or "", problem.field)
        form.add_error(field if field in form.fields else None, problem.message)


def rule_problems_too(form: forms.Form, problems: Iterable[InvalidInput]) -> None:
    """From a form's ``clean`` once its own fields are refused (the service is then not
    asked): the record's rules' ``problems`` beside them, each on its field, so that one send
    says everything; a field in error keeps its own, a problem of no field here is left to
    the service."""
    for problem in problems:
        if problem.field in form.fields and problem.field not in form.errors:
            form.add_error(problem.field, problem.message)


@contextlib.contextmanager
def rule_errors(form: forms.Form) -> Iterator[None]:
    """A rule refusing a value inside the block puts its message on the field it names."""
    try:
        yield
    except InvalidInput as exc:
        form_error(form, exc)


def date_field(
    label: Any,
    *,
    earliest: dt.date = dates.EARLIEST,
    latest: dt.date = dates.LATEST,
    **kwargs: Any,
) -> forms.DateField:
    """A date with the browser's date picker, from ``earliest`` to ``latest``."""
    # The value as the date picker reads it (ISO 8601), whatever the page's language: a Thai or
    # Indonesian page wrote "07/12/2026", which the picker showed empty and a save then erased.
    # and in its range (by default 1900 to 2200, ``core.dates``), which the picker keeps to
    limits = {"min": earliest.isoformat(), "max": latest.isoformat()}
    widget = forms.DateInput(attrs={"type": "date", **limits}, format="%Y-%m-%d")

    def in_range(value: dt.date | None) -> None:
        if value is not None and dates.out_of_range(value, earliest, latest):
            message = dates.out_of_range_message(earliest, latest)
            raise ValidationError(message, code="out-of-range")

    validators = [in_range, *kwargs.pop("validators", [])]
    return forms.DateField(label=label, widget=widget, validators=validators, **kwargs)


class PageNumber(forms.Field):
    """A number typed as the page's language writes numbers: ``1.500.000,50`` on an
    Indonesian or Vietnamese page, ``1,500,000.50`` on an English one, spaces between the
    thousands anywhere. A text box with the number keypad, not ``<input type="number">``:
    that one drops the comma or reads ``2,5`` as 25 without a word, where the page writes
    ``2,5``. Read by ``formats.typed_number`` (a figure that reads two ways, ``1.500``, is
    refused, never guessed); a saved figure is shown in the form as every page reads it back
    (``formats.as_typed``: ``1500000.50``), so a form opened in one language and sent in
    another keeps its figures.
    Mixed into Django's number fields: ``FigureField``, ``WholeNumberField``."""

    keypad = "decimal"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # a figure below zero (a coordinate south or west) wants the minus key, which the
        # decimal keypad of iOS does not have: the ordinary keyboard then
        lowest = kwargs.get("min_value")
        attrs = {} if lowest is not None and lowest < 0 else {"inputmode": self.keypad}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip():
            try:
                value = formats.ungrouped(formats.typed_number(value.strip()))
            except ValueError as exc:
                raise ValidationError(str(exc), code="invalid") from exc
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        return formats.as_typed(value)


class FigureField(PageNumber, forms.DecimalField):
    """A decimal figure (an amount, a share, a coordinate) as the page writes it."""


class CoordinateField(PageNumber, forms.FloatField):
    """A coordinate kept as a float (a project's places) as the page writes it."""


class WholeNumberField(PageNumber, forms.IntegerField):
    """A whole number written with thousands (a population) as the page writes it."""

    keypad = "numeric"


class VisibleCharField(forms.CharField):
    """Text of which something shows: a zero-width space alone is empty (``core.text``)."""

    def to_python(self, value: Any) -> str:
        return visible(super().to_python(value) or "")


def line_field(
    label: str, *, max_length: int, required: bool = False, help_text: str = ""
) -> forms.CharField:
    """A line of text (a name, a source) of at most ``max_length`` characters: optional unless
    ``required``, like ``text_field``."""
    return VisibleCharField(
        label=label, max_length=max_length, required=required, help_text=help_text
    )


def text_field(
    label: str,
    *,
    rows: int = 3,
    required: bool = False,
    max_length: int | None = None,
    help_text: str = "",
) -> forms.CharField:
    """A paragraph of text (a textarea of ``rows`` lines): optional unless ``required``."""
    return VisibleCharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def ticks_field(label: str, *, choices: Any = (), help_text: str = "") -> forms.MultipleChoiceField:
    """Any number of ``choices`` as check boxes; none ticked is a valid answer."""
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class AccessibleFormMixin(forms.Form):
    """A form that marks invalid fields with ``aria-invalid`` and points them at their error
    message (``<id>_error``, rendered by ``components/field.html``); the first invalid field that
    shows takes ``autofocus``, so the page sent back opens at the problem — a form low on a
    long page (returning a plan) would otherwise reload at the top, its error out of sight."""

    def add_error(self, field: str | None, error: Any) -> None:
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
        shown = [n for n, f in self.fields.items() if n in self.errors and not f.widget.is_hidden]
        for name, form_field in self.fields.items():
            if name == (shown[0] if shown else None):
                form_field.widget.attrs["autofocus"] = True
            else:
                form_field.widget.attrs.pop("autofocus", None)


class VersionedForm(forms.Form):
    """An edit of a record: the version the person saw goes back with the form (409 when
    someone saved the record meanwhile). ``record_fields`` are the record's fields the form
    edits, by the same names; ``initial_from`` fills the form from the record, ``as_shown``
    gives what was sent as ``initial_from`` gives what is saved (``core.views.edit_again``
    compares the two after a stale edit)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    record_fields: ClassVar[list[str]] = []

    @classmethod
    def initial_from(cls, record: Any) -> dict[str, Any]:
        return {"version": record.version, **{f: getattr(record, f) for f in cls.record_fields}}

    def service_values(self) -> dict[str, Any]:
        return sent_values({f: self.cleaned_data[f] for f in self.record_fields})

    def as_shown(self) -> dict[str, Any]:
        return {f: self.cleaned_data.get(f) for f in self.record_fields}


# --- a record's published sources (core.sources), as rows of a form ------------------------

SOURCE_KEYS = ("title", "publisher", "date", "url")
SOURCE_LIMITS = {"title": 300, "publisher": 200, "date": 10, "url": 500}
MAX_SOURCES = 20


class SourceRows(forms.Widget):
    """A few rows of title, publisher, date and link: the record's sources and two empty rows
    to add more (``components/source_rows.html``; no script needed). What a source says it
    gives (``fields``) is carried along unseen."""

    template_name = "components/source_rows.html"
    blank_rows = 2

    def format_value(self, value: Any) -> Any:
        return value

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        rows = [dict(row) for row in value or [] if isinstance(row, dict)][:MAX_SOURCES]
        for row in rows:
            if isinstance(row.get("fields"), list):
                row["fields"] = ",".join(row["fields"])
        rows += [{} for _blank in range(self.blank_rows)]
        context["widget"]["rows"] = rows
        context["widget"]["limits"] = SOURCE_LIMITS
        return context

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        # the site's templates (the form renderer only knows Django's own)
        return render_to_string(self.template_name, self.get_context(name, value, attrs))

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[dict[str, str]] | None:
        if f"{name}-rows" not in data:
            return None  # not sent (a form without the rows): the sources stay as they are
        try:
            count = min(int(data.get(f"{name}-rows", 0)), MAX_SOURCES + self.blank_rows)
        except (TypeError, ValueError):
            count = 0
        keys = (*SOURCE_KEYS, "fields")
        return [{key: str(data.get(f"{name}-{i}-{key}", "")) for key in keys} for i in range(count)]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return f"{name}-rows" not in data


class SourceRowsField(forms.Field):
    """A record's published sources as ``core.sources`` keeps them, entered as rows
    (``SourceRows``): an empty row is left out; each other is checked by
    ``sources.validate_sources``, its error naming the row. None when the form sent no rows
    (``sent_values`` leaves it out, so the record keeps its sources)."""

    widget = SourceRows

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("Sources"))
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "Where it is published: each source's title, publisher, date (YYYY, YYYY-MM "
                "or YYYY-MM-DD) and link. Leave a row empty to drop it."
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[dict[str, Any]] | None:
        if value is None:
            return None
        rows: list[dict[str, Any]] = []
        for number, raw in enumerate(value or [], start=1):
            row = {key: str(raw.get(key) or "").strip() for key in SOURCE_KEYS}
            if not any(row.values()):
                continue
            source: dict[str, Any] = {k: v for k, v in row.items() if v or k != "date"}
            fields = raw.get("fields") or []
            if isinstance(fields, str):
                fields = [f.strip() for f in fields.split(",") if f.strip()]
            if fields:
                source["fields"] = list(fields)
            for key, limit in SOURCE_LIMITS.items():
                if len(row[key]) > limit:
                    raise ValidationError(
                        _("Source %(n)d: at most %(limit)d characters in each box.")
                        % {"n": number, "limit": limit}
                    )
            try:
                sources.validate_sources([source])
            except ValidationError as exc:
                raise ValidationError(
                    _("Source %(n)d: %(problem)s") % {"n": number, "problem": exc.messages[0]}
                ) from exc
            rows.append(source)
        if len(rows) > MAX_SOURCES:
            raise ValidationError(_("At most %(n)d sources.") % {"n": MAX_SOURCES})
        return rows


def sent_values(values: dict[str, Any]) -> dict[str, Any]:
    """A form's values for its service without the sources it did not send (None)."""
    return {k: v for k, v in values.items() if not (k == "sources" and v is None)}


CHOICE_FIELDS = (forms.ChoiceField, forms.ModelChoiceField)


class FilterForm(forms.Form):
    """The filters of a list page (a GET form): ``filters()`` gives them to the list's query.

    A choice that is not (or no longer) offered — a city left over after the member state
    changed, a year gone from the menu, a code mistyped in a link — is dropped before the
    form is cleaned, with a note for the person (``notes``), rather than making the whole
    list an error: the rest of the filters still apply. ``strict=True`` (a CSV download,
    which a program reads) keeps such a value an error instead.

    ``follows`` names the fields whose choices depend on another field's value
    (``{"city": "country"}``): the filter component renders them again, out of band, when
    htmx refreshes the results, so the city menu follows the member state with JavaScript
    as it does without.
    """

    follows: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, strict: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strict = strict
        self.notes: list[str] = []
        self.dropped: list[str] = []

    def full_clean(self) -> None:
        if self.is_bound and not self.strict and not hasattr(self, "cleaned_data"):
            self._drop_stale_choices()
        super().full_clean()

    def follow(self) -> None:
        """Set the choices that depend on ``self.data`` again (after a choice was dropped)."""

    def _drop_stale_choices(self) -> None:
        copied = False
        for name, field in self.fields.items():
            if not isinstance(field, CHOICE_FIELDS) or isinstance(
                field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField
            ):
                continue
            key = self.add_prefix(name)
            value = field.widget.value_from_datadict(self.data, self.files, key)
            if value in field.empty_values:
                continue
            try:
                field.clean(value)
            except ValidationError as exc:
                if exc.code != "invalid_choice":
                    continue
                self.notes.append(self.stale_note(name, value))
                data: Any = self.data if copied else self.data.copy()  # type: ignore[attr-defined]
                data.pop(key, None)
                self.data, copied = data, True
                self.dropped.append(name)
                self.follow()

    def stale_note(self, name: str, value: str) -> str:
        """What to tell the person about a choice that was dropped (never the raw code)."""
        return _(
            "%(field)s: the choice made is not offered with these filters, so it was cleared."
        ) % {"field": self.fields[name].label}

    def query_string(self) -> str:
        """The query string of the filters as applied (without the dropped ones)."""
        if isinstance(self.data, QueryDict):
            return self.data.urlencode()
        return urlencode(self.data, doseq=True)

    def filters(self) -> dict:
        """The valid filters, each left empty as ``None`` (not filtered on)."""
        return {name: value or None for name, value in self.cleaned_data.items()}
