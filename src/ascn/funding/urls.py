"""Pages of funding programmes, mounted at the site root (full paths here)."""

from django.urls import path

from ascn.funding import views

urlpatterns = [
    path("programmes/", views.programme_list, name="programme-list"),
    path("programmes/new/", views.programme_new, name="programme-new"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("programmes/<slug:slug>/edit/", views.programme_edit, name="programme-edit"),
    path(
        "programmes/<slug:slug>/calls/<int:pk>/edit/", views.call_edit, name="programme-call-edit"
    ),
    path("programmes/<slug:slug>/apply/", views.programme_apply, name="programme-apply"),
    path(
        "programmes/<slug:slug>/calls/", views.programme_call_create, name="programme-call-create"
    ),
    path(
        "programmes/<slug:slug>/applications/<int:pk>/award/",
        views.application_award_view,
        name="programme-application-award",
    ),
    path(
        "programmes/<slug:slug>/applications/<int:pk>/<str:action>/",
        views.application_action,
        name="programme-application-action",
    ),
    path(
        "programmes/<slug:slug>/awards/<int:pk>/disburse/",
        views.award_disburse,
        name="programme-award-disburse",
    ),
]
