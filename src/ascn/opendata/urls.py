"""Pages of the open-data app, mounted at the site root (full paths here)."""

from django.urls import path, re_path

from ascn.opendata import views

urlpatterns = [
    re_path(
        r"^projects/import/template\.(?P<fmt>csv|xlsx)$",
        views.import_template,
        name="project-import-template",
    ),
    path("projects/import/", views.project_import, name="project-import"),
    path("projects/import/<int:pk>/", views.import_status, name="project-import-status"),
    path(
        "projects/import/<int:pk>/errors.csv",
        views.import_errors_csv,
        name="project-import-errors",
    ),
    path("reports/me/", views.me_report, name="me-report"),
    path("reports/me.csv", views.me_report_csv, name="me-report-csv"),
    path("reports/me.xlsx", views.me_report_xlsx, name="me-report-xlsx"),
]
