"""Pages of the open-data app: project import (upload, progress, errors) and the M&E report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ascn.core.errors import InvalidInput, PermissionDenied
from ascn.core.permissions import scopes_of
from ascn.network.models import City
from ascn.opendata import imports, report_files, reports, services, spreadsheets
from ascn.opendata.forms import ProjectImportForm, ReportFilterForm
from ascn.opendata.models import ImportJob
from ascn.plans.models import Project

RECENT_IMPORTS = 10
CREATED_SHOWN = 20


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- import ---------------------------------------------------------------------------------


def _example_city(user) -> City | None:
    """The template's example row is of one of the user's own cities when they have one."""
    city_ids = scopes_of(user).city_ids
    if not city_ids:
        return None
    return City.objects.filter(pk__in=city_ids).order_by("name").first()


@require_GET
def import_template(request, fmt: str):
    """The import template: a header row and one example row (XLSX adds a sheet of codes)."""
    example_city = _example_city(request.user)
    if fmt == "xlsx":
        content, content_type = imports.template_xlsx(example_city), XLSX_TYPE
    else:
        content, content_type = imports.template_csv(example_city), CSV_TYPE
    return _download(content, f"project-import-template.{fmt}", content_type)


def _columns_with_examples(user) -> list[tuple[imports.Column, str]]:
    """Each column of the import file with its example, of the user's city (``examples``)."""
    shown = imports.examples(_example_city(user))
    return [(column, shown[column.name]) for column in imports.COLUMNS]


def _import_page(request, form, *, job=None, status=200):
    jobs = ImportJob.objects.filter(created_by=request.user).order_by("-created_at", "-id")
    cities = City.objects.filter(pk__in=scopes_of(request.user).city_ids).order_by("name")
    return render(
        request,
        "opendata/import.html",
        {
            "form": form,
            "job": job,
            "columns": _columns_with_examples(request.user),
            "recent": jobs[:RECENT_IMPORTS],
            "own_cities": cities,
            "secretariat": scopes_of(request.user).secretariat,
            "max_rows": imports.max_rows(),
            "background_rows": imports.background_rows(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_import(request):
    if not services.may_import(request.user):
        return render(request, "opendata/import_forbidden.html", status=403)
    if request.method == "GET":
        return _import_page(request, ProjectImportForm())
    form = ProjectImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form, status=422)
    try:
        job = services.import_job_create(actor=request.user, file=form.cleaned_data["file"])
    except InvalidInput as exc:
        form.add_error("file", exc.message)
        return _import_page(request, form, status=422)
    except PermissionDenied:
        return render(request, "opendata/import_forbidden.html", status=403)
    if not job.in_background:
        job = services.import_job_run(job_id=job.pk)
        if job.errors:
            return _import_page(request, ProjectImportForm(), job=job, status=422)
    return redirect("project-import-status", pk=job.pk)


def _visible_job(request, pk: int) -> ImportJob:
    job = ImportJob.objects.select_related("created_by").filter(pk=pk).first()
    if job is None or not services.import_job_visible(request.user, job):
        raise Http404
    return job


@login_required
@require_GET
def import_status(request, pk: int):
    job = _visible_job(request, pk)
    created = []
    if job.status == "succeeded" and job.created_projects:
        created = list(
            Project.objects.filter(pk__in=job.created_projects[:CREATED_SHOWN])
            .select_related("city")
            .order_by("city__name", "title")
        )
    template = (
        "opendata/import_status.html#progress" if request.htmx else "opendata/import_status.html"
    )
    saved = services.saving_progress(job) if job.phase == "saving" else None
    return render(
        request,
        template,
        {
            "job": job,
            "saved": saved,
            "saved_percent": saved * 100 // job.total_rows if saved and job.total_rows else 0,
            "created": created,
            "more_created": max(0, job.created_count - len(created)),
            "max_attempts": services.max_attempts(),
            "silent": services.import_job_silent(job),
        },
    )


@login_required
@require_GET
def import_errors_csv(request, pk: int):
    job = _visible_job(request, pk)
    rows = [[_("row"), _("column"), _("message")]]
    rows += [[e.get("row") or "", e.get("column") or "", e.get("message", "")] for e in job.errors]
    return _download(spreadsheets.csv_bytes(rows), f"project-import-{job.pk}-errors.csv", CSV_TYPE)


# --- the M&E report -------------------------------------------------------------------------


def _report(request, *, strict: bool = False, page: bool = False):
    """The report for the filters in the query string, or the form with its errors (a
    choice no longer offered is dropped with a note, unless ``strict``: the downloads).
    ``page``: the page's report (its rows as shown), else the downloads' (every row)."""
    form = ReportFilterForm(request.GET or None, strict=strict)
    if form.is_bound and not form.is_valid():
        return form, None
    year = form.cleaned_data.get("year") if form.is_bound else None
    state = form.member_state() if form.is_bound else None
    return form, reports.me_report_kept(request.user, year=year, member_state=state, page=page)


def _report_filename(report, extension: str) -> str:
    parts = ["ascn-me-report", str(report.year or "all-years")]
    if report.member_state:
        parts.append(report.member_state.code.lower())
    return "-".join(parts) + f".{extension}"


@require_GET
def me_report(request):
    form, report = _report(request, page=True)
    if report is None:
        return render(request, "opendata/me_report.html", {"form": form}, status=400)
    chart = report_files.progress_chart_svg(report)
    return render(
        request,
        "opendata/me_report.html",
        {
            "form": form,
            "report": report,
            "progress_chart": chart,
            "progress_chart_pending": bool(report.series) and not chart,
            "progress_summary": report_files.progress_summary(report),
            "query": form.query_string() if form.is_bound else "",
        },
    )


REPORT_FILES = {
    "csv": (report_files.report_csv, CSV_TYPE),
    "xlsx": (report_files.report_xlsx, XLSX_TYPE),
}


def _report_file(request, fmt: str):
    _form, report = _report(request, strict=True)
    if report is None:
        return HttpResponse(_("Invalid filters."), status=400, content_type="text/plain")
    write, content_type = REPORT_FILES[fmt]
    return _download(write(report), _report_filename(report, fmt), content_type)


@require_GET
def me_report_csv(request):
    return _report_file(request, "csv")


@require_GET
def me_report_xlsx(request):
    return _report_file(request, "xlsx")
