"""The token matchmaking's in-memory index of organisations is checked against."""

import uuid

from django.db import migrations, models


def first_token(apps, schema_editor):
    apps.get_model("partners", "MatchIndexStamp").objects.create(pk=1, token=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0003_matchmaking_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="MatchIndexStamp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(first_token, migrations.RunPython.noop),
    ]
