"""Sections that an app adds to a lower app's page — NetBox's template extensions, Wagtail's
hooks: how a meeting's page lists the agreements signed at it, an organisation's page the
programmes it runs and a project's page its deals, while ``meetings``, ``partners`` and
``plans`` import nothing of ``agreements``, ``funding`` and ``deals``.

An app declares its sections in its ``sections.py`` (imported at start-up by
``CoreConfig.ready``)::

    sections.register("meetings.meeting", Section("agreements/_signed_at_meeting.html",
                                                  agreements_signed_at))

and the lower page says where they go: ``{% load sections %}{% sections meeting %}``. A
section's ``context`` reads what the user may see (its app's queries) and returns the
template's context, or None when it has nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.template.loader import render_to_string

MAIN = "main"


@dataclass(frozen=True)
class Section:
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]
    slot: str = MAIN  # where on the page, when a page has more than one place for sections
    order: int = 100


_sections: dict[str, list[Section]] = {}


def register(model: str, section: Section) -> None:
    """Add ``section`` to the pages of ``model`` (``"app_label.modelname"``)."""
    registered = _sections.setdefault(model.lower(), [])
    if section not in registered:
        registered.append(section)
        registered.sort(key=lambda s: s.order)


def render(request: HttpRequest, obj: Model, slot: str = MAIN) -> str:
    """The HTML of the sections registered for ``obj``'s pages in ``slot``."""
    html = []
    for section in _sections.get(obj._meta.label_lower, []):
        if section.slot != slot:
            continue
        context = section.context(request, obj)
        if context is not None:
            html.append(render_to_string(section.template, context, request=request))
    return "".join(html)
