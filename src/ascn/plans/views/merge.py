"""A stale edit merged for the person who made it (409): each field as they left it, as
it was when they opened the form, and as someone else saved it meanwhile."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core import signing
from django.utils.choices import flatten_choices
from django.utils.translation import gettext

from ascn.core import formats
from ascn.plans.views.common import CENT


def _shown(field: forms.Field | None, value: Any) -> str:
    """A value as a person reads it, so two values compare the way they look."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(field, forms.ModelMultipleChoiceField):
        codes = [getattr(v, "code", v) for v in value]
        names = dict(field.queryset.filter(code__in=codes).values_list("code", "name"))
        # the framework's names in the page's language (its catalogues hold them)
        return ", ".join(sorted(gettext(names[code]) if code in names else code for code in codes))
    if isinstance(field, forms.ModelChoiceField):
        obj = value if hasattr(value, "pk") else field.queryset.filter(pk=value).first()
        return str(obj) if obj is not None else str(value)
    if isinstance(field, forms.MultipleChoiceField):
        labels = dict(flatten_choices(field.choices))
        return ", ".join(sorted(str(labels.get(v, v)) for v in value))
    if isinstance(field, forms.ChoiceField):
        return str(dict(flatten_choices(field.choices)).get(value, value))
    # figures and days as the page writes them elsewhere ("5.200.000,00" on a Khmer page)
    if isinstance(value, Decimal):
        return formats.number(value.quantize(CENT), 2)
    if isinstance(value, dt.date):
        return formats.day(value)
    return str(value).strip()


def _compared(field: forms.Field | None, value: Any) -> str:
    """A value as codes and figures, the same in every language: what the merge compares
    and what the signed original keeps, so a form opened on a Thai page and saved on an
    English one finds unchanged what is unchanged."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return "|".join(sorted(str(getattr(v, "code", getattr(v, "pk", v))) for v in value))
    if isinstance(field, forms.ModelChoiceField):
        return str(getattr(value, "pk", value))
    if isinstance(value, Decimal):
        return str(value.quantize(CENT))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _rows_shown(rows: list[dict], keys: tuple[str, ...]) -> str:
    lines = [
        " · ".join(str(row.get(key)) for key in keys if row.get(key) not in (None, ""))
        for row in rows
    ]
    return "\n".join(line for line in lines if line) or "—"


# (".v2": the original holds compared values since 2026-12; a form opened before that has
# no usable original and shows every part both sides changed as a conflict)
ORIGINAL_SALT = "ascn.plans.edit-original.v2"


def _row_lists(form, source) -> dict[str, list[dict]]:
    """The repeated rows (locations, contacts, sections) of a record or of a cleaned form."""
    if isinstance(source, dict):
        return {key: source.get(key) or [] for key, _label, _names in form.ROW_GROUPS.values()}
    return {key: getattr(source, key) or [] for key, _label, _names in form.ROW_GROUPS.values()}


def _parts(form, values: dict, rows: dict[str, list[dict]]) -> dict[str, tuple[str, str, str]]:
    """Every editable part of the form as ``key → (label, value compared, value shown)``."""
    parts = {}
    for name in form.EDIT_FIELDS:
        if name in form.fields:
            field, value = form.fields[name], values.get(name)
            parts[name] = (str(field.label), _compared(field, value), _shown(field, value))
    for key, label, names in form.ROW_GROUPS.values():
        shown = _rows_shown(rows.get(key, []), names)  # the rows' own words and figures
        parts[key] = (str(label), shown, shown)
    return parts


def _signed(parts: dict[str, tuple[str, str, str]]) -> str:
    return signing.dumps(
        {key: compared for key, (_label, compared, _shown) in parts.items()},
        salt=ORIGINAL_SALT,
        compress=True,
    )


def original_token(form, record) -> str:
    """What the person was shown when they opened the form, signed, for a three-way merge
    if someone else saves first."""
    return _signed(_parts(form, type(form).initial_from(record), _row_lists(form, record)))


def _original_from(token: str | None) -> dict[str, str] | None:
    try:
        return signing.loads(token or "", salt=ORIGINAL_SALT)
    except signing.BadSignature:
        return None


def _write_back(data, form, key: str, saved_values: dict, saved_rows: dict) -> None:
    """Put the saved value of one part into the (copied) POST data of a form."""
    groups = {group[0]: (prefix, group[2]) for prefix, group in form.ROW_GROUPS.items()}
    if key in groups:
        prefix, names = groups[key]
        for name in [k for k in data if re.match(rf"^{prefix}-\d+-", k)]:
            del data[name]
        rows = [*saved_rows.get(key, []), {}]
        for index, row in enumerate(rows):
            for name in names:
                value = row.get(name)
                data[f"{prefix}-{index}-{name}"] = "" if value is None else str(value)
        return
    field, value = form.fields[key], saved_values.get(key)
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        data.setlist(key, [str(v) for v in value or []])
    elif value is None:
        data[key] = ""
    elif isinstance(value, dt.date):
        data[key] = value.isoformat()
    else:
        data[key] = str(value)


def merge_stale_edit(request, form, current, **kwargs):
    """Someone saved ``current`` while this person edited ``form``: nothing is written.

    The form comes back carrying the current version, with what the other person changed
    taken into it where this person had left the part alone (``adopted``), and this person's
    value kept, next to the other's, where both changed the same part (``conflicts``).
    """
    form_class = type(form)
    saved_values = form_class.initial_from(current)
    saved_rows = _row_lists(form, current)
    saved = _parts(form, saved_values, saved_rows)
    service_values = form.service_values()
    yours = _parts(form, form.cleaned_data, _row_lists(form, service_values))
    original = _original_from(form.cleaned_data.get("original"))
    data = request.POST.copy()
    adopted, conflicts = [], []
    for key, (label, saved_value, saved_shown) in saved.items():
        your_value, your_shown = yours[key][1:]
        if saved_value == your_value:
            continue
        row = {"label": label, "saved": saved_shown, "yours": your_shown}
        if original is not None and original.get(key) == your_value:
            adopted.append(row)
            _write_back(data, form, key, saved_values, saved_rows)
        elif original is not None and original.get(key) == saved_value:
            continue  # only this person changed it: their value stands
        else:
            conflicts.append(row)
    data["version"] = str(current.version)
    data["original"] = _signed(saved)
    merged = form_class(data, **kwargs)
    merged.is_valid()
    return merged, {"adopted": adopted, "conflicts": conflicts}
