"""The M&E report on a phone in Thai, in Debian's Chromium (as ``tests/e2e/test_phone_width``
checks other pages' tables): its column headings break only at their spaces, never inside a
word, and the page does not scroll sideways — a wide table scrolls in its own box.

Thai writes a heading's words without spaces between them. Squeezed to a phone's width, a
table gave each column its narrowest width, and the heading broke at every break Chromium's
dictionary allows, some inside a word ("การเตรี|ยม" for การเตรียม, "ตัว|ชี้|วัด").
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import _open_page

pytestmark = [pytest.mark.e2e, pytest.mark.rendering]

PHONE = {"width": 390, "height": 844}

# The phrases (between spaces) of the report's column headings that are drawn on more than
# one line: a break inside a phrase is a break between two letters of one of its words, or
# between words the dictionary splits wrongly.
BROKEN_HEADINGS = """() => {
  const broken = [];
  for (const th of document.querySelectorAll("main .report-table thead th")) {
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const phrase of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, phrase.index);
        range.setEnd(node, phrase.index + phrase[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(phrase[0]);
      }
    }
  }
  return broken;
}"""

SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def phone_page(browser):
    yield from _open_page(browser, viewport=PHONE)


def test_the_reports_headings_break_only_between_words_on_a_phone_in_thai(
    phone_page,
    live_server,
    live_network,
):
    page = phone_page
    page.goto(f"{live_server.url}/th/reports/me/")
    page.evaluate("document.fonts.ready")
    assert page.locator("main .report-table thead th").count() > 20
    assert page.evaluate(BROKEN_HEADINGS) == []
    assert page.evaluate(SIDEWAYS) <= 0
