"""``load_sample_cooperation``: illustrative partnerships, case studies and discussions, in
demo mode only, through the services, flagged sample, never tied to a real organisation."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from ascn.accounts.models import User
from ascn.cooperation.models import CaseStudy, CityPartnership, Post, Thread
from ascn.core.models import AuditEntry
from ascn.network.models import FocusArea
from tests.demo_fixtures import run

pytest_plugins = ["tests.demo_fixtures"]


def test_sample_cooperation_is_refused_outside_demo_mode(settings, network):
    settings.ASCN_DEMO = False
    with pytest.raises(CommandError, match="ASCN_DEMO=1"):
        call_command("load_sample_cooperation")
    assert not Thread.objects.exists()


def test_partnerships_case_studies_and_threads_with_replies_load_once(demo):
    run("load_sample_partners")
    # when the samples are loaded, twice
    assert "(3, 4, 6 new)" in run("load_sample_cooperation")
    assert "(0, 0, 0 new)" in run("load_sample_cooperation")
    # then every record is flagged sample, and audited when it was written
    partnerships = CityPartnership.objects.all()
    studies = CaseStudy.objects.select_related("provider")
    threads = Thread.objects.all()
    assert (partnerships.count(), studies.count(), threads.count()) == (3, 4, 6)
    assert all(p.sample and p.visibility == "public" for p in partnerships)
    assert all(s.sample and s.provider is not None and s.provider.sample for s in studies)
    assert all(t.sample for t in threads)
    assert AuditEntry.objects.filter(action="cooperation.casestudy.created").count() == 4
    assert AuditEntry.objects.filter(action="cooperation.post.created").count() == 13
    # a thread in every focus area's forum, each with replies by other demo members
    assert threads.values("focus_area").distinct().count() == FocusArea.objects.count()
    for thread in threads:
        posts = Post.objects.filter(thread=thread)
        assert posts.count() >= 3, thread
        assert posts.exclude(author=thread.author).exists(), thread
        assert all(p.author.email.endswith("@example.org") for p in posts)


def test_a_visitor_and_a_member_find_the_samples_marked(demo):
    run("load_sample_partners")
    run("load_sample_cooperation")
    # a visitor sees the case studies and the partnerships, each marked sample
    page = Client().get("/cooperation/").content.decode()
    assert "No case study is on record yet" not in page
    assert "Warning residents before the streets flood (sample)" in page
    assert page.count("Sample data") >= 3 + 4
    # a member sees the threads of a focus area, and a thread with its replies
    member = Client()
    member.force_login(User.objects.get(email="cso-hanoi@example.org"))
    forum = member.get("/cooperation/forum/safety-security/").content.decode()
    assert "Which sensors have worked for beach safety? (sample)" in forum
    thread = Thread.objects.get(title__startswith="Which sensors")
    detail = member.get(thread.get_absolute_url()).content.decode()
    assert "Sample data" in detail and "sealed housings" in detail
