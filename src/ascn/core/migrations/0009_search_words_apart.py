"""The index keeps the words of Thai, Lao, Burmese and Khmer text apart (``words.spaced``: a
zero width space between two words, as ICU's dictionaries find them), as a query's are: an
entry written before holds each run of those scripts as one word, which a query of one of
its words no longer finds. Those entries are written again; the others stay as they are."""

from django.db import migrations

from ascn.core.search.index import kept
from ascn.core.search.words import UNSPACED


def words_apart(apps, schema_editor):
    entry = apps.get_model("core", "SearchEntry")
    found = entry.objects.filter(title__regex=UNSPACED.pattern) | entry.objects.filter(
        body__regex=UNSPACED.pattern
    )
    for row in found.only("id", "title", "body").iterator(chunk_size=500):
        title, body = kept(row.title, row.body)  # as the index writes an entry now
        if (title, body) != (row.title, row.body):
            entry.objects.filter(pk=row.pk).update(title=title, body=body)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_search_longer_prefixes")]

    operations = [migrations.RunPython(words_apart, migrations.RunPython.noop)]
