"""Indicator values: the CSCO enters, the representative or the Secretariat verifies, every
version is kept, bad input changes nothing, a stale edit is refused."""

from decimal import Decimal

import pytest

from ascn.core.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied, StaleEdit
from ascn.core.models import AuditEntry
from ascn.indicators.management.commands.load_indicators import load_indicators
from ascn.indicators.models import Indicator, IndicatorValue, Verification
from ascn.indicators.services import value_enter, value_update, value_verify
from ascn.network.models import City
from tests.roles import CSO_HANOI, CSO_PHUKET, NR_TH, PARTNER_ADB, SECRETARIAT

pytest_plugins = ["tests.roles"]


@pytest.fixture
def catalogue(catalogue):
    """The conftest's catalogue, by code."""
    return {i.code: i for i in Indicator.objects.all()}


@pytest.fixture
def phuket(network):
    return City.objects.get(slug="phuket")


def _enter(roles, catalogue, phuket, **overrides):
    values = {
        "actor": roles.user(CSO_PHUKET),
        "city": phuket,
        "indicator": catalogue["11.6.2"],
        "year": 2023,
        "value": "21.5",
        "source": "Pollution Control Department, annual report 2023",
    }
    return value_enter(**{**values, **overrides})


def test_the_catalogue_loads_once_with_its_sources(catalogue):
    # given the loader ran once (the fixture); when it runs again
    written, total = load_indicators()
    # then it writes nothing, and every indicator names its source
    assert written == 0
    assert total == len(catalogue) >= 13
    assert {"11.1.1", "11.2.1", "11.3.1", "11.6.1", "11.6.2", "11.7.1"} <= set(catalogue)
    assert "EC: ICT: ICT: 1C" in catalogue
    assert all(i.source_url.startswith("https://") and i.definition for i in catalogue.values())


def test_a_csco_enters_a_value_that_waits_for_verification(roles, catalogue, phuket):
    # when Phuket's CSCO enters its PM2.5 annual mean
    record = _enter(roles, catalogue, phuket)
    # then it is a draft waiting for verification, with a first kept version and an audit entry
    assert record.value == Decimal("21.5")
    assert record.visibility == "draft"
    assert record.verification == Verification.PENDING
    assert list(record.versions.values_list("version", "action")) == [(1, "entered")]
    assert AuditEntry.objects.filter(
        action="indicators.value.entered", object_id=record.pk
    ).exists()


@pytest.mark.parametrize("name", [CSO_HANOI, NR_TH, SECRETARIAT, PARTNER_ADB])
def test_only_the_citys_csco_enters_its_values(roles, catalogue, phuket, name):
    with pytest.raises(PermissionDenied):
        _enter(roles, catalogue, phuket, actor=roles.user(name))
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("value", {"value": "abc"}),
        ("value", {"value": "-1"}),
        ("value", {"value": "101", "indicator": "11.2.1"}),
        ("value", {"value": "NaN"}),
        ("year", {"year": 1800}),
        ("year", {"year": 2999}),
        ("source", {"source": "  "}),
        ("visibility", {"visibility": "secret"}),
    ],
)
def test_bad_input_names_its_field_and_writes_nothing(roles, catalogue, phuket, field, overrides):
    if "indicator" in overrides:
        overrides["indicator"] = catalogue[overrides["indicator"]]
    with pytest.raises(InvalidInput) as refused:
        _enter(roles, catalogue, phuket, **overrides)
    assert refused.value.field == field
    assert not IndicatorValue.objects.exists()


def test_one_value_per_city_indicator_and_year(roles, catalogue, phuket):
    _enter(roles, catalogue, phuket)
    with pytest.raises(InvalidInput) as refused:
        _enter(roles, catalogue, phuket, value="30")
    assert refused.value.field == "year"
    assert IndicatorValue.objects.count() == 1


def test_the_representative_verifies_with_a_grade(roles, catalogue, phuket):
    record = _enter(roles, catalogue, phuket)
    # when Thailand's representative verifies it as measured
    record = value_verify(
        actor=roles.user(NR_TH), record=record, version=1, verified=True, grade="measured"
    )
    # then it is verified, graded, signed and dated, and the version is kept
    assert record.verification == Verification.VERIFIED
    assert record.grade == "measured"
    assert record.verified_by == roles.user(NR_TH)
    assert record.verified_at is not None
    assert [v.action for v in record.versions.order_by("version")] == ["entered", "verified"]
    # and verifying it again is a conflict, not a silent no-op
    with pytest.raises(IllegalTransition):
        value_verify(
            actor=roles.user(SECRETARIAT), record=record, version=2, verified=True, grade="survey"
        )


def test_who_may_verify(roles, catalogue, phuket):
    record = _enter(roles, catalogue, phuket, visibility="network")
    # the city's own CSCO may not verify its figure; another city's CSCO sees it but may not either
    for name in (CSO_PHUKET, CSO_HANOI):
        with pytest.raises(PermissionDenied):
            value_verify(
                actor=roles.user(name), record=record, version=1, verified=True, grade="measured"
            )
    # a draft is out of sight of other cities: 404, not 403
    draft = _enter(roles, catalogue, phuket, year=2022)
    with pytest.raises(NotFound):
        value_verify(
            actor=roles.user(CSO_HANOI), record=draft, version=1, verified=True, grade="measured"
        )
    # the Secretariat may
    value_verify(
        actor=roles.user(SECRETARIAT), record=record, version=1, verified=True, grade="survey"
    )


def test_returning_a_value_needs_a_reason_and_a_grade_needs_a_known_code(roles, catalogue, phuket):
    record = _enter(roles, catalogue, phuket)
    with pytest.raises(InvalidInput) as refused:
        value_verify(actor=roles.user(NR_TH), record=record, version=1, verified=False)
    assert refused.value.field == "note"
    with pytest.raises(InvalidInput) as refused:
        value_verify(actor=roles.user(NR_TH), record=record, version=1, verified=True, grade="A+")
    assert refused.value.field == "grade"
    record.refresh_from_db()
    assert (record.version, record.verification) == (1, Verification.PENDING)


def test_an_edit_keeps_the_old_version_and_returns_the_value_to_verification(
    roles, catalogue, phuket
):
    record = _enter(roles, catalogue, phuket)
    record = value_verify(
        actor=roles.user(NR_TH), record=record, version=1, verified=True, grade="measured"
    )
    # when the CSCO corrects the figure
    record = value_update(actor=roles.user(CSO_PHUKET), record=record, version=2, value="19.8")
    # then it waits for verification again, and every version is kept
    assert record.value == Decimal("19.8")
    assert record.verification == Verification.PENDING and record.grade == ""
    assert [(v.version, v.value) for v in record.versions.order_by("version")] == [
        (1, Decimal("21.5")),
        (2, Decimal("21.5")),
        (3, Decimal("19.8")),
    ]


def test_a_stale_edit_is_refused_and_changes_nothing(roles, catalogue, phuket):
    record = _enter(roles, catalogue, phuket)
    value_update(actor=roles.user(CSO_PHUKET), record=record, version=1, value="20")
    with pytest.raises(StaleEdit):
        value_update(actor=roles.user(CSO_PHUKET), record=record, version=1, value="25")
    record.refresh_from_db()
    assert (record.value, record.version) == (Decimal("20"), 2)


def test_publishing_only_is_not_a_new_figure(roles, catalogue, phuket):
    record = _enter(roles, catalogue, phuket)
    record = value_verify(
        actor=roles.user(NR_TH), record=record, version=1, verified=True, grade="measured"
    )
    record = value_update(
        actor=roles.user(CSO_PHUKET), record=record, version=2, visibility="public"
    )
    assert record.visibility == "public"
    assert record.verification == Verification.VERIFIED
