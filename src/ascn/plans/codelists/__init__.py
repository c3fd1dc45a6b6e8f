"""The OC4IDS 0.9.5 codelists the platform speaks, read once from the CSVs beside this file."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

HERE = Path(__file__).parent


@functools.cache
def codelist(name: str) -> dict[str, str]:
    """``{code: title}`` of one codelist, in the file's order."""
    with (HERE / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return {row["Code"]: row["Title"] for row in csv.DictReader(handle)}


def choices(name: str) -> list[tuple[str, str]]:
    return list(codelist(name).items())


PROJECT_STATUS = "projectStatus"
PROJECT_TYPE = "projectType"
PROJECT_SECTOR = "projectSector"
MILESTONE_STATUS = "milestoneStatus"
MILESTONE_TYPE = "milestoneType"
MILESTONE_CODE = "milestoneCode"
DOCUMENT_TYPE = "documentType"
CURRENCY = "currency"
