"""The open-data catalogue at /data/, its DCAT description and the dataset downloads."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ascn.opendata import catalogue


def _base_url(request) -> str:
    """``SITE_URL`` when set for this deployment, else the address the request came to."""
    return (getattr(settings, "SITE_URL", "") or request.build_absolute_uri("/")).rstrip("/")


@require_GET
def catalogue_page(request):
    items = [
        {"dataset": d, "modified": d.modified(), "distributions": d.distributions()}
        for d in catalogue.datasets()
    ]
    return render(
        request,
        "opendata/catalogue.html",
        {
            "items": items,
            "licence_url": catalogue.LICENCE_URL,
            "licence_name": catalogue.LICENCE_NAME,
            "oc4ids_licence_url": catalogue.OC4IDS_LICENCE_URL,
        },
    )


@require_GET
def catalog_jsonld(request):
    body = json.dumps(catalogue.dcat_catalog(_base_url(request)), ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/ld+json; charset=utf-8")


@require_GET
def dataset_file(request, key: str, fmt: str):
    dataset = catalogue.dataset(key)
    if dataset is None:
        raise Http404
    header, rows = dataset.table()
    if fmt == "csv":
        body = catalogue.as_csv(header, rows)
        content_type = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = catalogue.as_xlsx(header, rows, key)
        content_type = catalogue.MEDIA_TYPES["xlsx"]
    else:
        body = catalogue.as_json(header, rows)
        content_type = "application/json"
    response = HttpResponse(body, content_type=content_type)
    if fmt != "json":
        response["Content-Disposition"] = f'attachment; filename="ascn-{key}.{fmt}"'
    return response
