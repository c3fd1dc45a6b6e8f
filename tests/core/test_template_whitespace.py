"""No stray space before punctuation (issue 19: "8 July 2018 , Singapore"): an included
partial no longer brings its file's final line break into the sentence around it."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.template import Context, Template
from django.test import Client

from ascn.agreements.management.commands.load_agreements import load_agreements
from ascn.meetings.management.commands.load_meetings import load_meetings


def visible_text(response) -> str:
    """The page's text as a reader sees it: tags removed *without* adding space (an inline
    ``</time>`` followed by a comma reads "2018,"), whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style|textarea|pre)\b.*?</\1>", " ", body, flags=re.S | re.I)
    body = re.sub(r"<(br|p|li|tr|td|th|div|dt|dd|h\d)\b[^>]*>", " ", body, flags=re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", body)).split())


def test_an_included_partial_adds_no_space_after_it(db):
    rendered = Template(
        '{% include "_date_at_precision.html" with date=d precision="day" %}, Singapore'
    ).render(Context({"d": dt.date(2018, 7, 8)}))
    assert re.sub(r"<[^>]+>", "", rendered) == "8 Jul 2018, Singapore"


@pytest.fixture
def records(network):
    load_meetings()
    load_agreements()


@pytest.mark.parametrize(
    "url", ["/", "/agreements/", "/meetings/", "/timeline/", "/cities/", "/dashboards/"]
)
def test_public_pages_have_no_space_before_punctuation(records, url):
    response = Client().get(url)
    assert response.status_code == 200
    text = visible_text(response)
    stray = re.findall(r"\S{0,30} [,;:.)](?!\.)\S{0,20}", text)
    assert stray == [], stray


def test_the_agreements_say_where_they_were_signed_without_a_stray_space(records):
    text = visible_text(Client().get("/agreements/"))
    assert "8 Jul 2018, Singapore" in text
