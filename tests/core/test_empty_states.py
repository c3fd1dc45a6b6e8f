"""Empty lists that help (issue 19): on every list that can be empty, the page says what the
section is for and who adds the first entry — and, to a viewer who may, offers the way to."""

from __future__ import annotations

import pytest
from lxml import html

from ascn.network.models import FocusArea

pytest_plugins = ["tests.roles"]


def empty_state(response) -> str:
    """The text of the page's empty-state box (components/empty_state.html); fails if none."""
    assert response.status_code == 200, response.status_code
    boxes = html.fromstring(response.content).find_class("empty-state")
    assert boxes, "no empty state on the page"
    return " ".join(" ".join(box.text_content().split()) for box in boxes)


@pytest.mark.parametrize(
    ("who", "url", "says"),
    [
        ("cso_phuket", "/projects/", ["No project is on record yet", "Add the first project"]),
        ("anonymous", "/projects/", ["No project is on record yet", "Chief Smart City Officer"]),
        ("cso_phuket", "/plans/", ["No action plan to show", "Start an action plan"]),
        ("nr_th", "/plans/queue/", ["Nothing is waiting for you", "you are notified"]),
        ("anonymous", "/programmes/", ["No funding programme", "The Secretariat and partner"]),
        ("cso_phuket", "/accounts/notifications/", ["No notification yet", "a plan to endorse"]),
        ("cso_phuket", "/accounts/tokens/", ["You have no token yet", "revoke it"]),
        ("cso_phuket", "/projects/import/", ["No import yet", "the cells to fix"]),
        ("partner_adb", "/engagements/", ["No deal you may see yet", "Matches list"]),
        ("cso_phuket", "/workspace/", ["no action plan on the platform yet", "No project yet"]),
        ("nr_th", "/workspace/", ["No plan is waiting for your endorsement"]),
        ("anonymous", "/search/?q=zqxjvw", ["Nothing you may see matches", "Signed-in members"]),
    ],
)
def test_an_empty_list_says_what_it_is_for_and_who_adds_to_it(roles, client, who, url, says):
    session = client if who == "anonymous" else roles.session(who)
    shown = empty_state(session.get(url))
    for words in says:
        assert words in shown


def test_the_add_button_is_offered_only_to_who_may_add(roles, client):
    assert "Add the first project" not in empty_state(client.get("/projects/"))
    assert "Add the first project" in empty_state(roles.session("cso_phuket").get("/projects/"))


def test_an_empty_forum_invites_the_first_discussion(roles):
    area = FocusArea.objects.order_by("code").first()
    shown = empty_state(roles.session("cso_phuket").get(f"/cooperation/forum/{area.code}/"))
    assert "No discussion yet" in shown and area.name in shown
    assert "start the first discussion" in shown
