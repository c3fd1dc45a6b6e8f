"""The open-data catalogue at /data/, its DCAT-AP description and the dataset downloads."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ascn.core import site
from ascn.core.countries import asked_member_state
from ascn.core.errors import InvalidInput
from ascn.network.models import MemberState
from ascn.opendata import catalogue, datapackage, dcat, dictionary, spreadsheets
from ascn.opendata.forms import StateFilesForm

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


def _state_files(dataset: catalogue.Dataset, code: str) -> list[dict[str, str]]:
    return [
        {
            "format": catalogue.FORMAT_NAMES[fmt],
            "url": f"/data/{dataset.key}.{fmt}?member_state={code}",
        }
        for fmt in catalogue.FILE_FORMATS
    ]


@require_GET
def catalogue_page(request):
    # Content negotiation: a client asking for RDF gets the DCAT-AP catalogue; a browser
    # (text/html or */* first) the page.
    wanted = request.get_preferred_type(["text/html", JSON_LD, TURTLE])
    if wanted in (JSON_LD, TURTLE):
        return _dcat_response(request, wanted)
    # "Download for one member state": a GET form; a code not offered is dropped with a note.
    code = asked_member_state(request.GET)
    form = StateFilesForm({"member_state": code} if code else None)
    state = form.chosen() if form.is_bound and form.is_valid() else None
    datasets = catalogue.datasets()
    items = [
        {
            "dataset": d,
            "modified": d.modified(),
            "distributions": d.distributions(),
            "sample": d.includes_sample(),
            "state_files": _state_files(d, state[0]) if state and d.has_member_state else [],
        }
        for d in datasets
    ]
    response = render(
        request,
        "opendata/catalogue.html",
        {
            "items": items,
            "form": form,
            "state_code": state[0] if state else "",
            "state_name": state[1] if state else "",
            "without_state": [d.title for d in datasets if not d.has_member_state],
            "state_file_example": f"/data/projects.csv?member_state={state[0] if state else 'TH'}",
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


def _build(dataset: catalogue.Dataset, fmt: str, member_state: str | None) -> bytes:
    header, rows = dataset.table_of(member_state)
    if fmt == "csv":
        return spreadsheets.as_csv(header, rows)
    if fmt == "xlsx":
        schema = dictionary.SCHEMAS[dataset.key]
        cells = schema.sheet_rows(header, rows)
        return spreadsheets.as_xlsx(header, cells, dataset.key, dictionary=schema.dictionary_rows())
    return spreadsheets.as_json(dictionary.SCHEMAS[dataset.key].json_items(header, rows))


def _bad_request(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _state_problem(dataset: catalogue.Dataset, code: str) -> HttpResponse | None:
    """Why ``dataset`` cannot be given for the member state ``code`` (a 400), or None."""
    if not dataset.has_member_state:
        return _bad_request(
            _(
                "The dataset “%(title)s” has no member state: its rows belong to the whole "
                "network. Download it without member_state or country."
            )
            % {"title": dataset.title}
        )
    codes = list(MemberState.objects.order_by("code").values_list("code", flat=True))
    if code not in codes:
        return _bad_request(
            _("No member state “%(code)s”.") % {"code": code[:20]}
            + " "
            + _("The member states' codes: %(codes)s.") % {"codes": ", ".join(codes)}
        )
    return None


@require_GET
def dataset_file(request, key: str, fmt: str):
    """A dataset as CSV, XLSX or JSON: whole, or the rows of one member state
    (``?member_state=TH``, or ``?country=TH`` as in the API)."""
    dataset = catalogue.dataset(key)
    if dataset is None:
        raise Http404
    try:
        state = asked_member_state(request.GET)
    except InvalidInput as error:
        return _bad_request(error.message)
    if state is not None and (problem := _state_problem(dataset, state)):
        return problem
    seconds = file_cache_seconds()
    # The whole dataset's last update, also for one state's file: any change rebuilds it.
    modified = dataset.modified()
    kept = None
    if seconds:
        stamp = modified.isoformat() if modified else "-"
        # v9: the body kept with its ETag (v8: the JSON typed by the Table Schema; v7: the
        # member state is part of the key)
        cache_key = f"opendata:v9:{key}:{state or '*'}:{fmt}:{get_language()}:{stamp}"
        kept = cache.get(cache_key)
    if kept is None:
        body = _build(dataset, fmt, state)
        # the ETag the conditional GET would hash from the body on every download (~40 ms
        # for 30 MB), once a build
        kept = (body, quote_etag(hashlib.md5(body, usedforsecurity=False).hexdigest()))
        if seconds:
            cache.set(cache_key, kept, seconds)
    body, etag = kept
    content_type = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": catalogue.MEDIA_TYPES["xlsx"],
        "json": "application/json",
    }[fmt]
    response = HttpResponse(body, content_type=content_type)
    if not request.user.is_authenticated:  # a signed-in answer is kept nowhere (no-store)
        response["ETag"] = etag
    if modified:
        response["Last-Modified"] = http_date(modified.timestamp())
    if fmt != "json":
        name = f"ascn-{key}-{state}" if state else f"ascn-{key}"
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_GET
def datapackage_json(request):
    """The Frictionless Data Package describing every CSV (``datapackage``): a machine format,
    in English whatever the page's language (docs/translation.md)."""
    with translation.override(settings.LANGUAGE_CODE):
        package = datapackage.datapackage(_base_url(request))
    body = json.dumps(package, ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/json")
