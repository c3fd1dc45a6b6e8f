"""The token the projects' in-memory index (``matchmaking.project_index``) is checked
against: the second stamp row (the first is the organisations' index's)."""

import uuid

from django.db import migrations


def first_token(apps, schema_editor):
    stamps = apps.get_model("matchmaking", "MatchIndexStamp").objects
    stamps.get_or_create(pk=2, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    dependencies = [("matchmaking", "0003_fill_project_terms")]

    operations = [migrations.RunPython(first_token, migrations.RunPython.noop)]
