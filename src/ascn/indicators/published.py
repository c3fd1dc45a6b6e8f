"""Real indicator values taken from published sources (issue 22, item 3): the Secretariat
loads them from ``indicators/seed/values.yaml`` (``manage.py load_indicator_values``).

Each one is entered through ``value_enter`` as public and real (``sample=False``), then
verified through ``value_verify`` with the grade its publisher's method earns and a note
naming the source. The loader never touches a sample value, nor a value a city entered
itself: a slot one of those holds is reported and left alone. A value the loader wrote
earlier and the data file now gives differently is edited (a new version, audited) and
verified again; the same figure again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from ascn.core import audit
from ascn.core.errors import InvalidInput
from ascn.core.services import audit_and_announce, validate
from ascn.core.visibility import Visibility
from ascn.indicators import validation
from ascn.indicators.models import Indicator, IndicatorValue, QualityGrade, Verification
from ascn.indicators.services import VALUE_FIELDS, _keep_version, value_enter, value_verify
from ascn.network.models import City
from ascn.network.permissions import require_registry_editor

if TYPE_CHECKING:
    from ascn.core.types import Actor

# How the verifier's note names the check made.
NOTE = "Verified by the Secretariat from the published source: %s"

ENTERED = "entered"
UPDATED = "updated"
UNCHANGED = "unchanged"
HELD_BY_SAMPLE = "held by a sample value"
HELD_BY_CITY = "held by the city's own value"


@dataclass(frozen=True)
class Published:
    """One published figure: what the data file says of it, cleaned."""

    city: City
    indicator: Indicator
    year: Any
    value: Any
    source: str
    method_note: str
    grade: str
    note: str


def source_text(source: dict[str, Any]) -> str:
    """A source as a value carries it: "Title. Publisher, date. Link" (at most 500 characters,
    the link last, so that the page can show it as a link)."""
    parts = [str(source["title"]).strip().rstrip(".") + "."]
    publisher = str(source["publisher"]).strip()
    if source.get("date"):
        publisher += f", {source['date']}"
    parts.append(publisher + ".")
    parts.append(str(source["url"]).strip())
    text = " ".join(parts)
    if len(text) > 500:
        raise InvalidInput(
            _("A source is at most 500 characters once written out: %s") % source["title"],
            field="source",
        )
    return text


def _same(record: IndicatorValue, figure: Published) -> bool:
    return (
        record.value == validation.clean_value(figure.indicator, figure.value)
        and record.source == figure.source
        and record.method_note == figure.method_note
        and record.visibility == Visibility.PUBLIC
        and record.verification == Verification.VERIFIED
        and record.grade == figure.grade
        and record.verification_note == figure.note
    )


def _verified(record: IndicatorValue, figure: Published) -> IndicatorValue:
    """The value verified as its source earns: the figure's grade and note (by the system)."""
    return value_verify(
        actor=None,
        record=record,
        version=record.version,
        verified=True,
        grade=figure.grade,
        note=figure.note,
    )


@transaction.atomic
def value_load_published(*, actor: Actor, figure: Published) -> tuple[IndicatorValue, str]:
    """Write one published figure (the Secretariat, or the system's loader). Answers the
    value and what happened to it: ``entered``, ``updated``, ``unchanged``, or left alone
    because a sample value or the city's own value holds its city, indicator and year."""
    require_registry_editor(actor)
    if figure.grade not in QualityGrade.values:
        raise InvalidInput(
            _("Choose the data-quality grade: how the value was obtained."),
            field="grade",
        )
    year = validation.clean_year(figure.year)
    record = (
        IndicatorValue.objects.select_for_update()
        .filter(city=figure.city, indicator=figure.indicator, year=year)
        .first()
    )
    if record is None:
        record = value_enter(
            actor=None,
            city=figure.city,
            indicator=figure.indicator,
            year=year,
            value=figure.value,
            source=figure.source,
            method_note=figure.method_note,
            visibility=Visibility.PUBLIC,
            sample=False,
        )
        return _verified(record, figure), ENTERED
    if record.sample:
        return record, HELD_BY_SAMPLE
    if record.entered_by_id is not None:
        return record, HELD_BY_CITY
    if _same(record, figure):
        return record, UNCHANGED
    # The loader's own earlier value, now given differently: a new version, back to pending,
    # then verified again from the source.
    before = audit.snapshot(record, VALUE_FIELDS)
    record.value = validation.clean_value(figure.indicator, figure.value)
    record.source = validation.clean_text("source", figure.source, required=True, max_length=500)
    record.method_note = validation.clean_text("method_note", figure.method_note, required=False)
    record.visibility = Visibility.PUBLIC
    record.verification = Verification.PENDING
    record.grade = ""
    record.verification_note = ""
    record.verified_by = None
    record.verified_at = None
    validate(record)
    record.version += 1
    record.save()
    _keep_version(actor, record, "edited")
    audit_and_announce(
        actor,
        "indicators.value.updated",
        record,
        audit.diff(before, audit.snapshot(record, VALUE_FIELDS)),
    )
    return _verified(record, figure), UPDATED
