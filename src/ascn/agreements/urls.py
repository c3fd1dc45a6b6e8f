from django.urls import include, path

from ascn.agreements import views

# One agreement's pages, under /agreements/<slug>/.
agreement_pages = [
    path("", views.agreement_detail, name="agreement-detail"),
    path("edit/", views.agreement_edit, name="agreement-edit"),
    path("status/", views.agreement_status, name="agreement-status"),
    path("upload/", views.agreement_upload, name="agreement-upload"),
    path("document/", views.agreement_document, name="agreement-document"),
]

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/new/", views.agreement_new, name="agreement-new"),
    path("agreements/<slug:slug>/", include(agreement_pages)),
]
