"""The audit trail (SPEC C2; issue 3 item 6): append-only, with request id and client address,
read by the Secretariat through the API, a page and a CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from ascn.accounts.services import token_create, user_create
from ascn.core import audit
from ascn.core.audit.queries import CSV_COLUMNS
from ascn.core.models import AuditEntry
from tests import factories
from tests.roles import AuditMark, Redirect, assert_matrix, members, sign_in_redirect

pytest_plugins = ["tests.roles"]

AUDIT_API = "/api/v1/audit"


@pytest.fixture
def entry(roles):
    """One audit entry, written by a service (a token created by the CSCO of Phuket)."""
    mark = AuditMark()
    token_create(actor=roles.user("cso_phuket"), name="laptop")
    return mark.only("accounts.token.created")


# --- append-only -----------------------------------------------------------------------


def test_an_audit_entry_cannot_be_edited(entry):
    entry.action = "accounts.token.forged"
    with pytest.raises(PermissionError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "accounts.token.created"


def test_an_audit_entry_cannot_be_deleted(entry):
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_back_office_offers_no_add_change_or_delete_even_to_a_superuser(roles, entry):
    # given the Secretariat (a superuser) in the back office
    request = RequestFactory().get("/admin/core/auditentry/")
    request.user = roles.user("secretariat")
    assert request.user.is_superuser
    model_admin = admin.site._registry[AuditEntry]
    # then the audit trail is read-only there
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert model_admin.get_actions(request).get("delete_selected") is None


def test_the_back_office_pages_refuse_writes_to_the_trail(roles, entry):
    client = roles.session("secretariat")
    base = "/admin/core/auditentry/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}add/").status_code == 403
    assert client.get(f"{base}{entry.pk}/delete/").status_code == 403
    # the change page only shows the entry, and a posted edit changes nothing
    assert client.get(f"{base}{entry.pk}/change/").status_code == 200
    client.post(f"{base}{entry.pk}/change/", {"action": "forged"})
    client.post(base, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert AuditEntry.objects.get(pk=entry.pk).action == "accounts.token.created"


# --- what an entry records -------------------------------------------------------------


def test_a_write_made_through_a_request_records_its_request_id_and_client_address(network):
    # given someone with a password
    factories.user("clerk@example.org", password="rambutan-courtyard-88")
    mark = AuditMark()
    # when they create a token over the API, sending a request id
    response = Client().post(
        "/api/v1/auth/token",
        {"email": "clerk@example.org", "password": "rambutan-courtyard-88"},
        content_type="application/json",
        headers={"X-Request-ID": "req-2026.audit_1"},
    )
    assert response.status_code == 201
    assert response["X-Request-ID"] == "req-2026.audit_1"
    # then the audit entry carries the request id and the client address
    entry = mark.only("accounts.token.created")
    assert entry.request_id == "req-2026.audit_1"
    assert entry.client_ip == "127.0.0.1"
    assert entry.actor_label == "clerk@example.org"
    assert entry.at <= timezone.now()


def test_without_a_request_id_one_is_made_up_and_unsafe_ones_are_replaced(roles):
    client = roles.bearer("cso_hanoi")
    mark = AuditMark()
    first = client.delete("/api/v1/auth/token", headers={"X-Request-ID": "bad id\nwith newline"})
    assert first.status_code == 204
    entry = mark.only("accounts.token.revoked")
    assert entry.request_id == first["X-Request-ID"]
    # A made-up id (32 hex digits), not the unsafe one sent (which held a space and a newline).
    assert re.fullmatch(r"[0-9a-f]{32}", entry.request_id)


def test_the_client_address_is_the_one_the_request_came_from(roles):
    client = roles.bearer("nr_th")
    mark = AuditMark()
    assert client.delete("/api/v1/auth/token", REMOTE_ADDR="203.0.113.9").status_code == 204
    assert mark.only("accounts.token.revoked").client_ip == "203.0.113.9"


def test_a_write_outside_any_request_has_no_request_id_or_address(roles):
    mark = AuditMark()
    token_create(actor=roles.user("cso_hanoi"))
    entry = mark.only("accounts.token.created")
    assert (entry.request_id, entry.client_ip) == ("", None)


def test_the_system_is_recorded_as_system(network):
    mark = AuditMark()
    user = user_create(actor=None, email="seeded@example.org", password=None)
    entry = mark.only("accounts.user.created")
    assert (entry.actor, entry.actor_label) == (None, "system")
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "accounts.user",
        str(user.pk),
        "seeded@example.org",
    )


def test_the_diff_names_only_what_changed():
    assert audit.diff({"a": 1, "b": "x"}, {"a": 1, "b": "y", "c": dt.date(2026, 1, 2)}) == {
        "b": {"before": "x", "after": "y"},
        "c": {"before": None, "after": "2026-01-02"},
    }


# --- the audit API ---------------------------------------------------------------------


@pytest.fixture
def trail(roles):
    """Three recent entries by known actors, on top of the seed's (system) entries."""
    token_create(actor=roles.user("cso_phuket"), name="one")
    token_create(actor=roles.user("cso_hanoi"), name="two")
    token_create(actor=roles.user("cso_hanoi"), name="three")
    return roles


def get_audit(roles, **params):
    client = roles.bearer("secretariat")
    response = client.get(AUDIT_API, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_audit_api_is_the_secretariats(roles):
    assert_matrix(roles.bearer, "GET", AUDIT_API, members(403, anonymous=401, secretariat=200))


def test_the_audit_api_lists_newest_first_with_a_count(trail):
    body = get_audit(trail, page_size=5)
    assert body["count"] == AuditEntry.objects.count()
    assert len(body["items"]) == 5
    newest = body["items"][0]
    # the newest entry is the Secretariat's own token, made to call the API
    assert newest["action"] == "accounts.token.created"
    assert newest["actor"] == "secretariat@roles.test"
    times = [item["at"] for item in body["items"]]
    assert times == sorted(times, reverse=True)
    assert set(newest) >= {
        "id",
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "changes",
        "request_id",
        "client_ip",
    }


def test_the_audit_api_filters_by_action_prefix(trail):
    tokens = get_audit(trail, action="accounts.token.")
    assert tokens["count"] == 4  # three above and the Secretariat's own
    assert {item["action"] for item in tokens["items"]} == {"accounts.token.created"}
    network = get_audit(trail, action="network.", page_size=200)
    assert network["count"] > 0
    assert all(item["action"].startswith("network.") for item in network["items"])


def test_the_audit_api_filters_by_actor(trail):
    hanoi = get_audit(trail, actor="cso-hanoi@roles.test")
    assert hanoi["count"] == 2
    assert {item["actor"] for item in hanoi["items"]} == {"cso-hanoi@roles.test"}
    assert {item["object_repr"].split(" (")[0] for item in hanoi["items"]} == {"two", "three"}


def test_the_audit_api_filters_by_object_and_date(trail):
    user = trail.user("cso_phuket")
    by_object = get_audit(trail, object_type="accounts.user", object_id=str(user.pk))
    assert [item["action"] for item in by_object["items"]] == ["accounts.user.created"]
    today = timezone.localdate()
    assert get_audit(trail, since=str(today + dt.timedelta(days=1)))["count"] == 0
    assert get_audit(trail, until=str(today - dt.timedelta(days=1)))["count"] == 0


def test_the_audit_api_pages_through_the_trail(trail):
    first = get_audit(trail, page=1, page_size=2)
    total = AuditEntry.objects.count()
    second = get_audit(trail, page=2, page_size=2)
    assert first["count"] == second["count"] == total
    ids = [item["id"] for item in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 4
    assert ids == sorted(ids, reverse=True)
    beyond = get_audit(trail, page=total + 1, page_size=2)
    assert beyond["items"] == []


def test_a_trail_longer_than_the_cap_is_counted_up_to_it_and_still_paged(trail, settings):
    # given a trail longer than the count's cap
    total = AuditEntry.objects.count()
    settings.ASCN_AUDIT_COUNT_CAP = 3
    # when the Secretariat asks for it
    first = get_audit(trail, page_size=2)
    # then the count stops at the cap and says it is not all
    assert (first["count"], first["count_exact"]) == (3, False)
    # and every page is still served, beyond the cap too, newest first without a gap
    pages = [get_audit(trail, page=n, page_size=2)["items"] for n in range(1, total // 2 + 2)]
    ids = [item["id"] for page in pages for item in page]
    assert ids == sorted(AuditEntry.objects.values_list("id", flat=True), reverse=True)
    # and a filter that leaves fewer entries than the cap is counted exactly
    hanoi = get_audit(trail, actor="cso-hanoi@roles.test")
    assert (hanoi["count"], hanoi["count_exact"]) == (2, True)
    # and a trail within the cap is counted exactly (each call above made the Secretariat a
    # token: the trail grew)
    settings.ASCN_AUDIT_COUNT_CAP = total + 100
    body = get_audit(trail)
    assert (body["count"], body["count_exact"]) == (AuditEntry.objects.count(), True)


def test_the_audit_page_says_when_it_pages_only_the_newest(trail, text):
    client = trail.session("secretariat")
    total = AuditEntry.objects.count()
    # a trail within the cap: its count, and a link to the oldest entries
    shown = text(client.get("/audit/"))
    assert f"{total} entries" in shown
    # a trail beyond it: "more than", and the filters as the way to older entries
    with override_settings(ASCN_AUDIT_COUNT_CAP=2):
        shown = text(client.get("/audit/"))
    assert "More than 2 entries: the newest 2 are paged here" in shown
    assert "choose dates, a person or a kind of record to reach older ones" in shown


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": 201}, "page_size"),
        ({"page": 0}, "page"),
        ({"since": "yesterday"}, "since"),
    ],
)
def test_bad_audit_filters_are_422_naming_the_field(roles, params, field):
    response = roles.bearer("secretariat").get(AUDIT_API, params)
    assert response.status_code == 422
    assert field in {str(error["loc"][-1]) for error in response.json()["detail"]}


# --- the Secretariat's page and CSV export ----------------------------------------------


def test_the_audit_page_and_export_are_the_secretariats(roles):
    for url in ("/audit/", "/audit/export.csv"):
        assert_matrix(
            roles.session,
            "GET",
            url,
            members(404, anonymous=sign_in_redirect(url), secretariat=200),
        )


def test_the_audit_page_filters_entries(trail, text):
    client = trail.session("secretariat")
    response = client.get("/audit/", {"actor": "cso-hanoi@roles.test"})
    assert response.status_code == 200
    shown = text(response)
    assert "cso-hanoi@roles.test" in shown
    assert "cso-phuket@roles.test" not in shown
    assert client.get("/audit/", {"since": "not a date"}).status_code == 400


def test_invalid_filters_offer_no_download_and_the_export_says_why_in_words(roles, text):
    client = roles.session("secretariat")
    backwards = {"since": "2026-12-08", "until": "2026-12-01"}
    # when the page is asked for a range that ends before it starts
    page = client.get("/audit/", backwards)
    # then it says so, and offers no download of what it cannot filter
    assert page.status_code == 400
    assert "The end of the range comes before its start." in text(page)
    assert "Download as CSV" not in text(page)
    assert "/audit/export.csv" not in page.content.decode()
    # and valid filters still offer it
    assert "Download as CSV" in text(client.get("/audit/", {"since": "2026-12-01"}))
    # when the export is asked for the same range
    export = client.get("/audit/export.csv", backwards)
    # then it is refused in plain words, naming the field by its label
    assert export.status_code == 400
    assert export.content.decode() == (
        "The filters are not valid: Until: The end of the range comes before its start."
    )


def test_the_csv_export_has_a_header_row_and_the_filtered_entries(trail):
    # given the Secretariat signed in
    client = trail.session("secretariat")
    # when they export the CSCO of Hanoi's entries
    response = client.get("/audit/export.csv", {"actor": "cso-hanoi@roles.test"})
    # then they get a CSV file with a header row and one row per entry
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == CSV_COLUMNS
    assert len(rows) == 3
    assert {row[CSV_COLUMNS.index("actor_label")] for row in rows[1:]} == {"cso-hanoi@roles.test"}


def test_the_csv_export_defuses_spreadsheet_formulas(roles):
    # given an entry whose object name starts like a formula
    user = factories.user("x@example.org", full_name='=HYPERLINK("http://evil")')
    response = roles.session("secretariat").get(
        "/audit/export.csv", {"object_type": "accounts.user", "object_id": str(user.pk)}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 2
    assert rows[1][CSV_COLUMNS.index("object_repr")].startswith("'=HYPERLINK")


def test_an_unverified_secretariat_session_cannot_read_the_trail(roles):
    client = Client()
    client.force_login(roles.user("secretariat"))
    assert Redirect("/accounts/two-factor/verify/").matches(client.get("/audit/"))
    assert Redirect("/accounts/two-factor/verify/").matches(client.get("/audit/export.csv"))
    assert client.get(AUDIT_API).status_code == 403
