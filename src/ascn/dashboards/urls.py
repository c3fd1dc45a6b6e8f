"""Dashboards at /dashboards/: read-only views over the network's public figures."""

from django.urls import path

from ascn.dashboards import views

urlpatterns = [
    path("", views.index, name="dashboards"),
    path("<slug:key>.csv", views.chart_csv, name="dashboard-csv"),
]
