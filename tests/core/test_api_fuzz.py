"""Generated inputs against the whole API (schemathesis): never a 5xx, always the documented
status codes and response shapes — for nobody signed in, the Secretariat, a Chief Smart City
Officer and a partner, operation by operation and in chains of calls (stateful).

``FUZZ_EXAMPLES`` sets the examples per operation and principal: small in ``make test``,
large in ``make fuzz`` (docs/operations.md, "Limits and fuzzing"). The examples are the same
on every run (derandomize), so a failure found in CI is found again on a laptop (a random
draw once caught ``?party=`` accepted although the schema said minLength 1)."""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.specs.openapi.checks import ignored_auth

from config.wsgi import application
from tests.roles import ANONYMOUS, CSO_PHUKET, PARTNER_ADB, ROLE_ACCOUNTS, SECRETARIAT, Roles

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
# Chains of calls: a stateful run's steps, and how many chains per principal.
STEPS = int(os.environ.get("FUZZ_STEPS", "6"))
CHAINS = int(os.environ.get("FUZZ_CHAINS", str(max(EXAMPLES * 2, 8))))
PRINCIPALS = (ANONYMOUS, SECRETARIAT, CSO_PHUKET, PARTNER_ADB)

requests_sent = {"count": 0}


def counted(environ, start_response):
    requests_sent["count"] += 1
    return application(environ, start_response)


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", counted)
# schemathesis's coverage phase (every boundary of every parameter, systematically) is most of
# the time of a run. `make test` runs it for the anonymous visitor only; the signed-in
# principals get the examples and the random phase there, and everything in `make fuzz`
# (FUZZ_COVERAGE=1).
signed_in_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", counted)
NIGHTLY = os.environ.get("FUZZ_COVERAGE") == "1"
signed_in_schema.config.phases.coverage.enabled = NIGHTLY
# Operation by operation, `make test` fuzzes as the Secretariat (who may call the most); the
# chains below run as all four principals in both. `make fuzz` runs every principal here too.
SIGNED_IN = [SECRETARIAT, CSO_PHUKET, PARTNER_ADB] if NIGHTLY else [SECRETARIAT]

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
# Schema-valid input may still be refused on meaning — an unknown city, a control character
# in a name — so "positive data acceptance" is not asserted.
EXCLUDED = [positive_data_acceptance]


@pytest.fixture(scope="module", autouse=True)
def _report_requests(request):
    """Count the requests the module sent (the size of a `make fuzz` run): printed at the end
    of the run by tests/conftest.py's terminal summary (not under pytest-xdist)."""
    yield
    request.config.api_fuzz_requests = requests_sent["count"]


@pytest.fixture(autouse=True)
def _real_network(network):
    """Fuzz over the real registry so lookups can succeed as well as fail."""


@pytest.fixture(autouse=True)
def _one_connection():
    """Keep the test's connection (and its transaction) across requests, as Django's test
    client does: schemathesis calls the WSGI application directly, whose request signals
    would otherwise close the connection in the middle of the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def sign_in_headers(principal: str) -> dict[str, str]:
    """The ``Authorization`` header of ``principal``'s API token (none for the anonymous),
    its account made through the services as ``tests.roles`` makes it, once per test."""
    if principal == ANONYMOUS:
        return {}
    email, role, scope = ROLE_ACCOUNTS[principal]
    account = Roles().add(
        principal, email=email, role=role, scope=scope(), two_factor=principal == SECRETARIAT
    )
    return {"Authorization": f"Bearer {account.secret}"}


# Each operation's examples run in the test's transaction, rolled back after it, over the
# real registry loaded once for the module (tests/conftest.py).
@pytest.mark.django_db
@pytest.mark.parametrize("principal", [ANONYMOUS])
@schema.parametrize()
@FUZZ_SETTINGS
def test_api_never_fails_on_generated_input(case, principal, sign_in_headers):
    # given any request the OpenAPI description allows (and many it does not), from nobody
    # when it is sent
    # then the response is documented, well-formed, and never a server error
    case.call_and_validate(headers=sign_in_headers, excluded_checks=EXCLUDED)


@pytest.mark.django_db
@pytest.mark.parametrize("principal", SIGNED_IN)
@signed_in_schema.parametrize()
@FUZZ_SETTINGS
def test_api_never_fails_on_generated_input_signed_in(case, principal, sign_in_headers):
    # the same, from the Secretariat (two-factor token), a CSCO and a partner's member
    case.call_and_validate(headers=sign_in_headers, excluded_checks=EXCLUDED)


@pytest.mark.django_db
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_api_never_fails_in_chains_of_calls(principal, sign_in_headers):
    # given the links schemathesis infers between operations (a record created, then read,
    # edited and moved on with the id or slug the answer gave), as a principal
    headers = sign_in_headers
    # Our real token replaces the Authorization value schemathesis generated for the case, so
    # its "ignored auth" check takes a success for a generated (invalid) credential. That auth
    # is enforced is checked without the token: the anonymous runs (no credentials at all) and
    # tests/core/test_role_matrix.py.
    excluded = [*EXCLUDED, ignored_auth] if headers else EXCLUDED

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        # Each chain starts from the same records: what one chain wrote is rolled back before
        # the next (a savepoint in the test's transaction). Otherwise the links a chain can
        # follow depend on the chains before it, and hypothesis stops, rightly, on data
        # generation that depends on outside state (found at make fuzz's size).
        def setup(self):
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)
            cache.clear()

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response,
                additional_checks=additional_checks,
                excluded_checks=excluded,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    # when chains of calls run
    # then no answer is a server error or breaks its schema
    Workflow.run(
        settings=settings(
            FUZZ_SETTINGS, max_examples=CHAINS, stateful_step_count=STEPS, database=None
        )
    )
