"""Matchmaking's tables: the token that says whether a process's in-memory index of
organisations is current (``matchmaking.index``), and each project's terms as matchmaking
reads them (``matchmaking.terms``)."""

from django.db import models

from ascn.core.models import MONEY


class MatchIndexStamp(models.Model):
    """One row: a token renewed by every write to an organisation, in that write's
    transaction. Matchmaking keeps the organisations' match keys in memory and trusts them
    only while the token is the one it read them under (``matchmaking.index``)."""

    audited = False  # derived or kept by the platform itself: no kind of the audit trail

    token = models.CharField(max_length=32)

    class Meta:
        db_table = "partners_matchindexstamp"  # moved from partners: the table keeps its name

    def __str__(self) -> str:
        return self.token


class ProjectTerms(models.Model):
    """What matchmaking reads of a project, in one narrow row: its member state, status,
    instruments sought (`` loan grant ``), budget and funding secured, focus areas
    (`` code code ``) and the normalised terms of its title and description
    (`` term term ``, ``partners.keys.wrap``), and its visibility and sample flag. Derived:
    kept current by ``matchmaking.subscribers`` after every write announced about a project,
    a city or a focus area, and filled after bulk loads by ``manage.py refresh_match_terms``
    (a project without its row is not matched to organisations until then). A row is
    written only when one of these changed (``matchmaking.terms.refresh``)."""

    audited = False  # derived or kept by the platform itself: no kind of the audit trail

    project = models.OneToOneField(
        "plans.Project",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="matchmaking_terms",
    )
    country = models.CharField(max_length=2, default="")
    status = models.CharField(max_length=20, default="")
    financing_sought = models.TextField(blank=True, default="")  # `` code code ``
    budget_amount = models.DecimalField(default=0, **MONEY)
    budget_currency = models.CharField(max_length=3, default="")
    funding_secured = models.DecimalField(default=0, **MONEY)
    focus_areas = models.TextField(blank=True, default="")  # `` code code ``
    terms = models.TextField(blank=True, default="")  # `` term term ``
    # the project's own, copied: who may see it (``project_index``), whether it is sample data
    visibility = models.CharField(max_length=10, default="")
    sample = models.BooleanField(default=False)

    class Meta:
        # An organisation's candidates: its countries × its stages, read from the index.
        indexes = [models.Index(fields=["country", "status"], name="project_terms_country")]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.terms[:40]}"
