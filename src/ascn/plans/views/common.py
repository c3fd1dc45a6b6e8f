"""What the pages of plans and projects share: finding a record the user may see, the cities
they may write for (and choose among), a status's title, the readiness rules."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ascn.core.errors import InvalidInput, PermissionDenied
from ascn.core.permissions import ScopedPolicy, scopes_of
from ascn.core.queries import found
from ascn.network.models import City
from ascn.plans import codelists, queries, readiness
from ascn.plans.models import (
    ActionPlan,
    Project,
    ReadinessLevel,
)

CENT = Decimal("0.01")


def project_or_404(request, pk: int) -> Project:
    return found(queries.project_detail_for(request.user, pk), _("Project not found."))


def plan_or_404(request, pk: int) -> ActionPlan:
    return found(queries.plan_detail_for(request.user, pk), _("Action plan not found."))


def edit_page(find: Callable[[Any, int], Any], policy: ScopedPolicy, refusal: str) -> Callable:
    """The edit page of a plan or a project (GET and POST, signed in): the view is given the
    record ``find`` finds for the user (404 when out of sight); one who may not change it is
    refused (403, ``refusal``)."""

    def decorate(view: Callable) -> Callable:
        @login_required
        @require_http_methods(["GET", "POST"])
        @wraps(view)
        def page(request, pk: int):
            record = find(request, pk)
            if not policy.can(request.user, "change", record):
                raise PermissionDenied(str(refusal))
            return view(request, record)

        return page

    return decorate


def editable_cities(user):
    """The cities whose plans and projects the user may write: a CSCO's, or all (Secretariat)."""
    scopes = scopes_of(user)
    if scopes.secretariat:
        return City.objects.all()
    return City.objects.filter(pk__in=scopes.city_ids)


def writable_cities(user, refusal: str):
    """The cities the user writes new plans and projects for; with none, ``refusal`` (403)."""
    cities = editable_cities(user)
    if not cities.exists():
        raise PermissionDenied(refusal)
    return cities


def first_city(request, cities) -> str:
    """The city a new plan or project starts with: the link's ``?city=``, or the only one."""
    return request.GET.get("city") or (cities.first().slug if cities.count() == 1 else "")


def chosen_city(cities, slug: str) -> City:
    """The city chosen on the form, if it is one of ``cities`` (otherwise an error on it)."""
    city = cities.filter(slug=slug).first()
    if city is None:
        raise InvalidInput(_("Choose one of your cities."), field="city")
    return city


def status_title(code: str) -> str:
    return str(codelists.labels(codelists.PROJECT_STATUS).get(code, code))


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


def gaps(codes) -> list[readiness.Item]:
    """The checklist's items of ``codes``, in the reader's language."""
    by_code = {item.code: item for item in readiness.items()}
    return [by_code[code] for code in codes if code in by_code]


def latest_assessment(project: Project):
    return max(project.assessments.all(), key=lambda a: (a.created_at, a.pk), default=None)


def in_usd(amount: Decimal, rate) -> Decimal | None:
    return (amount * rate.rate).quantize(CENT) if rate is not None else None
