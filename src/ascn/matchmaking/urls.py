from django.urls import path

from ascn.matchmaking import views

urlpatterns = [
    path(
        "organisations/<slug:slug>/matches/",
        views.organisation_matches,
        name="organisation-matches",
    ),
    path("projects/<int:pk>/matches/", views.project_matches, name="project-matches"),
]
