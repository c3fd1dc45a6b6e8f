"""Published sources of a real record (issue 17): each one a title, its publisher, its date
and a link, as people cite them — never a path inside this repository.

A record keeps them in a JSON list (``SourcesField``): ``[{"title", "publisher", "date",
"url", "fields"}]``, ``date`` as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, ``fields`` naming
the record's fields the source gives (empty: the record as a whole). Shown by the
``components/sources.html`` template.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ascn.core.errors import InvalidInput

KEYS = {"title", "publisher", "date", "url", "fields"}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def validate_sources(value: Any) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Sources are a list."))
    for source in value:
        if not isinstance(source, dict) or set(source) - KEYS:
            raise ValidationError(
                _("Each source has a title, publisher, date, url and the fields it gives.")
            )
        if not str(source.get("title", "")).strip():
            raise ValidationError(_("Each source needs its title."))
        if not str(source.get("publisher", "")).strip():
            raise ValidationError(_("Each source needs its publisher."))
        if source.get("date") and not _DATE.match(str(source["date"])):
            raise ValidationError(_("A source's date reads YYYY, YYYY-MM or YYYY-MM-DD."))
        url = str(source.get("url", ""))
        if not url.startswith(("https://", "http://")):
            raise ValidationError(_("Each source needs its web address (http or https)."))
        fields = source.get("fields", [])
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            raise ValidationError(_("A source's fields are a list of field names."))


def checked(value: Any, field: str = "sources") -> list[dict[str, Any]]:
    """``value`` when it is a valid list of sources (``validate_sources``); else the
    ``InvalidInput`` a service raises, naming ``field``."""
    try:
        validate_sources(value)
    except ValidationError as exc:
        raise InvalidInput(" ".join(str(m) for m in exc.messages), field=field) from exc
    return list(value)


def cited(source: dict[str, Any]) -> str:
    """A source on one line, as a person cites it: title — publisher, date, address."""
    parts = [str(source.get(key) or "") for key in ("publisher", "date", "url")]
    return " — ".join([str(source.get("title") or ""), ", ".join(p for p in parts if p)])


def SourcesField() -> models.JSONField:
    return models.JSONField(_("sources"), default=list, blank=True, validators=[validate_sources])


def shown(sources: list[dict[str, Any]], model: type[models.Model]) -> list[dict[str, Any]]:
    """The sources as the ``components/sources.html`` template shows them: each with
    ``gives``, the names of the record's fields it gives (``model``'s verbose names)."""
    names = {f.name: str(f.verbose_name) for f in model._meta.get_fields() if f.concrete}
    return [
        {**source, "gives": [names.get(f, f) for f in source.get("fields", [])]}
        for source in sources or []
    ]


def for_field(sources: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    """The sources that give ``field``."""
    return [s for s in sources or [] if field in s.get("fields", [])]
