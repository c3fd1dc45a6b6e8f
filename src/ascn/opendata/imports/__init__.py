"""Importing projects from a spreadsheet (CSV, XLSX): its columns, reading a file, checking
its rows, and the template to fill in.

Nothing here writes to the database: ``services.import_job_run`` saves what ``RowChecker``
found clean, through ``plans.services.project_create``. Every problem is a ``RowError`` a
person can act on: the row number as the spreadsheet shows it (the header is row 1), the
column, and what to change.

* ``columns`` — the columns, the limits of an upload, a problem placed in its column;
* ``reading`` — a file into a ``Table`` (CSV or XLSX, by content), a cell into its value;
* ``checking`` — each row read and checked by the rules of a project (``plans.validation``);
* ``template`` — the CSV and XLSX templates.
"""

from ascn.opendata.imports.checking import CheckedRow, RowChecker
from ascn.opendata.imports.columns import (
    COLUMN_NAMES,
    COLUMNS,
    REQUIRED_COLUMNS,
    Column,
    RowError,
    background_rows,
    column_for_field,
    examples,
    max_bytes,
    max_rows,
    row_error,
)
from ascn.opendata.imports.reading import Table, detect_format, read_table
from ascn.opendata.imports.template import template_csv, template_rows, template_xlsx

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "REQUIRED_COLUMNS",
    "CheckedRow",
    "Column",
    "RowChecker",
    "RowError",
    "Table",
    "background_rows",
    "column_for_field",
    "detect_format",
    "examples",
    "max_bytes",
    "max_rows",
    "read_table",
    "row_error",
    "template_csv",
    "template_rows",
    "template_xlsx",
]
