"""Pages of the open-data app, mounted at the site root (full paths here)."""

from django.urls import path, re_path

from ascn.opendata import catalogue_views, indicator_views, release_views, views

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
    path("indicator-values/import/", indicator_views.import_page, name="indicator-value-import"),
    path(
        "indicator-values/import/template.csv",
        indicator_views.template,
        name="indicator-value-import-template",
    ),
    path("reports/me/", views.me_report, name="me-report"),
    path("reports/me.csv", views.me_report_csv, name="me-report-csv"),
    path("reports/me.xlsx", views.me_report_xlsx, name="me-report-xlsx"),
    # The open-data catalogue (issue 7): the page, DCAT, and each dataset as CSV/XLSX/JSON.
    path("data/", catalogue_views.catalogue_page, name="open-data"),
    path("data/catalog.jsonld", catalogue_views.catalog_jsonld, name="open-data-dcat"),
    # Before the dataset files: "datapackage.json" would read as a dataset's JSON.
    path("data/datapackage.json", catalogue_views.datapackage_json, name="open-data-datapackage"),
    path("data/catalog.ttl", catalogue_views.catalog_turtle, name="open-data-dcat-turtle"),
    # Dated releases (issue 20): before the dataset files, which "releases.json" would match.
    path("data/releases/", release_views.release_list, name="open-data-releases"),
    path("data/releases.json", release_views.releases_json, name="open-data-releases-json"),
    re_path(
        r"^data/releases/(?P<date>[^/]+)\.json$",
        release_views.release_json,
        name="open-data-release-json",
    ),
    path("data/releases/<str:date>/", release_views.release_detail, name="open-data-release"),
    re_path(
        r"^data/releases/(?P<date>[^/]+)/(?P<dataset>[a-z0-9-]+)\.csv$",
        release_views.release_file,
        name="open-data-release-file",
    ),
    re_path(
        r"^data/(?P<key>[a-z-]+)\.(?P<fmt>csv|xlsx|json)$",
        catalogue_views.dataset_file,
        name="open-data-file",
    ),
]
