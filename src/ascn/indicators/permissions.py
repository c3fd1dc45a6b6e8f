"""Who sees and does what with indicator values: the city's Chief Smart City Officers enter
and edit them; the Secretariat or the National Representative of the city's member state
verifies them. The catalogue is public and kept by the Secretariat (through its loader)."""

from __future__ import annotations

from ascn.core.permissions import CSO, NATIONAL_REPRESENTATIVE, SECRETARIAT, ScopedPolicy
from ascn.indicators.models import IndicatorValue


class ValuePolicy(ScopedPolicy[IndicatorValue]):
    city_path = "city"
    member_state_path = "city__member_state"
    rules = {
        "enter": {CSO},
        "change": {CSO},
        "verify": {NATIONAL_REPRESENTATIVE, SECRETARIAT},
    }


value_policy = ValuePolicy()
