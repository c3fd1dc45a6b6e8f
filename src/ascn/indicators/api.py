"""API of city indicators: the catalogue, a city's indicators against the network, and the
values — entered by the city's CSCO, verified by its National Representative or the
Secretariat."""

from django.utils.translation import gettext as _
from ninja import Query, Status

from ascn.core.api import SAME_FOR_EVERYONE, AppRouter, ShapedRows
from ascn.core.errors import InvalidInput
from ascn.core.queries import found
from ascn.indicators import queries
from ascn.indicators.models import Indicator, IndicatorValue
from ascn.indicators.queries import Median
from ascn.indicators.schemas import (
    CityIndicatorsOut,
    IndicatorFilters,
    IndicatorOut,
    ProjectTargetIn,
    ProjectTargetOut,
    TargetRead,
    ValueDetailOut,
    ValueFilters,
    ValueIn,
    ValueOut,
    ValuePatch,
    VerifyIn,
)
from ascn.indicators.services import (
    project_indicator_remove,
    project_indicator_set,
    value_enter,
    value_update,
    value_verify,
)
from ascn.network.models import City
from ascn.network.queries import refuse_unknown_places
from ascn.plans.queries import projects_for

router = AppRouter(tags=["indicators"])


def _figure(value) -> str:
    """A decimal without trailing zeros and never in exponent form: "21.5", "100"."""
    return format(value.normalize(), "f")


def indicator_out(i: Indicator) -> dict:
    return {
        "code": i.code,
        "slug": i.slug,
        "framework": i.framework,
        "name": i.name,
        "definition": i.definition,
        "unit": i.unit,
        "direction": i.direction,
        "focus_area": i.focus_area.code,
        "outcome": i.outcome.code,
        "references": i.references or None,
        "source": i.source_title,
        "source_url": i.source_url,
    }


def _city(city: City) -> dict:
    return {"slug": city.slug, "name": city.name, "country": city.member_state.code}


def value_out(v: IndicatorValue) -> dict:
    return {
        "id": v.pk,
        "indicator": v.indicator.code,
        "city": _city(v.city),
        "year": v.year,
        "value": _figure(v.value),
        "unit": v.indicator.unit,
        "source": v.source,
        "method_note": v.method_note or None,
        "visibility": v.visibility,
        "verification": v.verification,
        "grade": v.grade or None,
        "verified_at": v.verified_at,
        "sample": v.sample,
        "version": v.version,
    }


def value_detail_out(v: IndicatorValue) -> dict:
    return {
        **value_out(v),
        "history": [
            {
                "version": h.version,
                "action": h.action,
                "at": h.created_at,
                "year": h.year,
                "value": _figure(h.value),
                "source": h.source,
                "visibility": h.visibility,
                "verification": h.verification,
                "grade": h.grade or None,
            }
            for h in v.versions.order_by("-version")
        ],
    }


def _median(m: Median) -> dict:
    return {
        "value": _figure(m.value) if m.value is not None else None,
        "cities": m.cities,
        "years": list(m.years),
    }


def _value_or_404(request, value_id: int) -> IndicatorValue:
    return found(queries.values_for(request.user).filter(pk=value_id).first())


@router.page(
    "/indicators", IndicatorOut, "The indicator catalogue", openapi_extra=SAME_FOR_EVERYONE
)
def indicators_list(request, filters: Query[IndicatorFilters]):
    """The indicators a city can report: the SDG 11 indicators (UN metadata) and the U4SSC
    key performance indicators, each with its unit, which direction is better, the ASCF
    focus area and outcome it serves, a definition in our own words and its source. The
    same for everyone."""
    return ShapedRows(queries.catalogue(**filters.dict()), indicator_out)


@router.read(
    "/cities/{slug}/indicators", CityIndicatorsOut, "A city's indicators against the network"
)
def city_indicators(request, slug: str):
    """Each indicator the city reports: its latest value (with its year, verification and
    grade), its trend over the years, and the median of every city's latest value across
    the network and within the city's size class — with how many cities and which years
    each median is drawn from. Counts only the values you may see (drafts stay with their
    city, its National Representative and the Secretariat)."""
    city = found(City.objects.select_related("member_state").filter(slug=slug).first())
    summary = queries.city_summary(request.user, city)
    return {
        "city": _city(city),
        "size_class": city.size_class,
        "items": [
            {
                "indicator": indicator_out(row.indicator),
                "latest": value_out(row.latest),
                "trend": [{"year": p.year, "value": _figure(p.value)} for p in row.trend],
                "network_median": _median(row.network),
                "size_class_median": _median(row.size_class),
            }
            for row in summary.rows
        ],
    }


@router.page("/indicator-values", ValueOut, "Indicator values you may see")
def values_list(request, filters: Query[ValueFilters]):
    """Every city's values you may see, by city and indicator. Public values for everyone;
    `network` values for signed-in members; drafts for the city's officers, its National
    Representative and the Secretariat."""
    refuse_unknown_places(city=filters.city)
    rows = queries.values_for(request.user, **filters.dict()).order_by(
        "city__name", "indicator__position", "year"
    )
    return ShapedRows(rows, value_out)


@router.create("/indicator-values", ValueDetailOut, "Enter a city's value of an indicator")
def values_create(request, payload: ValueIn):
    """The city's Chief Smart City Officer enters a value for a year, with its source and a
    method note. It waits for verification. 422 naming the field for an unknown city or
    indicator, a year out of range, a negative figure, a percentage over 100, a missing
    source, or a year already reported (edit that value instead)."""
    data = payload.dict()
    city = City.objects.filter(slug=data.pop("city")).first()
    if city is None:
        raise InvalidInput(_("Unknown city."), field="city")
    indicator = Indicator.objects.filter(code=data.pop("indicator")).first()
    if indicator is None:
        raise InvalidInput(_("Unknown indicator code."), field="indicator")
    record = value_enter(actor=request.user, city=city, indicator=indicator, **data)
    return Status(201, value_detail_out(_value_or_404(request, record.pk)))


@router.read("/indicator-values/{value_id}", ValueDetailOut, "One value with its history")
def values_read(request, value_id: int):
    """One value with every version kept (entered, edited, verified, returned). 404 when it
    is out of your sight."""
    return value_detail_out(_value_or_404(request, value_id))


@router.write(
    "PATCH", "/indicator-values/{value_id}", ValueDetailOut, "Edit a value; send its version"
)
def values_update(request, value_id: int, payload: ValuePatch):
    """The city's CSCO corrects a value or changes its visibility. Send the `version` you
    read (409 when stale). A changed figure, year, source or method note sends the value
    back to verification; the version before is kept."""
    record = _value_or_404(request, value_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    value_update(actor=request.user, record=record, version=version, **data)
    return value_detail_out(_value_or_404(request, value_id))


@router.write(
    "POST",
    "/indicator-values/{value_id}/verify",
    ValueDetailOut,
    "Verify a value with a data-quality grade, or return it",
)
def values_verify(request, value_id: int, payload: VerifyIn):
    """The Secretariat or the National Representative of the city's member state verifies a
    value waiting for it, with a data-quality `grade` (U4SSC's six choices: `measured`,
    `survey`, `higher_level`, `assumptions`, `personal`, `unknown`), or returns it with a
    `note`. Not the person who entered it. 409 on a stale version or a value already
    answered."""
    record = _value_or_404(request, value_id)
    value_verify(
        actor=request.user,
        record=record,
        version=payload.version,
        verified=payload.verified,
        grade=payload.grade or "",
        note=payload.note,
    )
    return value_detail_out(_value_or_404(request, value_id))


def _project_or_404(request, project_id: int):
    return found(projects_for(request.user).filter(pk=project_id).first())


def _targets_out(request, project) -> list[dict]:
    return [
        {
            "indicator": t.link.indicator.code,
            "name": t.link.indicator.name,
            "unit": t.link.indicator.unit,
            "baseline": _figure(t.link.baseline) if t.link.baseline is not None else None,
            "baseline_year": t.link.baseline_year,
            "target": _figure(t.link.target),
            "target_year": t.link.target_year,
            "version": t.link.version,
            "latest": value_out(t.latest) if t.latest else None,
        }
        for t in queries.project_targets(request.user, project.pk, project.city_id)
    ]


@router.page(
    "/projects/{project_id}/indicators",
    ProjectTargetOut,
    "The indicators a project aims to move",
)
def project_targets_list(request, project_id: int):
    """The indicators the project aims to move, each with its baseline, target and the
    project's city's latest value you may see. 404 when the project is out of your sight."""
    return _targets_out(request, _project_or_404(request, project_id))


@router.write(
    "POST",
    "/projects/{project_id}/indicators",
    list[ProjectTargetOut],
    "Set an indicator the project aims to move (baseline and target)",
)
def project_targets_set(request, project_id: int, payload: ProjectTargetIn):
    """Whoever may change the project (its city's CSCO, the Secretariat) names an indicator
    with its target (and year) and, optionally, a baseline with its year. Naming one the
    project has already changes its figures and carries the `version` read from the list:
    without it, or with a stale one, 409 and nothing is replaced. Answers the project's
    list."""
    project = _project_or_404(request, project_id)
    data = payload.dict()
    indicator = Indicator.objects.filter(code=data.pop("indicator")).first()
    if indicator is None:
        raise InvalidInput(_("Unknown indicator code."), field="indicator")
    project_indicator_set(actor=request.user, project=project, indicator=indicator, **data)
    return _targets_out(request, project)


@router.write(
    "DELETE",
    "/projects/{project_id}/indicators/{slug}",
    None,
    "Remove an indicator from a project's targets",
    status=204,
)
def project_targets_remove(
    request,
    project_id: int,
    slug: str,
    read: Query[TargetRead],
):
    """Remove the indicator (by its slug, e.g. `sdg-11-6-2`) from the project's targets;
    with `version`, a 409 when its figures changed since you read them."""
    project = _project_or_404(request, project_id)
    link = found(project.indicator_targets.filter(indicator__slug=slug).first())
    project_indicator_remove(actor=request.user, link=link, version=read.version)
    return Status(204, None)
