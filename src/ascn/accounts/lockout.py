"""What a locked-out client gets from django-axes: JSON 429 on the API, a page elsewhere."""

from axes.helpers import get_cool_off
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    message = _(
        "Too many failed sign-in attempts: try again in %(minutes)s minutes, or reset your password."
    ) % {"minutes": minutes or 15}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    context = {"message": message, "cooloff_timedelta": cool_off, "minutes": minutes}
    return render(request, "accounts/locked_out.html", context, status=429)


def lockout_username(request, credentials=None) -> str | None:
    """The e-mail the failures are counted against, case-folded so 'A@x.org' and 'a@x.org' count together."""
    value = (credentials or {}).get("username")
    if value is None and request is not None and request.method == "POST":
        value = request.POST.get("username")
    return value.strip().lower() if isinstance(value, str) else None
