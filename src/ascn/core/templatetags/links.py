"""``{% sign_in_url %}``: the sign-in page, coming back to the page being shown — never to
a page of signing in or out (``ascn.core.views.sign_in_url``).

``{% redraw_poll "id" %}``: on a picture's "being drawn" note (``core.drawings``), the htmx
attributes that ask for the page again every few seconds, for about a minute, and put the
element of that id from the answer in the note's place: the picture once the task worker has
drawn it, else the note again (which asks again). Each ask carries ``redraw=n`` in the query,
so that it stops after ``REDRAW_TRIES``: the note then tells the reader to reload."""

from django import template
from django.template import Context
from django.utils.html import format_html

from ascn.core.views import sign_in_url as _sign_in_url

register = template.Library()

REDRAW_PARAMETER = "redraw"
REDRAW_TRIES = 20
REDRAW_DELAY = "3s"


@register.simple_tag(takes_context=True)
def sign_in_url(context: Context) -> str:
    request = context.get("request")
    return _sign_in_url(request) if request is not None else ""


@register.simple_tag(takes_context=True)
def redraw_poll(context: Context, element_id: str) -> str:
    request = context.get("request")
    if request is None:
        return ""
    try:
        tries = int(request.GET.get(REDRAW_PARAMETER, 0))
    except ValueError:
        return ""
    if not 0 <= tries < REDRAW_TRIES:
        return ""
    query = request.GET.copy()
    query[REDRAW_PARAMETER] = str(tries + 1)
    return format_html(
        ' data-hx-get="{}?{}" data-hx-trigger="load delay:{}" data-hx-select="#{}"'
        ' data-hx-swap="outerHTML"',
        request.path,
        query.urlencode(),
        REDRAW_DELAY,
        element_id,
    )
