"""Projects and action plans carry translations by their city (``core.translations``)."""

from ascn.core.translations import Target, register
from ascn.plans.models import ActionPlan, Project
from ascn.plans.permissions import plan_policy, project_policy

register(
    Target.of_policy("project", project_policy, Project.objects.select_related("city"), lookup="pk")
)
register(
    Target.of_policy("plan", plan_policy, ActionPlan.objects.select_related("city"), lookup="pk")
)
