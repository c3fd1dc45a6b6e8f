"""What follows every write in core (``core.events``): the record's search entry and the
entries that hold it, and a new data version for the anonymous response cache."""

from ascn.core import cache, events
from ascn.core.search import index

events.subscribe(index.on_change, models=[events.EVERY_MODEL])
events.subscribe(cache.on_change, models=[events.EVERY_MODEL])
