"""The project's visibility and sample flag in its matchmaking row, copied from the project.

The projects' in-memory index (``matchmaking.project_index``) read them through a join to
every project; a refresh could not tell whether a write changed anything the index holds,
so every write to a project (a milestone's date, a contact) renewed the index's token and
made every worker build it again (1.2–2.1 s at full scale). With the whole of what the index
holds in the row, ``matchmaking.terms.refresh`` writes, and renews the token, only when a
row changes.
"""

from django.db import migrations, models

FILL = """
UPDATE matchmaking_projectterms SET
    visibility = (SELECT p.visibility FROM plans_project p
                  WHERE p.id = matchmaking_projectterms.project_id),
    sample = (SELECT p.sample FROM plans_project p
              WHERE p.id = matchmaking_projectterms.project_id)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("matchmaking", "0004_projects_index_stamp"),
        ("plans", "0009_project_city_recent_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="projectterms",
            name="visibility",
            field=models.CharField(default="", max_length=10),
        ),
        migrations.AddField(
            model_name="projectterms",
            name="sample",
            field=models.BooleanField(default=False),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
