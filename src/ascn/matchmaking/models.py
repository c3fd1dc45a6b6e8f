"""Matchmaking's tables: the token that says whether a process's in-memory index of
organisations is current (``matchmaking.index``), and each project's terms as matchmaking
reads them (``matchmaking.terms``)."""

from django.db import models


class MatchIndexStamp(models.Model):
    """One row: a token renewed by every write to an organisation, in that write's
    transaction. Matchmaking keeps the organisations' match keys in memory and trusts them
    only while the token is the one it read them under (``matchmaking.index``)."""

    token = models.CharField(max_length=32)

    class Meta:
        db_table = "partners_matchindexstamp"  # moved from partners: the table keeps its name

    def __str__(self) -> str:
        return self.token


class ProjectTerms(models.Model):
    """A project's focus areas and the normalised terms of its title and description, as
    matchmaking reads them (`` a b c ``, ``partners.keys.wrap``): derived, kept current by
    ``matchmaking.subscribers`` after every write announced about the project or a focus
    area, and filled for bulk loads by ``manage.py refresh_match_terms``. A project without
    its row is read the slow way (its focus areas joined, its texts tokenised)."""

    project = models.OneToOneField(
        "plans.Project",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="matchmaking_terms",
    )
    focus_areas = models.TextField(blank=True, default="")  # `` code code ``
    terms = models.TextField(blank=True, default="")  # `` term term ``

    def __str__(self) -> str:
        return f"{self.project_id}: {self.terms[:40]}"
