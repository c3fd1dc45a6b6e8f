"""Checking the rows of a project spreadsheet, without writing anything.

Each row is checked in two steps. Its cells are *read*: a code or the name written instead
(in any case), a number with its thousands separators, a date, a list separated by ``;``, the
city by its code and whether the person may add projects there. What was read is then
*checked* by the rules of a project (``plans.validation.PROJECT``), the same rules the form,
the API and ``project_create`` apply, and by what only an import can know: a title repeated
in the file or already taken in its city. Every problem is a ``RowError`` in its row and
column; ``services.import_job_run`` saves the rows only when there is none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ascn.network.models import City, FocusArea, Outcome
from ascn.opendata.imports.columns import COLUMN_NAMES, RowError, row_error, worded
from ascn.opendata.imports.reading import Table, amount_cell, list_cell, number_cell
from ascn.opendata.spreadsheets import cell_text
from ascn.plans import codelists, validation
from ascn.plans.models import FinancingInstrument, Project
from ascn.plans.permissions import project_policy

# The cells that together make a project's one location.
LOCATION_COLUMNS = {"location_description": "description", "lat": "lat", "lon": "lon"}


class Unreadable(ValueError):
    """A cell that cannot be read, and what to write instead (one message an item)."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = messages


@dataclass(frozen=True)
class Codes:
    """The codes a column may hold, each also found by the other words given for it (a name,
    a title, the code in another case), compared case-insensitively."""

    codes: tuple[str, ...]
    other_words: Mapping[str, str]  # casefolded word → code
    unknown: Any  # the message for a word that is none of them: %(item)s, %(codes)s

    @classmethod
    def of(
        cls,
        names: Mapping[str, Any],
        unknown: Any,
        *,
        codes_any_case: bool = True,
        aliases: Mapping[str, str] | None = None,
    ) -> Codes:
        """``names``: code → its name (or title); the code in another case is found too
        unless told, and the ``aliases`` (word → code)."""
        words = {str(name).casefold(): code for code, name in names.items()}
        if codes_any_case:
            words |= {code.casefold(): code for code in names}
        return cls(tuple(names), words | dict(aliases or {}), unknown)

    def read(self, word: str) -> str:
        code = word if word in self.codes else self.other_words.get(word.casefold())
        if code is None:
            raise Unreadable(self.unknown % {"item": word, "codes": ", ".join(self.codes)})
        return code

    def read_all(self, value: Any) -> list[str]:
        found, problems = [], []
        for item in list_cell(value):
            try:
                found.append(self.read(item))
            except Unreadable as exc:
                problems.extend(exc.messages)
        if problems:
            raise Unreadable(*problems)
        return list(dict.fromkeys(found))


@dataclass
class CheckedRow:
    row: int
    values: dict[str, Any]  # keyword arguments for plans.services.project_create


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A reader of one cell that leaves a blank one as None."""
    return lambda value: None if _blank(value) else read(value)


class RowChecker:
    """Checks rows against the codelists, the network and what ``actor`` may do.

    The lookups (cities, focus areas, outcomes, titles already taken) are read once.
    """

    def __init__(self, actor, table: Table):
        self.actor = actor
        self.cities = {city.slug: city for city in City.objects.select_related("member_state")}
        self.city_by_name = {city.name.casefold(): city.slug for city in self.cities.values()}
        codelist = codelists.codelist
        lists = {
            "focus_areas": Codes.of(
                dict(FocusArea.objects.values_list("code", "name")),
                gettext_lazy("Unknown focus area “%(item)s”; use %(codes)s"),
                codes_any_case=False,
            ),
            "outcomes": Codes.of(
                dict(Outcome.objects.values_list("code", "name")),
                gettext_lazy("Unknown outcome “%(item)s”; use %(codes)s"),
                codes_any_case=False,
            ),
            "sectors": Codes.of(
                codelist(codelists.PROJECT_SECTOR),
                gettext_lazy(
                    "Unknown OC4IDS sector “%(item)s” (see the codes sheet of the template)"
                ),
            ),
            "financing_sought": Codes.of(
                dict(FinancingInstrument.choices),
                gettext_lazy("Unknown instrument “%(item)s”; use %(codes)s"),
                aliases={code.replace("_", " "): code for code in FinancingInstrument.values},
            ),
        }
        single = {
            "status": Codes.of(
                codelist(codelists.PROJECT_STATUS),
                gettext_lazy("Unknown status “%(item)s”; use %(codes)s"),
            ),
            "project_type": Codes.of(
                codelist(codelists.PROJECT_TYPE),
                gettext_lazy("Unknown project type “%(item)s”; use %(codes)s"),
            ),
            "budget_currency": Codes(  # by its code only, in any case
                tuple(codelist(codelists.CURRENCY)),
                {code.casefold(): code for code in codelist(codelists.CURRENCY)},
                gettext_lazy("Unknown currency “%(item)s”"),
            ),
        }
        # column → how its cell is read (a blank cell: None, or an empty list)
        self.readers: dict[str, Callable[[Any], Any]] = {
            "city": self._city,
            "title": cell_text,
            "description": cell_text,
            **{column: codes.read_all for column, codes in lists.items()},
            **{
                column: _cell(lambda v, c=codes: c.read(cell_text(v)))
                for column, codes in single.items()
            },
            "sdg_targets": lambda value: [item.lower() for item in list_cell(value)],
            "budget_amount": _cell(amount_cell),
            "funding_secured": _cell(amount_cell),
            "period_start": _cell(validation.as_given),  # a date, or text: the rule reads it
            "period_end": _cell(validation.as_given),
            "location_description": cell_text,
            "lat": _cell(lambda value: float(number_cell(value))),
            "lon": _cell(lambda value: float(number_cell(value))),
        }
        self.allowed_city_ids: dict[int, bool] = {}
        slugs = {cell_text(values.get("city")).lower() for _row, values in table.rows}
        wanted = [self.cities[slug].pk for slug in slugs if slug in self.cities]
        # Compared case-insensitively in Python: SQLite's LOWER() folds only ASCII letters. The
        # city's titles are read in chunks and only the file's are kept, so what an import holds
        # does not grow with the city's projects (thousands of them).
        in_file = {cell_text(values.get("title")).casefold() for _row, values in table.rows}
        self.taken_titles = {
            (city_id, folded)
            for city_id, title in Project.objects.filter(city_id__in=wanted)
            .values_list("city_id", "title")
            .iterator(chunk_size=2000)
            if (folded := title.casefold()) in in_file
        }
        self.seen_titles: dict[tuple[int, str], int] = {}

    def _may_import_into(self, city: City) -> bool:
        if city.pk not in self.allowed_city_ids:
            self.allowed_city_ids[city.pk] = project_policy.can(
                self.actor, "change", Project(city=city)
            )
        return self.allowed_city_ids[city.pk]

    def _city(self, value: Any) -> City:
        """The city by its code, if the person may add projects there."""
        slug = cell_text(value).lower()
        city = self.cities.get(slug)
        if not slug:
            raise Unreadable(worded("required", "city") or "")
        if city is None:
            by_name = self.city_by_name.get(slug.casefold())
            if by_name:
                raise Unreadable(
                    _("Use the city's code “%(slug)s”, not its name") % {"slug": by_name}
                )
            raise Unreadable(_("Unknown city code “%(slug)s”") % {"slug": slug})
        if not self._may_import_into(city):
            raise Unreadable(
                _("You may not add projects for %(city)s: only for cities you are an officer of")
                % {"city": city.name}
            )
        return city

    def _read(self, row: int, raw: dict[str, Any]) -> tuple[dict[str, Any], list[RowError]]:
        """Every cell read: the values read, and the cells that could not be."""
        values, errors = {}, []
        for column, read in self.readers.items():
            try:
                values[column] = read(raw.get(column))
            except Unreadable as exc:
                errors += [RowError(row, column, message) for message in exc.messages]
            except ValueError as exc:
                errors.append(RowError(row, column, str(exc)))
        return values, errors

    def check(self, row: int, raw: dict[str, Any]) -> tuple[CheckedRow | None, list[RowError]]:
        read, errors = self._read(row, raw)
        unread = {error.column for error in errors}
        given = {
            column: value
            for column, value in read.items()
            if column in validation.PROJECT.fields
            and (column in validation.PROJECT_REQUIRED or value not in (None, "", []))
        }
        place = {
            key: read[column]
            for column, key in LOCATION_COLUMNS.items()
            if read.get(column) not in (None, "")
        }
        if place and not unread & set(LOCATION_COLUMNS):
            given["locations"] = [place]
        clean, problems = validation.PROJECT.problems(given)
        errors += [row_error(row, problem) for problem in problems]
        city = read.get("city")
        if city is not None and "title" in clean:
            errors += self._title_taken(row, city, clean["title"])
        if errors:
            return None, sorted(errors, key=lambda error: _column_order(error.column))
        return CheckedRow(row, {"city": city, **clean}), []

    def _title_taken(self, row: int, city: City, title: str) -> list[RowError]:
        key = (city.pk, title.casefold())
        if key in self.taken_titles:
            message = _("%(city)s already has a project with this title") % {"city": city.name}
        elif key in self.seen_titles:
            message = _("Same city and title as row %(row)s") % {"row": self.seen_titles[key]}
        else:
            self.seen_titles[key] = row
            return []
        return [RowError(row, "title", message)]


def _column_order(column: str) -> int:
    return COLUMN_NAMES.index(column) if column in COLUMN_NAMES else len(COLUMN_NAMES)
