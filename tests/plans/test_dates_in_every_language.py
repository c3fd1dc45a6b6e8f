"""A date in a form is written as the browser's date picker reads it (ISO 8601) in every
language: a Thai or Indonesian page wrote "01/03/2025", which the picker showed empty, and
saving the form then erased the project's dates."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings

from tests import factories

pytestmark = pytest.mark.django_db

pytest_plugins = ["tests.roles"]


def inputs(page: str) -> dict[str, str]:
    """The form's fields as the browser would send them back untouched."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if name and kind and kind[1] not in ("checkbox", "radio", "submit", "file"):
            found[name[1]] = value[1] if value else ""
    return found


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_a_forms_dates_are_written_as_the_date_picker_reads_them_in_every_language(roles, language):
    csco = roles.user("cso_phuket")
    project = factories.project(csco, title="Patong smart drainage")
    prefix = "" if language == "en" else f"/{language}"
    session = roles.session("cso_phuket")
    # the project's period, as the edit form shows it: what a browser sends back untouched
    edit = inputs(session.get(f"{prefix}/projects/{project.pk}/edit/").content.decode())
    assert edit["period_start"] == project.period_start.isoformat(), language
    assert edit["period_end"] == project.period_end.isoformat(), language
    # and today, the progress form's first date
    progress = inputs(session.get(f"{prefix}/projects/{project.pk}/progress/").content.decode())
    assert progress["date"] == dt.date.today().isoformat(), language
