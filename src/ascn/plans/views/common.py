"""What the pages of plans and projects share: finding a record the user may see, a page of a
filtered list, the cities they may write for, a status's title, a safe ``next`` link, the
readiness rules."""

from __future__ import annotations

from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ascn.core.permissions import scopes_of
from ascn.core.queries import found
from ascn.network.models import City
from ascn.plans import codelists, queries, readiness
from ascn.plans.models import (
    ActionPlan,
    Project,
    ReadinessLevel,
)

PAGE_SIZE = 50
CENT = Decimal("0.01")


def project_or_404(request, pk: int) -> Project:
    return found(queries.project_detail_for(request.user, pk), _("Project not found."))


def plan_or_404(request, pk: int) -> ActionPlan:
    return found(queries.plan_detail_for(request.user, pk), _("Action plan not found."))


def filtered_page(request, form, rows_for) -> tuple[Page, int]:
    """One page of a list's rows that ``rows_for(user, **filters)`` gives for the filters of
    ``form``, and the status: 400 and no rows when a filter is not valid."""
    if form.is_bound and not form.is_valid():
        return Paginator([], PAGE_SIZE).get_page(request.GET.get("page")), 400
    filters = {k: v or None for k, v in (form.cleaned_data if form.is_bound else {}).items()}
    rows = rows_for(request.user, **filters)
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")), 200


def editable_cities(user):
    """The cities whose plans and projects the user may write: a CSCO's, or all (Secretariat)."""
    scopes = scopes_of(user)
    if scopes.secretariat:
        return City.objects.all()
    return City.objects.filter(pk__in=scopes.city_ids)


def status_title(code: str) -> str:
    return capfirst(codelists.codelist(codelists.PROJECT_STATUS).get(code, code))


def safe_next(request, target: str | None, default: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def level_rules() -> list[tuple[str, str]]:
    """How each readiness level is reached, from the thresholds in the checklist file."""
    levels = readiness.levels()
    return [
        (
            ReadinessLevel.CONCEPT.label,
            _("less than %(n)s%% of the checklist met.") % {"n": levels["shaping"]},
        ),
        (
            ReadinessLevel.SHAPING.label,
            _("at least %(n)s%% met.") % {"n": levels["shaping"]},
        ),
        (
            ReadinessLevel.INVESTOR_READY.label,
            _("at least %(n)s%% met, including every item marked “needed to be investor-ready”.")
            % {"n": levels["investor_ready"]},
        ),
    ]


READINESS_ITEMS = {item.code: item for item in readiness.items()}


def gaps(codes) -> list[readiness.Item]:
    return [READINESS_ITEMS[code] for code in codes if code in READINESS_ITEMS]


def latest_assessment(project: Project):
    return max(project.assessments.all(), key=lambda a: (a.created_at, a.pk), default=None)


def in_usd(amount: Decimal, rate) -> Decimal | None:
    return (amount * rate.rate).quantize(CENT) if rate is not None else None
