"""A project names the indicators it aims to move, with baseline and target; its page and the
API show them next to the city's latest value."""

import datetime as dt
import html as html_lib
import re
from decimal import Decimal

import pytest

from ascn.core.errors import InvalidInput, PermissionDenied, RemovedMeanwhile, StaleEdit
from ascn.core.models import AuditEntry
from ascn.indicators.management.commands.load_indicators import load_indicators
from ascn.indicators.models import Indicator, ProjectIndicator
from ascn.indicators.services import project_indicator_remove, project_indicator_set, value_enter
from ascn.network.models import City
from tests import factories
from tests.conftest import page_text
from tests.roles import (
    CSO_HANOI,
    CSO_PHUKET,
    NR_TH,
    SECRETARIAT,
    assert_matrix,
    everyone,
    sign_in_redirect,
)

pytest_plugins = ["tests.roles"]


@pytest.fixture
def drainage(roles, catalogue):
    return factories.project(roles.user(CSO_PHUKET), title="Smart drainage", visibility="public")


def test_the_csco_sets_a_target_shown_with_the_citys_latest_value(client, roles, drainage):
    pm25 = Indicator.objects.get(code="11.6.2")
    value_enter(
        actor=None,
        city=City.objects.get(slug="phuket"),
        indicator=pm25,
        year=2024,
        value="23",
        source="PCD 2024",
        visibility="public",
    )
    # when Phuket's CSCO says the project aims at 15 µg/m³ by 2030 from 25 in 2023
    project_indicator_set(
        actor=roles.user(CSO_PHUKET),
        project=drainage,
        indicator=pm25,
        baseline="25",
        baseline_year=2023,
        target="15",
        target_year=2030,
    )
    assert AuditEntry.objects.filter(action="indicators.projectindicator.created").exists()
    # then the project's page shows it next to the city's latest value, with its year
    text = page_text(client.get(drainage.get_absolute_url()))
    assert "Indicators it aims to move" in text
    assert "25 (2023)" in text and "15 (2030)" in text and "23 (2024)" in text
    # and the API too
    body = client.get(f"/api/v1/projects/{drainage.pk}/indicators").json()
    assert body["count"] == 1  # a page, as every list of the API (SPEC §3)
    assert body["items"][0]["target"] == "15" and body["items"][0]["latest"]["year"] == 2024


def test_who_may_set_targets_and_bad_figures(roles, drainage):
    pm25 = Indicator.objects.get(code="11.6.2")
    for name in (CSO_HANOI, NR_TH):
        with pytest.raises(PermissionDenied):
            project_indicator_set(
                actor=roles.user(name),
                project=drainage,
                indicator=pm25,
                target="1",
                target_year=2030,
            )
    with pytest.raises(InvalidInput) as refused:
        project_indicator_set(
            actor=roles.user(CSO_PHUKET),
            project=drainage,
            indicator=Indicator.objects.get(code="11.2.1"),
            target="120",
            target_year=2030,
        )
    assert refused.value.field == "target"
    with pytest.raises(InvalidInput) as refused:
        project_indicator_set(
            actor=roles.user(CSO_PHUKET),
            project=drainage,
            indicator=pm25,
            baseline="30",
            baseline_year=2031,
            target="10",
            target_year=2030,
        )
    assert refused.value.field == "baseline_year"
    assert not ProjectIndicator.objects.exists()


def test_set_and_remove_through_the_api(roles, drainage):
    cso = roles.bearer(CSO_PHUKET)
    url = f"/api/v1/projects/{drainage.pk}/indicators"
    body = {"indicator": "11.6.2", "target": "15", "target_year": 2030}
    assert (
        roles.bearer(CSO_HANOI).post(url, body, content_type="application/json").status_code == 403
    )
    response = cso.post(url, body, content_type="application/json")
    assert response.status_code == 200
    assert [t["indicator"] for t in response.json()] == ["11.6.2"]
    assert response.json()[0]["version"] == 1
    # naming it again changes its figures: with the version read
    again = cso.post(url, {**body, "target": "12", "version": 1}, content_type="application/json")
    assert again.json()[0]["target"] == "12" and again.json()[0]["version"] == 2
    assert ProjectIndicator.objects.count() == 1
    # without a version, or with a stale one, 409 and nothing replaced
    for version in ({}, {"version": 1}):
        refused = cso.post(url, {**body, "target": "9", **version}, content_type="application/json")
        assert refused.status_code == 409, refused.content
        assert "version 2" in refused.json()["detail"]
    assert ProjectIndicator.objects.get().target == 12
    # a removal with a stale version is refused too
    assert cso.delete(f"{url}/sdg-11-6-2?version=1").status_code == 409
    assert ProjectIndicator.objects.exists()
    assert cso.delete(f"{url}/sdg-11-6-2?version=2").status_code == 204
    # a change sent for a target removed meanwhile: 409, not a silent re-adding
    gone = cso.post(url, {**body, "version": 2}, content_type="application/json")
    assert gone.status_code == 409 and "removed" in gone.json()["detail"]
    assert not ProjectIndicator.objects.exists()
    # added again, it counts on from the removed one's version: a change read before the
    # removal (version 1 or 2) is a 409, never an overwrite of the new figures
    readded = cso.post(url, {**body, "target": "14"}, content_type="application/json")
    assert readded.status_code == 200 and readded.json()[0]["version"] == 4
    # audited as a creation: its figures, not a diff from the removed ones
    entry = AuditEntry.objects.filter(action="indicators.projectindicator.created").last()
    assert "removed" not in entry.changes and entry.changes["target"]["before"] is None
    for version in (1, 2, 3):
        stale = cso.post(url, {**body, "version": version}, content_type="application/json")
        assert stale.status_code == 409, (version, stale.content)
    assert ProjectIndicator.objects.get().target == 14
    assert cso.delete(f"{url}/sdg-11-6-2").status_code == 204
    assert not ProjectIndicator.objects.exists()
    assert cso.delete(f"{url}/sdg-11-6-2").status_code == 404


def test_the_csco_sets_and_removes_targets_on_the_projects_page(roles, drainage):
    url = f"/projects/{drainage.pk}/indicators/"
    pm25 = Indicator.objects.get(code="11.6.2")
    cso = roles.session(CSO_PHUKET)
    # the project's page links to the page that sets them, for its CSCO only
    assert url in cso.get(drainage.get_absolute_url()).content.decode()
    assert url not in roles.session(CSO_HANOI).get(drainage.get_absolute_url()).content.decode()
    # a bad figure: 422 on its field, nothing saved
    bad = {"indicator": pm25.pk, "baseline": "30", "baseline_year": "", "target": "15"}
    response = cso.post(url, {**bad, "target_year": "2030"})
    assert response.status_code == 422
    assert "Give the baseline" in page_text(response)
    assert not ProjectIndicator.objects.exists()
    # saved through the service (with its audit entry), then shown on the page
    good = {**bad, "baseline_year": "2023", "target_year": "2030"}
    response = cso.post(url, good)
    assert response.status_code == 302
    link = ProjectIndicator.objects.get()
    assert (link.baseline, link.baseline_year, link.target, link.target_year) == (
        30,
        2023,
        15,
        2030,
    )
    text = page_text(cso.get(url))
    assert "30 (2023)" in text and "15 (2030)" in text
    # someone else's CSCO may read the page (the project is public) but not change it
    other = roles.session(CSO_HANOI)
    assert other.get(url).status_code == 200
    assert "Save the target" not in page_text(other.get(url))
    assert other.post(url, good).status_code == 403
    assert other.post(url, {"remove": pm25.slug}).status_code == 403
    # removed by its CSCO, with an audit entry
    assert cso.post(url, {"remove": pm25.slug}).status_code == 302
    assert not ProjectIndicator.objects.exists()
    assert AuditEntry.objects.filter(action="indicators.projectindicator.deleted").exists()


def test_a_draft_projects_indicator_page_is_out_of_sight(roles):
    load_indicators()
    draft = factories.project(roles.user(CSO_PHUKET), title="Quiet plan", visibility="draft")
    assert roles.session(CSO_HANOI).get(f"/projects/{draft.pk}/indicators/").status_code == 404
    assert roles.session(CSO_PHUKET).get(f"/projects/{draft.pk}/indicators/").status_code == 200


def test_the_me_report_shows_each_indicator_with_the_projects_aiming_at_it(client, roles, drainage):
    phuket = City.objects.get(slug="phuket")
    pm25 = Indicator.objects.get(code="11.6.2")
    for year, value, visibility in [(2022, "27", "public"), (2024, "23", "public")]:
        value_enter(
            actor=None,
            city=phuket,
            indicator=pm25,
            year=year,
            value=value,
            source="PCD",
            visibility=visibility,
        )
    value_enter(
        actor=None, city=phuket, indicator=pm25, year=2025, value="21", source="PCD"
    )  # a draft: not in the public's report
    hidden = factories.project(roles.user(CSO_PHUKET), title="Quiet plan", visibility="draft")
    for project in (drainage, hidden):
        project_indicator_set(
            actor=roles.user(CSO_PHUKET),
            project=project,
            indicator=pm25,
            baseline="25",
            baseline_year=2023,
            target="15",
            target_year=2030,
        )
    # the public's report: the public project, its baseline → target, the latest public value
    rows = _report_rows(client.get("/reports/me/"))
    assert rows == [
        [
            "11.6.2 " + pm25.name,
            "Smart drainage",
            "Phuket",
            pm25.unit,
            "25",
            "2023",
            "15",
            "2030",
            "23",
            "2024",
        ]
    ]
    # Phuket's CSCO sees the draft project and the city's 2025 draft value too
    rows = _report_rows(roles.session(CSO_PHUKET).get("/reports/me/"))
    assert [row[1] for row in rows] == ["Quiet plan", "Smart drainage"]
    assert rows[0][8:] == ["21", "2025"]
    # a report of 2023 (a project running then) takes the city's latest value up to 2023
    older = factories.project(
        roles.user(CSO_PHUKET),
        title="Canal sensors",
        visibility="public",
        start=dt.date(2021, 1, 1),
        end=dt.date(2024, 12, 31),
    )
    project_indicator_set(
        actor=roles.user(CSO_PHUKET), project=older, indicator=pm25, target="20", target_year=2024
    )
    rows = _report_rows(client.get("/reports/me/", {"year": "2023"}))
    assert [row[1] for row in rows] == ["Canal sensors"]
    assert rows[0][4:] == ["—", "—", "20", "2024", "27", "2022"]
    # and the CSV holds the same rows
    body = client.get("/reports/me.csv").content.decode()
    assert "Indicators and the projects that aim to move them" in body
    assert "Smart drainage,Phuket" in body


def _report_rows(response) -> list[list[str]]:
    html = response.content.decode()
    start = html.index('id="t-indicator-targets"')
    section = html[start : html.index("</table>", start)]
    body = section[section.index("<tbody>") :]
    return [
        [
            html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
        if "<td colspan" not in row
    ]


def test_the_role_matrix_of_a_projects_indicators_page(roles, drainage):
    url = f"/projects/{drainage.pk}/indicators/"
    pm25 = Indicator.objects.get(code="11.6.2")
    form = {"indicator": pm25.pk, "target": "15", "target_year": "2030"}
    # a public project's page is read by everyone
    assert_matrix(roles.session, "GET", url, everyone(200))
    # set by its city's CSCO and the Secretariat; a visitor is sent to sign in; others 403
    assert_matrix(
        roles.session,
        "POST",
        url,
        # the Secretariat (asked first) adds it; the CSCO, adding the same one without having
        # seen it, gets a 409 with both figures, and nothing is replaced
        everyone(403, anonymous=sign_in_redirect(url), cso_phuket=409, secretariat=302),
        form,
    )
    assert ProjectIndicator.objects.get().target == 15


def pm25_target(actor, project, target: str, version: int | None = None, **baseline):
    """``project`` aims at ``target`` µg/m³ of PM2.5 by 2030 (``version``: the one read),
    from a ``baseline`` and its ``baseline_year`` when given."""
    return project_indicator_set(
        actor=actor,
        project=project,
        indicator=Indicator.objects.get(code="11.6.2"),
        target=target,
        target_year=2030,
        version=version,
        **baseline,
    )


def test_a_targets_figures_change_with_the_version_read(roles, drainage):
    cso = roles.user(CSO_PHUKET)
    assert pm25_target(cso, drainage, "15").version == 1
    # naming it again without its version would replace figures not read: refused
    with pytest.raises(StaleEdit):
        pm25_target(cso, drainage, "9")
    changed = pm25_target(roles.user(SECRETARIAT), drainage, "12", version=1)
    assert (changed.target, changed.version) == (12, 2)
    assert AuditEntry.objects.filter(action="indicators.projectindicator.updated").count() == 1
    # the CSCO's form, opened at version 1, is stale now: nothing of the Secretariat's is lost
    with pytest.raises(StaleEdit):
        pm25_target(cso, drainage, "9", version=1)
    assert ProjectIndicator.objects.get().target == 12
    ProjectIndicator.objects.all().delete()
    with pytest.raises(RemovedMeanwhile):
        pm25_target(cso, drainage, "9", version=2)
    assert not ProjectIndicator.objects.exists()


def test_two_officers_changing_one_target_on_the_page(roles, drainage):
    url = f"/projects/{drainage.pk}/indicators/"
    pm25 = Indicator.objects.get(code="11.6.2")
    cso, secretariat = roles.session(CSO_PHUKET), roles.session(SECRETARIAT)
    first = {"indicator": pm25.pk, "baseline": "30", "baseline_year": "2023"}
    assert cso.post(url, {**first, "target": "15", "target_year": "2030"}).status_code == 302
    # each listed target has a Change button that opens its figures in the form
    assert f"?change={pm25.slug}" in cso.get(url).content.decode()
    change_url = f"{url}?change={pm25.slug}"
    opened = cso.get(change_url)
    form = opened.context["form"]
    assert "indicator" not in form.fields  # its indicator stays
    assert (form["target"].value(), form["version"].value()) == ("15", 1)
    assert "Change the figures of 11.6.2" in page_text(opened)
    # the Secretariat changes it meanwhile
    theirs = {"baseline": "30", "baseline_year": "2023", "target": "12", "target_year": "2030"}
    assert secretariat.post(change_url, {**theirs, "version": "1"}).status_code == 302
    # the CSCO's save of the form opened before: 409, both figures shown, theirs kept
    mine = {**theirs, "target": "10", "target_year": "2028", "version": "1"}
    response = cso.post(change_url, mine)
    assert response.status_code == 409
    text = page_text(response)
    assert "Someone else saved this record" in text and "12" in text
    again = response.context["form"]
    assert (again["target"].value(), again["version"].value()) == ("10", "2")
    assert ProjectIndicator.objects.get().target == 12
    # saving again is deliberate: the CSCO's figures now
    assert cso.post(change_url, {**mine, "version": "2"}).status_code == 302
    link = ProjectIndicator.objects.get()
    assert (link.target, link.target_year, link.version) == (10, 2028, 3)
    # a form opened before the target was removed and added again is stale too: the
    # target added again goes on counting its versions from the removed one's
    opened = cso.get(change_url).context["form"]
    assert opened["version"].value() == 3
    project_indicator_remove(actor=roles.user(SECRETARIAT), link=link, version=3)
    readded = pm25_target(roles.user(SECRETARIAT), drainage, "11", version=None)
    assert readded.version == 5
    response = cso.post(change_url, {**mine, "target_year": "2029", "version": "3"})
    assert response.status_code == 409
    assert ProjectIndicator.objects.get().target == 11
    assert response.context["form"]["version"].value() == "5"


def test_adding_an_indicator_the_project_has_shows_both_and_replaces_nothing(roles, drainage):
    url = f"/projects/{drainage.pk}/indicators/"
    pm25 = Indicator.objects.get(code="11.6.2")
    cso = roles.session(CSO_PHUKET)
    pm25_target(roles.user(SECRETARIAT), drainage, "15")
    response = cso.post(url, {"indicator": pm25.pk, "target": "9", "target_year": "2030"})
    assert response.status_code == 409
    assert "already has a target" in page_text(response)
    assert ProjectIndicator.objects.get().target == 15
    # the form comes back as the change of that target, with the saved version
    again = response.context["form"]
    assert "indicator" not in again.fields and again["version"].value() == "1"
    assert f'action="{url}?change={pm25.slug}"' in response.content.decode()
    # "throw your edit away" opens that target's saved figures
    assert f'href="{url}?change={pm25.slug}#set-target"' in response.content.decode()
    assert (
        cso.post(
            f"{url}?change={pm25.slug}", {"target": "9", "target_year": "2030", "version": "1"}
        ).status_code
        == 302
    )
    assert ProjectIndicator.objects.get().target == 9


def test_a_target_removed_or_changed_meanwhile_on_the_page(roles, drainage):
    url = f"/projects/{drainage.pk}/indicators/"
    pm25 = Indicator.objects.get(code="11.6.2")
    cso = roles.session(CSO_PHUKET)
    link = pm25_target(roles.user(SECRETARIAT), drainage, "15")
    # a removal sent from a page showing version 1, after a change: nothing removed
    pm25_target(roles.user(SECRETARIAT), drainage, "12", version=1)
    response = cso.post(url, {"remove": pm25.slug, "version": "1"}, follow=True)
    assert "nothing is removed" in page_text(response)
    assert ProjectIndicator.objects.filter(pk=link.pk).exists()
    # a change sent after someone removed the target: 409, the figures kept to add it again
    project_indicator_remove(actor=roles.user(SECRETARIAT), link=link, version=2)
    change = {"target": "9", "target_year": "2030", "version": "2"}
    response = cso.post(f"{url}?change={pm25.slug}", change)
    assert response.status_code == 409
    assert "Someone removed this indicator" in page_text(response)
    form = response.context["form"]
    assert form["target"].value() == "9" and form["indicator"].value() == str(pm25.pk)
    assert not ProjectIndicator.objects.exists()
    added = {"indicator": pm25.pk, "target": "9", "target_year": "2030", "version": ""}
    assert cso.post(url, added).status_code == 302
    assert ProjectIndicator.objects.get().target == 9


def test_a_targets_figures_saved_unchanged_on_a_vietnamese_page_stay_as_they_are(roles, drainage):
    """A figure of three decimals came back into the change form as "12.345", which a page
    writing "12,345" reads two ways: saved unchanged, it was refused."""
    pm25_target(roles.user(CSO_PHUKET), drainage, "8.125", baseline="12.345", baseline_year=2023)
    cso = roles.session(CSO_PHUKET)
    url = f"/vi/projects/{drainage.pk}/indicators/?change=sdg-11-6-2"
    form = cso.get(url).context["form"]
    sent = {name: form[name].value() for name in ("version", "baseline", "baseline_year")}
    sent |= {name: form[name].value() for name in ("target", "target_year")}
    assert cso.post(url, sent).status_code == 302
    link = ProjectIndicator.objects.get()
    assert (link.baseline, link.target, link.version) == (Decimal("12.345"), Decimal("8.125"), 1)
    # a removal's version that is no number of ours is no version, not a 500
    assert cso.post(url, {"remove": "sdg-11-6-2", "version": "²"}).status_code == 302
