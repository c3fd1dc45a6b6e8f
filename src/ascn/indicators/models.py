"""City indicators (SPEC C12): the catalogue (SDG 11, U4SSC KPIs, ISO 37120/37122
references), each city's values per year with their source and method, the verification of
each value with a data-quality grade, and every version of a value kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ascn.core.models import TimeStampedModel, VersionedModel
from ascn.core.visibility import VisibilityField


class Framework(models.TextChoices):
    SDG11 = "sdg11", _("SDG 11 (UN global indicator framework)")
    U4SSC = "u4ssc", _("U4SSC key performance indicators")
    ISO37120 = "iso37120", _("ISO 37120 (reference)")
    ISO37122 = "iso37122", _("ISO 37122 (reference)")


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")
    NEUTRAL = "neutral", _("neither: read in context")


DIRECTION_LABELS = dict(Direction.choices)


class Indicator(models.Model):
    """One indicator of the catalogue, loaded from ``indicators/seed/catalogue.yaml``."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, help_text=_("The code in URLs."))
    framework = models.CharField(_("framework"), max_length=10, choices=Framework.choices)
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(_("definition (own words)"))
    unit = models.CharField(_("unit"), max_length=40)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    focus_area = models.ForeignKey(
        "network.FocusArea",
        verbose_name=_("ASCF focus area"),
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    outcome = models.ForeignKey(
        "network.Outcome",
        verbose_name=_("ASCF strategic outcome"),
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    references = models.CharField(
        _("related codes"),
        max_length=200,
        blank=True,
        help_text=_("Codes of the same measure in other frameworks (SDG, ISO 37120/37122)."),
    )
    source_title = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source link"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    # The catalogue's texts in the reader's language (``catalogue_labels.py`` puts them in the
    # translation catalogues); ``name``, ``definition`` and ``unit`` stay the catalogue's English.
    @property
    def label(self) -> str:
        return gettext(self.name)

    @property
    def definition_label(self) -> str:
        return gettext(self.definition.strip()) if self.definition else ""

    @property
    def unit_label(self) -> str:
        return gettext(self.unit) if self.unit else ""

    @property
    def direction_label(self) -> str:
        """``get_direction_display()`` without hashing every choice's lazy text on each call
        (a comparison or a city's page names the direction of fifty indicators)."""
        return str(DIRECTION_LABELS.get(self.direction, self.direction))

    @property
    def is_percentage(self) -> bool:
        return self.unit == "%"


class QualityGrade(models.TextChoices):
    """How the value was obtained: the six data-quality choices of the U4SSC data collection
    template (U4SSC KPIs Verification Manual, 2022, §10.1), best first."""

    MEASURED = "measured", _("Based on accurate measurements")
    SURVEY = "survey", _("Extrapolated based on a survey of inhabitants")
    HIGHER_LEVEL = "higher_level", _("Extrapolated based on higher-level data")
    ASSUMPTIONS = "assumptions", _("Estimation based on certain assumptions")
    PERSONAL = "personal", _("Personal estimation")
    UNKNOWN = "unknown", _("Unknown methodology, not traceable")


class Verification(models.TextChoices):
    """The verifier's answer on a value (the template's YES / NO), or not yet looked at."""

    PENDING = "pending", _("Not yet verified")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Not verified: returned to the city")


class IndicatorValue(VersionedModel):
    """One city's value of one indicator for one year. An edit keeps the earlier version
    (``IndicatorValueVersion``) and sends the value back to verification."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    city = models.ForeignKey(
        "network.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="indicator_values",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    source = models.CharField(_("source"), max_length=500)
    method_note = models.TextField(_("method note"), blank=True)
    visibility = VisibilityField()
    sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Illustrative value of the demo, never a real figure."),
    )
    verification = models.CharField(
        _("verification"),
        max_length=10,
        choices=Verification.choices,
        default=Verification.PENDING,
        db_index=True,
    )
    grade = models.CharField(
        _("data-quality grade"), max_length=20, choices=QualityGrade.choices, blank=True
    )
    verification_note = models.TextField(_("verifier's note"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Is this the city's latest value of the indicator for an audience? Kept by the services
    # in their transaction (``indicators.latest``): ``latest_public`` among the public values
    # (everyone), ``latest_shared`` among the public and network ones (a signed-in member),
    # ``latest_any`` among all (the Secretariat; the owners of the city's drafts). The
    # medians read these rows — one per city — instead of finding each city's latest year.
    latest_public = models.BooleanField(default=False, editable=False)
    latest_shared = models.BooleanField(default=False, editable=False)
    latest_any = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["indicator__position", "indicator__code", "-year"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "city", "year"], name="one_value_per_indicator_city_year"
            )
        ]
        indexes = [
            models.Index(fields=["city", "indicator", "year"], name="value_city_ind_year"),
            # The latest values of one indicator, read by the medians (covering: no table
            # lookup), one partial index per audience.
            *(
                models.Index(
                    fields=["indicator", "value", "year", "city"],
                    condition=models.Q(**{f"latest_{audience}": True}),
                    name=f"value_latest_{audience}",
                )
                for audience in ("public", "shared", "any")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.indicator.code} {self.year}"


class IndicatorValueVersion(TimeStampedModel):
    """A kept version of a value: what it said after each write (entry, edit, verification)."""

    record = models.ForeignKey(
        IndicatorValue,
        verbose_name=_("value"),
        on_delete=models.CASCADE,
        related_name="versions",
    )

    class Action(models.TextChoices):
        """What the write that made this version did (said in the value's history)."""

        ENTERED = "entered", _("entered")
        EDITED = "edited", _("edited")
        VERIFIED = "verified", _("verified")
        RETURNED = "returned", _("returned to the city")

    version = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=500)
    method_note = models.TextField(_("method note"), blank=True)
    visibility = models.CharField(_("visibility"), max_length=10)
    verification = models.CharField(_("verification"), max_length=10)
    grade = models.CharField(_("data-quality grade"), max_length=20, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["record", "-version"]
        verbose_name = _("indicator value version")
        verbose_name_plural = _("indicator value versions")
        constraints = [
            models.UniqueConstraint(fields=["record", "version"], name="one_row_per_value_version")
        ]

    def __str__(self) -> str:
        return f"{self.record} v{self.version}"


class CurrentTargets(models.Manager):
    """The targets projects have now: a removed one is left out everywhere it is read."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(removed=False)


class ProjectIndicator(VersionedModel):
    """An indicator a project aims to move, with its baseline and target (issue 22, item 5):
    versioned, as two officers may change one project's figures at once.

    Removing one keeps its row (``removed``), with its version bumped: naming the indicator
    again takes the row back up and its version goes on counting, so a change read before
    the removal can never carry the version of the target added again (a 409, not a silent
    overwrite). ``objects`` reads the current targets only; ``with_removed`` all rows."""

    project = models.ForeignKey(
        "plans.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="indicator_targets",
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="project_targets",
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=20, decimal_places=4)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    removed = models.BooleanField(_("removed"), default=False, editable=False)

    objects = CurrentTargets()
    with_removed = models.Manager()

    class Meta:
        ordering = ["indicator__position", "indicator__code"]
        base_manager_name = "with_removed"
        verbose_name = _("project indicator target")
        verbose_name_plural = _("project indicator targets")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "indicator"], name="one_target_per_project_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} → {self.indicator.code}"


class IndicatorMedian(models.Model):
    """The median of every city's latest value of an indicator, for one audience (``public``,
    ``shared``: public and network, ``any``: all) across the network (``size_class`` empty)
    or one size class — kept by the services with the latest values (``indicators.latest``),
    so a city's page reads 2 rows per indicator instead of 3,000 cities' values."""

    audited = False  # derived or kept by the platform itself: no kind of the audit trail

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="medians"
    )
    audience = models.CharField(_("audience"), max_length=10)
    size_class = models.CharField(_("size class"), max_length=20, blank=True)
    value = models.DecimalField(_("median"), max_digits=20, decimal_places=4, null=True)
    cities = models.PositiveIntegerField(_("cities"))
    # [[year, cities], …]: how many cities' latest value is of each year
    years = models.JSONField(_("years"), default=list)
    # The sorted latest values around the median, [[value, year, city id], …] from the
    # rank ``window_start`` (``latest.WINDOW`` on each side): an owner's median is corrected
    # from them (``queries._swapped_median``).
    window_start = models.PositiveIntegerField(_("window start"), default=0)
    window = models.JSONField(_("values around the median"), default=list)

    class Meta:
        verbose_name = _("indicator median")
        verbose_name_plural = _("indicator medians")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "audience", "size_class"], name="one_median_per_audience"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.audience} {self.size_class or 'network'}"
