"""Organisations of the network's partners. Profiles, programmes and deals build on this."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ascn.core.models import VersionedModel
from ascn.core.visibility import VisibilityField


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
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    headquarters_country = models.CharField(
        _("headquarters country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2")
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    verified = models.BooleanField(_("verified by the Secretariat"), default=False)
    visibility = VisibilityField()
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation-detail", args=[self.slug])
