"""Fixtures of the open-data tests: Phuket's Chief Smart City Officer, signed in."""

import pytest

from ascn.network.models import City
from tests import factories


@pytest.fixture
def cso_phuket(network):
    return factories.user(
        "cso.phuket@import.test", role="cso", scope=City.objects.get(slug="phuket")
    )


@pytest.fixture
def phuket_client(client, cso_phuket):
    client.force_login(cso_phuket)
    return client
