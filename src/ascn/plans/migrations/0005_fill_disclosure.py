"""Fill the stored disclosure completeness of the projects there are (``0004`` added the
columns at zero), with the rules of ``plans.disclosure`` — the live module, not a copy, so the
stored value is what the rules give. (Should a later version of ``POINTS`` read a column a
later migration adds, this one still runs: it only computes, and ``refresh_disclosure``
recomputes after such a change.)"""

from django.db import migrations


def fill(apps, schema_editor):
    from ascn.plans import disclosure
    from ascn.plans.models import Project

    disclosure.refresh(Project.objects.using(schema_editor.connection.alias).all())


class Migration(migrations.Migration):
    dependencies = [("plans", "0004_project_disclosure_stored")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
