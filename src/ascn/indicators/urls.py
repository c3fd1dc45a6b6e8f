from django.urls import path

from ascn.indicators import views

urlpatterns = [
    # before portal's cities/<slug>/ (config/urls.py includes this first)
    path("indicators/", views.catalogue, name="indicator-catalogue"),
    path("cities/compare/", views.compare, name="city-compare"),
    path("cities/<slug:slug>/indicators/", views.city_indicators, name="city-indicators"),
    path("indicators/<slug:slug>/", views.indicator_detail, name="indicator-detail"),
    path("cities/<slug:slug>/indicators/new/", views.value_new, name="indicator-value-new"),
    path("indicator-values/<int:value_id>/edit/", views.value_edit, name="indicator-value-edit"),
    path(
        "indicator-values/<int:value_id>/verify/",
        views.value_verify_page,
        name="indicator-value-verify",
    ),
    path("projects/<int:pk>/indicators/", views.project_indicators, name="project-indicators"),
]
