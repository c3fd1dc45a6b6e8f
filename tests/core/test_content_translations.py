"""Records in more than one language (core.translations): owners translate a project's texts,
a visitor reads their language where a translation exists and the original, with a note of its
language, where none does; the search finds a record in any of its languages."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.utils import translation

from ascn.core.models import AuditEntry
from ascn.core.search.sql import terms_of
from ascn.indicators.management.commands.load_indicators import load_indicators
from ascn.indicators.models import Indicator
from ascn.network.models import City
from ascn.plans.models import Project
from tests import factories

pytestmark = pytest.mark.django_db

THAI_TITLE = "ระบบระบายน้ำอัจฉริยะ"


@pytest.fixture
def cso(network, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return factories.user("cso@phuket.test", role="cso", scope=City.objects.get(slug="phuket"))


@pytest.fixture
def project(cso):
    return factories.project(cso, title="Smart drainage", visibility="public")


def _translate(client, project, **data):
    return client.post(
        f"/projects/{project.pk}/translations/",
        {"language": "th", "version": project.version, **data},
    )


def test_an_owner_translates_and_a_thai_reader_sees_it(client, cso, project, text):
    client.force_login(cso)
    response = _translate(client, project, title=THAI_TITLE, description="คำอธิบาย")
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.translations == {"th": {"title": THAI_TITLE, "description": "คำอธิบาย"}}
    assert AuditEntry.objects.filter(action="plans.project.translated").exists()
    client.logout()
    thai = text(client.get(f"/th/projects/{project.pk}/"))
    assert THAI_TITLE in thai
    client.cookies.pop("django_language")  # the Thai page remembered Thai in this browser
    english = client.get(f"/projects/{project.pk}/").content.decode()
    assert "<h1>Smart drainage</h1>" in english


def test_the_api_gives_the_original_its_language_and_the_translations(client, cso, project):
    # given the owner's Thai translation of an English project
    client.force_login(cso)
    assert _translate(client, project, title=THAI_TITLE).status_code == 302
    client.logout()
    # when a reader asks the API, even in Thai
    one = client.get(f"/api/v1/projects/{project.pk}", HTTP_ACCEPT_LANGUAGE="th").json()
    # then the record's own words stay the original, with their language, and the
    # translation comes beside them for the reader to pick
    assert (one["title"], one["language"]) == ("Smart drainage", "en")
    assert one["translations"] == {"th": {"title": THAI_TITLE}}
    listed = client.get("/api/v1/projects").json()["items"]
    assert [p["translations"] for p in listed] == [{"th": {"title": THAI_TITLE}}]


def test_without_a_translation_the_original_is_shown_with_its_language(client, project):
    body = client.get(f"/vi/projects/{project.pk}/").content.decode()
    assert '<h1 lang="en">Smart drainage</h1>' in body
    assert 'class="muted small translations-note"' in body


def test_the_search_finds_a_record_in_any_of_its_languages(client, cso, project):
    client.force_login(cso)
    _translate(client, project, title=THAI_TITLE, description="")
    client.logout()
    found = client.get("/api/v1/search", {"q": THAI_TITLE}).json()
    assert any(hit["title"] == "Smart drainage" for hit in found["items"])


def test_only_owners_translate_and_a_refusal_changes_nothing(client, network, project, member):
    response = _translate(client, project, title="ไม่ใช่")
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.translations == {}


def test_a_stale_translation_is_refused_with_409(client, cso, project):
    client.force_login(cso)
    _translate(client, project, title="แรก")
    response = _translate(client, project, title="ที่สอง")  # the version it saw is gone
    assert response.status_code == 409
    project.refresh_from_db()
    assert project.translations["th"]["title"] == "แรก"


def test_a_translation_into_the_original_language_or_too_long_is_refused(client, cso, project):
    client.force_login(cso)
    response = client.post(
        f"/projects/{project.pk}/translations/",
        {"language": "en", "version": project.version, "title": "x"},
    )
    assert response.status_code == 422
    response = _translate(client, project, title="ก" * 201)
    assert response.status_code == 422
    project.refresh_from_db()
    assert project.translations == {}


def test_emptying_every_text_removes_the_translation(client, cso, project):
    client.force_login(cso)
    _translate(client, project, title=THAI_TITLE)
    project.refresh_from_db()
    _translate(client, project, title="", description="")
    project.refresh_from_db()
    assert project.translations == {}


def test_the_owner_names_the_original_language(client, cso, project):
    client.force_login(cso)
    response = client.post(
        f"/projects/{project.pk}/translations/",
        {"record-original": "th", "record-version": project.version},
    )
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).language == "th"
    # an English reader now sees the Thai original marked as Thai
    body = client.get(f"/projects/{project.pk}/").content.decode()
    assert '<h1 lang="th">Smart drainage</h1>' in body


def test_a_search_word_in_thai_khmer_lao_or_burmese_keeps_its_vowel_signs():
    """Those scripts write vowel signs and tone marks (combining marks) inside a word; a query
    split at each of them found nothing on PostgreSQL."""
    # (a run of Thai is found as typed, or as its words in a row, as ICU's dictionary finds
    # them: words.spaced)
    [drainage, smart] = terms_of("ระบบระบายน้ำอัจฉริยะ smart")
    assert drainage.ways == (("ระบบระบายน้ำอัจฉริยะ",), ("ระบบ", "ระบาย", "น้ำ", "อัจฉริยะ"))
    assert smart == "smart"
    assert terms_of("ទីក្រុង") == ["ទីក្រុង"]
    assert terms_of("ປະຊາຊົນ") == ["ປະຊາຊົນ"]
    assert terms_of("မြို့") == ["မြို့"]


def test_the_search_page_shows_a_result_in_the_readers_language(client, cso, project):
    """The search page read "Smart drainage" on a Thai page whose project its owners had
    translated, as it read an indicator's English name on a Vietnamese page; the API keeps
    the record's own words (above), the translations beside them."""
    client.force_login(cso)
    _translate(client, project, title=THAI_TITLE, description="")
    client.logout()
    thai = client.get("/th/search/", {"q": "drainage"}).content.decode()
    headings = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", thai, re.S)]
    assert any(THAI_TITLE in heading for heading in headings), headings
    assert "<mark>ระบาย</mark>" not in thai  # "drainage" is not in the Thai title: no mark
    marked = client.get("/th/search/", {"q": "ระบาย"}).content.decode()
    assert "ระบบ<mark>ระบาย</mark>น้ำอัจฉริยะ" in marked  # the translated title's word marked
    client.cookies.pop("django_language")
    english = client.get("/search/", {"q": "drainage"}).content.decode()
    assert "Smart <mark>drainage</mark>" in english
    api = client.get("/api/v1/search", {"q": "drainage"}, HTTP_ACCEPT_LANGUAGE="th").json()
    assert [hit["title"] for hit in api["items"]] == ["Smart drainage"]


def test_an_indicators_result_is_named_in_the_pages_language(client, network):
    load_indicators()
    pm25 = Indicator.objects.get(code="11.6.2")
    with translation.override("vi"):
        vietnamese = f"{pm25.code} {pm25.label}"
    assert vietnamese != f"{pm25.code} {pm25.name}"  # the catalogue translates it
    page = client.get("/vi/search/", {"q": "particulate", "type": "indicator"})
    assert vietnamese in html_lib.unescape(re.sub(r"<[^>]+>", "", page.content.decode()))
