"""The audit trail in people's words (issue 16 item 6): kinds of record and the records a change
points to by their names, a filter by kind chosen from a list, by person (name or e-mail) and
by date range; the CSV as before."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone, translation

from ascn.accounts.models import Delivery
from ascn.accounts.services import notification_preferences_update
from ascn.core.audit.words import ACTION_WORDS, action_words, describe, object_type_choices
from ascn.core.models import AuditEntry
from ascn.funding.services.applications import AUDIT_VERBS
from ascn.meetings.models import Registration
from ascn.meetings.services import meeting_create
from ascn.network.models import City, MemberState
from ascn.partners.services import organisation_create

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.roles"]


@pytest.fixture
def meeting(roles):
    return meeting_create(
        actor=roles.user("secretariat"),
        values={
            "title": "ASCN Workshop on Water",
            "kind": "workshop",
            "start_date": timezone.localdate() + dt.timedelta(days=30),
            "host_member_state": MemberState.objects.get(code="TH"),
            "host_city": City.objects.get(slug="phuket"),
        },
    )


def test_changes_name_the_records_they_point_to(roles, meeting):
    page = roles.session("secretariat").get("/audit/", {"object_type": "meetings.meeting"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Meeting: <strong>ASCN Workshop on Water</strong>" in body
    assert "host city: — → Phuket" in body
    assert "host member state: — → Thailand" in body
    assert "kind: — → Workshop" in body  # a choice by its label
    assert "description: — → —" not in body  # nothing a person would see changed


def test_the_kind_of_record_is_chosen_from_a_list_and_a_wrong_one_is_refused(roles, meeting):
    client = roles.session("secretariat")
    form = client.get("/audit/").content.decode()
    assert '<option value="meetings.meeting">Meeting (meetings)</option>' in form
    refused = client.get("/audit/", {"object_type": "meetings.nothing"})
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()


def test_the_trail_is_filtered_by_person_name_and_date_range(roles, meeting):
    secretariat = roles.user("secretariat")
    secretariat.full_name = "Siti Rahman"
    secretariat.save(update_fields=["full_name"])
    organisation_create(actor=roles.user("secretariat"), name="Mekong Green Fund", kind="investor")
    client = roles.session("secretariat")
    today = timezone.localdate()
    by_name = client.get("/audit/", {"actor": "rahman", "since": today.isoformat()})
    body = by_name.content.decode()
    assert "Mekong Green Fund" in body and "ASCN Workshop on Water" in body
    assert (
        "ASCN Workshop on Water" not in client.get("/audit/", {"actor": "nobody"}).content.decode()
    )
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert "Mekong Green Fund" not in client.get("/audit/", {"since": tomorrow}).content.decode()
    backwards = client.get("/audit/", {"since": tomorrow, "until": today.isoformat()})
    assert backwards.status_code == 400
    assert "comes before its start" in backwards.content.decode()


def test_a_page_of_the_trail_reads_names_in_a_bounded_number_of_queries(
    roles, meeting, django_assert_max_num_queries
):
    client = roles.session("secretariat")
    client.get("/audit/")  # warm the session and the kinds of record
    with django_assert_max_num_queries(25):
        assert client.get("/audit/").status_code == 200


def _verbs_the_code_writes() -> set[str]:
    """The last part of every audit code the source writes: the literal ones
    (``"meetings.registration.cancelled"``) and those its services build from a verb."""
    source = Path(__file__).resolve().parents[2] / "src" / "ascn"
    literal = re.compile(r'"(?:[a-z_]+\.){2}([a-z_]+)"')
    verbs = {
        verb
        for path in source.rglob("*.py")
        if "migrations" not in path.parts
        for verb in literal.findall(path.read_text(encoding="utf-8"))
    }
    plans = {"submitted", "withdrawn", "endorsed", "returned", "published"}
    return (
        (verbs - {"code", "recovery"})  # "city.member_state.code": a lookup, not an action
        | set(AUDIT_VERBS.values())
        | set(Registration.Status.values)
        | plans
        | {"funding_committed", "funding_withdrawn", "regenerated", "translated"}
    )


def test_every_action_the_code_writes_reads_in_words_in_every_language():
    missing = sorted(verb for verb in _verbs_the_code_writes() if verb not in ACTION_WORDS)
    assert missing == []
    # and each is in the catalogues (a Thai reader never sees "endorsed")
    with translation.override("th"):
        assert action_words("plans.plan.endorsed") != "endorsed"
        assert action_words("cooperation.post.flags_dismissed") != "flags dismissed"


def test_the_kinds_offered_are_the_platforms_records(roles):
    page = roles.session("secretariat").get("/audit/").content.decode()
    menu = page.split('name="object_type"')[1].split("</select>")[0]
    assert "Meeting (meetings)" in menu and "Project (plans)" in menu
    for internal in ("(sessions)", "(contenttypes)", "(axes)", "tally", "Search entry"):
        assert internal not in menu, internal


def test_a_change_of_notification_settings_reads_in_words_on_the_trail(roles, text):
    # given the CSCO of Phuket chose to read endorsements in the platform only
    notification_preferences_update(
        actor=roles.user("cso_phuket"), changes={"plan.endorsed": "app"}
    )
    # when the Secretariat reads the trail
    page = text(
        roles.session("secretariat").get("/audit/", {"action": "accounts.notification_preferences"})
    )
    # then the change is in the choices' words, not their codes
    assert (
        "Your city's action plan is endorsed: "
        "In the platform and by e-mail at once → In the platform only"
    ) in page
    assert "email → app" not in page


def test_dates_and_lists_in_a_change_read_as_the_pages_write_them():
    entry = AuditEntry.objects.create(
        actor_label="secretariat@example.org",
        action="agreements.agreement.parties_changed",
        object_type="agreements.agreement",
        object_id="1",
        object_repr="Water twinning",
        changes={
            "parties": {"before": ["City of Alpha"], "after": ["City of Alpha", "Beta Utilities"]},
            "signed_date": {"before": None, "after": "2024-03-01"},
            "checked_in_at": {"before": None, "after": "2026-12-06 21:57:24.961100+00:00"},
        },
    )
    describe([entry])
    lines = " | ".join(entry.change_lines)
    assert "City of Alpha → City of Alpha, Beta Utilities" in lines
    assert "1 Mar 2024" in lines and "7 Dec 2026, 04:57" in lines  # the site's time zone, UTC+7
    assert "21:57:24" not in lines and '["' not in lines


def _lines(object_type: str, changes: dict) -> list[str]:
    entry = AuditEntry.objects.create(
        actor_label="secretariat@example.org",
        action=f"{object_type}.updated",
        object_type=object_type,
        object_id="1",
        object_repr="x",
        changes=changes,
    )
    describe([entry])
    return entry.change_lines


def test_a_change_named_for_a_part_or_no_field_reads_in_words_in_the_readers_language():
    # a project's progress update, recorded on the project, is labelled by the update's field
    progress = _lines("plans.project", {"physical_pct": {"before": None, "after": "40"}})
    assert progress == ["physical progress %: — → 40"]
    # a role's scope and a reviewer's comment are no field at all
    assert _lines("accounts.membership", {"scope": "Phuket"}) == ["where the role applies: Phuket"]
    # a person's notification settings, by the kind's own label and the choices' words
    kinds = _lines("accounts.user", {"plan.endorsed": {"before": "email", "after": "app"}})
    assert kinds == [
        "Your city's action plan is endorsed: "
        "In the platform and by e-mail at once → In the platform only"
    ]
    with translation.override("th"):
        thai = _lines("accounts.user", {"plan.endorsed": {"before": "email", "after": "app"}})
        assert thai[0].endswith(f" → {Delivery.APP.label}") and "app" not in thai[0]
        assert not _lines("plans.actionplan", {"comment": "ok"})[0].startswith("comment")
        assert not _lines("accounts.membership", {"scope": "x"})[0].startswith("where the")


def test_the_kinds_of_record_are_named_in_the_readers_language():
    """The audit trail's "Kind of record" menu said "Milestone", "Progress update"… on a
    Thai page: every kind it offers is named by a translated name."""
    with translation.override("en"):
        english = dict(object_type_choices())
    with translation.override("th"):
        thai = dict(object_type_choices())
    untranslated = [code for code, name in thai.items() if name == english[code]]
    assert untranslated == []
