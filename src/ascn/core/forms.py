"""What every form of the platform shares."""

from __future__ import annotations

from django import forms

from ascn.core.errors import InvalidInput


def form_error(
    form: forms.Form, exc: InvalidInput, field_map: dict[str, str] | None = None
) -> None:
    """Put a service's ``InvalidInput`` on the form field it names (``field_map``: the
    service's field name → the form's), or on the form as a whole."""
    field = (field_map or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


class FilterForm(forms.Form):
    """The filters of a list page (a GET form): ``filters()`` gives them to the list's query."""

    def filters(self) -> dict:
        """The valid filters, each left empty as ``None`` (not filtered on)."""
        return {name: value or None for name, value in self.cleaned_data.items()}
