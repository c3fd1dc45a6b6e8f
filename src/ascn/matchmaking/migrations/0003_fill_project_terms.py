"""Fill the stored matchmaking terms of the projects there are (``0002`` added the table),
with the live tokeniser (``matchmaking.terms.project_terms``) and the historical models."""

from collections import defaultdict

from django.db import migrations

from ascn.matchmaking.terms import BATCH, project_terms
from ascn.partners.keys import wrap


def fill(apps, schema_editor):
    alias = schema_editor.connection.alias
    Project = apps.get_model("plans", "Project")
    ProjectTerms = apps.get_model("matchmaking", "ProjectTerms")
    through = Project.focus_areas.through.objects.using(alias)
    pks = list(Project.objects.using(alias).order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(pks), BATCH):
        batch = pks[i : i + BATCH]
        areas = defaultdict(list)
        links = through.filter(project_id__in=batch).values_list("project_id", "focusarea__code")
        for pk, code in links.order_by():
            areas[pk].append(code)
        texts = Project.objects.using(alias).filter(pk__in=batch)
        ProjectTerms.objects.using(alias).bulk_create(
            ProjectTerms(
                project_id=pk,
                focus_areas=wrap(areas.get(pk, ())),
                terms=wrap(project_terms(title, description)),
            )
            for pk, title, description in texts.values_list("id", "title", "description")
            .order_by()
        )


class Migration(migrations.Migration):
    dependencies = [("matchmaking", "0002_project_terms")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
