"""Visibility of records (SPEC C2): ``draft`` (owners' scope, their NR, the Secretariat),
``network`` (every signed-in member) and ``public`` (everyone)."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    DRAFT = "draft", _("Draft — only its owners, their National Representative and the Secretariat")
    NETWORK = "network", _("Network — all signed-in members")
    PUBLIC = "public", _("Public — everyone")


def shown_more_widely(visibility: str, than: str) -> bool:
    """Whether a record of ``visibility`` is seen by more readers than one of ``than`` (the
    choices are declared fewest readers first)."""
    return Visibility.values.index(visibility) > Visibility.values.index(than)


class VisibilityField(models.CharField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("choices", Visibility.choices)
        kwargs.setdefault("default", Visibility.DRAFT)
        kwargs.setdefault("verbose_name", _("visibility"))
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)
