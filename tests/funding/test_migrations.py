"""funding/0003: payments recorded before a reference was kept once an award, two of them
with one reference, are told apart rather than stopping the upgrade."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ascn.funding.models import Disbursement
from tests import factories

pytest_plugins = ["tests.roles"]

BEFORE = [("funding", "0002_programme_sources")]
AFTER = [("funding", "0003_disbursement_reference_once")]


@pytest.mark.django_db(transaction=True)
def test_repeated_references_are_told_apart_and_kept(roles):
    # given an award, and the schema as it was before the constraint
    secretariat = roles.user("secretariat")
    bank = factories.organisation(secretariat, slug="bank", name="A Bank", kind="investor")
    fund = factories.programme(secretariat, slug="fund", name="City Fund", sponsor=bank)
    project = factories.project(roles.user("cso_phuket"), title="Drainage", status="preparation")
    award = factories.award(
        secretariat,
        programme=fund,
        project=project,
        amount="3000",
        applicant=roles.user("cso_phuket"),
    ).award
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("funding", "Disbursement")
    for day, reference in ((1, "ADB grant"), (2, "ADB grant"), (3, "ADB grant"), (4, "")):
        old.objects.create(
            award_id=award.pk,
            amount=Decimal("100"),
            paid_on=dt.date(2026, 1, day),
            reference=reference,
        )

    # when the upgrade runs
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    # then every payment is there, the first keeps its reference, the others are numbered
    references = list(
        Disbursement.objects.filter(award=award)
        .order_by("paid_on")
        .values_list("reference", flat=True)
    )
    assert references == ["ADB grant", "ADB grant (2)", "ADB grant (3)", ""]
