"""What follows writes for matchmaking (``core.events``): a write to an organisation renews
the match index's token, so every process rebuilds its in-memory index."""

from ascn.core import events
from ascn.matchmaking import index

events.subscribe(index.on_change, models=["partners.organisation"])
