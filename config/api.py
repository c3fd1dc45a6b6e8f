"""The one JSON API at /api/v1/, a router per app."""

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from ascn.accounts.api import router as accounts_router
from ascn.agreements.api import router as agreements_router
from ascn.cooperation.api import router as cooperation_router
from ascn.core import api_messages
from ascn.core import health as checks
from ascn.core.api import (
    SAME_FOR_EVERYONE,
    SIGN_IN_OPTIONAL,
    JsonBodyParser,
    located,
    where_sent,
)
from ascn.core.audit.api import router as audit_router
from ascn.core.busy import busy_response, database_busy
from ascn.core.errors import DomainError, InvalidInput, TooManyRequests
from ascn.core.middleware import too_large
from ascn.core.openapi import finish
from ascn.core.ratelimit import document_rate_limits
from ascn.core.search.api import router as search_router
from ascn.deals.api import router as pipeline_router
from ascn.funding.api import router as programmes_router
from ascn.indicators.api import router as indicators_router
from ascn.matchmaking.api import router as matchmaking_router
from ascn.meetings.api import router as meetings_router
from ascn.network.api import router as network_router
from ascn.opendata.api import router as opendata_router
from ascn.partners.api import router as partners_router
from ascn.plans.api import router as plans_router

logger = logging.getLogger("ascn.api")


class PlatformAPI(NinjaAPI):
    """The API, whose description also documents its rate limits (``core.ratelimit``), who may
    call each operation and what its errors mean (``core.openapi``)."""

    def get_openapi_schema(self, **options: Any) -> Any:
        schema = document_rate_limits(super().get_openapi_schema(**options))
        return finish(schema, optional_security=SIGN_IN_OPTIONAL, error_schema="ErrorOut")


# The groups of operations, in the order a newcomer reads them (each operation names one).
TAGS = [
    {
        "name": "network registry",
        "description": "The ASEAN member states, the ASCN cities with their Chief Smart City "
        "Officers, and the ASEAN Smart Cities Framework (strategic outcomes and focus areas). "
        "Public; officers' e-mail addresses and phone numbers only for signed-in members.",
    },
    {
        "name": "plans and projects",
        "description": "Smart City Action Plans (drafted by a city, endorsed by its National "
        "Representative, published) and the cities' projects with their budgets, readiness "
        "and progress. Anyone sees public records; members also see drafts in their scope.",
    },
    {
        "name": "partners",
        "description": "Partner organisations (funders, companies, universities, "
        "development agencies) and the matches between their profiles and projects.",
    },
    {
        "name": "programmes",
        "description": "Funding programmes with their calls for applications, the cities' "
        "applications, awards and disbursements: the money from promise to payment.",
    },
    {
        "name": "engagements",
        "description": "The deal pipeline: a partner's interest in a project, moved from "
        "interest to a commitment. Seen only by the deal's parties and the Secretariat.",
    },
    {
        "name": "meetings",
        "description": "Meetings of the network with agenda, decisions and minutes; members "
        "register themselves; iCalendar feeds for calendar applications.",
    },
    {
        "name": "agreements",
        "description": "Agreements and memoranda between cities, member states and partners, "
        "with their parties and signature.",
    },
    {
        "name": "cooperation",
        "description": "City partnerships (twinning) and the case studies of the knowledge bank.",
    },
    {
        "name": "indicators",
        "description": "City indicators: the catalogue (SDG 11, U4SSC key performance "
        "indicators), each city's values by year with their source, verification and "
        "data-quality grade, and how they compare with the network's medians.",
    },
    {
        "name": "search",
        "description": "One ranked search over everything the caller may see, and the titles "
        "behind a search box's suggestions.",
    },
    {
        "name": "open data",
        "description": "The public projects in open standards (OC4IDS); the other open-data "
        "downloads are under `/data/`.",
    },
    {
        "name": "accounts",
        "description": "API tokens (create one with e-mail and password, revoke the one in "
        "use) and the signed-in user's roles.",
    },
    {
        "name": "audit",
        "description": "The audit trail of every change: who, what, when, from where. For the "
        "Secretariat only.",
    },
    {
        "name": "platform",
        "description": "Health checks for load balancers and orchestrators (not rate-limited).",
    },
]


api = PlatformAPI(
    title="ASCN Platform API",
    version="1.0.0",
    description=(
        "The open API of the ASEAN Smart Cities Network platform: the network registry "
        "(member states, cities, Chief Smart City Officers, the ASEAN Smart Cities "
        "Framework), action plans and projects, partners and funding programmes, the deal "
        "pipeline, meetings, agreements, cooperation, search and open data. Anyone may read "
        "what is public; members sign in with a bearer token (`POST /api/v1/auth/token`) or "
        "the browser session and see more. Lists return `{items, count}` with `?page=` and "
        "`?page_size=` (max 200); errors return `{detail}`. A request body is JSON, sent with "
        "`Content-Type: application/json` (another type is refused with 415). Requests are "
        "rate-limited per API token, "
        "signed-in user or anonymous address: every answer carries the `RateLimit-Policy` "
        "and `RateLimit` fields (draft-ietf-httpapi-ratelimit-headers-12), and a request "
        "over the limit gets 429 with `Retry-After`; the health checks are not limited. "
        "Messages (`detail`, the labels of codes) are in English unless `Accept-Language` "
        "asks for one of the platform's languages (id, ms, th, vi, km, lo, my, fil, tet, pt); "
        "`Content-Language` says which. Codes and field names never change with the language."
    ),
    urls_namespace="api-v1",
    parser=JsonBodyParser(),
    # Relative: the paths below already start with /api/v1/, on whichever host serves them.
    servers=[{"url": "/", "description": "This platform (the host serving this description)"}],
    openapi_extra={
        "info": {
            "contact": {
                "name": "ASEAN Smart Cities Network Secretariat",
                "url": "https://asean.org/",
            },
            "license": {"name": "Apache License 2.0", "identifier": "Apache-2.0"},
        },
        "tags": TAGS,
    },
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    if isinstance(exc, InvalidInput) and exc.status == 422 and exc.field:
        # name each field, in the same shape as the schema's 422s (SPEC §3): a read's
        # fields are its query's, a write's its body's
        where = "query" if request.method == "GET" else "body"
        detail = [
            {
                "type": "value_error",
                "loc": located(where, problem),
                "msg": problem.message,
            }
            for problem in exc.problems
        ]
        return api.create_response(request, {"detail": detail}, status=422)
    response = api.create_response(request, {"detail": exc.message}, status=exc.status)
    if isinstance(exc, TooManyRequests):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Exception)
def server_error(request, exc: Exception):
    """An unexpected error is logged and answered in the API's shape, never an HTML page;
    a wait for a database connection that timed out is a 503 with Retry-After."""
    if database_busy(exc):
        logger.warning("No database connection free for %s %s", request.method, request.path)
        return busy_response(request)
    logger.exception("Unhandled API error on %s %s", request.method, request.path)
    return api.create_response(request, {"detail": _("Internal server error.")}, status=500)


@api.exception_handler(SuspiciousOperation)
def suspicious_request(request, exc: SuspiciousOperation):
    """A body Django refuses to parse: over the size limit (413; most are refused earlier by
    ``RequestSizeLimitMiddleware``), too many fields or files (400)."""
    if isinstance(exc, RequestDataTooBig):
        return too_large(request)
    return api.create_response(request, {"detail": _("Bad request.")}, status=400)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = [where_sent(error) for error in exc.errors]
    return api.create_response(
        request, {"detail": api_messages.in_request_language(errors)}, status=422
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": _("Authentication required.")}, status=401)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, DomainError):  # a body refused by ``JsonBodyParser``
        return domain_error(request, exc.__cause__)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


class HealthOut(Schema):
    status: str


# Named apart from plans' ``ReadinessOut``: two schemas of one name are one OpenAPI
# component, and the health answer was documented as a project's readiness (found by the
# fuzz test: the answer broke its own schema).
class HealthReadinessOut(Schema):
    status: str
    checks: dict[str, str]


@api.get(
    "/health",
    response={200: HealthOut, 503: HealthOut},
    operation_id="health",
    tags=["platform"],
    openapi_extra=SAME_FOR_EVERYONE,
    summary="Is the platform up and its database answering?",
)
def health(request):
    """Liveness: the process answers and its database does. A load balancer or an orchestrator
    restarts a worker whose liveness fails."""
    if checks.database_problem():
        return Status(503, {"status": "unavailable"})
    return {"status": "ok"}


@api.get(
    "/health/ready",
    response={200: HealthReadinessOut, 503: HealthReadinessOut},
    operation_id="health_ready",
    tags=["platform"],
    openapi_extra=SAME_FOR_EVERYONE,
    summary="Is this worker ready for traffic: database, cache and task queue?",
)
def health_ready(request):
    """Readiness: the database answers, the cache keeps a value, and the task queue is being
    worked (no task waiting over five minutes). Each check says `ok` or what is wrong; any
    failing check answers 503, so an orchestrator stops sending traffic here."""
    results = checks.readiness()
    if all(result == "ok" for result in results.values()):
        return {"status": "ok", "checks": results}
    return Status(503, {"status": "unavailable", "checks": results})


api.add_router("/", network_router)
api.add_router("/", accounts_router)
api.add_router("/", audit_router)
api.add_router("/", plans_router)
api.add_router("/", opendata_router)
api.add_router("/", meetings_router)
api.add_router("/", agreements_router)
api.add_router("/", cooperation_router)
api.add_router("/", indicators_router)
api.add_router("/", partners_router)
api.add_router("/", matchmaking_router)
api.add_router("/", programmes_router)
api.add_router("/", pipeline_router)
api.add_router("/", search_router)
