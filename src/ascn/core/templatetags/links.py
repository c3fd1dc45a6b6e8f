"""``{% sign_in_url %}``: the sign-in page, coming back to the page being shown — never to
a page of signing in or out (``ascn.core.views.sign_in_url``)."""

from django import template
from django.template import Context

from ascn.core.views import sign_in_url as _sign_in_url

register = template.Library()


@register.simple_tag(takes_context=True)
def sign_in_url(context: Context) -> str:
    request = context.get("request")
    return _sign_in_url(request) if request is not None else ""
