"""Funding programmes (SPEC C5): a sponsor's programme with its calls for applications,
the applications cities make with their projects, the awards and their disbursements.

The models came from ``partners`` with their tables (``db_table``): moving them changed
the code's place, not the data.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ascn.accounts.models import user_link
from ascn.core.models import (
    MONEY,
    HasPage,
    TimeStampedModel,
    VersionedModel,
    at_most,
    link,
    list_field,
    not_before,
    optional_link,
)
from ascn.core.sources import SourcesField
from ascn.core.visibility import VisibilityField
from ascn.partners.models import Organisation
from ascn.plans import codelists


class Programme(HasPage, VersionedModel):
    """A funding programme of a sponsor. Its balance is ``total − awarded``, kept in the
    row and changed only under a row lock by the award service."""

    page_url = "programme-detail"

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    sponsor = link(Organisation, _("sponsor"), related_name="programmes")
    implementer = optional_link(
        Organisation, _("implemented by"), related_name="implemented_programmes"
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
    eligible_countries = list_field(_("eligible countries"))
    eligible_focus_areas = list_field(_("eligible focus areas"))
    eligible_stages = list_field(_("eligible stages"))
    instruments = list_field(_("instruments"))
    website = models.URLField(_("website"), blank=True)
    visibility = VisibilityField()
    sample = models.BooleanField(_("sample data"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    sources = SourcesField()  # a real programme's published sources (core.sources)

    class Meta:
        db_table = "partners_programme"  # moved from partners: the table keeps its name
        ordering = ["name"]
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")
        constraints = [
            at_most(
                "awarded_amount", "total_amount", name="programme_never_awards_more_than_it_holds"
            ),
            at_most(
                "disbursed_amount",
                "awarded_amount",
                name="programme_never_disburses_more_than_awarded",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def balance(self) -> Decimal:
        return self.total_amount - self.awarded_amount


class Call(VersionedModel):
    programme = link(Programme, _("programme"), related_name="calls", on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        db_table = "partners_call"  # moved from partners: the table keeps its name
        ordering = ["-opens_on", "id"]
        verbose_name = _("call for applications")
        verbose_name_plural = _("calls for applications")
        constraints = [not_before("closes_on", "opens_on", name="call_closes_after_it_opens")]

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

    call = link(Call, _("call"), related_name="applications")
    project = link("plans.Project", _("project"), related_name="applications")
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
    created_by = user_link(blank=True)
    sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        db_table = "partners_application"  # moved from partners: the table keeps its name
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
    programme = link(Programme, _("programme"), related_name="awards")
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(0)], **MONEY)
    awarded_on = models.DateField(_("awarded on"))
    disbursed_amount = models.DecimalField(
        _("disbursed"), default=Decimal("0"), editable=False, **MONEY
    )

    class Meta:
        db_table = "partners_award"  # moved from partners: the table keeps its name
        ordering = ["-awarded_on", "-id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            at_most("disbursed_amount", "amount", name="award_never_disburses_more_than_awarded")
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.programme.currency} → {self.application.project}"


class Disbursement(TimeStampedModel):
    award = link(Award, _("award"), related_name="disbursements")
    amount = models.DecimalField(
        _("amount"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)

    class Meta:
        db_table = "partners_disbursement"  # moved from partners: the table keeps its name
        ordering = ["-paid_on", "-id"]
        constraints = [
            # a payment's reference is recorded once an award (a form sent twice)
            models.UniqueConstraint(
                fields=["award", "reference"],
                condition=~models.Q(reference=""),
                name="disbursement_reference_once",
            )
        ]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")

    def __str__(self) -> str:
        return f"{self.amount} on {self.paid_on}"
