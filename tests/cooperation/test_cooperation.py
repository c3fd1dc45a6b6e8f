"""Cooperation (SPEC C8): partnerships, case studies, moderated discussions, the timeline."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from ascn.agreements.management.commands.load_agreements import load_agreements
from ascn.cooperation.markdown import render_markdown
from ascn.cooperation.models import CaseStudy, CityPartnership, Post, Thread
from ascn.cooperation.services import (
    case_study_create,
    partnership_create,
    post_create,
    post_hide,
    thread_create,
    thread_moderate,
)
from ascn.core.errors import InvalidInput, NotFound, PermissionDenied
from ascn.core.models import AuditEntry
from ascn.meetings.management.commands.load_meetings import load_meetings
from ascn.network.models import City, FocusArea
from tests import factories
from tests.roles import assert_matrix, sign_in_redirect

pytest_plugins = ["tests.roles"]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict]]:
    collector = _Collector()
    collector.feed(html)
    return collector.elements


def _area(code="quality-environment") -> FocusArea:
    return FocusArea.objects.get(code=code)


# --- Markdown -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Hello <script>alert(1)</script> world",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<img src=x onerror="alert(1)">',
        "![x](javascript:alert(1))",
        '<p style="color:red" onclick="x()">hi</p>',
    ],
)
def test_markdown_is_rendered_without_scripts_or_javascript_links(source):
    # when
    html = render_markdown(source)
    # then: only allowed elements, no event handlers or styles, no javascript: link
    elements = _elements(html)
    assert {tag for tag, _ in elements} <= {"p", "a"}
    for _, attrs in elements:
        assert set(attrs) <= {"href", "rel", "title"}
        assert not attrs.get("href", "").lower().startswith("javascript")


def test_markdown_keeps_ordinary_formatting():
    html = render_markdown("**flood** maps, see [ADB](https://www.adb.org)\n\n- one\n- two")
    assert "<strong>flood</strong>" in html
    assert 'href="https://www.adb.org"' in html
    assert 'rel="nofollow noopener noreferrer"' in html
    assert "<li>one</li>" in html
    assert all(
        href.startswith(("http://", "https://", "mailto:"))
        for href in re.findall(r'href="([^"]*)"', html)
    )


# --- partnerships and case studies ------------------------------------------------------


def test_a_csco_records_a_partnership_of_her_city_and_it_is_audited(roles):
    # given
    phuket = City.objects.get(slug="phuket")
    # when
    partnership = partnership_create(
        actor=roles.user("cso_phuket"),
        city=phuket,
        partner_name="Example City",
        partner_country="Japan",
        purpose="Exchange on flood warning",
        start_date=dt.date(2024, 1, 1),
    )
    # then
    assert partnership.pk
    assert AuditEntry.objects.filter(
        action="cooperation.partnership.created", object_id=str(partnership.pk)
    ).exists()


def test_a_partnership_with_another_ascn_city_takes_its_name(roles):
    partnership = partnership_create(
        actor=roles.user("secretariat"),
        city=City.objects.get(slug="phuket"),
        partner_city=City.objects.get(slug="hanoi"),
        purpose="Peer learning",
    )
    assert partnership.partner_name == "Hanoi"
    assert partnership.partner_country == "Viet Nam"


@pytest.mark.parametrize(
    "values",
    [
        {"partner_name": "", "purpose": "x"},
        {"partner_name": "Y", "purpose": "  "},
        {
            "partner_name": "Y",
            "purpose": "x",
            "start_date": dt.date(2024, 1, 1),
            "end_date": dt.date(2023, 1, 1),
        },
    ],
)
def test_bad_partnership_input_changes_nothing(roles, values):
    entries = AuditEntry.objects.count()
    with pytest.raises(InvalidInput):
        partnership_create(
            actor=roles.user("secretariat"), city=City.objects.get(slug="phuket"), **values
        )
    assert not CityPartnership.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_a_csco_cannot_record_another_citys_partnership(roles):
    with pytest.raises(PermissionDenied):
        partnership_create(
            actor=roles.user("cso_hanoi"),
            city=City.objects.get(slug="phuket"),
            partner_name="Elsewhere",
            purpose="x",
        )
    assert not CityPartnership.objects.exists()


def test_only_the_secretariat_adds_case_studies(roles):
    with pytest.raises(PermissionDenied):
        case_study_create(
            actor=roles.user("cso_phuket"), title="T", problem="P", solution="S", focus_area=_area()
        )
    study = case_study_create(
        actor=roles.user("secretariat"),
        title="Flood sensors",
        problem="Floods",
        solution="Sensors",
        focus_area=_area(),
        visibility="public",
    )
    assert study.slug == "flood-sensors"
    assert CaseStudy.objects.count() == 1


@pytest.fixture
def cooperation(roles):
    secretariat = roles.user("secretariat")
    phuket = City.objects.get(slug="phuket")
    return {
        "public": partnership_create(
            actor=secretariat,
            city=phuket,
            partner_name="Public Partner",
            purpose="Open",
            visibility="public",
        ),
        "draft": partnership_create(
            actor=secretariat, city=phuket, partner_name="Draft Partner", purpose="Hidden"
        ),
        "study": case_study_create(
            actor=secretariat,
            title="Flood sensors",
            problem="Floods",
            solution="Sensors",
            focus_area=_area(),
            city=phuket,
            visibility="public",
        ),
        "draft_study": case_study_create(
            actor=secretariat,
            title="Draft study",
            problem="P",
            solution="S",
            focus_area=_area(),
            city=phuket,
        ),
    }


def test_the_api_shows_partnerships_by_visibility(roles, cooperation):
    responses = assert_matrix(
        roles.bearer,
        "GET",
        "/api/v1/partnerships",
        {"anonymous": 200, "cso_hanoi": 200, "cso_phuket": 200, "secretariat": 200},
    )
    counts = {name: r.json()["count"] for name, r in responses.items()}
    assert counts == {"anonymous": 1, "cso_hanoi": 1, "cso_phuket": 2, "secretariat": 2}
    assert_matrix(
        roles.bearer,
        "GET",
        f"/api/v1/partnerships/{cooperation['draft'].pk}",
        {"anonymous": 404, "cso_hanoi": 404, "nr_th": 200, "cso_phuket": 200, "secretariat": 200},
    )


def test_the_case_study_api_and_its_errors(client, cooperation):
    listing = client.get("/api/v1/case-studies?focus_area=quality-environment")
    assert listing.status_code == 200
    assert [i["slug"] for i in listing.json()["items"]] == ["flood-sensors"]
    assert client.get("/api/v1/case-studies/flood-sensors").json()["problem"] == "Floods"
    assert client.get("/api/v1/case-studies/draft-study").status_code == 404
    assert client.get("/api/v1/case-studies?focus_area=nope").status_code == 422
    assert client.get("/api/v1/partnerships?city=Not%20A%20Slug").status_code == 422
    assert client.get("/api/v1/partnerships/abc").status_code == 422


def test_the_cooperation_page_shows_only_public_partnerships_and_case_studies(
    client, cooperation, text
):
    response = client.get("/cooperation/")
    assert response.status_code == 200
    assert "Public Partner" in text(response)
    assert "Draft Partner" not in text(response)
    assert "Flood sensors" in text(response)
    assert "Draft study" not in text(response)
    assert client.get("/cooperation/case-studies/flood-sensors/").status_code == 200
    assert client.get("/cooperation/case-studies/draft-study/").status_code == 404


# --- discussions and moderation ------------------------------------------------------


@pytest.fixture
def thread(roles) -> Thread:
    return thread_create(
        actor=roles.user("cso_phuket"),
        focus_area=_area(),
        title="Flood early warning",
        body="How do you warn residents? <script>alert(1)</script> [x](javascript:alert(1))",
    )


def test_a_member_opens_a_thread_and_its_markdown_is_sanitised(thread):
    post = thread.posts.get()
    assert "<script" not in post.body_html
    assert "&lt;script&gt;" in post.body_html  # shown as text, not run
    assert "href" not in post.body_html
    assert "<script>" in post.body  # the source is kept as written


def test_people_without_a_role_cannot_post(roles, thread):
    # given an account that holds no role
    outsider = factories.user("outsider@example.org")
    # when it starts a thread or posts, then it is refused
    with pytest.raises(PermissionDenied):
        thread_create(actor=outsider, focus_area=_area(), title="x", body="y")
    with pytest.raises(PermissionDenied):
        post_create(actor=outsider, thread=thread, body="y")
    assert Post.objects.count() == 1


def test_a_csco_cannot_hide_or_lock_the_secretariat_can(roles, thread):
    # given
    post = post_create(actor=roles.user("cso_hanoi"), thread=thread, body="We use sirens.")
    entries = AuditEntry.objects.count()
    # when a CSCO tries to moderate
    for attempt in (
        lambda: post_hide(actor=roles.user("cso_phuket"), post=post),
        lambda: thread_moderate(actor=roles.user("cso_phuket"), thread=thread, hidden=True),
        lambda: thread_moderate(actor=roles.user("nr_th"), thread=thread, locked=True),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    # then nothing changed
    post.refresh_from_db()
    thread.refresh_from_db()
    assert not post.hidden and not thread.hidden and not thread.locked
    assert AuditEntry.objects.count() == entries
    # when the Secretariat moderates
    post_hide(actor=roles.user("secretariat"), post=post, reason="Off topic.")
    thread_moderate(actor=roles.user("secretariat"), thread=thread, locked=True)
    # then
    post.refresh_from_db()
    thread.refresh_from_db()
    assert post.hidden and thread.locked
    assert set(
        AuditEntry.objects.filter(action__startswith="cooperation.")
        .exclude(action__endswith="created")
        .values_list("action", flat=True)
    ) == {"cooperation.post.moderated", "cooperation.thread.moderated"}
    # and a locked thread takes no replies
    with pytest.raises(PermissionDenied):
        post_create(actor=roles.user("cso_hanoi"), thread=thread, body="Late")


def test_a_hidden_thread_is_gone_for_members(roles, thread):
    thread_moderate(actor=roles.user("secretariat"), thread=thread, hidden=True)
    with pytest.raises(NotFound):
        post_create(actor=roles.user("cso_hanoi"), thread=thread, body="x")
    assert_matrix(
        roles.session,
        "GET",
        f"/cooperation/threads/{thread.pk}/",
        {
            "anonymous": sign_in_redirect(f"/cooperation/threads/{thread.pk}/"),
            "cso_hanoi": 404,
            "secretariat": 200,
        },
    )


def test_members_read_and_reply_to_a_thread_whose_markup_is_made_safe(roles, thread, text):
    # given
    url = f"/cooperation/threads/{thread.pk}/"
    assert_matrix(
        roles.session,
        "GET",
        url,
        {"anonymous": sign_in_redirect(url), "cso_hanoi": 200, "partner_adb": 200},
    )
    hanoi = roles.session("cso_hanoi")
    # when a member replies
    response = hanoi.post(url, {"body": "**Sirens** <script>x</script>"})
    # then
    assert response.status_code == 302
    page = hanoi.get(url)
    assert "<strong>Sirens</strong>" in page.content.decode()
    assert "<script>x" not in page.content.decode()
    # and an empty reply is refused, changing nothing
    assert hanoi.post(url, {"body": "  "}).status_code == 422
    assert thread.posts.count() == 2
    # and a CSCO cannot moderate through the page
    post = thread.posts.first()
    assert (
        hanoi.post(f"/cooperation/posts/{post.pk}/moderate/", {"action": "hide"}).status_code == 403
    )
    assert (
        hanoi.post(f"/cooperation/threads/{thread.pk}/moderate/", {"action": "lock"}).status_code
        == 403
    )
    # the Secretariat can
    secretariat = roles.session("secretariat")
    assert (
        secretariat.post(
            f"/cooperation/posts/{post.pk}/moderate/", {"action": "hide", "reason": "Off topic."}
        ).status_code
        == 302
    )
    post.refresh_from_db()
    assert post.hidden
    assert "How do you warn" not in text(hanoi.get(url))


def test_a_member_starts_a_thread_from_the_forum_page(roles):
    client = roles.session("cso_phuket")
    response = client.post(
        "/cooperation/forum/quality-environment/", {"title": "Air quality", "body": "Ideas?"}
    )
    assert response.status_code == 302
    assert Thread.objects.filter(title="Air quality").exists()
    refused = client.post("/cooperation/forum/quality-environment/", {"title": "", "body": ""})
    assert refused.status_code == 422
    # the error summary names each missing field and leads to it
    assert 'href="#id_title"' in refused.content.decode()
    assert 'href="#id_body"' in refused.content.decode()
    assert Thread.objects.count() == 1
    assert client.get("/cooperation/forum/no-such-area/").status_code == 404


# --- timeline -------------------------------------------------------------------------


def test_the_timeline_lists_milestones_cities_and_agreements_in_date_order(client, network, text):
    # given
    load_agreements()
    # when
    response = client.get("/timeline/")
    # then
    assert response.status_code == 200
    body = text(response)
    assert "Agreement signed: United Nations Development Programme (UNDP)" in body
    assert "8 Jul 2018" in body
    assert "Apr 2018" in body  # the launch, known to the month
    launch = body.index("ASCN launched")
    signed = body.index("Agreement signed")
    assert launch < signed
    # the later cities appear once: the milestones that name them stand for their cohorts
    for city in City.objects.exclude(cohort=2018):
        assert body.count(city.name) == 1, city.name


def test_a_milestone_on_a_meetings_date_is_one_entry_linked_to_the_meeting(client, network, text):

    load_meetings()
    body = text(client.get("/timeline/"))
    assert body.count("Governance Workshop") == 1


def test_the_timeline_shows_the_meetings_and_the_agreements_link_to_theirs(client, network, text):
    # given the real meetings and agreements

    load_meetings()
    load_agreements()
    # when
    response = client.get("/timeline/")
    # then
    assert response.status_code == 200
    assert 'href="/meetings/ascn-annual-meeting-2018/"' in response.content.decode()
    detail = client.get("/agreements/undp-jetro-2018/")
    assert 'href="/meetings/ascn-annual-meeting-2018/"' in detail.content.decode()


def test_cooperation_pages_have_bounded_queries(
    roles, cooperation, thread, django_assert_max_num_queries
):
    load_agreements()
    anonymous = roles.session("anonymous")
    member = roles.session("cso_hanoi")
    for client, url in (
        (anonymous, "/cooperation/"),
        (anonymous, "/timeline/"),
        (member, "/cooperation/"),
        (member, "/cooperation/forum/quality-environment/"),
        (member, f"/cooperation/threads/{thread.pk}/"),
    ):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200, url
