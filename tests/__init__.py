"""The platform's tests, one folder per app (``tests/<app>/``, lowest layer first as in
``docs/architecture.md``; a file belongs to the app whose behaviour it specifies), the browser
journeys apart in ``tests/e2e/``.

Shared helpers live here at the top:

* ``conftest.py`` — the real network seed, a signed-in member, the Secretariat, bounded
  queries, the visible text of a page;
* ``factories.py`` — records built through the services, so the search index, the tallies and
  the match index follow them; a test writes with the ORM only what no service can (a clock
  moved on, a row changed behind the services), and says so;
* ``roles.py`` — the role matrix (anonymous, out of scope, in scope, the Secretariat);
* ``races.py`` — threads racing on PostgreSQL, and ``ON_POSTGRESQL``;
* ``pipeline_fixtures.py``, ``organisation_fixtures.py``, ``demo_fixtures.py`` — the worlds
  that tests of several apps share (deals, organisations and matches, the demo database),
  loaded with ``pytest_plugins``.

What the tests of one app share sits in that folder (``conftest.py``, or a helper module
such as ``matchmaking/strategies.py``); no test module is imported by another.
"""
