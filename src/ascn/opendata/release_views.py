"""The dated releases of the open data: /data/releases/ (the list, newest first), one release
(/data/releases/<date>/), a dataset as of a date (/data/releases/<date>/<dataset>.csv), and
the same as JSON (/data/releases.json, /data/releases/<date>.json).

A date without a release is a 404 that names the nearest releases before and after it.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from ascn.core import formats, site
from ascn.opendata import releases
from ascn.opendata.models import Release, ReleaseFile

PER_PAGE = 30


def _base_url(request) -> str:
    return site.site_url(request)


def _csv_url(release: Release, dataset: str) -> str:
    return reverse("open-data-release-file", args=[release.date.isoformat(), dataset])


def _file_entry(release: Release, f: ReleaseFile, titles: dict[str, str]) -> dict[str, Any]:
    return {
        "dataset": f.dataset,
        "title": titles.get(f.dataset, f.dataset),
        "rows": f.content.rows,
        "added": f.added,
        "changed": f.changed,
        "removed": f.removed,
        "url": _csv_url(release, f.dataset),
        "bytes": f.content.size,
        "sha256": f.content.csv_sha256,
        "notes": f.notes,
    }


def _summary(entry: dict[str, Any]) -> str:
    """ "2 added, 1 removed": the counts of a dataset that are not zero."""
    words = {
        "added": lambda n: ngettext("%(n)s added", "%(n)s added", n),
        "changed": lambda n: ngettext("%(n)s changed", "%(n)s changed", n),
        "removed": lambda n: ngettext("%(n)s removed", "%(n)s removed", n),
    }
    return formats.listed(word(entry[k]) % {"n": entry[k]} for k, word in words.items() if entry[k])


def _missing_message(text: str) -> tuple[str, list[Release]]:
    date = releases.parse_date(text)
    near = releases.nearest(date)
    if date is None:
        message = _("“%(text)s” is not a date: give one as YYYY-MM-DD.") % {"text": text}
    else:
        message = _("There is no release of the open data on %(date)s.") % {
            "date": date.isoformat()
        }
    if near:
        message += " " + _("The nearest: %(dates)s.") % {
            "dates": ", ".join(r.date.isoformat() for r in near)
        }
    else:
        message += " " + _("No release has been made yet.")
    return message, near


def _release_or_none(text: str) -> Release | None:
    date = releases.parse_date(text)
    return None if date is None else Release.objects.filter(date=date).first()


def _missing_page(request, text: str):
    message, near = _missing_message(text)
    return render(
        request,
        "opendata/release_missing.html",
        {"message": message, "nearest": near},
        status=404,
    )


@require_GET
def release_list(request):
    page = Paginator(Release.objects.select_related("previous"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    files = releases.files_of(list(page.object_list))
    titles = releases.dataset_titles()
    items = []
    for release in page.object_list:
        entries = [_file_entry(release, f, titles) for f in files.get(release.pk, [])]
        items.append(
            {
                "release": release,
                "rows": sum(e["rows"] for e in entries),
                "changed": [
                    dict(e, summary=_summary(e))
                    for e in entries
                    if e["added"] or e["changed"] or e["removed"]
                ],
                "notes": sum(len(e["notes"]) for e in entries),
            }
        )
    return render(request, "opendata/releases.html", {"items": items, "page": page})


@require_GET
def release_detail(request, date: str):
    release = _release_or_none(date)
    if release is None:
        return _missing_page(request, date)
    titles = releases.dataset_titles()
    entries = [_file_entry(release, f, titles) for f in releases.files_of([release])[release.pk]]
    notes = [dict(note, dataset=e["title"]) for e in entries for note in e["notes"]]
    newer = Release.objects.filter(date__gt=release.date).order_by("date").first()
    return render(
        request,
        "opendata/release.html",
        {"release": release, "entries": entries, "notes": notes, "newer": newer},
    )


@require_GET
def release_file(request, date: str, dataset: str):
    release = _release_or_none(date)
    if release is None:
        message, _near = _missing_message(date)
        return HttpResponse(message, status=404, content_type="text/plain; charset=utf-8")
    found = (
        ReleaseFile.objects.filter(release=release, dataset=dataset)
        .select_related("content")
        .first()
    )
    if found is None:
        message = _("The release of %(date)s has no dataset “%(dataset)s”. It has: %(keys)s.") % {
            "date": release.date.isoformat(),
            "dataset": dataset,
            "keys": ", ".join(f.dataset for f in releases.files_of([release]).get(release.pk, [])),
        }
        return HttpResponse(message, status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(releases.csv_of(found.content), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="ascn-{dataset}-{release.date.isoformat()}.csv"'
    )
    # A release does not change once taken (unless replaced the same day): cache for a day.
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _release_json(request, release: Release, files: list[ReleaseFile], titles, *, notes: bool):
    base = _base_url(request)
    entries = []
    for f in files:
        entry = _file_entry(release, f, titles)
        entry["url"] = base + entry["url"]
        if not notes:
            entry["notes"] = len(entry["notes"])
        entries.append(entry)
    return {
        "date": release.date.isoformat(),
        "url": base + release.get_absolute_url(),
        "json": base + reverse("open-data-release-json", args=[release.date.isoformat()]),
        "taken_at": release.made_at.isoformat(),
        "previous": release.previous.date.isoformat() if release.previous else None,
        "datasets": entries,
    }


@require_GET
def releases_json(request):
    items = list(Release.objects.select_related("previous"))
    files = releases.files_of(items)
    titles = releases.dataset_titles()
    body = [_release_json(request, r, files.get(r.pk, []), titles, notes=False) for r in items]
    return JsonResponse({"count": len(body), "items": body}, json_dumps_params={"indent": 1})


@require_GET
def release_json(request, date: str):
    release = _release_or_none(date)
    if release is None:
        message, near = _missing_message(date)
        return JsonResponse(
            {"detail": message, "nearest": [r.date.isoformat() for r in near]}, status=404
        )
    files = releases.files_of([release]).get(release.pk, [])
    body = _release_json(request, release, files, releases.dataset_titles(), notes=True)
    return JsonResponse(body, json_dumps_params={"indent": 1, "ensure_ascii": False})
