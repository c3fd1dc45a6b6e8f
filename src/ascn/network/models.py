"""The network registry: member states, cities, officers, the ASCF and the timeline.

Everything here is data loaded from ``seed/`` or edited by the Secretariat; no list of
countries or cities lives in code.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ascn.core import formats
from ascn.core.models import (
    DatePrecision,
    HasPage,
    TimeStampedModel,
    VersionedModel,
    link,
    not_before,
    optional_link,
    precision_field,
)


class SizeClass(models.TextChoices):
    """City size classes of SPEC C1, derived from the population of the city proper."""

    SMALL = "small", _("Small (under 200,000)")
    MIDDLEWEIGHT = "middleweight", _("Middleweight (200,000 – 2 million)")
    LARGE = "large", _("Large (2 – 10 million)")
    MEGACITY = "megacity", _("Megacity (10 million or more)")


# Half-open population ranges [lower, upper) for each size class.
SIZE_CLASS_BOUNDS: dict[str, tuple[int, int | None]] = {
    SizeClass.SMALL: (0, 200_000),
    SizeClass.MIDDLEWEIGHT: (200_000, 2_000_000),
    SizeClass.LARGE: (2_000_000, 10_000_000),
    SizeClass.MEGACITY: (10_000_000, None),
}


def size_class_for(population: int | None) -> str | None:
    if population is None:
        return None
    for code, (lower, upper) in SIZE_CLASS_BOUNDS.items():
        if population >= lower and (upper is None or population < upper):
            return str(code)
    return None


def size_class_q(code: str) -> Q:
    lower, upper = SIZE_CLASS_BOUNDS[SizeClass(code)]
    q = Q(population__gte=lower)
    if upper is not None:
        q &= Q(population__lt=upper)
    return q


class FrameworkItem(models.Model):
    """An item of the ASEAN Smart Cities Framework, in the framework's order."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (``framework_labels.py`` puts the framework's
        names in the catalogues); ``name`` stays the framework's English one."""
        return gettext(self.name)

    @property
    def description_label(self) -> str:
        return gettext(self.description) if self.description else ""


class Outcome(FrameworkItem):
    """A strategic outcome of the ASEAN Smart Cities Framework."""

    class Meta(FrameworkItem.Meta):
        verbose_name = _("ASCF strategic outcome")
        verbose_name_plural = _("ASCF strategic outcomes")


class FocusArea(FrameworkItem):
    """A development focus area of the ASEAN Smart Cities Framework."""

    class Meta(FrameworkItem.Meta):
        verbose_name = _("ASCF focus area")
        verbose_name_plural = _("ASCF focus areas")


class MemberState(VersionedModel):
    code = models.CharField(
        _("ISO 3166-1 alpha-2 code"), max_length=2, unique=True, help_text=_("e.g. TH")
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    official_name = models.CharField(_("official name"), max_length=200, blank=True)
    asean_member_since = models.DateField(_("ASEAN member since"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("member state")
        verbose_name_plural = _("member states")

    def __str__(self) -> str:
        return self.label  # a form's menu, a page: in the reader's language

    @property
    def label(self) -> str:
        """The name in the reader's language (``framework_labels.py`` puts the member states'
        names in the catalogues); ``name`` stays the English one, as the data files hold it."""
        return gettext(self.name)

    def get_absolute_url(self) -> str:
        return reverse("member-state-detail", args=[self.code.lower()])


class CityQuerySet(models.QuerySet):
    def of_size_class(self, code: str) -> CityQuerySet:
        return self.filter(size_class_q(code))

    def search(self, text: str) -> CityQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text)
            | Q(alt_names__icontains=text)
            | Q(member_state__name__icontains=text)
        )


class City(HasPage, VersionedModel):
    page_url = "city-detail"

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    alt_names = models.CharField(
        _("other names"), max_length=300, blank=True, help_text=_("Comma-separated, for search.")
    )
    member_state = link(MemberState, _("member state"), related_name="cities")
    cohort = models.PositiveSmallIntegerField(
        _("cohort"), help_text=_("The year the city joined the ASCN (2018 for the pilot cities).")
    )
    cohort_source = models.CharField(_("source of the cohort"), max_length=300, blank=True)
    cohort_note = models.CharField(_("note on the cohort"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    population_source = models.CharField(_("population source"), max_length=300, blank=True)
    population_note = models.CharField(_("population note"), max_length=300, blank=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [
            models.CheckConstraint(
                condition=Q(population__isnull=True)
                | (Q(population_year__isnull=False) & ~Q(population_source="")),
                name="city_population_has_year_and_source",
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="city_coordinates_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def size_class(self) -> str | None:
        return size_class_for(self.population)

    @property
    def latitude_label(self) -> str:
        return f"{formats.number(abs(self.latitude), 3)}° {'N' if self.latitude >= 0 else 'S'}"

    @property
    def longitude_label(self) -> str:
        return f"{formats.number(abs(self.longitude), 3)}° {'E' if self.longitude >= 0 else 'W'}"

    @property
    def size_class_label(self) -> str:
        return SizeClass(self.size_class).label if self.size_class else ""


class Person(TimeStampedModel):
    """Someone who holds or held an appointment; linked to a user account once they have one."""

    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    user = models.OneToOneField(
        "accounts.User",
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name


class AppointmentQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None) -> AppointmentQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=on)).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=on)
        )


class Appointment(TimeStampedModel):
    """A person's office in the network: CSCO of a city or National Representative of a state."""

    class Role(models.TextChoices):
        CSO = "cso", _("Chief Smart City Officer")
        NATIONAL_REPRESENTATIVE = "national_representative", _("National Representative")

    person = link(Person, _("person"), related_name="appointments")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    member_state = link(MemberState, _("member state"), related_name="appointments")
    city = optional_link(City, _("city"), related_name="appointments")
    designation = models.TextField(
        _("designation"), blank=True, help_text=_("As published; one line per designation.")
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    start_date_precision = precision_field(
        _("precision of the start"),
        _("A source that names an officer in a year's list gives only the year."),
    )
    end_date = models.DateField(_("end"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["member_state__name", "city__name", "position", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="cso") | Q(city__isnull=False), name="cso_has_a_city"
            ),
            not_before(
                "end_date",
                "start_date",
                name="appointment_ends_after_start",
                unless_empty=("end_date", "start_date"),
            ),
        ]

    def __str__(self) -> str:
        where = self.city.name if self.city_id else self.member_state.label
        return f"{self.person} — {self.get_role_display()}, {where}"

    @property
    def designation_lines(self) -> list[str]:
        return [line for line in self.designation.splitlines() if line.strip()]

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        started = self.start_date is None or self.start_date <= today
        return started and (self.end_date is None or self.end_date > today)


class TimelineEvent(models.Model):
    Precision = DatePrecision

    key = models.SlugField(_("key"), max_length=100, unique=True)
    date = models.DateField(_("date"))
    date_precision = precision_field(_("date precision"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    uncertain = models.BooleanField(_("uncertain"), default=False)

    class Meta:
        ordering = ["date", "key"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")

    def __str__(self) -> str:
        return f"{self.date}: {self.title}"


class KeyFact(models.Model):
    """A sourced fact shown on the home page, e.g. the concept note's urbanisation figures."""

    key = models.SlugField(_("key"), max_length=100, unique=True)
    figure = models.CharField(_("figure"), max_length=50)
    statement = models.CharField(_("statement"), max_length=300)
    source = models.CharField(_("source"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "key"]
        verbose_name = _("key fact")
        verbose_name_plural = _("key facts")

    def __str__(self) -> str:
        return f"{self.figure} {self.statement}"

    @property
    def figure_label(self) -> str:
        """The figure in the reader's language (``framework_labels.py`` puts the seed's facts
        in the catalogues); a fact edited since reads as it was written."""
        return gettext(self.figure)

    @property
    def statement_label(self) -> str:
        return gettext(self.statement)
