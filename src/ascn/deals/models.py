"""The deal pipeline (SPEC C5): an engagement between one project and one organisation,
moved through its stages (interest → … → committed → closed, or declined), each step kept.

The models came from ``partners`` with their tables (``db_table``).
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ascn.accounts.models import user_link
from ascn.core.models import MONEY, HasPage, VersionedModel, link
from ascn.partners.models import Organisation
from ascn.plans import codelists
from ascn.plans.models import FinancingInstrument


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


class Confirmation(models.TextChoices):
    """Where a partner's commitment stands with the city: it counts only once confirmed."""

    PENDING = "pending", _("Waiting for the city's confirmation")
    CONFIRMED = "confirmed", _("Confirmed by the city")


class Engagement(HasPage, VersionedModel):
    """A deal in the pipeline between one project and one organisation."""

    page_url = "engagement-detail"
    page_key = "pk"

    project = link("plans.Project", _("project"), related_name="engagements")
    organisation = link(Organisation, _("organisation"), related_name="engagements")
    stage = models.CharField(
        _("stage"),
        max_length=15,
        choices=EngagementStage.choices,
        default=EngagementStage.INTEREST,
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
    commitment_confirmation = models.CharField(
        _("confirmation"), max_length=9, blank=True, choices=Confirmation.choices, db_index=True
    )
    commitment_confirmed_by = user_link(_("confirmed by"), blank=True)
    commitment_confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    created_by = user_link(blank=True)
    sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        db_table = "partners_engagement"  # moved from partners: the table keeps its name
        ordering = ["-updated_at", "-id"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"],
                name="one_engagement_per_project_and_organisation",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "stage"]),
            # One stage's deals, most recently moved first, read from the index in order (the
            # list's stage filter): over the stage alone, the database sorted all of them
            # (40,000 of 200,000 at bench scale) to give 50.
            models.Index(fields=["stage", "updated_at", "id"], name="deal_stage_moved"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} × {self.project}"

    @property
    def awaiting_confirmation(self) -> bool:
        """A commitment recorded by the partner that the city has not yet confirmed."""
        return self.commitment_confirmation == Confirmation.PENDING


class EventKind(models.TextChoices):
    MOVED = "moved", _("Moved")
    CONFIRMED = "confirmed", _("Commitment confirmed")
    NOT_CONFIRMED = "not_confirmed", _("Commitment not confirmed")


class EngagementEvent(models.Model):
    """One step of a deal: who moved it from which stage to which, and why; or who, for the
    city, confirmed the partner's commitment or declined to (with the amount in question)."""

    engagement = link(Engagement, _("engagement"), related_name="events", on_delete=models.CASCADE)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = user_link(blank=True)
    from_stage = models.CharField(
        _("from"), max_length=15, blank=True, choices=EngagementStage.choices
    )
    to_stage = models.CharField(_("to"), max_length=15, choices=EngagementStage.choices)
    note = models.TextField(_("note"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=13, choices=EventKind.choices, default=EventKind.MOVED
    )
    commitment_amount = models.DecimalField(_("amount committed"), null=True, blank=True, **MONEY)
    commitment_currency = models.CharField(_("currency"), max_length=3, blank=True)

    class Meta:
        db_table = "partners_engagementevent"  # moved from partners: the table keeps its name
        ordering = ["at", "id"]
        verbose_name = _("engagement event")
        verbose_name_plural = _("engagement events")

    def __str__(self) -> str:
        return f"{self.from_stage or '—'} → {self.to_stage}"
