from django.urls import path

from ascn.cooperation import views
from ascn.core.views import translations_path

urlpatterns = [
    path("cooperation/", views.cooperation_index, name="cooperation"),
    path("cooperation/case-studies/new/", views.case_study_new, name="case-study-new"),
    path(
        "cooperation/case-studies/<slug:slug>/edit/",
        views.case_study_edit,
        name="case-study-edit",
    ),
    path(
        "cooperation/case-studies/<slug:slug>/",
        views.case_study_detail,
        name="case-study-detail",
    ),
    translations_path("cooperation/case-studies/<slug:key>/", "case-study"),
    path("cooperation/partnerships/new/", views.partnership_new, name="partnership-new"),
    path(
        "cooperation/partnerships/<int:pk>/edit/",
        views.partnership_edit,
        name="partnership-edit",
    ),
    path(
        "cooperation/partnerships/<int:pk>/end/",
        views.partnership_ending,
        name="partnership-end",
    ),
    path("cooperation/forum/<slug:code>/", views.forum, name="forum"),
    path("cooperation/threads/<int:pk>/", views.thread_detail, name="thread-detail"),
    path(
        "cooperation/threads/<int:pk>/moderate/",
        views.thread_moderation,
        name="thread-moderate",
    ),
    path("cooperation/posts/<int:pk>/moderate/", views.post_moderation, name="post-moderate"),
    path("cooperation/posts/<int:pk>/flag/", views.post_flagging, name="post-flag"),
    path("cooperation/moderation/", views.moderation_queue, name="moderation-queue"),
    path(
        "cooperation/moderation/<int:pk>/",
        views.moderation_review,
        name="moderation-review",
    ),
    path("timeline/", views.timeline, name="timeline"),
]
