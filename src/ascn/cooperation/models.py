"""Cooperation and knowledge (SPEC C8): city partnerships, case studies, discussion threads."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ascn.accounts.models import user_link
from ascn.core.models import (
    HasPage,
    TimeStampedModel,
    Translatable,
    VersionedModel,
    link,
    not_before,
    optional_link,
)
from ascn.core.sources import SourcesField
from ascn.core.visibility import VisibilityField
from ascn.network.models import City
from ascn.partners.models import Organisation


class CityPartnership(VersionedModel):
    """Twinning between an ASCN city and another city, inside or outside ASEAN."""

    city = link("network.City", _("ASCN city"), related_name="partnerships")
    partner_city = optional_link(
        City, _("partner city (when an ASCN city)"), related_name="partnerships_as_partner"
    )
    partner_name = models.CharField(_("partner city"), max_length=200)
    partner_country = models.CharField(_("partner's country"), max_length=100, blank=True)
    purpose = models.TextField(_("purpose"))
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Illustrative demo data, not real.")
    )
    sources = SourcesField()  # a real partnership's published sources (core.sources)
    visibility = VisibilityField()

    class Meta:
        ordering = ["city__name", "partner_name"]
        verbose_name = _("city partnership")
        verbose_name_plural = _("city partnerships")
        constraints = [
            not_before(
                "end_date",
                "start_date",
                name="partnership_end_not_before_start",
                unless_empty=("end_date", "start_date"),
            ),
            models.CheckConstraint(
                condition=Q(partner_city__isnull=True) | ~Q(partner_city=F("city")),
                name="partnership_not_with_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city.name} – {self.partner_name}"


class CaseStudy(HasPage, Translatable, VersionedModel):
    page_url = "case-study-detail"
    translated_fields = ("title", "problem", "solution", "results")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"))
    solution = models.TextField(_("solution"))
    results = models.TextField(_("results"), blank=True)
    focus_area = link("network.FocusArea", _("ASCF focus area"), related_name="case_studies")
    city = optional_link(City, _("city"), related_name="case_studies")
    provider_name = models.CharField(_("provider"), max_length=200, blank=True)
    provider = optional_link(
        Organisation,
        _("provider organisation"),
        related_name="case_studies",
        on_delete=models.SET_NULL,
    )
    document = models.FileField(_("document (PDF)"), upload_to="case-studies/%Y/", blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    # A real case study's published sources (core.sources), loaded from cooperation/seed.
    sources = SourcesField()
    visibility = VisibilityField()
    sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Illustrative demo data, not real.")
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")

    def __str__(self) -> str:
        return self.title


class Thread(HasPage, TimeStampedModel):
    """A discussion among members on one ASCF focus area, moderated by the Secretariat."""

    page_url = "thread-detail"
    page_key = "pk"

    focus_area = link("network.FocusArea", _("ASCF focus area"), related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    author = user_link(_("author"))
    locked = models.BooleanField(_("locked"), default=False)
    hidden = models.BooleanField(_("hidden by a moderator"), default=False, db_index=True)
    sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Illustrative demo data, not real.")
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("discussion thread")
        verbose_name_plural = _("discussion threads")

    def __str__(self) -> str:
        return self.title


class Post(TimeStampedModel):
    thread = link(Thread, _("thread"), related_name="posts", on_delete=models.CASCADE)
    author = user_link(_("author"))
    body = models.TextField(_("text (Markdown)"))
    # Rendered and sanitised once, when written; pages show this, never ``body`` as HTML.
    body_html = models.TextField(_("text (sanitised HTML)"), editable=False)
    hidden = models.BooleanField(_("hidden by a moderator"), default=False, db_index=True)
    hidden_reason = models.TextField(
        _("why it is hidden"),
        blank=True,
        help_text=_("The moderator's reason, told to the author; empty while the post is shown."),
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return f"{self.thread.title} #{self.pk}"


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSIVE = "abusive", _("Abusive or offensive")
    OFF_TOPIC = "off_topic", _("Off-topic")
    PERSONAL_DATA = "personal_data", _("Personal data")
    OTHER = "other", _("Other")


class FlagResolution(models.TextChoices):
    DISMISSED = "dismissed", _("dismissed")
    HIDDEN = "hidden", _("post hidden")


class PostFlag(TimeStampedModel):
    """A member's report that a post breaks the rules, with a reason; open until the
    Secretariat hides the post or dismisses the flags, then kept as history (who closed it,
    when and how). A member has at most one open flag per post."""

    post = link(Post, _("post"), related_name="flags", on_delete=models.CASCADE)
    member = user_link(_("flagged by"))
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    note = models.TextField(_("note"), blank=True)
    resolution = models.CharField(
        _("outcome"), max_length=20, choices=FlagResolution.choices, blank=True
    )
    resolved_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolved_by = user_link(_("closed by"), blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_flag_per_member_and_post",
            ),
        ]
        indexes = [models.Index(fields=["resolved_at", "post"], name="flag_open_post")]

    def __str__(self) -> str:
        return f"{self.post} ({self.reason})"
