"""Agreements signed between members of the network and its partners (SPEC C6).

Programmes (SPEC C5) do not exist yet; an agreement's link to funding programmes is to be
added as an M2M to ``partners.Programme`` when that model lands.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ascn.core.models import (
    DatePrecision,
    HasPage,
    VersionedModel,
    link,
    optional_link,
    precision_field,
)
from ascn.core.visibility import VisibilityField
from ascn.meetings.models import Meeting
from ascn.network.models import City, MemberState
from ascn.partners.models import Organisation

Precision = DatePrecision  # the name the app knows it by (services check signed_date_precision)


class Agreement(HasPage, VersionedModel):
    page_url = "agreement-detail"

    class Kind(models.TextChoices):
        MOU = "mou", _("Memorandum of understanding")
        LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
        GRANT = "grant", _("Grant")
        LOAN = "loan", _("Loan")
        PARTNERSHIP = "partnership", _("Partnership")
        TWINNING = "twinning", _("Twinning")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    signed_date = models.DateField(_("signed on"), null=True, blank=True)
    signed_date_precision = precision_field(_("precision of the signing date"))
    signed_place = models.CharField(_("signed at"), max_length=200, blank=True)
    meeting = optional_link(
        Meeting,
        _("meeting where it was signed"),
        related_name="agreements",
        on_delete=models.SET_NULL,
    )
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    visibility = VisibilityField()
    projects = models.ManyToManyField(
        "plans.Project", verbose_name=_("projects"), blank=True, related_name="agreements"
    )
    document = models.FileField(_("document (PDF)"), upload_to="agreements/%Y/", blank=True)

    class Meta:
        ordering = ["-signed_date", "title"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(signed_date__isnull=False),
                name="agreement_signed_has_date",
                violation_error_message=_("A signed agreement has a signing date."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class AgreementParty(models.Model):
    """One party: a name as written in the agreement, optionally tied to a record of the network."""

    agreement = link(Agreement, _("agreement"), related_name="parties", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    organisation = optional_link(
        Organisation,
        _("organisation"),
        related_name="agreement_parties",
        on_delete=models.SET_NULL,
    )
    city = optional_link(
        City, _("city"), related_name="agreement_parties", on_delete=models.SET_NULL
    )
    member_state = optional_link(
        MemberState, _("member state"), related_name="agreement_parties", on_delete=models.SET_NULL
    )
    signatory = models.CharField(_("signatory"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=300, blank=True)

    class Meta:
        ordering = ["agreement", "position", "id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "position"], name="party_position_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(organisation__isnull=True, city__isnull=True)
                    | models.Q(organisation__isnull=True, member_state__isnull=True)
                    | models.Q(city__isnull=True, member_state__isnull=True)
                ),
                name="party_at_most_one_record",
                violation_error_message=_(
                    "A party is an organisation, a city or a member state — at most one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def record(self):
        return self.organisation or self.city or self.member_state
