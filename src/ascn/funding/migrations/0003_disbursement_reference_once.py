"""A payment's reference is recorded once an award. Payments recorded before may repeat one
(two tranches both "ADB grant"): the later ones get " (2)", " (3)" … so that the constraint
can be built and nothing is lost; their amounts and dates stay as they were."""

from django.db import migrations, models
from django.db.models import Count


def references_once(apps, schema_editor):
    disbursement = apps.get_model("funding", "Disbursement")
    repeated = (
        disbursement.objects.exclude(reference="")
        .values("award_id", "reference")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    for pair in repeated:
        taken = set(
            disbursement.objects.filter(award_id=pair["award_id"]).values_list(
                "reference", flat=True
            )
        )
        payments = disbursement.objects.filter(
            award_id=pair["award_id"], reference=pair["reference"]
        ).order_by("paid_on", "id")
        for payment in list(payments)[1:]:
            number = 2
            while (reference := f"{pair['reference'][:94]} ({number})") in taken:
                number += 1
            taken.add(reference)
            disbursement.objects.filter(pk=payment.pk).update(reference=reference)


class Migration(migrations.Migration):
    dependencies = [("funding", "0002_programme_sources")]

    operations = [
        migrations.RunPython(references_once, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="disbursement",
            constraint=models.UniqueConstraint(
                condition=models.Q(("reference", ""), _negated=True),
                fields=("award", "reference"),
                name="disbursement_reference_once",
            ),
        ),
    ]
