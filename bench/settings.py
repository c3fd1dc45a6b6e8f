"""The settings the benchmark's real server runs with: the site's own, plus one URL of its
own (``bench/urls.py``), never a production URL."""

from config.settings import *  # noqa: F403 - the site's settings, unchanged but for the URLconf

ROOT_URLCONF = "bench.urls"
