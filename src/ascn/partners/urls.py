from django.urls import include, path

from ascn.partners import views

# One organisation's pages, under /organisations/<slug>/.
organisation_pages = [
    path("", views.organisation_detail, name="organisation-detail"),
    path("edit/", views.organisation_edit, name="organisation-edit"),
    path("verify/", views.organisation_verify_toggle, name="organisation-verify"),
]

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<slug:slug>/", include(organisation_pages)),
]
