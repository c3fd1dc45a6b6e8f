"""Base models and the audit trail shared by every app."""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import reduce
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, TypeVar, overload

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Every amount of money the platform stores: 18 digits, 2 of them after the decimal point.
MONEY = {"max_digits": 18, "decimal_places": 2}

LinkedModel = TypeVar("LinkedModel", bound=models.Model)


@overload
def optional_link(
    to: type[LinkedModel],
    verbose_name: StrOrPromise,
    *,
    related_name: str,
    on_delete: Callable[..., None] = models.PROTECT,
) -> models.ForeignKey[LinkedModel | None, LinkedModel | None]: ...


@overload
def optional_link(
    to: str,
    verbose_name: StrOrPromise,
    *,
    related_name: str,
    on_delete: Callable[..., None] = models.PROTECT,
) -> models.ForeignKey[Any, Any]: ...


def optional_link(
    to: Any,
    verbose_name: StrOrPromise,
    *,
    related_name: str,
    on_delete: Callable[..., None] = models.PROTECT,
) -> models.ForeignKey[Any, Any]:
    """A link a record may lack (NULL in the table, optional in forms), such as a meeting's
    host city: ``optional_link(City, _("host city"), related_name="meetings_hosted")``.

    ``PROTECT`` unless told otherwise: what is linked to cannot be deleted from under the
    record. Give ``to`` as the model class where the app may import it, so that mypy knows
    what the link holds (``City | None``); an app below the model's app (accounts links to
    cities) names it as ``"app.Model"``. The field is a plain ``ForeignKey``: migrations see
    no difference."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
    )


@overload
def link(
    to: type[LinkedModel],
    verbose_name: StrOrPromise,
    *,
    related_name: str,
    on_delete: Callable[..., None] = models.PROTECT,
) -> models.ForeignKey[LinkedModel, LinkedModel]: ...


@overload
def link(
    to: str,
    verbose_name: StrOrPromise,
    *,
    related_name: str,
    on_delete: Callable[..., None] = models.PROTECT,
) -> models.ForeignKey[Any, Any]: ...


def link(
    to: Any,
    verbose_name: StrOrPromise,
    *,
    related_name: str,
    on_delete: Callable[..., None] = models.PROTECT,
) -> models.ForeignKey[Any, Any]:
    """A link every record has (a project's city): ``PROTECT`` unless told otherwise, like
    ``optional_link``."""
    return models.ForeignKey(
        to, verbose_name=verbose_name, on_delete=on_delete, related_name=related_name
    )


def not_before(
    later: str, earlier: str, *, name: str, unless_empty: tuple[str, ...] = ()
) -> models.CheckConstraint:
    """A check that ``later`` is not before ``earlier`` (a period's end and its start), which
    holds as well where one of the fields ``unless_empty`` names is NULL."""
    empty = [models.Q(**{f"{field}__isnull": True}) for field in unless_empty]
    condition = reduce(operator.or_, [*empty, models.Q(**{f"{later}__gte": models.F(earlier)})])
    return models.CheckConstraint(condition=condition, name=name)


def at_most(part: str, whole: str, *, name: str) -> models.CheckConstraint:
    """A check that ``part`` never exceeds ``whole`` (what is disbursed, what is awarded)."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{part}__lte": models.F(whole)}), name=name
    )


class DatePrecision(models.TextChoices):
    """How much of a date is known: the day, only the month, or only the year."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


def precision_field(verbose_name: StrOrPromise, help_text: StrOrPromise = "") -> models.CharField:
    """How much of the date beside it is known (``DatePrecision``): the day unless a source
    gives only the month or the year."""
    return models.CharField(
        verbose_name,
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=help_text,
    )


def list_field(verbose_name: StrOrPromise, help_text: StrOrPromise = "") -> models.JSONField:
    """A JSON list (codes, or records such as a project's locations): empty unless given, and
    optional in forms."""
    return models.JSONField(verbose_name, default=list, blank=True, help_text=help_text)


class HasPage:
    """A record with a page of its own: ``page_url`` names its URL, ``page_key`` the field
    that goes in it (``get_absolute_url``, used by templates, the search and the sitemap)."""

    page_url: ClassVar[str]
    page_key: ClassVar[str] = "slug"

    def get_absolute_url(self) -> str:
        return reverse(self.page_url, args=[getattr(self, self.page_key)])

    @classmethod
    def url_maker(cls) -> Callable[[Any], str]:
        """The pages' URLs from their keys (``url_maker``)."""
        return url_maker(cls.page_url)


def url_maker(name: str) -> Callable[[Any], str]:
    """The URLs named ``name`` from their one key, from one ``reverse()`` (a list of
    thousands of rows builds its links without resolving the URL pattern for each row)."""
    marker = "90817263544536271809"  # digits: an <int:pk> matches it as a <slug> does
    url = reverse(name, args=[marker])
    return lambda key: url.replace(marker, str(key))


class Translatable(models.Model):
    """A record whose texts (``translated_fields``) may carry translations by its owners."""

    language = models.CharField(
        _("language of the original"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the record is written in."),
    )
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    translated_fields: ClassVar[tuple[str, ...]] = ("title", "description")

    class Meta:
        abstract = True

    def texts(self) -> list[str]:
        """Every translation's texts (the search indexes them with the original)."""
        return [
            text
            for fields in (self.translations or {}).values()
            for text in fields.values()
            if text
        ]


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record edited by people: every write bumps ``version`` so stale edits are caught."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One change made through a service. Append-only: never edited or deleted by the app."""

    audited = False  # derived or kept by the platform itself: no kind of the audit trail

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(
        _("actor label"), max_length=254, help_text=_("E-mail of the actor, or 'system'.")
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=255)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        # One kind of record's entries, newest first, read from the index in order (the
        # Secretariat's filter): over the type alone, the database sorted all of that kind's
        # entries (200,000 of 1,000,000 at bench scale) to give 50. Counts use it too.
        indexes = [models.Index(fields=["object_type", "at", "id"], name="audit_type_at")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit entries are append-only.")


class SearchEntry(models.Model):
    """One searchable record as the search sees it (each app's ``search.py`` says how, ``core.search.index`` writes it).

    Written in the same transaction as the record (``audit.record`` calls the search hook).
    The full-text index over ``title`` and ``body`` lives beside it, per database: an FTS5
    external-content table kept by triggers on SQLite, a weighted ``tsvector`` column with
    a GIN index on PostgreSQL (migration ``0002_search_index``). The owner columns are
    plain ids, not foreign keys: they say whose drafts these are, so visibility is one
    WHERE on this table.
    """

    audited = False  # derived or kept by the platform itself: no kind of the audit trail

    kind = models.CharField(_("type"), max_length=20)
    object_id = models.CharField(_("object id"), max_length=64)
    ref = models.CharField(_("public id"), max_length=120, help_text=_("Slug or id in URLs."))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("URL"), max_length=300)
    visibility = models.CharField(_("visibility"), max_length=10)
    owner_city_id = models.BigIntegerField(null=True, blank=True)
    owner_member_state_id = models.BigIntegerField(null=True, blank=True)
    owner_organisation_id = models.BigIntegerField(null=True, blank=True)
    co_owner_organisation_id = models.BigIntegerField(null=True, blank=True)
    member_state = models.CharField(_("member state"), max_length=2, blank=True)
    city_id = models.BigIntegerField(null=True, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    focus_areas = models.CharField(
        _("focus areas"), max_length=300, blank=True, help_text=_("Codes as |a|b|.")
    )
    status = models.CharField(_("status"), max_length=30, blank=True)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="one_search_entry_per_object"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"
