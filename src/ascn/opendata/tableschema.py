"""A Table Schema (https://datapackage.org/standard/table-schema/) written in Python: a
table's fields, its primary key and foreign keys, given as the Data Package descriptor and
as the rows of a data dictionary sheet. The open data's schemas are in ``dictionary``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

# The codes a column allows, with their labels, read when asked (some are data).
Codes = Callable[[], list[tuple[str, str]]]


def choices(enum: Any) -> Codes:
    """A field's codes from a model's choices (``TextChoices``), read when asked."""
    return lambda: [(str(code), str(label)) for code, label in enum.choices]


SEPARATOR = ";"  # between the codes of a column that holds several


NUMBER_TYPES = ("number", "integer", "year")  # the cells a reuser adds up


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a Table Schema type: string, integer, number, boolean, date, year
    description: Any
    unit: Any = ""
    codes: Codes | None = None
    several: bool = False  # several codes in one cell, separated by SEPARATOR
    required: bool = False
    pattern: str = ""

    def allowed(self) -> list[tuple[str, str]]:
        return self.codes() if self.codes else []

    def constraints(self) -> dict[str, Any]:
        found: dict[str, Any] = {"required": True} if self.required else {}
        codes = [code for code, _label in self.allowed()]
        if self.codes and self.several:
            one = "(" + "|".join(re.escape(code) for code in codes) + ")"
            found["pattern"] = f"{one}({re.escape(SEPARATOR)}{one})*"
        elif self.codes:
            found["enum"] = codes
        elif self.pattern:
            found["pattern"] = self.pattern
        return found

    def json_value(self, cell: Any) -> Any:
        """The cell as the JSON download gives it: a number, an integer or a year as a JSON
        number and an empty cell of any type but text as null, as a reuser reads them; text
        as it is. (The CSV's cells are text: ``"800000.00"``, ``""``.)"""
        if cell == "" and self.type != "string":
            return None
        number = self.sheet_value(cell)
        if isinstance(number, Decimal) and self.type == "number":
            return int(number) if number == number.to_integral_value() else float(number)
        if isinstance(number, int) and not isinstance(number, bool):
            return number
        if isinstance(cell, dt.date):
            return cell.isoformat()
        return str(cell) if isinstance(cell, Decimal) else cell

    def sheet_value(self, cell: Any) -> Any:
        """The cell as the XLSX download gives it: a number or an integer as a number a
        spreadsheet adds up (an amount keeps its two decimals), an empty one empty; the
        rest as the CSV writes it. (``json_value`` types its numbers from this.)"""
        if self.type not in NUMBER_TYPES or cell in (None, "") or isinstance(cell, bool):
            return cell
        return Decimal(str(cell)) if self.type == "number" else int(cell)

    def descriptor(self) -> dict[str, Any]:
        """The field as Table Schema writes it; ``unit`` is this platform's extension."""
        item: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "description": str(self.description),
        }
        if self.unit:
            item["unit"] = str(self.unit)
        if self.codes and not self.several:
            item["categories"] = [{"value": c, "label": label} for c, label in self.allowed()]
        if constraints := self.constraints():
            item["constraints"] = constraints
        return item


@dataclass(frozen=True)
class ForeignKey:
    field: str
    resource: str  # a dataset's key
    reference: str  # the field of that dataset

    def descriptor(self) -> dict[str, Any]:
        return {
            "fields": [self.field],
            "reference": {"resource": self.resource, "fields": [self.reference]},
        }


@dataclass(frozen=True)
class Schema:
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()

    def __post_init__(self) -> None:
        known = set(self.names)
        named = [*self.primary_key, *(fk.field for fk in self.foreign_keys)]
        if len(known) != len(self.fields) or not known.issuperset(named):
            raise ValueError(f"A schema names a field twice or one it does not have: {named}")

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def descriptor(self) -> dict[str, Any]:
        """The Table Schema of the dataset's CSV."""
        schema: dict[str, Any] = {"fields": [f.descriptor() for f in self.fields]}
        if self.primary_key:
            schema["primaryKey"] = list(self.primary_key)
        if self.foreign_keys:
            schema["foreignKeys"] = [fk.descriptor() for fk in self.foreign_keys]
        return schema

    def json_items(self, header: list[str], rows: list[list[Any]]) -> list[dict[str, Any]]:
        """The rows as the JSON download's items, each cell typed by its field."""
        typed = self._typed(header, rows, Field.json_value)
        return [dict(zip(self.names, row, strict=True)) for row in typed]

    def sheet_rows(self, header: list[str], rows: list[list[Any]]) -> list[list[Any]]:
        """The rows as the XLSX download's cells, each typed by its field."""
        return self._typed(header, rows, Field.sheet_value)

    def _typed(
        self, header: list[str], rows: list[list[Any]], value: Callable[[Field, Any], Any]
    ) -> list[list[Any]]:
        """Each cell as ``value`` of its field gives it, the columns being the schema's."""
        if header != self.names:
            raise ValueError(f"The columns {header} are not the schema's {self.names}")
        return [[value(f, cell) for f, cell in zip(self.fields, row, strict=True)] for row in rows]

    def dictionary_rows(self) -> list[list[str]]:
        """The data dictionary as a sheet: a header and one row per column."""
        references = {fk.field: fk for fk in self.foreign_keys}
        header = [_("field"), _("type"), _("description"), _("unit"), _("allowed values")]
        rows = [[str(word) for word in header]]
        for f in self.fields:
            allowed = "\n".join(f"{code}: {label}" for code, label in f.allowed())
            if f.name in references:
                ref = references[f.name]
                allowed = str(_("A value of the column %(field)s of the %(dataset)s dataset.")) % {
                    "field": ref.reference,
                    "dataset": ref.resource,
                }
            elif f.several and allowed:
                allowed = str(_("One or more of these codes, separated by ;")) + "\n" + allowed
            elif f.pattern:
                allowed = str(_("Matching the regular expression %(pattern)s")) % {
                    "pattern": f.pattern
                }
            written_as = TYPE_WRITTEN_AS.get(f.type)
            kind = f"{f.type} ({written_as})" if written_as else f.type
            rows.append([f.name, kind, str(f.description), str(f.unit), allowed])
        return rows


# How a cell of a type is written, for a person reading the dictionary sheet.
TYPE_WRITTEN_AS = {"date": "YYYY-MM-DD", "year": "YYYY", "boolean": "True / False"}


def fields_in_order(names: list[str], fields: list[Field]) -> tuple[Field, ...]:
    """``fields`` in the order of ``names``; each name described exactly once."""
    by_name = {f.name: f for f in fields}
    if sorted(by_name) != sorted(names) or len(by_name) != len(fields):
        raise ValueError(f"The fields {sorted(by_name)} are not the columns {sorted(names)}")
    return tuple(by_name[name] for name in names)
