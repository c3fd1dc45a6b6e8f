"""The indexes made in SQL, which Django's migration state does not know (it cannot give a
many-to-many field's own table an index): a later migration that rebuilt the table (SQLite
copies a table to alter it) would drop them unseen, and the reads they serve would walk the
table again at full scale (docs/benchmarks.md)."""

from __future__ import annotations

import pytest
from django.db import connection

from ascn.plans.models import Project


@pytest.mark.django_db
def test_a_focus_areas_projects_are_read_from_the_links_index_alone():
    # the links of the projects to their focus areas, indexed by (focus area, project)
    table = Project.focus_areas.through._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexed = {
        tuple(c["columns"]) for c in constraints.values() if c["index"] and not c["primary_key"]
    }
    assert ("focusarea_id", "project_id") in indexed
