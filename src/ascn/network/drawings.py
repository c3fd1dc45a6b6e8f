"""What the task worker draws for the network app (``core.drawings``)."""

from ascn.core.drawings import Payload, drawer
from ascn.network import maps
from ascn.network.tasks import KIND


@drawer(KIND)
def asean_map(payload: Payload) -> str:
    return maps.asean_map_svg(payload["cities"])
