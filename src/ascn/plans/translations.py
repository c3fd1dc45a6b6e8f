"""Projects and action plans carry translations by their city (``core.translations``)."""

from ascn.core.translations import Target, register
from ascn.plans.models import ActionPlan, Project
from ascn.plans.permissions import plan_policy, project_policy

register(
    Target(
        kind="project",
        model=Project,
        may_translate=lambda user, obj: project_policy.can(user, "change", obj),
        visible=lambda user: project_policy.visible(user, Project.objects.select_related("city")),
        lookup="pk",
    )
)
register(
    Target(
        kind="plan",
        model=ActionPlan,
        may_translate=lambda user, obj: plan_policy.can(user, "change", obj),
        visible=lambda user: plan_policy.visible(user, ActionPlan.objects.select_related("city")),
        lookup="pk",
    )
)
