"""``load_sample_programmes``: an illustrative programme with an open call and applications,
demo mode only, through the services, between sample records only."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ascn.funding.models import Application, Call, Programme
from ascn.funding.validation import call_is_open
from tests.demo_fixtures import run

pytest_plugins = ["tests.demo_fixtures"]


def test_sample_programmes_are_refused_outside_demo_mode(settings, network):
    settings.ASCN_DEMO = False
    with pytest.raises(CommandError, match="ASCN_DEMO=1"):
        call_command("load_sample_programmes")


def test_an_open_call_with_applications_between_sample_records(demo):
    # given the sample projects and partners
    run("load_samples")
    run("load_sample_partners")
    # when the sample programme is loaded (twice)
    assert "2 applications" in run("load_sample_programmes")
    assert "already loaded" in run("load_sample_programmes")
    # then its call is open today, and it has a submitted and an awarded application
    programme = Programme.objects.get(sample=True)
    assert programme.sponsor.sample
    call = Call.objects.get(programme=programme)
    assert call.sample and call_is_open(call)
    assert call.closes_on > timezone.localdate()
    applications = Application.objects.filter(call=call).select_related("project")
    assert sorted(a.status for a in applications) == ["awarded", "submitted"]
    assert all(a.sample and a.project.sample for a in applications)
    programme.refresh_from_db()
    assert programme.awarded_amount == 50000
