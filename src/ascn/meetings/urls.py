"""Pages of meetings, mounted at the site root (full paths here). The fixed paths
(``new``, ``mine``, ``feed``) come before ``<slug>``."""

from django.urls import path

from ascn.core.views import translations_path
from ascn.meetings.views import manage, public

urlpatterns = [
    path("meetings/", public.meeting_list, name="meeting-list"),
    path("meetings/new/", manage.meeting_create_view, name="meeting-create"),
    path("meetings/mine/", public.my_meetings, name="my-meetings"),
    path("meetings/feed/<str:token>.ics", public.private_feed, name="meeting-private-feed"),
    path("meetings/<slug:slug>/", public.meeting_detail, name="meeting-detail"),
    translations_path("meetings/<slug:key>/", "meeting"),
    path("meetings/<slug:slug>/register/", public.meeting_register, name="meeting-register"),
    path("meetings/<slug:slug>/cancel/", public.meeting_cancel, name="meeting-cancel"),
    # the Secretariat's desk (404 for everyone else)
    path("meetings/<slug:slug>/manage/", manage.meeting_manage, name="meeting-manage"),
    path("meetings/<slug:slug>/edit/", manage.meeting_edit, name="meeting-edit"),
    path(
        "meetings/<slug:slug>/agenda/<int:pk>/",
        manage.agenda_item_change,
        name="meeting-agenda-item",
    ),
    path(
        "meetings/<slug:slug>/registrations/",
        manage.meeting_registrations,
        name="meeting-registrations",
    ),
    path("meetings/<slug:slug>/check-in/", manage.meeting_check_in, name="meeting-check-in"),
    path("meetings/<slug:slug>/minutes/", manage.meeting_minutes, name="meeting-minutes"),
    path(
        "meetings/<slug:slug>/documents/",
        public.meeting_document_add,
        name="meeting-document-add",
    ),
    path(
        "meetings/<slug:slug>/documents/<int:pk>/",
        public.meeting_document,
        name="meeting-document",
    ),
    path(
        "meetings/<slug:slug>/documents/<int:pk>/delete/",
        public.meeting_document_remove,
        name="meeting-document-delete",
    ),
]
