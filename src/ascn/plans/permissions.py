"""Who sees and does what with plans and projects (DESIGN conventions 2–3)."""

from ascn.core.permissions import CSO, NATIONAL_REPRESENTATIVE, SECRETARIAT, ScopedPolicy


class CityRecordPolicy(ScopedPolicy):
    """A record of one city: its scope is its city, and the city's member state."""

    city_path = "city"
    member_state_path = "city__member_state"


class ActionPlanPolicy(CityRecordPolicy):
    rules = {
        "change": {CSO, SECRETARIAT},
        "submit": {CSO, SECRETARIAT},
        "withdraw": {CSO, SECRETARIAT},
        "endorse": {NATIONAL_REPRESENTATIVE, SECRETARIAT},
        "return": {NATIONAL_REPRESENTATIVE, SECRETARIAT},
        "publish": {NATIONAL_REPRESENTATIVE, SECRETARIAT},
    }


class ProjectPolicy(CityRecordPolicy):
    rules = {
        "change": {CSO, SECRETARIAT},
        "assess": {CSO, SECRETARIAT},
        "report_progress": {CSO, SECRETARIAT},
        "upload": {CSO, SECRETARIAT},
        "publish": {CSO, NATIONAL_REPRESENTATIVE, SECRETARIAT},
    }


plan_policy = ActionPlanPolicy()
project_policy = ProjectPolicy()
