"""Pages of meetings, mounted at the site root (full paths here). The fixed paths
(``mine``, ``feed``) come before ``<slug>``."""

from django.urls import path

from ascn.meetings import views

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/mine/", views.my_meetings, name="my-meetings"),
    path("meetings/feed/<str:token>.ics", views.private_feed, name="meeting-private-feed"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<slug:slug>/register/", views.meeting_register, name="meeting-register"),
    path("meetings/<slug:slug>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("meetings/<slug:slug>/check-in/", views.meeting_check_in, name="meeting-check-in"),
    path(
        "meetings/<slug:slug>/documents/",
        views.meeting_document_add,
        name="meeting-document-add",
    ),
    path(
        "meetings/<slug:slug>/documents/<int:pk>/",
        views.meeting_document,
        name="meeting-document",
    ),
    path(
        "meetings/<slug:slug>/documents/<int:pk>/delete/",
        views.meeting_document_remove,
        name="meeting-document-delete",
    ),
]
