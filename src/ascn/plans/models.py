"""Smart City Action Plans, priority projects, readiness, progress and money (SPEC C3, C4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ascn.accounts.models import user_link
from ascn.core.models import (
    MONEY,
    HasPage,
    TimeStampedModel,
    Translatable,
    VersionedModel,
    link,
    list_field,
    not_before,
    optional_link,
)
from ascn.core.sources import SourcesField
from ascn.core.visibility import VisibilityField
from ascn.plans import codelists


class ExchangeRate(TimeStampedModel):
    """How many US dollars one unit of a currency was worth on a date (Secretariat-edited)."""

    currency = models.CharField(
        _("currency"), max_length=3, choices=codelists.choices(codelists.CURRENCY)
    )
    date = models.DateField(_("date"))
    usd_per_unit = models.DecimalField(
        _("USD per unit"),
        max_digits=20,
        decimal_places=10,
        validators=[MinValueValidator(Decimal("0.0000000001"))],
    )
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["currency", "-date"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "date"], name="one_rate_per_currency_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.usd_per_unit} USD ({self.date})"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for endorsement")
    RETURNED = "returned", _("Returned for changes")
    ENDORSED = "endorsed", _("Endorsed")
    PUBLISHED = "published", _("Published")


class ActionPlan(HasPage, Translatable, VersionedModel):
    page_url = "plan-detail"
    page_key = "pk"
    translated_fields = ("title", "vision")

    city = link("network.City", _("city"), related_name="action_plans")
    title = models.CharField(_("title"), max_length=200)
    period_start = models.PositiveSmallIntegerField(
        _("first year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    period_end = models.PositiveSmallIntegerField(
        _("last year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    vision = models.TextField(_("vision"), blank=True)
    outcomes = models.ManyToManyField(
        "network.Outcome", verbose_name=_("ASCF outcomes"), blank=True
    )
    focus_areas = models.ManyToManyField(
        "network.FocusArea", verbose_name=_("ASCF focus areas"), blank=True
    )
    sections = list_field(_("narrative sections"), _('A list of {"heading", "body"}.'))
    document = models.FileField(_("plan document (PDF)"), upload_to="plans/%Y/", blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PlanStatus.choices,
        default=PlanStatus.DRAFT,
        db_index=True,
    )
    return_comment = models.TextField(_("comment on return"), blank=True)
    visibility = VisibilityField()
    sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Illustrative demo data, not real.")
    )
    created_by = user_link(blank=True)

    class Meta:
        ordering = ["city__name", "-period_start"]
        verbose_name = _("Smart City Action Plan")
        verbose_name_plural = _("Smart City Action Plans")
        constraints = [not_before("period_end", "period_start", name="plan_period_in_order")]

    def __str__(self) -> str:
        return f"{self.title} ({self.period_start}–{self.period_end})"


class PlanVersion(models.Model):
    """What a plan said when it was submitted (or endorsed, returned, published): kept for ever."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices)
    snapshot = models.JSONField(_("content"))
    comment = models.TextField(_("comment"), blank=True)
    created_by = user_link()
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_numbers_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    @property
    def happened(self) -> str:
        """What this version records, in words. A version is kept at each move of the plan, so
        one whose status is ``draft`` records a withdrawal (the only move back to draft)."""
        if self.status == PlanStatus.DRAFT:
            return str(_("Withdrawn by the city"))
        return str(self.get_status_display())  # type: ignore[attr-defined]


class FinancingInstrument(models.TextChoices):
    GRANT = "grant", _("Grant")
    LOAN = "loan", _("Loan")
    EQUITY = "equity", _("Equity")
    PPP = "ppp", _("Public-private partnership")
    GUARANTEE = "guarantee", _("Guarantee")
    TECHNICAL_ASSISTANCE = "technical_assistance", _("Technical assistance")


class ReadinessLevel(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    SHAPING = "shaping", _("Shaping")
    INVESTOR_READY = "investor-ready", _("Investor-ready")


class Project(HasPage, Translatable, VersionedModel):
    page_url = "project-detail"
    page_key = "pk"

    city = link("network.City", _("city"), related_name="projects")
    plan = optional_link(
        ActionPlan, _("action plan"), related_name="projects", on_delete=models.SET_NULL
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    focus_areas = models.ManyToManyField(
        "network.FocusArea", verbose_name=_("ASCF focus areas"), related_name="projects"
    )
    outcomes = models.ManyToManyField(
        "network.Outcome", verbose_name=_("ASCF outcomes"), blank=True, related_name="projects"
    )
    sdg_targets = list_field(_("SDG 11 targets"))
    status = models.CharField(
        _("status (OC4IDS)"),
        max_length=20,
        choices=codelists.choices(codelists.PROJECT_STATUS),
        db_index=True,
    )
    project_type = models.CharField(
        _("type (OC4IDS)"),
        max_length=20,
        choices=codelists.choices(codelists.PROJECT_TYPE),
        blank=True,
    )
    sectors = list_field(_("sectors (OC4IDS)"))
    locations = list_field(_("locations"), _('A list of {"description", "lat", "lon"}.'))
    period_start = models.DateField(_("start"), null=True, blank=True)
    period_end = models.DateField(_("end"), null=True, blank=True)
    # Empty only on a real project whose sources publish no budget (issue 17): a city's own
    # projects always state one (the forms, the API and the import require it).
    budget_amount = models.DecimalField(
        _("budget"), validators=[MinValueValidator(0)], null=True, blank=True, **MONEY
    )
    budget_currency = models.CharField(
        _("currency"), max_length=3, choices=codelists.choices(codelists.CURRENCY), blank=True
    )
    funding_secured = models.DecimalField(
        _("funding secured"),
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text=_("In the budget's currency."),
        **MONEY,
    )
    financing_sought = list_field(_("financing sought"))
    contacts = list_field(_("contacts"), _('A list of {"name", "role", "email"}.'))
    readiness_score = models.PositiveSmallIntegerField(
        _("readiness score"), null=True, blank=True, editable=False
    )
    readiness_level = models.CharField(
        _("readiness level"),
        max_length=15,
        choices=ReadinessLevel.choices,
        blank=True,
        editable=False,
        db_index=True,
    )
    # Disclosure completeness (CoST IDS), derived from the project and its documents and
    # milestones by ``plans.disclosure`` and kept current by ``plans.subscribers`` (every
    # write) and ``refresh_disclosure`` (bulk loads): bit i set = ``disclosure.POINTS[i]``
    # held, and the number held per stage, for the dashboards' means.
    disclosure_points = models.PositiveIntegerField(
        _("disclosure points held"), default=0, editable=False
    )
    disclosed_identification = models.PositiveSmallIntegerField(
        _("identification points held"), default=0, editable=False
    )
    disclosed_preparation = models.PositiveSmallIntegerField(
        _("preparation points held"), default=0, editable=False
    )
    visibility = VisibilityField()
    sample = models.BooleanField(_("sample data"), default=False)
    # A real project's published sources (core.sources): loaded with it from plans/seed.
    sources = SourcesField()
    created_by = user_link(blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["visibility", "status"]),
            # A city's projects (its page, its list), most recently updated first: read in
            # order from the index. Over (city, visibility) alone, SQLite walked the public
            # projects of every city by recency to find a city's first 20 (50 ms).
            models.Index(
                fields=["city", "visibility", "-updated_at", "-id"], name="project_city_recent"
            ),
            # The lists show the most recently updated first: walk an index, don't sort.
            models.Index(fields=["-updated_at", "-id"], name="project_recent_first"),
            # A visitor's list (the public projects) in that order: SQLite sorted ~50,000
            # rows in a temporary B-tree; and a word filter's matches probed along it.
            models.Index(
                fields=["visibility", "-updated_at", "-id"], name="project_visible_recent"
            ),
            models.Index(
                fields=["visibility", "status", "-updated_at"], name="project_status_recent"
            ),
            # A member's list (public, network or their own scope's, one status): walk the
            # status in order and test each row's visibility, stopping at the page's end;
            # and count the status's rows from the index alone. SQLite sorted ~8,700 rows.
            models.Index(fields=["status", "-updated_at", "-id"], name="project_status_all_recent"),
            models.Index(fields=["status", "visibility", "city"], name="project_status_scope"),
            # The dashboards' disclosure table sums the stored counts of the public projects
            # per city from this index alone (plans.disclosure.completeness_by_city).
            models.Index(
                fields=["visibility", "city", "disclosed_identification", "disclosed_preparation"],
                name="project_disclosure_by_city",
            ),
        ]
        constraints = [
            not_before(
                "period_end",
                "period_start",
                name="project_period_in_order",
                unless_empty=("period_end", "period_start"),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def funding_gap(self) -> Decimal:
        """Budget not yet secured, in the budget's currency; computed, never stored. Zero
        when no budget is published."""
        if self.budget_amount is None:
            return Decimal("0")
        return max(self.budget_amount - self.funding_secured, Decimal("0"))

    @property
    def shown_funding_gap(self) -> Decimal | None:
        """The funding gap as a page shows it: None when no budget is published, where 0
        would read as fully funded (``funding_gap`` stays 0 for sums and the API)."""
        return None if self.budget_amount is None else self.funding_gap


class Milestone(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    milestone_type = models.CharField(
        _("type"), max_length=30, choices=codelists.choices(codelists.MILESTONE_TYPE), blank=True
    )
    code = models.CharField(
        _("code"), max_length=30, choices=codelists.choices(codelists.MILESTONE_CODE), blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=codelists.choices(codelists.MILESTONE_STATUS),
        default="scheduled",
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    date_met = models.DateField(_("met on"), null=True, blank=True)

    class Meta:
        ordering = ["project", "due_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_updates")
    date = models.DateField(_("as of"), default=dt.date.today)
    physical_pct = models.DecimalField(
        _("physical progress %"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    financial_pct = models.DecimalField(
        _("financial progress %"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    note = models.TextField(_("note"), blank=True)
    created_by = user_link()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "date", "id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.project} {self.date}: {self.physical_pct}% / {self.financial_pct}%"


class ReadinessAssessment(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assessments")
    answers = models.JSONField(_("answers"))
    score = models.PositiveSmallIntegerField(_("score"))
    level = models.CharField(_("level"), max_length=15, choices=ReadinessLevel.choices)
    missing = models.JSONField(_("missing items"), default=list)
    created_by = user_link()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "-created_at", "-id"]
        verbose_name = _("readiness assessment")
        verbose_name_plural = _("readiness assessments")

    def __str__(self) -> str:
        return f"{self.project}: {self.score} ({self.level})"


class ProjectDocument(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    document_type = models.CharField(
        _("type"), max_length=40, choices=codelists.choices(codelists.DOCUMENT_TYPE), blank=True
    )
    file = models.FileField(_("file"), upload_to="projects/%Y/")
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = user_link()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "-created_at"]
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")

    def __str__(self) -> str:
        return self.title
