"""Pages of the open-data app, mounted at the site root (full paths here)."""

from django.urls import include, path, re_path

from ascn.opendata import catalogue_views, indicator_views, release_views, views

# The import of projects (issue 6) under /projects/import/, the M&E report under /reports/.
import_pages = [
    re_path(
        r"^template\.(?P<fmt>csv|xlsx)$", views.import_template, name="project-import-template"
    ),
    path("", views.project_import, name="project-import"),
    path("<int:pk>/", views.import_status, name="project-import-status"),
    path("<int:pk>/errors.csv", views.import_errors_csv, name="project-import-errors"),
]
# The import of indicator values (issue 22), the same all-or-nothing machinery.
indicator_import_pages = [
    path("", indicator_views.import_page, name="indicator-value-import"),
    path("template.csv", indicator_views.template, name="indicator-value-import-template"),
]
report_pages = [
    path("me/", views.me_report, name="me-report"),
    path("me.csv", views.me_report_csv, name="me-report-csv"),
    path("me.xlsx", views.me_report_xlsx, name="me-report-xlsx"),
]
# The open-data catalogue (issue 7) under /data/: the page, DCAT, the Data Package, the
# dated releases (issue 20), then each dataset as CSV/XLSX/JSON — last, as its pattern would
# read "datapackage.json" or "releases.json" as a dataset's file.
data_pages = [
    path("", catalogue_views.catalogue_page, name="open-data"),
    path("catalog.jsonld", catalogue_views.catalog_jsonld, name="open-data-dcat"),
    path("datapackage.json", catalogue_views.datapackage_json, name="open-data-datapackage"),
    path("catalog.ttl", catalogue_views.catalog_turtle, name="open-data-dcat-turtle"),
    path("releases/", release_views.release_list, name="open-data-releases"),
    path("releases.json", release_views.releases_json, name="open-data-releases-json"),
    re_path(
        r"^releases/(?P<date>[^/]+)\.json$",
        release_views.release_json,
        name="open-data-release-json",
    ),
    path("releases/<str:date>/", release_views.release_detail, name="open-data-release"),
    re_path(
        r"^releases/(?P<date>[^/]+)/(?P<dataset>[a-z0-9-]+)\.csv$",
        release_views.release_file,
        name="open-data-release-file",
    ),
    re_path(
        r"^(?P<key>[a-z-]+)\.(?P<fmt>csv|xlsx|json)$",
        catalogue_views.dataset_file,
        name="open-data-file",
    ),
]

urlpatterns = [
    path("projects/import/", include(import_pages)),
    path("indicator-values/import/", include(indicator_import_pages)),
    path("reports/", include(report_pages)),
    path("data/", include(data_pages)),
]
