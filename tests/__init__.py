"""The platform's tests, one folder per app (``tests/<app>/``, lowest layer first as in
``docs/architecture.md``), the browser journeys apart in ``tests/e2e/``.

Shared helpers live here at the top: ``conftest.py`` (the real network seed, a signed-in
member, bounded queries), ``factories.py`` (records built through the services),
``roles.py`` (the role matrix), ``races.py`` (threads racing on PostgreSQL) and
``pipeline_fixtures.py`` (the deal pipeline's world).
"""
