"""The open-data catalogue at /data/, its DCAT-AP description and the dataset downloads."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from ascn.core import site
from ascn.opendata import catalogue, datapackage, dcat, dictionary, spreadsheets

JSON_LD = "application/ld+json"
TURTLE = "text/turtle"


def _base_url(request) -> str:
    """``SITE_URL`` when set for this deployment, else the address the request came to."""
    return site.site_url(request)


def _dcat_response(request, media_type: str) -> HttpResponse:
    document = dcat.dcat_catalog(_base_url(request))
    if media_type == TURTLE:
        body = dcat.as_turtle(document)
    else:
        body = json.dumps(document, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type=f"{media_type}; charset=utf-8")
    patch_vary_headers(response, ["Accept"])
    return response


@require_GET
def catalogue_page(request):
    # Content negotiation: a client asking for RDF gets the DCAT-AP catalogue; a browser
    # (text/html or */* first) the page.
    wanted = request.get_preferred_type(["text/html", JSON_LD, TURTLE])
    if wanted in (JSON_LD, TURTLE):
        return _dcat_response(request, wanted)
    items = [
        {
            "dataset": d,
            "modified": d.modified(),
            "distributions": d.distributions(),
            "sample": d.includes_sample(),
        }
        for d in catalogue.datasets()
    ]
    response = render(
        request,
        "opendata/catalogue.html",
        {
            "items": items,
            "licence_url": catalogue.LICENCE_URL,
            "licence_name": catalogue.LICENCE_NAME,
            "oc4ids_licence_url": catalogue.OC4IDS_LICENCE_URL,
        },
    )
    patch_vary_headers(response, ["Accept"])
    return response


@require_GET
def catalog_jsonld(request):
    """The DCAT-AP catalogue: JSON-LD unless the client prefers Turtle."""
    return _dcat_response(request, request.get_preferred_type([JSON_LD, TURTLE]) or JSON_LD)


@require_GET
def catalog_turtle(request):
    return _dcat_response(request, TURTLE)


def file_cache_seconds() -> int:
    """How long a built download is kept: rebuilt at once when a record changes (the key
    holds the dataset's last update), at the latest after this time (a deletion does not
    change the last update). 0 in tests: built every time."""
    return settings.ASCN_OPEN_DATA_CACHE_SECONDS


def _build(dataset: catalogue.Dataset, fmt: str) -> bytes:
    header, rows = dataset.table()
    if fmt == "csv":
        return spreadsheets.as_csv(header, rows)
    if fmt == "xlsx":
        about = dictionary.SCHEMAS[dataset.key].dictionary_rows()
        return spreadsheets.as_xlsx(header, rows, dataset.key, dictionary=about)
    return spreadsheets.as_json(header, rows)


@require_GET
def dataset_file(request, key: str, fmt: str):
    dataset = catalogue.dataset(key)
    if dataset is None:
        raise Http404
    seconds = file_cache_seconds()
    modified = dataset.modified()
    body = None
    if seconds:
        stamp = modified.isoformat() if modified else "-"
        cache_key = f"opendata:v6:{key}:{fmt}:{get_language()}:{stamp}"  # v6: alt_names
        body = cache.get(cache_key)
    if body is None:
        body = _build(dataset, fmt)
        if seconds:
            cache.set(cache_key, body, seconds)
    content_type = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": catalogue.MEDIA_TYPES["xlsx"],
        "json": "application/json",
    }[fmt]
    response = HttpResponse(body, content_type=content_type)
    if modified:
        response["Last-Modified"] = http_date(modified.timestamp())
    if fmt != "json":
        response["Content-Disposition"] = f'attachment; filename="ascn-{key}.{fmt}"'
    return response


@require_GET
def datapackage_json(request):
    """The Frictionless Data Package describing every CSV (``datapackage``): a machine format,
    in English whatever the page's language (docs/translation.md)."""
    with translation.override(settings.LANGUAGE_CODE):
        package = datapackage.datapackage(_base_url(request))
    body = json.dumps(package, ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/json")
