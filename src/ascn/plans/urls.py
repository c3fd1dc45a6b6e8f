"""Pages of plans and projects, mounted at the site root (full paths here)."""

from django.urls import path

from ascn.core.views import translations_path
from ascn.plans.views import compare, plans, project_records, projects, queue

urlpatterns = [
    # projects
    path("projects/", projects.project_list, name="project-list"),
    path("projects/new/", projects.project_create_view, name="project-create"),
    path("projects/<int:pk>/", projects.project_detail, name="project-detail"),
    translations_path("projects/<int:key>/", "project"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="project-edit"),
    path(
        "projects/<int:pk>/readiness/", project_records.project_readiness, name="project-readiness"
    ),
    path("projects/<int:pk>/progress/", project_records.project_progress, name="project-progress"),
    path(
        "projects/<int:pk>/documents/",
        project_records.project_document_upload,
        name="project-document-upload",
    ),
    path(
        "projects/<int:pk>/documents/<int:doc_pk>/",
        project_records.project_document,
        name="project-document",
    ),
    path(
        "projects/<int:pk>/milestones/", project_records.project_milestone, name="project-milestone"
    ),
    # action plans
    path("plans/", plans.plan_list, name="plan-list"),
    path("plans/new/", plans.plan_create_view, name="plan-create"),
    path("plans/queue/", queue.plan_queue, name="plan-queue"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan-detail"),
    translations_path("plans/<int:key>/", "plan"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/document/", plans.plan_document, name="plan-document"),
    path("plans/<int:pk>/compare/", compare.plan_compare, name="plan-compare"),
]
