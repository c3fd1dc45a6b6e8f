"""Fixtures shared by the discussion tests."""

from __future__ import annotations

import pytest

from ascn.cooperation.models import Post
from ascn.cooperation.services import post_create, thread_create
from ascn.network.models import FocusArea


@pytest.fixture
def post(roles) -> Post:
    """Hanoi's officer answers Phuket's officer with an advertisement."""
    thread = thread_create(
        actor=roles.user("cso_phuket"),
        focus_area=FocusArea.objects.order_by("position").first(),
        title="Flood early warning",
        body="How do you warn residents?",
    )
    return post_create(actor=roles.user("cso_hanoi"), thread=thread, body="Buy our sirens!")
