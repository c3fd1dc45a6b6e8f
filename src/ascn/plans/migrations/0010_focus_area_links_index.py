"""The links of the projects to their focus areas indexed by (focus area, project): a focus
area's projects are read from the index alone (its single-column index on the focus area
sent every one of its ~25,000 links at full scale to the table for its project id: the count
of a country + focus area list 18 → 7 ms on PostgreSQL). The table is Django's own for the
many-to-many field, so the index is created in SQL (the same on SQLite and PostgreSQL)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0009_project_city_recent_index"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX plans_project_focus_areas_area_project "
            "ON plans_project_focus_areas (focusarea_id, project_id)",
            "DROP INDEX plans_project_focus_areas_area_project",
        ),
    ]
