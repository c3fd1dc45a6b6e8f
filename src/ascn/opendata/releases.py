"""Dated releases of the open data (issue 20): what a release holds, how it differs from the
one before, and reading releases back.

A release is every dataset of the catalogue (``catalogue.datasets``) as its CSV download
was on one date: the same bytes as ``/data/<key>.csv`` then, so only public records. Each
row has a key — the project's id for projects, else the primary key its schema declares
(``dictionary``), else its ``KEY_COLUMNS``, else its first column — and two releases are
compared row by row under those keys: a key only in the newer release is a row added, only
in the older one a row removed, in both with other cells (in the columns both have) a row
changed.

The writing is ``services.release_make``; this module builds and reads.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation

from ascn.opendata import catalogue, dictionary, spreadsheets, tables
from ascn.opendata.models import Release, ReleaseContent, ReleaseFile
from ascn.plans.models import ProgressUpdate

# The columns that name a row of a dataset whose schema declares no primary key (the data
# dictionary's ``primary_key`` names the others): an officer is a person in a role for a
# place. Projects are keyed by their ids.
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "officers": ("name", "role", "member_state", "city"),
}
PROJECTS = "projects"


def key_columns(dataset: str, header: list[str]) -> tuple[str, ...]:
    schema = dictionary.SCHEMAS.get(dataset)
    if schema is not None and schema.primary_key:
        return schema.primary_key
    return KEY_COLUMNS.get(dataset, (header[0],))


@dataclass(frozen=True)
class Snapshot:
    """One dataset as a release stores it."""

    dataset: str
    csv: bytes
    keys: list[str]

    @property
    def keys_json(self) -> bytes:
        return json.dumps(self.keys, separators=(",", ":")).encode()

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.csv + b"\0" + self.keys_json).hexdigest()


@dataclass(frozen=True)
class Changes:
    added: int = 0
    changed: int = 0
    removed: int = 0


def _unique(keys: list[str]) -> list[str]:
    """Keys made unique: a second row under one key is ``key#2`` (a table that repeats a key
    still compares row by row)."""
    seen: Counter[str] = Counter()
    unique = []
    for key in keys:
        seen[key] += 1
        unique.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return unique


def snapshot(dataset: catalogue.Dataset) -> Snapshot:
    """The dataset's CSV as ``/data/<key>.csv`` serves it now, with the key of every row.

    Written in the site's language, whoever asks: a release is the same file for everyone.
    """
    with translation.override(settings.LANGUAGE_CODE):
        if dataset.key == PROJECTS:
            keyed = tables.project_rows_by_id()
            header, rows = list(dictionary.PROJECTS.names), [row for _id, row in keyed]
            keys = [str(project_id) for project_id, _row in keyed]
        else:
            header, rows = dataset.table()
            positions = [
                header.index(name) for name in key_columns(dataset.key, header) if name in header
            ] or [0]
            keys = ["|".join(spreadsheets.cell_text(row[i]) for i in positions) for row in rows]
        return Snapshot(dataset.key, spreadsheets.as_csv(header, rows), _unique(keys))


def snapshots() -> list[Snapshot]:
    return [snapshot(dataset) for dataset in catalogue.datasets()]


def content_for(item: Snapshot) -> ReleaseContent:
    """The stored content of a snapshot: the one already stored with the same digest, or new."""
    digest = item.digest
    found = ReleaseContent.objects.filter(digest=digest).first()
    if found is not None:
        return found
    return ReleaseContent.objects.create(
        digest=digest,
        csv_sha256=hashlib.sha256(item.csv).hexdigest(),
        csv_gz=gzip.compress(item.csv, mtime=0),
        keys_gz=gzip.compress(item.keys_json, mtime=0),
        size=len(item.csv),
        rows=len(item.keys),
    )


def csv_of(content: ReleaseContent) -> bytes:
    return gzip.decompress(bytes(content.csv_gz))


def _rows_by_key(csv_bytes: bytes, keys: list[str]) -> dict[str, dict[str, str]]:
    """Each row under its key, as column name → cell."""
    reader = csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig")))
    header = next(reader, [])
    return {key: dict(zip(header, row, strict=True)) for key, row in zip(keys, reader, strict=True)}


def _differ(new: dict[str, str], old: dict[str, str]) -> bool:
    """Whether a row changed in the columns both releases have: a column the dataset gained
    or lost (the projects' id, added in December 2026) is not a change of every row."""
    return any(new[column] != old[column] for column in new.keys() & old.keys())


def compare(item: Snapshot, before: ReleaseContent | None) -> Changes:
    """How ``item`` differs from the same dataset in an earlier release (``None``: not in it,
    so every row is added)."""
    if before is None:
        return Changes(added=len(item.keys))
    if before.digest == item.digest:
        return Changes()
    old_keys = json.loads(gzip.decompress(bytes(before.keys_gz)))
    old = _rows_by_key(csv_of(before), old_keys)
    new = _rows_by_key(item.csv, item.keys)
    added = new.keys() - old.keys()
    changed = {key for key in new.keys() & old.keys() if _differ(new[key], old[key])}
    return Changes(added=len(added), changed=len(changed), removed=len(old.keys() - new.keys()))


def project_notes(since: dt.datetime | None) -> list[dict[str, Any]]:
    """The progress notes written since ``since`` on the projects public now: the change
    notes their owners gave, as the project's page shows them. None for a first release."""
    if since is None:
        return []
    updates = (
        ProgressUpdate.objects.filter(
            project__in=tables.public_projects().values("pk"), created_at__gt=since
        )
        .exclude(note="")
        .select_related("project")
        .order_by("project__title", "project_id", "date", "id")
    )
    return [
        {
            "project": update.project_id,
            "title": update.project.title,
            "date": update.date.isoformat(),
            "note": update.note,
        }
        for update in updates
    ]


# --- reading ---------------------------------------------------------------------------------


def files_of(releases: QuerySet[Release] | list[Release]) -> dict[int, list[ReleaseFile]]:
    """Release id → its files, in catalogue order, without loading the CSVs."""
    order = {d.key: n for n, d in enumerate(catalogue.datasets())}
    found: dict[int, list[ReleaseFile]] = {}
    files = (
        ReleaseFile.objects.filter(release__in=[r.pk for r in releases])
        .select_related("content")
        .defer("content__csv_gz", "content__keys_gz")
    )
    for file in files:
        found.setdefault(file.release_id, []).append(file)
    for items in found.values():
        items.sort(key=lambda f: (order.get(f.dataset, len(order)), f.dataset))
    return found


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def nearest(date: dt.date | None) -> list[Release]:
    """The releases either side of a date (the latest ones when it is not a date)."""
    if date is None:
        return list(Release.objects.order_by("-date")[:2])
    before = Release.objects.filter(date__lt=date).order_by("-date").first()
    after = Release.objects.filter(date__gt=date).order_by("date").first()
    return [r for r in (before, after) if r is not None]


def dataset_titles() -> dict[str, str]:
    return {d.key: str(d.title) for d in catalogue.datasets()}
