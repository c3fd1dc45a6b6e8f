"""What the search indexes, as the apps declare it (NetBox's ``register_search``).

Each app says what it indexes in its own ``search.py`` — imported at start-up by
``CoreConfig.ready`` — by registering a ``Source`` per searchable type, and the readable
names of the facet values it owns (``register_facet_labels``). The engine knows no app: it
reads this registry.

A ``Source`` says which model it reads, the queryset that loads its records with what the
entry needs (for ``rebuild`` and for re-reading one record), and how one record turns into
the fields of a ``SearchEntry``. Two maps say when *other* records' changes alter its
entries:

* ``parts``: a record of another model that is part of an entry (an agenda item of a
  meeting) → the records whose entries to re-read;
* ``follows``: a record whose name is in the text of many entries (a city, a member state)
  → the condition on this type's model that finds them, re-read in batches.

Only what the record's readers may see goes into an entry: a person's name, role,
designation and city — never their e-mail or phone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.utils import translation

from ascn.core import formats, translations

BODY_LIMIT = 20_000  # characters of text per entry; a tsvector holds at most 1 MB
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # the highlight marks are \x02 and \x03


# --- helpers for the apps' entries -----------------------------------------------------


def clean(text: Any, limit: int | None = None) -> str:
    text = _CONTROL.sub(" ", str(text or ""))
    return text[:limit] if limit else text


def joined(*parts: Any) -> str:
    """An entry's text: the non-empty parts, one per line."""
    return "\n".join(clean(p) for p in parts if p)


def named(name: str, alt_names: str = "") -> str:
    """An entry's title with the record's other names after it, "Asian Development Bank
    (ADB)": a search for another name then ranks the record with the title matches, and the
    reader sees why it was found."""
    if not alt_names:
        return name
    if name.endswith(")"):  # "… Tourism (Japan)": one pair of brackets, "(Japan; MLIT)"
        return f"{name[:-1]}; {alt_names})"
    return f"{name} ({alt_names})"


def translated_titles(
    queryset: Callable[[], QuerySet[Any]], lookup: str = "pk"
) -> Callable[[list[str]], dict[str, str]]:
    """``Source.titles`` of a ``Translatable`` record: its title translated into the page's
    language where its owners did, by ``lookup`` (the entries' ref)."""

    def titles(refs: list[str]) -> dict[str, str]:
        found = {}
        chosen = queryset().filter(**{f"{lookup}__in": refs})
        for record in chosen.only(lookup, "title", "language", "translations"):
            shown = translations.shown(record, "title")
            if shown.translated:
                found[str(getattr(record, lookup))] = shown.text
        return found

    return titles


def in_index_language() -> bool:
    """Whether the active language is the one the index is written in (``LANGUAGE_CODE``,
    whoever's request writes it: ``index._entry_values``); a page in another reads its
    results' entries again in its own (``engine._snippets_shown``)."""
    return translation.get_language() == settings.LANGUAGE_CODE


def figure(value: Decimal) -> str:
    """A number in an entry's text: as typed in the index ("1234.5", found as typed), in the
    reader's style where a page reads the entry again in its language ("1.234,5")."""
    return f"{value.normalize():f}" if in_index_language() else formats.number(value)


def codes_text(codes: Iterable[str]) -> str:
    """Codes as the index stores them for ``LIKE`` filters: ``|a|b|``, or "" for none."""
    unique = sorted({c for c in codes if c})
    return f"|{'|'.join(unique)}|" if unique else ""


# --- the registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    kind: str
    label: Any  # translatable name of the type
    model: str  # app_label.ModelName
    queryset: Callable[[], QuerySet[Any]]
    entry: Callable[[Any], dict[str, Any] | None]  # None: not searchable (e.g. no office)
    parts: Mapping[str, Callable[[Any], Iterable[Model]]] = field(default_factory=dict)
    follows: Mapping[str, Callable[[Any], Q]] = field(default_factory=dict)
    # The titles of some of its entries (by ref) as the page's language writes them, where
    # they differ from the index's one language: a catalogue's names, a record's translation.
    # Read for the results a page shows, never for matching (the index holds every language).
    titles: Callable[[list[str]], Mapping[str, str]] | None = None

    @property
    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)

    @property
    def model_label(self) -> str:
        return self.model.lower()


_sources: dict[str, Source] = {}
_facet_labels: dict[str, list[Callable[[], Mapping[str, Any]]]] = {}
NameProvider = Callable[[], Mapping[str, Iterable[str]]]
_country_names: list[NameProvider] = []


def register(source: Source) -> Source:
    """Index ``source.kind`` (from the app's ``search.py``). Registering again replaces it."""
    _sources[source.kind] = source
    return source


def register_facet_labels(facet: str, labels: Callable[[], Mapping[str, Any]]) -> None:
    """Readable names of some values of a facet (``country``, ``focus_area``, ``status``),
    read when a search shows its facets; several apps may name values of one facet."""
    providers = _facet_labels.setdefault(facet, [])
    if labels not in providers:
        providers.append(labels)


def register_country_names(names: NameProvider) -> None:
    """Names that the index writes for some countries, by ISO 3166-1 code, beside the CLDR
    names the search already knows (``words``): the registry's "Viet Nam" and "Lao PDR".
    Read when a query is cut into terms."""
    if names not in _country_names:
        _country_names.append(names)


def country_names() -> dict[str, list[str]]:
    """Every registered name of a country, by code (``register_country_names``)."""
    return _names_of(_country_names, str.upper)


def _names_of(
    providers: Iterable[NameProvider], key: Callable[[str], str] = str
) -> dict[str, list[str]]:
    """The names the ``providers`` give, by ``key`` of theirs, several providers' together."""
    found: dict[str, list[str]] = {}
    for provider in providers:
        for code, names in provider().items():
            found.setdefault(key(code), []).extend(names)
    return found


_thing_names: list[NameProvider] = []


def register_names(names: NameProvider) -> None:
    """The names of things the index writes in one language and a reader may type in
    another, by a key of the app's (an ASCF focus area: "Keselamatan dan Keamanan" on an
    Indonesian page for the index's "Safety & Security"): a query naming one in any of them
    finds what its other names find, as a country's (``words.terms``). The keys of two apps
    must not meet: prefix them ("focus_area:safety-security")."""
    if names not in _thing_names:
        _thing_names.append(names)


def thing_names() -> dict[str, list[str]]:
    """Every registered name of a thing, by its key (``register_names``)."""
    return _names_of(_thing_names)


def sources() -> dict[str, Source]:
    """Every registered type, by kind, in the order of their kinds."""
    return {kind: _sources[kind] for kind in sorted(_sources)}


def kinds() -> list[str]:
    return sorted(_sources)


def source(kind: str) -> Source:
    return _sources[kind]


def source_for(obj: Model) -> Source | None:
    label = obj._meta.label_lower
    return next((s for s in _sources.values() if s.model_label == label), None)


def entries_with_part(obj: Model) -> list[Model]:
    """The indexed records whose entries hold ``obj`` as a part."""
    label = obj._meta.label_lower
    found: list[Model] = []
    for each in _sources.values():
        if label in each.parts:
            found += [record for record in each.parts[label](obj) if record is not None]
    return found


def entry_sets_following(obj: Model) -> list[tuple[str, Q]]:
    """``(kind, condition)`` of the entries whose text holds ``obj``'s name."""
    label = obj._meta.label_lower
    return [(kind, s.follows[label](obj)) for kind, s in sources().items() if label in s.follows]


def concerns(obj: Model) -> bool:
    """Whether a write of ``obj`` can change an entry: an indexed record, a part of one, or
    a record whose name entries hold."""
    label = obj._meta.label_lower
    return any(
        s.model_label == label or label in s.parts or label in s.follows for s in _sources.values()
    )


def part_models() -> set[str]:
    return {label for s in _sources.values() for label in s.parts}


def labels_for(facet: str) -> dict[str, Any]:
    """Readable names of a facet's values (the values themselves are stable codes)."""
    if facet == "type":
        return {kind: s.label for kind, s in sources().items()}
    labels: dict[str, Any] = {}
    for provider in _facet_labels.get(facet, []):
        labels.update(provider())
    return labels
