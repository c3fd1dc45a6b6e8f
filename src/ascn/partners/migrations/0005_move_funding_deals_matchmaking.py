"""Funding programmes, the deal pipeline and the match index's token move to their own apps
(``funding``, ``deals``, ``matchmaking``): their tables stay where they are; Django's state
forgets them here (their apps' 0001 migrations created them in theirs). Content types and
the audit trail's object types follow the models to their new app labels; the audit
actions keep their names (``partners.programme.created`` …): they are the trail's
vocabulary, not a model label."""

from django.db import migrations

MOVED = {
    "programme": "funding",
    "call": "funding",
    "application": "funding",
    "award": "funding",
    "disbursement": "funding",
    "engagement": "deals",
    "engagementevent": "deals",
    "matchindexstamp": "matchmaking",
}


def relabel(apps, schema_editor, *, forwards=True):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("core", "AuditEntry")
    for model, app in MOVED.items():
        old, new = ("partners", app) if forwards else (app, "partners")
        ContentType.objects.filter(app_label=old, model=model).update(app_label=new)
        AuditEntry.objects.filter(object_type=f"{old}.{model}").update(
            object_type=f"{new}.{model}"
        )


def relabel_back(apps, schema_editor):
    relabel(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0004_match_index_stamp"),
        ("funding", "0001_initial"),
        ("deals", "0001_initial"),
        ("matchmaking", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0005_search_walk_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='application',
                    name='call',
                ),
                migrations.RemoveField(
                    model_name='application',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='application',
                    name='project',
                ),
                migrations.RemoveField(
                    model_name='award',
                    name='application',
                ),
                migrations.RemoveField(
                    model_name='award',
                    name='programme',
                ),
                migrations.RemoveField(
                    model_name='disbursement',
                    name='award',
                ),
                migrations.RemoveField(
                    model_name='call',
                    name='programme',
                ),
                migrations.RemoveField(
                    model_name='engagement',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='engagement',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='engagement',
                    name='project',
                ),
                migrations.RemoveField(
                    model_name='engagementevent',
                    name='engagement',
                ),
                migrations.RemoveField(
                    model_name='engagementevent',
                    name='actor',
                ),
                migrations.DeleteModel(
                    name='MatchIndexStamp',
                ),
                migrations.RemoveField(
                    model_name='programme',
                    name='implementer',
                ),
                migrations.RemoveField(
                    model_name='programme',
                    name='sponsor',
                ),
                migrations.DeleteModel(
                    name='Application',
                ),
                migrations.DeleteModel(
                    name='Award',
                ),
                migrations.DeleteModel(
                    name='Disbursement',
                ),
                migrations.DeleteModel(
                    name='Call',
                ),
                migrations.DeleteModel(
                    name='Engagement',
                ),
                migrations.DeleteModel(
                    name='EngagementEvent',
                ),
                migrations.DeleteModel(
                    name='Programme',
                ),
            ],
        ),
        migrations.RunPython(relabel, relabel_back),
    ]
