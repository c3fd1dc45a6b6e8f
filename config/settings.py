"""One settings file for every environment, driven by the environment.

Defaults run the embedded demo: SQLite in ``var/``, DEBUG off unless asked.
"""

import os
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ASCN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# The demo and tests run without a configured secret; production must set SECRET_KEY: the web
# server refuses to start with the demo key unless DEBUG or ASCN_DEMO is on (config/wsgi.py).
DEMO_SECRET_KEY = "insecure-demo-key-set-SECRET_KEY-in-production"  # noqa: S105 - public on purpose
SECRET_KEY = os.environ.get("SECRET_KEY") or DEMO_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "ninja",
    # the apps in their layer order, lowest first (docs/architecture.md)
    "ascn.core",
    "ascn.accounts",
    "ascn.network",
    "ascn.plans",
    "ascn.partners",
    "ascn.funding",
    "ascn.deals",
    "ascn.matchmaking",
    "ascn.meetings",
    "ascn.agreements",
    "ascn.cooperation",
    "ascn.indicators",
    "ascn.opendata",
    "ascn.dashboards",
    "ascn.portal",
    "django_tasks",
    "django_tasks_db",
    "dbbackup",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "ascn.core.middleware.HeadMiddleware",  # outermost: everything after sees a GET
    # an ETag on every answer that may be kept (not a signed-in one: no-store), and a 304 to a
    # client that sends it back (If-None-Match) unchanged
    "ascn.core.middleware.ConditionalGetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "ascn.core.privacy.PrivateResponsesMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ascn.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # before anything reads the body (the CSRF check reads a form's)
    "ascn.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "ascn.core.site.SiteAddressMiddleware",  # after the host is checked
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ascn.core.ratelimit.ApiRateLimitMiddleware",  # before the token check: bad tokens count too
    "ascn.accounts.middleware.ApiTokenMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ascn.core.languages.LanguageMiddleware",  # after the user is known: their saved language
    "ascn.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ascn.core.middleware.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # innermost: the answers it writes (JSON 404/405, the 405 page) still pass every
    # middleware above on their way out (CSRF cookie, Vary, X-Frame-Options, messages)
    "ascn.core.middleware.ErrorShapeMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "ascn" / "templates"],
        "OPTIONS": {
            # django-template-partials' loader over the cached one, as it sets itself up, over
            # loaders that drop each file's final line break (no stray space after an
            # included partial: ascn.core.template_loaders)
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "ascn.core.template_loaders.FilesystemLoader",
                                "ascn.core.template_loaders.AppDirectoriesLoader",
                            ],
                        )
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]
# Django's form renderer with <select> menus written in Python (ascn.core.renderers)
FORM_RENDERER = "ascn.core.renderers.Renderer"

# Database: embedded SQLite (WAL) by default, PostgreSQL when DATABASE_URL is set.
# Connections (docs/operations.md, "Connections"): on PostgreSQL a bounded pool per process
# (psycopg_pool through Django's `pool` option; DATABASE_POOL_SIZE connections at most, a
# request waits up to DATABASE_POOL_TIMEOUT seconds for one, then fails with a 503 instead of
# opening more); on SQLite one persistent connection per thread, its pragmas set once when it
# opens. The web server's threads per worker are sized to the pool (the Makefile's
# --blocking-threads), so a worker never waits for its own connections.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASE_POOL_SIZE = int(os.environ.get("DATABASE_POOL_SIZE", "4"))
DATABASE_POOL_TIMEOUT = float(os.environ.get("DATABASE_POOL_TIMEOUT", "10"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_SIZE,
        "timeout": DATABASE_POOL_TIMEOUT,
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "CONN_MAX_AGE": None,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # failed sign-in throttling, first
    "ascn.accounts.lockout.AccountGuardBackend",  # an account under attack needs two-factor
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins (docs/accounts.md, "Failed sign-ins"): django-axes locks a client address
# out after AXES_FAILURE_LIMIT failures, whatever the accounts, for AXES_COOLOFF_HOURS; an
# account with ASCN_ACCOUNT_FAILURE_LIMIT failures (from any address) in that window is not
# locked but no longer opens with the password alone (its second factor or a password reset
# still do). A success never resets an address's count (else signing in to one's own account
# would wipe it).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
ASCN_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("ASCN_ACCOUNT_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form and the token API both pass `username`
AXES_USERNAME_CALLABLE = "ascn.accounts.lockout.lockout_username"
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "ascn.accounts.lockout.lockout_response"
AXES_VERBOSE = False
# Rate limits (core/ratelimit.py, docs/operations.md "Rate limits"): API requests per client as
# <requests>/<seconds> ("off": none), counted in the shared cache; the health checks are exempt.
ASCN_API_RATE_ANONYMOUS = os.environ.get("ASCN_API_RATE_ANONYMOUS", "300/60")  # per address
ASCN_API_RATE_TOKEN = os.environ.get("ASCN_API_RATE_TOKEN", "1200/60")  # per API token
ASCN_API_RATE_USER = os.environ.get("ASCN_API_RATE_USER", "600/60")  # per signed-in user
# At most one password-reset e-mail per address per this many seconds.
ASCN_PASSWORD_RESET_INTERVAL = int(os.environ.get("ASCN_PASSWORD_RESET_INTERVAL", "300"))
# At most this many invitations sent by one person in any hour.
ASCN_INVITATIONS_PER_HOUR = int(os.environ.get("ASCN_INVITATIONS_PER_HOUR", "30"))
# Lists filtered by words (docs/plans.md, docs/search.md): rows counted at most (beyond, "more
# than N"), and how many entries of a type a word may have to be read as a plain list of ids.
ASCN_COUNT_CAP = int(os.environ.get("ASCN_COUNT_CAP", "500"))
ASCN_FEW_MATCHES = int(os.environ.get("ASCN_FEW_MATCHES", "500"))
# After a full garbage collection slower than this (ms), a web worker freezes what it holds out
# of the collector's way when a request next starts with none other in flight
# (ascn.core.collector; docs/operations.md, "Memory"); 0: never.
ASCN_GC_FREEZE_MS = float(os.environ.get("ASCN_GC_FREEZE_MS", "20"))
# The audit trail (a busy network writes a million entries): entries counted at most (beyond,
# "more than N"; older ones are reached by the filters, dates first).
ASCN_AUDIT_COUNT_CAP = int(os.environ.get("ASCN_AUDIT_COUNT_CAP", "10000"))
# The client address (failed sign-ins): the number of reverse proxies in front of the app
# server that each append the address they were reached from to X-Forwarded-For. 0 (the
# default): REMOTE_ADDR, and X-Forwarded-For is ignored, since any client can send it.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "ascn.core.client.client_address"
# TOTP two-factor (django-otp): required for the Secretariat, optional for everyone else.
ASCN_SECRETARIAT_REQUIRES_2FA = env_bool("ASCN_SECRETARIAT_REQUIRES_2FA", True)
OTP_TOTP_ISSUER = "ASCN Platform"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 12)))
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
# English and the national languages of the member states (docs/translation.md). Pages are
# served under a language prefix (/th/projects/), English without one; the API answers in the
# language its Accept-Language asks for (ascn.core.languages).
LANGUAGES = [
    ("en", _("English")),
    ("id", _("Indonesian")),
    ("ms", _("Malay")),
    ("th", _("Thai")),
    ("vi", _("Vietnamese")),
    ("km", _("Khmer")),
    ("lo", _("Lao")),
    ("my", _("Burmese")),
    ("fil", _("Filipino")),
    ("tet", _("Tetum")),
    ("pt", _("Portuguese")),
]
# Django knows no Lao, Filipino or Tetum, and names Khmer in English.
LANG_INFO.update(
    {
        "km": {"bidi": False, "code": "km", "name": "Khmer", "name_local": "ខ្មែរ"},
        "lo": {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ລາວ"},
        "fil": {"bidi": False, "code": "fil", "name": "Filipino", "name_local": "Filipino"},
        "tet": {"bidi": False, "code": "tet", "name": "Tetum", "name_local": "Tetun"},
    }
)
LOCALE_PATHS = [BASE_DIR / "src" / "ascn" / "locale"]
TIME_ZONE = "Asia/Jakarta"  # the ASEAN Secretariat's seat
# Dates and numbers in one style across the site (config/formats/<language>/formats.py;
# docs/ui.md, "Formats for people").
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "src" / "ascn" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Permissions-Policy: the platform uses no device features; none may be used by any frame.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# Backups (`manage.py backup` / `restore`, django-dbbackup): a dated folder per backup.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
DBBACKUP_CONNECTOR_MAPPING = {
    "django.db.backends.sqlite3": "ascn.core.backup.SqliteOnlineConnector"
}
DBBACKUP_HOSTNAME = "ascn"
STORAGES["dbbackup"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": BACKUP_DIR},
}

# Security: strict by default where it costs nothing; HTTPS-only settings in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
HTTPS = env_bool("HTTPS", default=not DEBUG and bool(os.environ.get("SECRET_KEY")))
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content Security Policy (django-csp): scripts only from our own origin; no inline script.
# Inline styles are allowed for the server-rendered SVG map and htmx's indicator styles.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ASCN Platform <no-reply@ascn.example>")

# Cache: Redis when REDIS_URL is set (several app servers); otherwise a file cache in var/,
# shared by the web server and the task worker (import progress is reported through it).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

ASCN_DEMO = env_bool("ASCN_DEMO")

# Bulk import limits. On SQLite one import holds the single write lock while it saves
# (about 10 ms a row), so the row limit is lower there; PostgreSQL takes 10,000.
ASCN_IMPORT_MAX_ROWS = int(
    os.environ.get("ASCN_IMPORT_MAX_ROWS", "10000" if DATABASE_URL else "2000")
)
ASCN_IMPORT_BACKGROUND_ROWS = int(os.environ.get("ASCN_IMPORT_BACKGROUND_ROWS", "200"))
ASCN_IMPORT_MAX_BYTES = int(os.environ.get("ASCN_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))

# Jobs that outlive their worker (docs/operations.md). A running import renews its heartbeat
# every few seconds (at most every quarter of the stale time); one silent for longer than
# ASCN_JOB_STALE_SECONDS lost its task worker and is run again, up to ASCN_JOB_MAX_ATTEMPTS
# runs in all, then marked failed. `manage.py db_worker` looks for such jobs when it starts and
# every half stale time. ASCN_IMPORT_ROW_DELAY (seconds per row, for tests only) slows imports.
ASCN_JOB_STALE_SECONDS = float(os.environ.get("ASCN_JOB_STALE_SECONDS", "120"))
ASCN_JOB_MAX_ATTEMPTS = int(os.environ.get("ASCN_JOB_MAX_ATTEMPTS", "3"))
ASCN_IMPORT_ROW_DELAY = float(os.environ.get("ASCN_IMPORT_ROW_DELAY", "0"))

# Caches of derived answers, in seconds (0: computed for every request). The anonymous
# response cache is versioned by writes (core/cache.py); the dashboards' figures and the
# open-data downloads are rebuilt when their records change, at the latest after this.
RESPONSE_CACHE_SECONDS = int(os.environ.get("RESPONSE_CACHE_SECONDS", "60"))
ASCN_DASHBOARD_CACHE_SECONDS = int(os.environ.get("ASCN_DASHBOARD_CACHE_SECONDS", "60"))
ASCN_OPEN_DATA_CACHE_SECONDS = int(os.environ.get("ASCN_OPEN_DATA_CACHE_SECONDS", "600"))
# The M&E report's tables (page and downloads), refreshed by the task worker once this old
ASCN_REPORT_CACHE_SECONDS = int(os.environ.get("ASCN_REPORT_CACHE_SECONDS", "60"))

# Open data: the OC4IDS project identifier prefix (the OC4IDS Helpdesk assigns one such as
# ``oc4ids-qu8r7p``; project ids are ``<prefix>-<project id>``; ASCN_OC4IDS_PREFIX is the old
# name, still read) and an optional licence URI stated in the OC4IDS package.
OC4IDS_PREFIX = (
    os.environ.get("OC4IDS_PREFIX") or os.environ.get("ASCN_OC4IDS_PREFIX") or "ascn"
).strip()
ASCN_OPEN_DATA_LICENSE = os.environ.get("ASCN_OPEN_DATA_LICENSE", "")
# The address reusers write to about the open data (the DCAT catalogue's contact point; left
# out when empty).
ASCN_OPEN_DATA_CONTACT_EMAIL = os.environ.get("ASCN_OPEN_DATA_CONTACT_EMAIL", "")

# Ask for the home page's map once when a web worker starts (config/wsgi.py).
ASCN_WARM_UP_MAP = env_bool("ASCN_WARM_UP_MAP", True)

# Background tasks (django-tasks): the database backend, worked by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# The site's public address for the links that leave it (e-mails, iCalendar, DCAT). Unset,
# the address follows the request (host and port); tasks and commands without a request use
# http://127.0.0.1:8000 (ascn.core.site). `make demo` passes it from PORT to its commands.
SITE_URL = os.environ.get("SITE_URL", "").strip()
# The domain of iCalendar UIDs, which must not change with the port: unset, SITE_URL's host
# when that is a domain name, else "ascn.invalid" (ascn.core.site.calendar_domain).
ASCN_CALENDAR_UID_DOMAIN = os.environ.get("ASCN_CALENDAR_UID_DOMAIN", "").strip()
