"""Forms of the plans and projects pages.

Forms shape what a person types into the arguments of the services. They check the rules of
``plans.validation`` in ``clean``, so a page shows every problem on its field at once; the
services check them again (they are the rule), and any ``InvalidInput`` of theirs comes back
onto these forms too (``core.forms.form_error``).
"""

from ascn.plans.forms.choices import national_currency
from ascn.plans.forms.filters import PlanFilterForm, ProjectFilterForm
from ascn.plans.forms.plans import PlanForm, TransitionForm
from ascn.plans.forms.projects import (
    DocumentForm,
    MilestoneForm,
    ProgressForm,
    ProjectForm,
    ReadinessForm,
)

__all__ = [
    "DocumentForm",
    "MilestoneForm",
    "PlanFilterForm",
    "PlanForm",
    "ProgressForm",
    "ProjectFilterForm",
    "ProjectForm",
    "ReadinessForm",
    "TransitionForm",
    "national_currency",
]
