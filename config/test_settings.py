"""Settings for the test suite: the project's settings with what tests need instead.

Static files are served without ``collectstatic``, background tasks run inline, the cache is
per process, uploads go to their own folder, and the caches of derived answers are off
(tests change data between requests; a test that checks a cache sets its time itself).
"""

from config.settings import *  # noqa: F403

SECRET_KEY = "test-only-key-never-used-to-serve-anything-real-0123456789"  # noqa: S105 - tests only

STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
RESPONSE_CACHE_SECONDS = 0
ASCN_DASHBOARD_CACHE_SECONDS = 0
ASCN_REPORT_CACHE_SECONDS = 0
ASCN_OPEN_DATA_CACHE_SECONDS = 0
ASCN_WARM_UP_MAP = False
# High enough that the suite never meets them; tests of the limits set their own.
ASCN_API_RATE_ANONYMOUS = ASCN_API_RATE_USER = "1000000/60"
ASCN_API_RATE_TOKEN = "1000000/60"  # noqa: S105 - a rate, not a secret
ASCN_PASSWORD_RESET_INTERVAL = 0
ASCN_INVITATIONS_PER_HOUR = 1000
# Argon2 at production cost is ~0.1 s a hash, and the suite creates and signs in thousands of
# accounts; what the tests check does not depend on the hasher (Django's testing advice).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# On PostgreSQL, a test's commit need not wait for the disk (the database is thrown away).
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
    # The race tests run up to eight threads at once, each with its own connection.
    DATABASES["default"]["OPTIONS"]["pool"]["max_size"] = 16  # noqa: F405
