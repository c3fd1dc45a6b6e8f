import os
import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from ascn.core import collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def refuse_insecure_start() -> None:
    """Fail closed: a server that is neither a demo nor in DEBUG must have its own secret, or
    anyone who read this repository could forge its sessions, reset links and CSRF tokens."""
    if settings.SECRET_KEY == settings.DEMO_SECRET_KEY and not (
        settings.DEBUG or settings.ASCN_DEMO
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. The server refuses to start in production with the demo key: "
            "set SECRET_KEY to 50+ random characters (python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'), or set ASCN_DEMO=1 for a local demo."
        )


def freeze_start_up_objects() -> None:
    """Load every URL module (the API builds its schemas then), and move what start-up made
    out of the garbage collector's way (``gc.freeze``): the code, URL patterns, schemas and
    settings live as long as the worker, yet every full collection walked all ~300,000 of
    them, some 80 ms once in every dozen requests of a page such as the dashboards, its
    p95 (docs/benchmarks.md). Collections then walk only what requests made. What the first
    requests build is frozen in turn after a slow full collection, when a request starts with
    none other in flight (``ascn.core.collector``)."""
    get_resolver().url_patterns  # noqa: B018 - read for its side effect: the import
    collector.keep_long_lived_frozen(settings.ASCN_GC_FREEZE_MS)


refuse_insecure_start()
application = get_wsgi_application()
freeze_start_up_objects()


def _warm_up() -> None:
    """Ask for the home page's map in every language once at start-up, so the task worker
    (``db_worker``) draws them before the first visitors come. Nothing is drawn here: Altair
    and vl-convert stay out of the web worker (docs/operations.md)."""
    from django.db import connection  # noqa: PLC0415 - start-up: the warm-up runs after the application is created
    from django.utils import translation  # noqa: PLC0415 - start-up: the warm-up runs after the application is created

    try:
        from ascn.network.models import City  # noqa: PLC0415 - start-up: the warm-up runs after the application is created
        from ascn.portal.views import map_svg_of  # noqa: PLC0415 - start-up: the warm-up runs after the application is created

        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                map_svg_of(City.objects.order_by("name"))  # as the home page asks
    except Exception:  # noqa: S110 - a map not queued yet is queued by the first page view
        pass
    finally:
        connection.close()


if settings.ASCN_WARM_UP_MAP:
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
