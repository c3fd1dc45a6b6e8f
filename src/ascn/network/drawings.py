"""What the task worker draws for the network app (``core.drawings``)."""

from django.conf import settings
from django.utils import translation

from ascn.core.drawings import Payload, drawer
from ascn.network import maps
from ascn.network.tasks import KIND


@drawer(KIND)
def asean_map(payload: Payload) -> str:
    # the words of the map in the language of the page that asked for it
    with translation.override(payload.get("language") or settings.LANGUAGE_CODE):
        return maps.asean_map_svg(payload["cities"])
