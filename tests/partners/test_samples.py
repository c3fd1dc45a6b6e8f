"""Sample partner organisations for the demo (SPEC §4): demo mode only, flagged as samples,
with full profiles so matchmaking has something to show."""

from __future__ import annotations

import pytest
from django.core.management import CommandError

from ascn.partners.management.commands.load_sample_partners import SAMPLES
from ascn.partners.models import Organisation
from tests.demo_fixtures import bearer, run
from tests.roles import AuditMark

pytest_plugins = ["tests.demo_fixtures"]


def test_sample_partners_are_refused_outside_demo_mode(demo):
    demo.ASCN_DEMO = False
    mark = AuditMark()
    with pytest.raises(CommandError, match="demo mode"):
        run("load_sample_partners")
    assert not Organisation.objects.filter(sample=True).exists()
    assert mark.actions() == []


def test_sample_partners_are_marked_audited_idempotent_and_matched(demo, client):
    # when the samples are loaded twice
    mark = AuditMark()
    run("load_sample_partners")
    run("load_sample_partners")
    # then each exists once, flagged, named as a sample, created by the Secretariat (audited)
    samples = Organisation.objects.filter(sample=True)
    assert samples.count() == len(SAMPLES)
    assert all("(sample)" in org.name for org in samples)
    # and the demo partner account joined its sample organisation, once
    assert mark.actions() == ["partners.organisation.created"] * len(SAMPLES) + [
        "accounts.membership.granted"
    ]
    # the API says so
    item = client.get("/api/v1/organisations?q=Clean Air").json()["items"][0]
    assert item["sample"] is True
    # and the pages show it
    assert "Sample data" in client.get(f"/organisations/{item['slug']}/").content.decode()
    # a demo partner sees projects matching a sample investor (the network projects at least)
    api = bearer("secretariat@example.org")
    response = api.get("/api/v1/organisations/sample-mekong-resilience-investors/matches")
    assert response.status_code == 200
