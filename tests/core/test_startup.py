"""The web server fails closed: in production it will not start with the demo secret."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def start_server_module(**env: str) -> subprocess.CompletedProcess:
    """Import the WSGI entry point, as granian does, in a fresh process with the given env."""
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "ASCN_DEMO", "DJANGO_SETTINGS_MODULE"}
    }
    base |= {"DJANGO_SETTINGS_MODULE": "config.settings", "ASCN_WARM_UP_MAP": "0"}
    return subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_secret_key_refuses_to_start_and_says_why():
    # given DEBUG off, no demo mode and no SECRET_KEY
    # when the server loads the application
    result = start_server_module()
    # then it stops with a message that names the setting and the way out
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
    assert "ASCN_DEMO=1" in result.stderr


@pytest.mark.parametrize(
    "env",
    [{"ASCN_DEMO": "1"}, {"DEBUG": "1"}, {"SECRET_KEY": "a-real-secret-" + "x" * 50}],
    ids=["demo mode keeps its demo key", "debug", "a secret of its own"],
)
def test_the_server_starts_in_demo_debug_or_with_its_own_secret(env):
    result = start_server_module(**env)
    assert result.returncode == 0, result.stderr


def test_a_started_worker_keeps_rarely_used_libraries_and_its_start_up_out_of_the_way():
    """A web worker loads pypdf, rdflib, icalendar, qrcode, the connection pool and NumPy
    (an organisation's matches) only when a request needs them (~55 MB a worker: SPEC's
    200 MB), and moves what start-up made out
    of the garbage collector's way (a full collection walked it: ~80 ms, once in a dozen
    requests), then, after a slow full collection, what it holds when idle
    (tests/core/test_collector.py).
    Their features are tested where they are used (uploads, DCAT, .ics, 2FA)."""
    code = (
        "import gc, sys, config.wsgi;"
        "print(sorted(m for m in ('pypdf', 'rdflib', 'icalendar', 'qrcode', 'psycopg_pool', 'numpy')"
        " if m in sys.modules), gc.get_freeze_count() > 100_000,"
        " [getattr(cb, '__qualname__', '') for cb in gc.callbacks])"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", "ASCN_DEMO": "1", "ASCN_WARM_UP_MAP": "0"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    # and, after a slow full collection, what the first requests built (templates, schemas…)
    assert result.stdout.strip() == "[] True ['_Freezer.collected']"
