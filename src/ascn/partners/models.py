"""Partners (SPEC C5): organisations, funding programmes with their calls, applications,
awards and disbursements, and the deal pipeline (engagements).

Lists that matchmaking filters on (countries, focus areas, stages, instruments) are JSON
lists of stable codes: one row per organisation is read in the hot loop, with no join.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ascn.core.models import TimeStampedModel, VersionedModel
from ascn.core.visibility import VisibilityField
from ascn.plans import codelists
from ascn.plans.models import FinancingInstrument

MONEY = {"max_digits": 18, "decimal_places": 2}


class Organisation(VersionedModel):
    class Kind(models.TextChoices):
        SOLUTION_PROVIDER = "solution_provider", _("Solution provider")
        INVESTOR = "investor", _("Investor")
        DEVELOPMENT_PARTNER = "development_partner", _("Development partner")
        EXTERNAL_GOVERNMENT = "external_government", _("External government")
        ACADEMIA_NGO = "academia_ngo", _("Academia / NGO")
        ASEAN_BODY = "asean_body", _("ASEAN body")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    headquarters_country = models.CharField(
        _("headquarters country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2")
    )
    countries = models.JSONField(
        _("ASEAN countries of operation"),
        default=list,
        blank=True,
        help_text=_("ISO 3166-1 alpha-2 codes of ASEAN member states; empty means not published."),
    )
    focus_areas = models.JSONField(
        _("ASCF focus areas"), default=list, blank=True, help_text=_("Focus area codes.")
    )
    instruments = models.JSONField(
        _("financing instruments"),
        default=list,
        blank=True,
        help_text=_("Codes: grant, loan, equity, ppp, guarantee, technical_assistance."),
    )
    stages = models.JSONField(
        _("project stages engaged at"),
        default=list,
        blank=True,
        help_text=_("OC4IDS project status codes."),
    )
    ticket_min_usd = models.DecimalField(
        _("smallest ticket (USD)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    ticket_max_usd = models.DecimalField(
        _("largest ticket (USD)"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    capability_statement = models.TextField(_("capability statement"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    verified = models.BooleanField(_("verified by the Secretariat"), default=False)
    visibility = VisibilityField()
    sample = models.BooleanField(_("sample data"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    # Derived by save() for matchmaking: the codes as one string filtered in SQL with LIKE,
    # and the capability statement's normalised terms — one text per row in the hot loop.
    match_keys = models.TextField(editable=False, blank=True, default="")
    match_terms = models.TextField(editable=False, blank=True, default="")

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ticket_min_usd__isnull=True)
                | models.Q(ticket_max_usd__isnull=True)
                | models.Q(ticket_max_usd__gte=models.F("ticket_min_usd")),
                name="organisation_ticket_range_in_order",
            )
        ]
        # Matchmaking tests eligibility with LIKE on match_keys: reading it from the index
        # leaves most table rows unread.
        indexes = [
            models.Index(fields=["visibility", "match_keys"], name="organisation_match_keys")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation-detail", args=[self.slug])

    def refresh_match_index(self) -> None:
        """Recompute the derived matchmaking columns (call before a ``bulk_create``)."""
        from ascn.partners import matchmaking

        self.match_keys = matchmaking.match_keys(
            countries=self.countries or [],
            focus_areas=self.focus_areas or [],
            instruments=self.instruments or [],
            stages=self.stages or [],
        )
        self.match_terms = matchmaking.wrap(
            matchmaking.terms(self.capability_statement or self.description or "")
        )

    def save(self, *args, **kwargs):
        self.refresh_match_index()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "match_keys", "match_terms"}
        super().save(*args, **kwargs)


class MatchIndexStamp(models.Model):
    """One row: a token renewed by every write to an organisation, in that write's
    transaction. Matchmaking keeps the organisations' match keys in memory and trusts them
    only while the token is the one it read them under (``partners.match_index``)."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token


class Programme(VersionedModel):
    """A funding programme of a sponsor. Its balance is ``total − awarded``, kept in the
    row and changed only under a row lock by the award service."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    sponsor = models.ForeignKey(
        Organisation, verbose_name=_("sponsor"), on_delete=models.PROTECT, related_name="programmes"
    )
    implementer = models.ForeignKey(
        Organisation,
        verbose_name=_("implemented by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implemented_programmes",
    )
    description = models.TextField(_("description"), blank=True)
    total_amount = models.DecimalField(_("total"), validators=[MinValueValidator(0)], **MONEY)
    currency = models.CharField(
        _("currency"), max_length=3, choices=codelists.choices(codelists.CURRENCY)
    )
    awarded_amount = models.DecimalField(
        _("awarded"), default=Decimal("0"), editable=False, **MONEY
    )
    disbursed_amount = models.DecimalField(
        _("disbursed"), default=Decimal("0"), editable=False, **MONEY
    )
    max_award_amount = models.DecimalField(
        _("largest award"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    period_start = models.DateField(_("start"), null=True, blank=True)
    period_end = models.DateField(_("end"), null=True, blank=True)
    period_label = models.CharField(
        _("period as published"),
        max_length=100,
        blank=True,
        help_text=_("e.g. “5 years from 2018”"),
    )
    eligible_countries = models.JSONField(_("eligible countries"), default=list, blank=True)
    eligible_focus_areas = models.JSONField(_("eligible focus areas"), default=list, blank=True)
    eligible_stages = models.JSONField(_("eligible stages"), default=list, blank=True)
    instruments = models.JSONField(_("instruments"), default=list, blank=True)
    website = models.URLField(_("website"), blank=True)
    visibility = VisibilityField()
    sample = models.BooleanField(_("sample data"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(awarded_amount__lte=models.F("total_amount")),
                name="programme_never_awards_more_than_it_holds",
            ),
            models.CheckConstraint(
                condition=models.Q(disbursed_amount__lte=models.F("awarded_amount")),
                name="programme_never_disburses_more_than_awarded",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programme-detail", args=[self.slug])

    @property
    def balance(self) -> Decimal:
        return self.total_amount - self.awarded_amount


class Call(VersionedModel):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="calls"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["-opens_on", "id"]
        verbose_name = _("call for applications")
        verbose_name_plural = _("calls for applications")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="call_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    AWARDED = "awarded", _("Awarded")
    DECLINED = "declined", _("Declined")


class Application(VersionedModel):
    """A city applies to a call with one of its projects."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    project = models.ForeignKey(
        "plans.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    amount_requested = models.DecimalField(
        _("amount requested"), validators=[MinValueValidator(0)], **MONEY
    )
    statement = models.TextField(_("statement"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["call", "project"], name="one_application_per_call")
        ]

    def __str__(self) -> str:
        return f"{self.project} → {self.call}"


class Award(TimeStampedModel):
    """Money a programme awards to an application, in the programme's currency."""

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="award"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="awards"
    )
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(0)], **MONEY)
    awarded_on = models.DateField(_("awarded on"))
    disbursed_amount = models.DecimalField(
        _("disbursed"), default=Decimal("0"), editable=False, **MONEY
    )

    class Meta:
        ordering = ["-awarded_on", "-id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(disbursed_amount__lte=models.F("amount")),
                name="award_never_disburses_more_than_awarded",
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.programme.currency} → {self.application.project}"


class Disbursement(TimeStampedModel):
    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.PROTECT, related_name="disbursements"
    )
    amount = models.DecimalField(
        _("amount"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")

    def __str__(self) -> str:
        return f"{self.amount} on {self.paid_on}"


class EngagementStage(models.TextChoices):
    INTEREST = "interest", _("Interest")
    DISCUSSION = "discussion", _("Discussion")
    DUE_DILIGENCE = "due_diligence", _("Due diligence")
    TERM_SHEET = "term_sheet", _("Term sheet")
    COMMITTED = "committed", _("Committed")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")


class EngagementSide(models.TextChoices):
    CITY = "city", _("City")
    PARTNER = "partner", _("Partner")


class Engagement(VersionedModel):
    """A deal in the pipeline between one project and one organisation."""

    project = models.ForeignKey(
        "plans.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="engagements",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="engagements",
    )
    stage = models.CharField(
        _("stage"),
        max_length=15,
        choices=EngagementStage.choices,
        default=EngagementStage.INTEREST,
        db_index=True,
    )
    initiated_by = models.CharField(_("initiated by"), max_length=8, choices=EngagementSide.choices)
    message = models.TextField(_("message"), blank=True)
    commitment_amount = models.DecimalField(
        _("amount committed"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    commitment_currency = models.CharField(
        _("currency"), max_length=3, blank=True, choices=codelists.choices(codelists.CURRENCY)
    )
    commitment_instrument = models.CharField(
        _("instrument"), max_length=25, blank=True, choices=FinancingInstrument.choices
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"],
                name="one_engagement_per_project_and_organisation",
            )
        ]
        indexes = [models.Index(fields=["organisation", "stage"])]

    def __str__(self) -> str:
        return f"{self.organisation} × {self.project}"

    def get_absolute_url(self) -> str:
        return reverse("engagement-detail", args=[self.pk])


class EngagementEvent(models.Model):
    """One step of a deal: who moved it from which stage to which, and why."""

    engagement = models.ForeignKey(
        Engagement, verbose_name=_("engagement"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_stage = models.CharField(
        _("from"), max_length=15, blank=True, choices=EngagementStage.choices
    )
    to_stage = models.CharField(_("to"), max_length=15, choices=EngagementStage.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("engagement event")
        verbose_name_plural = _("engagement events")

    def __str__(self) -> str:
        return f"{self.from_stage or '—'} → {self.to_stage}"
