"""Matchmaking's one table: the token that says whether a process's in-memory index of
organisations is current (``matchmaking.index``)."""

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
