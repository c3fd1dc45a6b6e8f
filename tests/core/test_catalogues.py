"""The translation catalogues (docs/translation.md): every marked string translated in every
language, no placeholder or HTML tag dropped, every catalogue compiles, and the catalogues hold
exactly what the code marks today (a new string without translations fails here)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from ascn.core.catalogues import LANGUAGE_PLURALS, catalogue_path, label_modules, mismatches

# Reads the code, the templates and the catalogues: the same on either database.
pytestmark = pytest.mark.db_independent

ROOT = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def _entries(lang: str) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(catalogue_path(lang))) if not entry.obsolete]


def test_every_language_offered_has_a_catalogue_with_its_plural_rule():
    assert sorted(LANGUAGES) == sorted(LANGUAGE_PLURALS)
    for lang in LANGUAGES:
        po = polib.pofile(str(catalogue_path(lang)))
        assert po.metadata["Language"] == lang
        assert po.metadata["Plural-Forms"] == LANGUAGE_PLURALS[lang]
        assert "native speaker" in po.header  # says how it was made and invites review


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_is_translated_and_keeps_its_placeholders(lang):
    missing, broken = [], []
    for entry in _entries(lang):
        if not entry.translated() or "fuzzy" in entry.flags:
            missing.append(entry.msgid)
            continue
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            broken += [
                f"{entry.msgid!r}: {p}" for p in mismatches(entry.msgid, entry.msgid_plural, text)
            ]
    assert not missing, f"{len(missing)} strings lack a {lang} translation, e.g. {missing[:5]}"
    assert not broken, f"{lang}: " + "; ".join(broken[:10])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_translation_writes_its_figures_in_the_digits_the_site_writes(lang):
    """The Khmer and Burmese home pages said "៩០ លាននាក់", "၂၀၃၀" in their facts, where
    every other figure of the site, in every language, is in 0-9."""
    native = re.compile("[\u0e50-\u0e59\u0ed0-\u0ed9\u17e0-\u17e9\u1040-\u1049]")
    found = [
        text
        for entry in _entries(lang)
        for text in (list(entry.msgstr_plural.values()) or [entry.msgstr])
        if native.search(text)
    ]
    assert not found, found[:5]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_catalogue_compiles_cleanly(lang, tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt is missing: `make messages` installs Debian's gettext"
    result = subprocess.run(  # noqa: S603 - our own file, a fixed program
        [msgfmt, "--check", "-o", str(tmp_path / "django.mo"), str(catalogue_path(lang))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_the_catalogues_hold_every_string_the_code_marks(tmp_path):
    """`makemessages` run afresh finds no string that the catalogues lack, and the catalogues
    keep no string the code no longer marks."""
    # on a copy of the code without its catalogues: makemessages writes into any "locale"
    # folder it finds beside the files it reads
    copy = tmp_path / "code"
    for folder in ("src", "config"):
        shutil.copytree(
            ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("locale", "__pycache__")
        )
    here = os.getcwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[tmp_path / "out"]):
            call_command("makemessages", locale=["th"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(here)
    fresh = {
        (e.msgctxt or "", e.msgid)
        for e in polib.pofile(str(tmp_path / "out/th/LC_MESSAGES/django.po"))
    }
    for lang in LANGUAGES:
        held = {(e.msgctxt or "", e.msgid) for e in _entries(lang)}
        new = sorted(msgid for _ctx, msgid in fresh - held)
        gone = sorted(msgid for _ctx, msgid in held - fresh)
        assert not new, f"{lang} lacks {len(new)} marked strings (run makemessages), e.g. {new[:5]}"
        assert not gone, f"{lang} holds {len(gone)} strings no longer marked, e.g. {gone[:5]}"


def test_the_data_files_labels_are_in_the_catalogues():
    """The label modules that carry the data files' texts into the catalogues match the files
    (`scripts/catalogue.py labels` rewrites them)."""
    for path, text in label_modules().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is out of date"


def test_a_translated_page_uses_the_catalogue():
    """The compiled catalogues are what Django reads (make compiles them)."""
    for lang in LANGUAGES:
        with translation.override(lang):
            assert translation.gettext("Sign in") != "Sign in", lang
            assert translation.gettext("Civic & Social") != "Civic & Social", lang
