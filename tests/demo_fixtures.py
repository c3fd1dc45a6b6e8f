"""The demo database, for the tests of the sample loaders (plans, partners, deals).

Loaded with ``pytest_plugins = ["tests.demo_fixtures"]``; ``run`` and ``bearer`` are imported.
PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from ascn.accounts.models import User
from ascn.accounts.services import token_create
from ascn.funding.management.commands.load_partners import load_partners
from ascn.plans.management.commands.load_exchange_rates import load_exchange_rates


def run(command: str) -> str:
    """What ``manage.py <command>`` prints."""
    out = io.StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def bearer(email: str) -> Client:
    """An API client with a fresh token of the account ``email`` (a demo account), as made
    with the account's two-factor code (the demo Secretariat must use two-factor)."""
    _, secret = token_create(
        actor=User.objects.get(email=email), name="samples test", two_factor=True
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def demo(settings, network):
    """A demo database: the network, the partners, the rates and the demo accounts."""
    settings.ASCN_DEMO = True
    # The demo accounts get a password; argon2 at production cost is not what is tested here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_partners()
    load_exchange_rates()
    run("load_demo")
    return settings
