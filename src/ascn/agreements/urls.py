from django.urls import path

from ascn.agreements import views

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/<slug:slug>/", views.agreement_detail, name="agreement-detail"),
    path(
        "agreements/<slug:slug>/document/",
        views.agreement_document,
        name="agreement-document",
    ),
]
