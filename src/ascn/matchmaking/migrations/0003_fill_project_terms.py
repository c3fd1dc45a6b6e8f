"""Fill matchmaking's stored rows of the projects there are (``0002`` added the table), with
the live ``matchmaking.terms.refresh`` — as ``plans/0005`` fills the disclosure: it only
computes, and ``manage.py refresh_match_terms`` recomputes after any later change."""

from django.db import migrations

from ascn.matchmaking import terms


def fill(apps, schema_editor):
    terms.refresh()


class Migration(migrations.Migration):
    dependencies = [("matchmaking", "0002_project_terms")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
