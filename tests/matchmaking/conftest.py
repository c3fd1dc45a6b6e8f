"""Fixtures shared by the matchmaking tests."""

import pytest

from ascn.matchmaking import scoring as mm


@pytest.fixture
def small_batches():
    """Score one candidate at a time, so that pruning is exercised on small lists."""
    before = mm.Ranking.FIRST_BATCH
    mm.Ranking.FIRST_BATCH = 1
    yield
    mm.Ranking.FIRST_BATCH = before
