"""The language menu and the ``hreflang`` alternates of the current page
(``{% load languages %}{% language_alternates as alternates %}``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

from ascn.core import site, translations
from ascn.core.languages import Alternate, alternates, font_files

register = template.Library()


@register.simple_tag(takes_context=True)
def language_alternates(context: template.Context) -> list[Alternate]:
    request = context.get("request")
    return alternates(request) if request is not None else []


@register.simple_tag(takes_context=True)
def script_fonts(context: template.Context) -> list[str]:
    """The fonts a page in the current language needs, to preload: Thai, Khmer, Lao and
    Burmese pages draw their text at once in the font that has its glyphs."""
    return font_files(translation.get_language() or "")


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, path: str) -> str:
    """``path`` on the site's address (``hreflang`` alternates must be absolute)."""
    return site.absolute(path, context.get("request"))


@register.simple_tag
def shown(obj: Any, field: str) -> translations.Shown:
    """``{% shown project "title" as title %}``: the text in the page's language where the
    owners translated it, otherwise the original (``title.foreign``: say its language and
    mark it up with ``lang``)."""
    return translations.shown(obj, field)
