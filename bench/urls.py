"""The benchmark's URLconf: the site's, plus a bare Django view (``/bench/bare``) that does
nothing but answer, through the same middleware and the same server. The real-server phase
compares it with ``/api/v1/health``: what Django alone costs per request on this machine,
against what the API layer (django-ninja) adds."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as site_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare), *site_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
