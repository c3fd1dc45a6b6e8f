from django.urls import path

from ascn.agreements import views

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/new/", views.agreement_new, name="agreement-new"),
    path("agreements/<slug:slug>/", views.agreement_detail, name="agreement-detail"),
    path("agreements/<slug:slug>/edit/", views.agreement_edit, name="agreement-edit"),
    path("agreements/<slug:slug>/status/", views.agreement_status, name="agreement-status"),
    path("agreements/<slug:slug>/upload/", views.agreement_upload, name="agreement-upload"),
    path(
        "agreements/<slug:slug>/document/",
        views.agreement_document,
        name="agreement-document",
    ),
]
