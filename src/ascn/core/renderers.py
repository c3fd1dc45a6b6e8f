"""The site's form renderer (``FORM_RENDERER``): Django's own, except that a ``<select>`` is
written in Python.

Django's ``select.html`` includes ``select_option.html`` and ``attrs.html`` once per option,
and the template engine's include is the dearest thing on a list page's filter form: the
six menus of the projects page took ~4 ms of a ~45 ms request at full scale, a currency menu
(170 options) more. The HTML written here is the templates' to the byte (``tests/core/
test_renderers.py`` holds it against them); a widget or an option with a template of its own
still goes through the templates.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict[str, Any]) -> str:
    """``attrs.html``: ``name`` for True, nothing for False, else ``name="value"``."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _select(widget: dict[str, Any]) -> str:
    context = Context()  # how the template shows a label: localised, escaped unless safe
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{render_value_in_context(group_name, context)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{render_value_in_context(option['label'], context)}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _plain(widget: dict[str, Any]) -> bool:
    """Whether every option of this select is drawn by Django's own option template."""
    return all(
        option["template_name"] == OPTION
        for _name, options, _i in widget["optgroups"]
        for option in options
    )


class Renderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if template_name == SELECT and widget is not None and _plain(widget):
            return _select(widget)
        return super().render(template_name, context, request)
