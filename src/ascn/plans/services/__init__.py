"""Writes to plans and projects (``action_plans``, ``projects``), named here for the rest of the
platform: each checks permission, validates, writes and audits."""

from ascn.plans.services.action_plans import (
    A_PLAN_IN,
    EDITABLE_PLAN_STATUSES,
    PLAN_TRANSITIONS,
    plan_attach_document,
    plan_create,
    plan_recipient_users,
    plan_recipients,
    plan_snapshot,
    plan_transition,
    plan_update,
)
from ascn.plans.services.projects import (
    PROJECT_AUDIT_FIELDS,
    AssessedMeanwhile,
    document_delete,
    document_upload,
    exchange_rate_set,
    milestone_save,
    progress_add,
    project_create,
    project_update,
    project_upsert_seed,
    readiness_assess,
)

__all__ = [
    "A_PLAN_IN",
    "EDITABLE_PLAN_STATUSES",
    "PLAN_TRANSITIONS",
    "PROJECT_AUDIT_FIELDS",
    "AssessedMeanwhile",
    "document_delete",
    "document_upload",
    "exchange_rate_set",
    "milestone_save",
    "plan_attach_document",
    "plan_create",
    "plan_recipient_users",
    "plan_recipients",
    "plan_snapshot",
    "plan_transition",
    "plan_update",
    "progress_add",
    "project_create",
    "project_update",
    "project_upsert_seed",
    "readiness_assess",
]
