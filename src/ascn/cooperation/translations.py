"""Case studies carry translations by their editors (``core.translations``)."""

from ascn.cooperation.models import CaseStudy
from ascn.cooperation.permissions import case_study_policy
from ascn.core.translations import Target, register

register(
    Target(
        kind="case-study",
        model=CaseStudy,
        may_translate=lambda user, obj: case_study_policy.can(user, "change", obj),
        visible=lambda user: case_study_policy.visible(user, CaseStudy.objects.all()),
    )
)
