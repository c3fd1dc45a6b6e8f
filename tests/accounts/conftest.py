"""Fixtures of the accounts tests."""

import axes.utils
import pytest


@pytest.fixture
def signing_in(db, settings):
    """Tests that sign in many times: a fast password hasher, and django-axes' failure records
    cleared before and after (they are kept in the database and the cache)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    axes.utils.reset()
    yield
    axes.utils.reset()
