"""Derived matchmaking columns of organisations, filled for the rows already there."""

from django.db import migrations, models


def fill_match_index(apps, schema_editor):
    from ascn.partners import keys as matchmaking

    Organisation = apps.get_model("partners", "Organisation")
    for org in Organisation.objects.all():
        org.match_keys = matchmaking.match_keys(
            countries=org.countries or [],
            focus_areas=org.focus_areas or [],
            instruments=org.instruments or [],
            stages=org.stages or [],
        )
        text = org.capability_statement or org.description or ""
        org.match_terms = matchmaking.wrap(matchmaking.terms(text))
        org.save(update_fields=["match_keys", "match_terms"])


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_profiles_programmes_engagements"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="match_keys",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="organisation",
            name="match_terms",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["visibility", "match_keys"], name="organisation_match_keys"),
        ),
        migrations.RunPython(fill_match_index, migrations.RunPython.noop),
    ]
