from django.db import migrations


def confirm_earlier_commitments(apps, schema_editor):
    """Deals committed (or closed) before the city's confirmation existed already count in
    their project's funding secured: they are marked confirmed, by nobody and at no time (the
    deal page says "counted before the city's confirmation was asked"), so that no project's
    funding secured and no public figure changes by this migration. Sample deals are loaded
    again by ``load_sample_deals``, which confirms through the service."""
    Engagement = apps.get_model("deals", "Engagement")
    Engagement.objects.filter(
        stage__in=["committed", "closed"], commitment_amount__isnull=False
    ).update(commitment_confirmation="confirmed")


def unmark(apps, schema_editor):
    Engagement = apps.get_model("deals", "Engagement")
    Engagement.objects.update(
        commitment_confirmation="", commitment_confirmed_by=None, commitment_confirmed_at=None
    )


class Migration(migrations.Migration):
    dependencies = [("deals", "0002_commitment_confirmation")]

    operations = [migrations.RunPython(confirm_earlier_commitments, unmark)]
