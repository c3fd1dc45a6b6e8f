"""Partners (SPEC C5): the organisations that work with the network — their published
mandate, members and verification. Programmes are in ``funding``, deals in ``deals``.

Lists that matchmaking filters on (countries, focus areas, stages, instruments) are JSON
lists of stable codes: one row per organisation is read in the hot loop, with no join.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ascn.core.countries import country_name
from ascn.core.models import MONEY, HasPage, VersionedModel, list_field
from ascn.core.sources import SourcesField
from ascn.core.visibility import VisibilityField
from ascn.partners import keys


class Organisation(HasPage, VersionedModel):
    page_url = "organisation-detail"

    class Kind(models.TextChoices):
        SOLUTION_PROVIDER = "solution_provider", _("Solution provider")
        INVESTOR = "investor", _("Investor")
        DEVELOPMENT_PARTNER = "development_partner", _("Development partner")
        EXTERNAL_GOVERNMENT = "external_government", _("External government")
        ACADEMIA_NGO = "academia_ngo", _("Academia / NGO")
        ASEAN_BODY = "asean_body", _("ASEAN body")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # What people also call it (ADB, DFAT): search and name lookups find the organisation by
    # these too, as a city's ``alt_names``.
    alt_names = models.CharField(
        _("other names"),
        max_length=300,
        blank=True,
        help_text=_("Acronyms and other names, comma-separated, for search."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    headquarters_country = models.CharField(
        _("headquarters country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2")
    )
    countries = list_field(
        _("ASEAN countries of operation"),
        _("ISO 3166-1 alpha-2 codes of ASEAN member states; empty means not published."),
    )
    focus_areas = list_field(_("ASCF focus areas"), _("Focus area codes."))
    instruments = list_field(
        _("financing instruments"),
        _("Codes: grant, loan, equity, ppp, guarantee, technical_assistance."),
    )
    stages = list_field(_("project stages engaged at"), _("OC4IDS project status codes."))
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
    # Published sources of a real organisation's profile, each naming the fields it gives
    # (``core.sources``); a field no source gives stays empty ("Not published").
    sources = SourcesField()
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

    @property
    def headquarters_label(self) -> str:
        """The head office's country named in the reader's language ("" when not given)."""
        return country_name(self.headquarters_country) if self.headquarters_country else ""

    def refresh_match_index(self) -> None:
        """Recompute the derived matchmaking columns (call before a ``bulk_create``)."""
        self.match_keys = keys.match_keys(
            countries=self.countries or [],
            focus_areas=self.focus_areas or [],
            instruments=self.instruments or [],
            stages=self.stages or [],
        )
        self.match_terms = keys.wrap(
            keys.terms(self.capability_statement or self.description or "")
        )

    @property
    def missing_for_matching(self) -> list[str]:
        """What the profile lacks to be matched (``keys.missing_for_matching``)."""
        return keys.missing_for_matching(
            countries=self.countries or [],
            focus_areas=self.focus_areas or [],
            instruments=self.instruments or [],
            stages=self.stages or [],
            ticket_min=self.ticket_min_usd,
            ticket_max=self.ticket_max_usd,
        )

    def save(self, *args, **kwargs):
        self.refresh_match_index()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "match_keys", "match_terms"}
        super().save(*args, **kwargs)
