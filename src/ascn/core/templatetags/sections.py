"""``{% sections obj %}``: the sections other apps add to this record's page (core.sections)."""

from django import template
from django.db.models import Model
from django.utils.safestring import SafeString, mark_safe

from ascn.core import sections as page_sections

register = template.Library()


@register.simple_tag(takes_context=True)
def sections(
    context: template.Context, obj: Model | None, slot: str = page_sections.MAIN
) -> SafeString:
    request = context.get("request")
    if request is None or obj is None:
        return mark_safe("")
    return mark_safe(page_sections.render(request, obj, slot))
