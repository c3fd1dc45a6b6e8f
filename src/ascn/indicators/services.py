"""Writes to the indicator catalogue and to the cities' values (DESIGN convention 1).

A value is entered by the city's Chief Smart City Officer, edited by them (each write keeps a
version; an edit sends the value back to verification), and verified — with a data-quality
grade — by the Secretariat or the National Representative of the city's member state.
``actor=None`` is the system (the loaders)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ascn.accounts.models import Notification
from ascn.accounts.notifications import members_of, neutral_path, notify
from ascn.core import audit, events
from ascn.core.errors import (
    IllegalTransition,
    InvalidInput,
    PermissionDenied,
    RemovedMeanwhile,
    StaleEdit,
    every,
)
from ascn.core.services import (
    audit_and_announce,
    lock_version,
    no_unknown_field,
    require_and_lock,
    save_changes,
    save_new,
    save_version,
    upsert,
    user_or_none,
    validate,
)
from ascn.core.visibility import Visibility
from ascn.indicators import latest, validation
from ascn.indicators.models import (
    Indicator,
    IndicatorMedian,
    IndicatorValue,
    IndicatorValueVersion,
    ProjectIndicator,
    QualityGrade,
    Verification,
)
from ascn.indicators.permissions import value_policy
from ascn.network.models import City
from ascn.network.permissions import require_registry_editor
from ascn.plans.models import Project
from ascn.plans.permissions import project_policy

if TYPE_CHECKING:
    from ascn.core.types import Actor

# What the audit trail and the kept versions follow.
VALUE_FIELDS = [
    "indicator",
    "city",
    "year",
    "value",
    "source",
    "method_note",
    "visibility",
    "sample",
    "verification",
    "grade",
    "verification_note",
]
EDITABLE = {"year", "value", "source", "method_note", "visibility"}
# What a kept version (``IndicatorValueVersion``) copies from the value as it stands.
KEPT_FIELDS = (
    "version",
    "value",
    "year",
    "source",
    "method_note",
    "visibility",
    "verification",
    "grade",
)


@transaction.atomic
def indicator_upsert_seed(
    *, actor: Actor, code: str, values: dict[str, Any]
) -> tuple[Indicator, bool]:
    """Create or update one catalogue entry (the loader; the Secretariat)."""
    require_registry_editor(actor)
    return upsert(actor, Indicator, {"code": code}, values)


def _keep_version(actor: Actor, record: IndicatorValue, action: str) -> None:
    IndicatorValueVersion.objects.create(
        record=record,
        action=action,
        by=user_or_none(actor),
        **{field: getattr(record, field) for field in KEPT_FIELDS},
    )


def _refresh_latest(record: IndicatorValue) -> None:
    """After a value's figure, year or visibility was written: which of its city's values
    is the latest per audience, and the indicator's stored medians (``indicators.latest``),
    in the write's transaction. The indicator's row is locked first, so that two writes of
    the same indicator (two cities' entries, or one city's two years) follow each other:
    the second reads the rows the first committed (PostgreSQL; SQLite has one writer)."""
    list(Indicator.objects.select_for_update().filter(pk=record.indicator_id).values("pk"))
    latest.refresh(IndicatorValue, record.city_id, record.indicator_id, record)
    latest.refresh_medians(IndicatorValue, IndicatorMedian, [record.indicator_id])


def _clean_visibility(visibility: Any) -> str:
    if visibility not in Visibility.values:
        raise InvalidInput(
            _("Visibility is one of: %s.") % ", ".join(Visibility.values), field="visibility"
        )
    return str(visibility)


def _check_unique(record: IndicatorValue) -> None:
    clash = IndicatorValue.objects.filter(
        indicator_id=record.indicator_id, city_id=record.city_id, year=record.year
    ).exclude(pk=record.pk)
    if clash.exists():
        raise InvalidInput(
            _("%(city)s already has a value of %(code)s for %(year)s: edit that one.")
            % {"city": record.city.name, "code": record.indicator.code, "year": record.year},
            field="year",
        )


@transaction.atomic
def value_enter(
    *,
    actor: Actor,
    city: City,
    indicator: Indicator,
    year: Any,
    value: Any,
    source: str,
    method_note: str = "",
    visibility: str = Visibility.DRAFT,
    sample: bool = False,
) -> IndicatorValue:
    """Enter ``city``'s value of ``indicator`` for ``year`` (its CSCO), waiting for
    verification. One value per city, indicator and year."""
    record = IndicatorValue(
        city=city, indicator=indicator, visibility=Visibility.DRAFT, sample=sample
    )
    if actor is not None and not value_policy.can(actor, "enter", record):
        raise PermissionDenied(_("Only the city's Chief Smart City Officers enter its values."))
    # every mistake at once (the form showed one a submit)
    checks: list[Callable[[], Any]] = [
        lambda: validation.clean_year(year),
        lambda: validation.clean_value(indicator, value),
        lambda: validation.clean_text("source", source, required=True, max_length=500),
        lambda: validation.clean_text("method_note", method_note, required=False),
        lambda: _clean_visibility(visibility),
    ]
    record.year, record.value, record.source, record.method_note, record.visibility = every(checks)
    record.entered_by = user_or_none(actor)
    _check_unique(record)
    validate(record)
    record.save()
    _refresh_latest(record)
    _keep_version(actor, record, "entered")
    _ask_verification(record)
    audit_and_announce(
        actor,
        "indicators.value.entered",
        record,
        audit.diff({}, audit.snapshot(record, VALUE_FIELDS)),
    )
    return record


def _ask_verification(record: IndicatorValue) -> None:
    """Tell the city's National Representatives that its values wait for them to verify:
    once until they read it (a city enters its values by the dozen), with the city's
    indicator page, where each waiting value has its link."""
    url = neutral_path(reverse("city-indicators", args=[record.city.slug]))
    told = set(
        Notification.objects.filter(kind=PENDING_KIND, url=url, read_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    city = record.city
    notify(
        users=[
            user for user in members_of(member_state_id=city.member_state_id) if user.pk not in told
        ],
        kind=PENDING_KIND,
        title=lambda: (
            _("%(city)s's indicator values wait for your verification") % {"city": city.name}
        ),
        body=lambda: (
            _(
                "A Chief Smart City Officer of %(city)s entered or changed indicator values. "
                "Each waits for your verification on the city's indicator page: verify it with "
                "its data-quality grade, or return it to the city saying what to correct."
            )
            % {"city": city.name}
        ),
        url=url,
    )


PENDING_KIND = "indicator.pending"


@transaction.atomic
def value_update(
    *, actor: Actor, record: IndicatorValue, version: int, **changes: Any
) -> IndicatorValue:
    """Edit a value (its city's CSCO). A changed figure, year or source sends it back to
    verification; the version before is kept. 409 on a stale ``version``."""
    no_unknown_field(changes, EDITABLE)
    value_policy.require(actor, "change", record)
    record = lock_version(record, version)
    before = audit.snapshot(record, VALUE_FIELDS)
    cleaners: dict[str, Callable[[Any], Any]] = {
        "year": validation.clean_year,
        "value": lambda v: validation.clean_value(record.indicator, v),
        "source": lambda v: validation.clean_text("source", v, required=True, max_length=500),
        "method_note": lambda v: validation.clean_text("method_note", v, required=False),
        "visibility": _clean_visibility,
    }
    for field, given in changes.items():
        setattr(record, field, cleaners[field](given))
    changed = audit.diff(before, audit.snapshot(record, VALUE_FIELDS))
    if not changed:
        return record
    back_to_verification = bool({"year", "value", "source", "method_note"} & set(changed))
    if (
        record.verification == Verification.REJECTED
        and not back_to_verification
        and record.visibility != Visibility.DRAFT
    ):
        raise InvalidInput(
            _(
                "This value was returned to the city: correct its figure, year, source or "
                "method note before sharing it again."
            ),
            field="visibility",
        )
    if back_to_verification:
        record.verification = Verification.PENDING
        record.grade = ""
        record.verification_note = ""
        record.verified_by = None
        record.verified_at = None
        changed = audit.diff(before, audit.snapshot(record, VALUE_FIELDS))
    _check_unique(record)
    validate(record)
    record.version += 1
    record.save()
    _refresh_latest(record)
    _keep_version(actor, record, "edited")
    if back_to_verification:
        _ask_verification(record)
    audit_and_announce(actor, "indicators.value.updated", record, changed)
    return record


@transaction.atomic
def value_verify(
    *,
    actor: Actor,
    record: IndicatorValue,
    version: int,
    verified: bool,
    grade: str = "",
    note: str = "",
) -> IndicatorValue:
    """The verifier's answer (the Secretariat, or the National Representative of the city's
    member state): ``verified`` with a data-quality ``grade``, or returned to the city with
    a ``note`` saying why. 409 on a stale ``version``."""
    record = require_and_lock(value_policy, actor, "verify", record, version)
    verifier = user_or_none(actor)
    if verifier is not None and record.entered_by_id == verifier.pk:
        raise PermissionDenied(_("A value is verified by someone other than who entered it."))
    if record.verification != Verification.PENDING:
        raise IllegalTransition(
            _("This value is already %(state)s; it returns to verification when the city edits it.")
            % {"state": record.get_verification_display().lower()}
        )
    note = validation.clean_text("note", note, required=False, max_length=2000)
    if verified:
        if grade not in QualityGrade.values:
            raise InvalidInput(
                _("Choose the data-quality grade: how the value was obtained."),
                field="grade",
            )
    elif not note:
        raise InvalidInput(_("Say why the value is returned to the city."), field="note")
    before = audit.snapshot(record, VALUE_FIELDS)
    record.verification = Verification.VERIFIED if verified else Verification.REJECTED
    record.grade = grade if verified else ""
    record.verification_note = note
    record.verified_by = user_or_none(actor)
    record.verified_at = timezone.now()
    if not verified:
        # A value returned as wrong is withdrawn to its city (a draft: its owners alone see
        # it) until corrected: no longer on the public pages, in the medians or rankings.
        record.visibility = Visibility.DRAFT
    record.version += 1
    record.save()
    _refresh_latest(record)
    _keep_version(actor, record, "verified" if verified else "returned")
    if not verified:
        _tell_returned(record)
    audit_and_announce(
        actor,
        "indicators.value.verified" if verified else "indicators.value.returned",
        record,
        audit.diff(before, audit.snapshot(record, VALUE_FIELDS)),
    )
    return record


def _tell_returned(record: IndicatorValue) -> None:
    """Tell the city's Chief Smart City Officers that a value of theirs came back, with the
    verifier's note, and where to correct it."""
    indicator, city = record.indicator, record.city
    notify(
        users=members_of(city_id=city.pk),
        kind="indicator.returned",
        title=lambda: (
            _("%(indicator)s of %(city)s for %(year)s is returned to you")
            % {"indicator": indicator.code, "city": city.name, "year": record.year}
        ),
        body=lambda: (
            _(
                "The verifier says: “%(note)s” The value is a draft again, seen only by your "
                "city, its National Representative and the Secretariat. Correct it and choose "
                "who sees it: it then waits for verification again."
            )
            % {"note": record.verification_note}
        ),
        url=neutral_path(reverse("indicator-value-edit", args=[record.pk])),
    )


TARGET_FIELDS = ["baseline", "baseline_year", "target", "target_year"]


@transaction.atomic
def project_indicator_set(
    *,
    actor: Actor,
    project: Project,
    indicator: Indicator,
    target: Any,
    target_year: Any,
    baseline: Any = None,
    baseline_year: Any = None,
    version: int | None = None,
) -> ProjectIndicator:
    """Say that ``project`` aims to move ``indicator`` to ``target`` by ``target_year``, from
    an optional ``baseline`` (with its year). Whoever may change the project (its city's
    CSCO, the Secretariat).

    An indicator the project has already is an edit of its figures and carries the
    ``version`` read (SPEC §3): a stale one, or none, is a 409 (``StaleEdit``) and nothing
    is replaced; a version for a target removed meanwhile is a 409 too
    (``RemovedMeanwhile``), not a silent re-adding."""
    project_policy.require(actor, "change", project)
    values: dict[str, Any] = {
        "target": validation.clean_figure(indicator, target, "target"),
        "target_year": validation.clean_target_year(target_year),
        "baseline": None,
        "baseline_year": None,
    }
    if baseline not in (None, ""):
        values["baseline"] = validation.clean_figure(indicator, baseline, "baseline")
        if baseline_year in (None, ""):
            raise InvalidInput(_("Give the baseline's year."), field="baseline_year")
        values["baseline_year"] = validation.clean_year(baseline_year, "baseline_year")
        if values["baseline_year"] > values["target_year"]:
            raise InvalidInput(
                _("The baseline's year comes before the target's."), field="baseline_year"
            )
    lookup = {"project": project, "indicator": indicator}
    link = ProjectIndicator.with_removed.select_for_update().filter(**lookup).first()
    if link is None or link.removed:
        if version is not None:
            raise RemovedMeanwhile(str(ProjectIndicator._meta.verbose_name))
        if link is not None:  # named again: its row taken up, its version counting on
            for field, value in values.items():
                setattr(link, field, value)
            link.removed = False
            # audited as the creation it is to the people (the removed figures are history)
            action = "indicators.projectindicator.created"
            save_version(actor, action, link, audit.diff({}, values))
            return link
        new = ProjectIndicator(**lookup, **values)
        try:
            with transaction.atomic():
                return save_new(
                    actor, "indicators.projectindicator.created", new, [*lookup, *values]
                )
        except IntegrityError:  # someone added it this very moment
            raise StaleEdit(ProjectIndicator.objects.get(**lookup), None) from None
    if version != link.version:
        raise StaleEdit(link, version)
    save_changes(actor, "indicators.projectindicator.updated", link, values)
    return link


@transaction.atomic
def project_indicator_remove(
    *, actor: Actor, link: ProjectIndicator, version: int | None = None
) -> None:
    """Take ``link`` off its project's targets; with ``version``, only if its figures are
    still the ones read (a 409 otherwise)."""
    project_policy.require(actor, "change", link.project)
    link = lock_version(link, version)
    audit.record(
        actor,
        "indicators.projectindicator.deleted",
        link,
        audit.diff(audit.snapshot(link, TARGET_FIELDS), {}),
    )
    # the row stays, out of every reading, with its version bumped (``ProjectIndicator``)
    link.removed, link.version = True, link.version + 1
    with events.deleting(link):
        link.save(update_fields=["removed", "version", "updated_at"])
