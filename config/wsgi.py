import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Render the home page's map once in the background, so the first visitor does not wait
    for Altair and vl-convert to start (about 1.5 s per worker)."""
    from django.db import connection

    try:
        from ascn.network import queries
        from ascn.network.views import _map_svg

        _map_svg(list(queries.cities()))
    except Exception:  # noqa: S110 - a cold cache is only slower, never wrong
        pass
    finally:
        connection.close()


from django.conf import settings  # noqa: E402

if not settings.TESTING:
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
