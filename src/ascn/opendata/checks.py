"""``manage.py check --deploy``: is the OC4IDS export published under a registered prefix?"""

from __future__ import annotations

from typing import Any

from django.core import checks

from ascn.opendata.oc4ids import REGISTERED_PREFIX, id_prefix


@checks.register(checks.Tags.compatibility, deploy=True)
def oc4ids_prefix(**_kwargs: Any) -> list[checks.CheckMessage]:
    prefix = id_prefix()
    if REGISTERED_PREFIX.match(prefix):
        return []
    return [
        checks.Warning(
            f"OC4IDS_PREFIX is {prefix!r}, not a registered OC4IDS project identifier prefix.",
            hint=(
                "Ask the OC4IDS Helpdesk (data@open-contracting.org) for a prefix such as "
                "oc4ids-qu8r7p and set OC4IDS_PREFIX to it; the OC4IDS data review flags "
                "project ids without one."
            ),
            id="opendata.W001",
        )
    ]
