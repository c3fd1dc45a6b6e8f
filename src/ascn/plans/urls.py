"""Pages of plans and projects, mounted at the site root (full paths here)."""

from django.urls import path

from ascn.plans import views

urlpatterns = [
    path("workspace/", views.workspace, name="workspace"),
    # projects
    path("projects/", views.project_list, name="project-list"),
    path("projects/new/", views.project_create_view, name="project-create"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:pk>/readiness/", views.project_readiness, name="project-readiness"),
    path("projects/<int:pk>/progress/", views.project_progress, name="project-progress"),
    path(
        "projects/<int:pk>/documents/",
        views.project_document_upload,
        name="project-document-upload",
    ),
    path(
        "projects/<int:pk>/documents/<int:doc_pk>/",
        views.project_document,
        name="project-document",
    ),
    path("projects/<int:pk>/milestones/", views.project_milestone, name="project-milestone"),
    # action plans
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/new/", views.plan_create_view, name="plan-create"),
    path("plans/queue/", views.plan_queue, name="plan-queue"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/document/", views.plan_document, name="plan-document"),
    path("plans/<int:pk>/compare/", views.plan_compare, name="plan-compare"),
]
