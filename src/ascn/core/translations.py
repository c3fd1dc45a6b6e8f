"""Records written in more than one language (docs/translation.md, "Content in more than one
language").

A project, an action plan, a case study or a meeting is written in its owner's language (the
record's ``language``); its owners may add translations of its texts (``translations``:
``{"th": {"title": "…", "description": "…"}}``). A page shows the visitor's language where a
translation exists, otherwise the original with a note of its language (``shown``); the search
indexes every language (``texts``).

Why not django-modeltranslation or django-parler: both assume one site-wide default language
whose field is the original. Here the original is in whichever language its city writes, and a
translation is an addition by the owner, kept beside the record (one JSON column: no join to
read a page or a list, no column per language).

Each app registers its translatable records (``register``) with who may translate them; the
page and the service here serve them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ascn.core.errors import InvalidInput, PermissionDenied
from ascn.core.models import Translatable, VersionedModel
from ascn.core.permissions import ScopedPolicy
from ascn.core.services import lock_version, save_fields

if TYPE_CHECKING:
    from ascn.core.types import Actor


@dataclass(frozen=True)
class Shown:
    """A text as a page shows it: in the visitor's language when a translation exists."""

    text: str
    language: str  # the language the text is in
    translated: bool  # a translation, not the original
    foreign: bool  # in another language than the page's (the page names it and marks it up)

    @property
    def language_name(self) -> str:
        return _(LANG_INFO.get(self.language, {}).get("name", self.language))

    def __str__(self) -> str:
        return self.text


def shown(obj: Translatable, field: str) -> Shown:
    original = getattr(obj, field) or ""
    page = translation.get_language() or settings.LANGUAGE_CODE
    if page != obj.language:
        text = (obj.translations or {}).get(page, {}).get(field)
        if text:
            return Shown(text, page, translated=True, foreign=False)
    return Shown(original, obj.language, translated=False, foreign=page != obj.language)


@dataclass(frozen=True)
class Target:
    """A kind of record that may be translated: its model, who may translate one, and the
    records a person may see."""

    kind: str
    model: type[Translatable]
    may_translate: Callable[[Actor, Any], bool]
    visible: Callable[[Actor], models.QuerySet]
    lookup: str = "slug"

    @classmethod
    def of_policy(
        cls, kind: str, policy: ScopedPolicy[Any], records: models.QuerySet, *, lookup: str = "slug"
    ) -> Target:
        """A kind of record that those who may change one translate, and of which a person
        sees the ``records`` that ``policy`` shows them."""
        return cls(
            kind=kind,
            model=records.model,
            may_translate=lambda user, obj: policy.can(user, "change", obj),
            visible=lambda user: policy.visible(user, records.all()),
            lookup=lookup,
        )


TARGETS: dict[str, Target] = {}


def register(target: Target) -> None:
    TARGETS[target.kind] = target


def language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def require_language(code: str, field: str = "language") -> str:
    """``code`` when it is one of the platform's languages; refused otherwise."""
    if code not in language_codes():
        raise InvalidInput(_("Choose one of the platform's languages."), field=field)
    return code


def _require_translator(actor: Actor, kind: str, obj: Translatable, language: str) -> None:
    """Refuse anyone but the record's owners, and a language the platform does not offer."""
    if not TARGETS[kind].may_translate(actor, obj):
        raise PermissionDenied(_("Only the record's owners may translate it."))
    require_language(language)


@transaction.atomic
def translation_save(
    *,
    actor: Actor,
    kind: str,
    obj: Translatable,
    language: str,
    values: dict[str, str],
    version: int | None,
) -> Translatable:
    """Write (or, with every text empty, remove) one language's translation of ``obj``."""
    _require_translator(actor, kind, obj, language)
    if language == obj.language:
        raise InvalidInput(
            _("This is the language the record is written in: edit the record itself."),
            field="language",
        )
    unknown = set(values) - set(obj.translated_fields)
    if unknown:
        raise InvalidInput(_("These texts cannot be translated: %s") % ", ".join(sorted(unknown)))
    for field, text in values.items():
        limit = getattr(obj._meta.get_field(field), "max_length", None)
        if limit and len(text) > limit:
            raise InvalidInput(_("At most %(limit)d characters.") % {"limit": limit}, field=field)
    locked: Any = lock_version(cast("VersionedModel", obj), version)
    translations = dict(locked.translations or {})
    kept = {field: text.strip() for field, text in values.items() if text and text.strip()}
    if kept:
        translations[language] = kept
    else:
        translations.pop(language, None)
    if translations != (locked.translations or {}):
        save_fields(
            actor,
            f"{locked._meta.app_label}.{locked._meta.model_name}.translated",
            locked,
            translations=translations,
        )
    return locked


@transaction.atomic
def original_language_set(
    *, actor: Actor, kind: str, obj: Translatable, language: str, version: int | None
) -> Translatable:
    """Say which language the record itself is written in (a translation into that language,
    if any, is dropped: the original is that language's text)."""
    _require_translator(actor, kind, obj, language)
    locked: Any = lock_version(cast("VersionedModel", obj), version)
    if locked.language != language:
        translations = {k: v for k, v in (locked.translations or {}).items() if k != language}
        save_fields(
            actor,
            f"{locked._meta.app_label}.{locked._meta.model_name}.translated",
            locked,
            language=language,
            translations=translations,
        )
    return locked
