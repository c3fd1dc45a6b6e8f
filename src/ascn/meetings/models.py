"""Meetings of the network (SPEC C7): annual meetings, workshops, summits, high-level
meetings and roundtables, with their agenda, registrations, decisions and minutes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ascn.accounts.models import user_link
from ascn.core import formats
from ascn.core.models import (
    HasPage,
    TimeStampedModel,
    Translatable,
    VersionedModel,
    link,
    not_before,
    optional_link,
)
from ascn.network.models import City, MemberState


class Meeting(HasPage, Translatable, VersionedModel):
    page_url = "meeting-detail"

    class Kind(models.TextChoices):
        ANNUAL_MEETING = "annual_meeting", _("Annual meeting")
        WORKSHOP = "workshop", _("Workshop")
        SUMMIT = "summit", _("Summit")
        HIGH_LEVEL_MEETING = "high_level_meeting", _("High-level meeting")
        ROUNDTABLE = "roundtable", _("Roundtable")

    class Precision(models.TextChoices):
        DAY = "day", _("Day")
        MONTH = "month", _("Month")
        YEAR = "year", _("Year")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Virtual")
        HYBRID = "hybrid", _("Hybrid")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    number = models.PositiveSmallIntegerField(_("number in its series"), null=True, blank=True)
    start_date = models.DateField(_("start date"), db_index=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text=_("How much of the date is known; 'year' means only the year is."),
    )
    host_member_state = optional_link(
        MemberState, _("host member state"), related_name="meetings_hosted"
    )
    host_city = optional_link(City, _("host city"), related_name="meetings_hosted")
    place = models.CharField(_("place"), max_length=200, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    uncertain = models.BooleanField(_("uncertain"), default=False)
    uncertainty_note = models.CharField(_("what is uncertain"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Illustrative demo data, not real.")
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    registration_open = models.BooleanField(_("registration open"), default=False)
    registration_opens_on = models.DateField(
        _("registration opens"), null=True, blank=True, help_text=_("Empty: as soon as it is open.")
    )
    registration_closes_on = models.DateField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("The last day to register. Empty: until the meeting ends."),
    )
    time_zone = models.CharField(
        _("host's time zone"),
        max_length=64,
        blank=True,
        help_text=_(
            "The IANA time zone of the host city, e.g. Asia/Bangkok: agenda times are local."
        ),
    )
    minutes = models.TextField(_("minutes (Markdown)"), blank=True)
    # Announcing (once): when, by whom, and to how many CSCOs and representatives.
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("announced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    announced_to = models.PositiveIntegerField(_("people told"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "slug"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            not_before(
                "end_date",
                "start_date",
                name="meetings_meeting_end_not_before_start",
                unless_empty=("end_date",),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def last_day(self) -> dt.date:
        return self.end_date or self.start_date

    @property
    def latest_day(self) -> dt.date:
        """The latest day the meeting may end: its last day, or for a meeting known only to
        the month or the year, the end of that month or year."""
        if self.end_date or self.date_precision == self.Precision.DAY:
            return self.last_day
        if self.date_precision == self.Precision.MONTH:
            following = self.start_date.replace(day=28) + dt.timedelta(days=4)
            return following - dt.timedelta(days=following.day)
        return self.start_date.replace(month=12, day=31)

    @property
    def dates_display(self) -> str:
        """The dates at the precision they are known, in the site's one style (core.formats):
        '2020', 'May 2018', '22–25 May 2018'."""
        start = self.start_date
        if self.date_precision == self.Precision.YEAR:
            return f"{start:%Y}"
        if self.date_precision == self.Precision.MONTH:
            return formats.month(start)
        return formats.days(start, self.end_date)

    @property
    def local_offset(self) -> str:
        """The host's time zone as a reader in any language understands it: its offset from
        UTC on the meeting's days, written as the site writes every moment's
        (``formats.utc_offset``): 'UTC+7'; 'UTC+1 / UTC+2' when summer time begins or ends
        during the meeting. The stored name when no time zone has it."""
        try:
            zone = ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return self.time_zone
        offsets: list[str] = []
        for day in (self.start_date, self.last_day):
            offset = formats.utc_offset(dt.datetime.combine(day, dt.time(12), tzinfo=zone))
            if offset not in offsets:
                offsets.append(offset)
        return " / ".join(offsets)

    def is_upcoming(self, today: dt.date | None = None) -> bool:
        return self.last_day >= (today or dt.date.today())

    def registration_window_open(self, today: dt.date) -> bool:
        """Registration is switched on and ``today`` lies in its window, if one is set."""
        if not self.registration_open:
            return False
        if self.registration_opens_on and today < self.registration_opens_on:
            return False
        return not (self.registration_closes_on and today > self.registration_closes_on)


class AgendaItem(VersionedModel):
    meeting = link(Meeting, _("meeting"), related_name="agenda_items", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("position"))
    # which of a meeting's days (a meeting of several days); empty: not said, or a one-day one
    day = models.DateField(_("day"), null=True, blank=True)
    time = models.TimeField(_("time (local)"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["meeting", "position"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="meetings_agenda_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Registration(TimeStampedModel):
    """One person's place at one meeting. One row per person and meeting: cancelling and
    registering again reuse it, joining the end of the queue (``queued_at``)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    meeting = link(Meeting, _("meeting"), related_name="registrations", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="meeting_registrations",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    queued_at = models.DateTimeField(_("queued at"), db_index=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "queued_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="meetings_registration_one_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.meeting} ({self.status})"


class Decision(TimeStampedModel):
    """A decision taken or document adopted at a meeting."""

    meeting = link(Meeting, _("meeting"), related_name="decisions", on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    document_title = models.CharField(_("document title"), max_length=300, blank=True)
    document_url = models.URLField(_("document URL"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.title


class CalendarFeed(TimeStampedModel):
    """A person's private calendar feed. Only a hash of its secret is stored."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="meeting_calendar_feed",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return _("Calendar feed of %(user)s") % {"user": self.user}


class MeetingDocument(models.Model):
    """A PDF of a meeting (agenda, minutes, presentation, report). Meetings are public
    records, so are their documents; only the Secretariat uploads and deletes them."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        MINUTES = "minutes", _("Minutes")
        PRESENTATION = "presentation", _("Presentation")
        REPORT = "report", _("Report")
        OTHER = "other", _("Other")

    meeting = link(Meeting, _("meeting"), related_name="documents", on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(_("file"), upload_to="meetings/%Y/")
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = user_link(_("uploaded by"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "kind", "-created_at", "id"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meeting-document", args=[self.meeting.slug, self.pk])
