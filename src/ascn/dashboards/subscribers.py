"""What follows writes for the dashboards (``core.events``): the tallies of the cities,
member states and organisation kinds a write moved."""

from ascn.core import events
from ascn.dashboards import tallies

events.subscribe(tallies.on_change, models=tallies.FOLLOWED)
