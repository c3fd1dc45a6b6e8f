"""Members flag posts and the Secretariat works through them, on a phone (issue 16): a CSCO
reports a post from the thread's "Report" link; the Secretariat sees it counted on the
workspace, opens the moderation queue and hides it with a reason; the case-study form's source
rows. Each page at 390 px fits the screen and axe-core finds nothing against WCAG 2.2 AA."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from ascn.accounts.models import Role
from ascn.cooperation.models import Post, PostFlag
from ascn.cooperation.services import case_study_create, post_create, thread_create
from ascn.network.models import City, FocusArea
from tests import factories
from tests.e2e.axe import violations
from tests.e2e.conftest import _open_page
from tests.e2e.test_phone_width import PHONE, WIDEST
from tests.roles import sign_in, totp_device

pytestmark = pytest.mark.e2e


@pytest.fixture
def forum(live_network):
    """Phuket's officer asks; Hanoi's officer answers with an advertisement."""
    phuket = factories.user(
        "malee@phuket.example.th",
        role=Role.CSO,
        scope=City.objects.get(slug="phuket"),
        full_name="Malee Srisuk",
    )
    hanoi = factories.user(
        "minh@hanoi.example.vn",
        role=Role.CSO,
        scope=City.objects.get(slug="hanoi"),
        full_name="Minh Tran",
    )
    desk = factories.user("desk@asean.example.org", role=Role.SECRETARIAT, full_name="Siti")
    area = FocusArea.objects.order_by("position").first()
    thread = thread_create(
        actor=phuket, focus_area=area, title="Flood early warning", body="How do you warn?"
    )
    post = post_create(actor=hanoi, thread=thread, body="Buy our sirens, 20% off this week!")
    study = case_study_create(
        actor=desk,
        title="Smart street lighting",
        problem="Lights burned all night.",
        solution="They dim when nobody passes.",
        focus_area=area,
        sources=[
            {
                "title": "ASCN case study",
                "publisher": "ASEAN Secretariat",
                "date": "2023-05",
                "url": "https://asean.org/",
            }
        ],
    )
    return {"phuket": phuket, "desk": desk, "post": post, "study": study}


def _phone_as(browser: Browser, live_server, user, device=None) -> Iterator[Page]:
    client = sign_in(Client(), user, device)
    for page in _open_page(browser, viewport=PHONE):
        page.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        yield page


def assert_fits_and_accessible(page: Page) -> None:
    assert page.evaluate(WIDEST) is None, f"{page.url} scrolls sideways: {page.evaluate(WIDEST)}"
    assert violations(page) == [], page.url


@pytest.fixture
def csco_phone(browser, live_server, forum) -> Iterator[Page]:
    yield from _phone_as(browser, live_server, forum["phuket"])


@pytest.fixture
def desk_phone(browser, live_server, forum) -> Iterator[Page]:
    desk = forum["desk"]
    yield from _phone_as(browser, live_server, desk, totp_device(desk))


def test_a_member_reports_a_post_and_the_secretariat_hides_it(
    csco_phone: Page, desk_phone: Page, url, forum, screenshot
):
    post: Post = forum["post"]
    # given the CSCO reads the thread on her phone
    page = csco_phone
    page.goto(url(post.thread.get_absolute_url()))
    # when she reports Minh's post
    page.get_by_role("link", name="Report (post by Minh Tran)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a post")
    assert_fits_and_accessible(page)
    screenshot(page, "report")
    page.get_by_label("Spam or advertising").check()
    page.get_by_label("Anything to add (optional)").fill("An advertisement.")
    page.get_by_role("button", name="Send the report").click()
    # then she is back on the thread, thanked
    expect(page.locator("ul.messages")).to_contain_text("the Secretariat will look at the post")
    expect(page.get_by_text("You flagged this post.")).to_be_visible()
    assert PostFlag.objects.get(post=post).reason == "spam"

    # when the Secretariat opens her workspace, the flagged post is counted
    page = desk_phone
    page.goto(url("/workspace/"))
    card = page.locator("#attention-flagged-posts")
    expect(card.locator(".badge")).to_have_text("1")
    card.get_by_role("link", name="Open the moderation queue").click()
    # and the queue shows the post, its thread and why it was flagged
    expect(page.get_by_role("heading", level=1)).to_have_text("Flagged posts")
    expect(page.get_by_text("Buy our sirens, 20% off this week!")).to_be_visible()
    expect(page.get_by_text("An advertisement.")).to_be_visible()
    assert_fits_and_accessible(page)
    screenshot(page, "queue")
    # when she hides it, saying why
    page.locator("summary", has_text="Hide post").click()
    page.get_by_label("Why hide it? The author is told.").fill("Advertising is not allowed.")
    page.get_by_role("button", name="Hide the post").click()
    # then it leaves the queue
    expect(page.locator("ul.messages")).to_contain_text("The post is hidden")
    expect(page.get_by_text("No flagged post")).to_be_visible()
    post.refresh_from_db()
    assert post.hidden and post.hidden_reason == "Advertising is not allowed."


def test_the_case_study_form_and_page_show_the_sources_on_a_phone(desk_phone: Page, url, forum):
    page = desk_phone
    study = forum["study"]
    page.goto(url(f"/cooperation/case-studies/{study.slug}/edit/"))
    expect(page.get_by_role("group", name="Source 1")).to_be_visible()
    expect(page.locator("#id_sources-0-title")).to_have_value("ASCN case study")
    assert_fits_and_accessible(page)
    page.goto(url(study.get_absolute_url()))
    expect(page.get_by_role("link", name="ASCN case study")).to_be_visible()
    assert_fits_and_accessible(page)
