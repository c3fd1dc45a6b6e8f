"""The Secretariat's audit trail: a filtered, paginated page and a streamed CSV export."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ascn.core.audit.queries import CSV_COLUMNS, AuditFilterForm, audit_entries
from ascn.core.audit.words import describe
from ascn.core.models import AuditEntry
from ascn.core.permissions import scopes_of
from ascn.core.queries import CountedUpTo

if TYPE_CHECKING:
    from ascn.core.types import Actor

PAGE_SIZE = 50
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _require_secretariat(user: Actor) -> None:
    if not scopes_of(user).secretariat:
        raise Http404


def _filters(form: AuditFilterForm) -> dict[str, Any]:
    return {name: value for name, value in form.cleaned_data.items() if value not in (None, "")}


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    _require_secretariat(request.user)
    form = AuditFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    entries = audit_entries(**(_filters(form) if form.is_bound and valid else {}))
    if not valid:
        entries = entries.none()
    # counted up to a cap: the newest 10,000 are paged, the filters reach the older ones
    rows: Any = CountedUpTo(entries, settings.ASCN_AUDIT_COUNT_CAP)  # sized, sliced: pageable
    page = Paginator[AuditEntry](rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # the page's entries in people's words: kinds, actions and changes by their names
    describe(page.object_list)
    return render(
        request,
        "core/audit.html",
        {
            "form": form,
            "page_obj": page,
            "filtered": form.is_bound and valid and bool(_filters(form)),
            "valid": valid,
        },
        status=200 if valid else 400,
    )


class _Echo:
    """A file-like object whose ``write`` hands the line back, for streaming ``csv.writer``."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _csv_row(entry: AuditEntry) -> list[str]:
    row = []
    for column in CSV_COLUMNS:
        value = getattr(entry, column)
        if column == "changes":
            value = json.dumps(value or {}, ensure_ascii=False, sort_keys=True)
        elif column == "at":
            value = value.isoformat()
        row.append(_cell(value))
    return row


def _errors_in_words(form: AuditFilterForm) -> str:
    """The form's errors as a line of text, each after its field's label ("Until: The end of
    the range comes before its start."), as the page lists them."""
    problems = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for error in errors:
            problems.append(f"{field.label}: {error}" if field is not None else str(error))
    return " ".join(problems)


@login_required
@require_GET
def audit_csv(request: HttpRequest) -> HttpResponseBadRequest | StreamingHttpResponse:
    _require_secretariat(request.user)
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(
            _("The filters are not valid: %(errors)s") % {"errors": _errors_in_words(form)},
            content_type="text/plain; charset=utf-8",
        )
    entries = audit_entries(**(_filters(form) if form.is_bound else {}))
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow(_csv_row(entry))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="ascn-audit-{stamp}.csv"'
    return response
