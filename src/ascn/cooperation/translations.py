"""Case studies carry translations by their editors (``core.translations``)."""

from ascn.cooperation.models import CaseStudy
from ascn.cooperation.permissions import case_study_policy
from ascn.core.translations import Target, register

register(Target.of_policy("case-study", case_study_policy, CaseStudy.objects.all()))
