"""Shared fixtures: the real network data, a signed-in member, the Secretariat, bounded query
counts."""

from __future__ import annotations

import html
import os
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from ascn.accounts.services import user_create
from ascn.indicators.management.commands.load_indicators import load_indicators
from tests import factories
from tests.network_seed import built_once, load_seed

MEMBER_EMAIL = "member@example.org"
MEMBER_PASSWORD = "quiet-harbour-lanterns-2026"


def pytest_configure(config):
    # Tests use plain static storage and never run collectstatic, so whitenoise warns
    # that STATIC_ROOT does not exist; that is expected here.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request to a /th/ page activates Thai for
    the thread (as Django's LocaleMiddleware does), which would otherwise carry into the next
    test's reverse() and gettext."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


_DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def pytest_collection_modifyitems(config, items):
    """A test marked ``db_independent`` gives the same answer on either database: CI's
    PostgreSQL pass (``DATABASE_URL`` set) leaves it to the SQLite pass. The mark is refused
    on a test that asks for the database (pytest-django blocks every other one from it).

    A browser test marked ``rendering`` checks what pages look like (a phone's width, axe,
    a drawing) and writes nothing through them: the PostgreSQL pass leaves it to the
    SQLite pass too (the same pages' data is read on both by the page tests, through the
    test client)."""
    on_postgresql = bool(os.environ.get("DATABASE_URL"))
    skip = pytest.mark.skip(reason="DB-independent: run in the SQLite pass")
    drawn = pytest.mark.skip(reason="what the browser draws: run in the SQLite pass")
    for item in items:
        if item.get_closest_marker("rendering") and on_postgresql:
            item.add_marker(drawn)
        if not item.get_closest_marker("db_independent"):
            continue
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & _DATABASE_FIXTURES or item.get_closest_marker("django_db"):
            raise pytest.UsageError(f"{item.nodeid} is marked db_independent but uses the database")
        if on_postgresql:
            item.add_marker(skip)


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.fixture(scope="module")
def _network_seed(request, django_db_setup, django_db_blocker):
    """Run the real seed loader once per test module, inside a transaction rolled back at the end.

    The real loader runs once per test process; later modules get the rows it wrote
    (``tests.network_seed``). Each test's own
    transaction (the ``db`` fixture) is a savepoint inside this one, so a test's writes are
    undone after it while the seed stays; other modules never see the seed.

    A module with transactional tests (``transaction=True``, ``live_server``) gets ``None``:
    there the seed must be committed where another connection sees it, and the test's
    teardown flushes it, so ``network`` loads it for each test instead.
    """
    module_items = [item for item in request.session.items if item.module is request.module]
    if any(_is_transactional(item) for item in module_items):
        yield None
        return
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            counts = load_seed()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield counts
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def network(_network_seed, db) -> dict[str, int]:
    """The real ASCN network (``network/seed/``) in the test database.

    Returns the counts of records the loader wrote, by kind.
    """
    if _network_seed is None:
        return load_seed()
    return dict(_network_seed)


@pytest.fixture(scope="module")
def _catalogue_seed(_network_seed, django_db_blocker) -> bool:
    """The indicators' catalogue loaded once for a module, in the transaction that holds its
    network seed (``_network_seed``); False where the module's tests commit."""
    return built_once(_network_seed, django_db_blocker, load_indicators) is not None


@pytest.fixture
def catalogue(_catalogue_seed, network) -> None:
    """The indicators' catalogue (``load_indicators``, through the services), as the real
    seed has it: loaded once per test module (~1 s on PostgreSQL) and kept beside the network
    seed, each test's own writes undone after it; loaded for each test where the module's
    tests commit."""
    if not _catalogue_seed:
        load_indicators()


@pytest.fixture
def empty_cache():
    """The shared cache empty before and after the test (counters, drawings, cached answers):
    the suite's cache is per process and outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member(db, client, settings):
    """An ordinary signed-in member (not Secretariat); ``client`` carries the session."""
    # Argon2 with production parameters costs ~0.5 s per hash; these tests are about what a
    # member sees, not about password storage.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = user_create(
        actor=None, email=MEMBER_EMAIL, password=MEMBER_PASSWORD, full_name="Ordinary Member"
    )
    client.force_login(user)
    return user


@pytest.fixture
def secretariat(network, settings):
    """A member of the Secretariat, made through the services (``factories.secretariat``), who
    need not give a two-factor code: these tests are about what it sees and does."""
    settings.ASCN_SECRETARIAT_REQUIRES_2FA = False
    return factories.secretariat()


@pytest.fixture
def get_bounded(client, django_assert_max_num_queries):
    """GET a URL, asserting it answers 200 within a bounded number of queries (no N+1)."""

    def get(url: str, *, max_queries: int, headers: dict[str, str] | None = None):
        with django_assert_max_num_queries(max_queries):
            response = client.get(url, headers=headers)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        return response

    return get


def page_text(response) -> str:
    """The visible text of an HTML response, tags removed and whitespace collapsed."""
    content = response.content.decode()
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S | re.I)
    text = html.unescape(re.sub(r"<[^>]+>", " ", content))
    return " ".join(text.split())


@pytest.fixture
def text():
    """``text(response)``: the visible text of a page, for assertions a reader can follow."""
    return page_text


def pytest_terminal_summary(terminalreporter, config):
    """The API fuzz test's size (tests/core/test_api_fuzz.py), for `make fuzz`'s report."""
    count = getattr(config, "api_fuzz_requests", None)
    if count:
        terminalreporter.write_line(f"API fuzz: {count:,} requests sent")
