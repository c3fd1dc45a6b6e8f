"""People who sign in. E-mail is the sign-in name (no usernames)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ascn.core.models import link, optional_link

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Whether the user can sign in to the Secretariat back office."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # The language the person chose (the language menu, the account page): their pages are
    # served in it (ascn.core.languages) and their e-mails and notifications written in it.
    language = models.CharField(
        _("language"), max_length=8, blank=True, choices=settings.LANGUAGES, default=""
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


def user_link(
    verbose_name: StrOrPromise | None = None, *, blank: bool = False
) -> models.ForeignKey[User | None, User | None]:
    """The account that did something to a record (created, uploaded or wrote it, moved it
    on). None for the system; deleting the account sets it to None and keeps the record.
    Users get no reverse accessor (``related_name="+"``). ``blank``: optional in forms."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=blank,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    NATIONAL_REPRESENTATIVE = "national_representative", _("National Representative")
    CSO = "cso", _("Chief Smart City Officer")
    PARTNER_MEMBER = "partner_member", _("Partner member")


class ScopeType(models.TextChoices):
    NETWORK = "network", _("Whole network")
    MEMBER_STATE = "member_state", _("Member state")
    CITY = "city", _("City")
    ORGANISATION = "organisation", _("Organisation")


# The scope each role is held over: roles are data, this is the one place that pairs them.
ROLE_SCOPE = {
    Role.SECRETARIAT: ScopeType.NETWORK,
    Role.NATIONAL_REPRESENTATIVE: ScopeType.MEMBER_STATE,
    Role.CSO: ScopeType.CITY,
    Role.PARTNER_MEMBER: ScopeType.ORGANISATION,
}


# The field of a membership (and of an invitation) that holds the scope of each kind.
SCOPE_FIELD = {
    ScopeType.MEMBER_STATE: "member_state",
    ScopeType.CITY: "city",
    ScopeType.ORGANISATION: "organisation",
}


def _scope_matches_type() -> models.Q:
    """Each scope type holds exactly its own scope field; the network holds none."""
    fields = list(SCOPE_FIELD.values())
    condition = models.Q(scope_type=ScopeType.NETWORK, **{f"{f}__isnull": True for f in fields})
    for scope_type, own in SCOPE_FIELD.items():
        condition |= models.Q(scope_type=scope_type, **{f"{f}__isnull": f != own for f in fields})
    return condition


class HasScope:
    """A membership or an invitation: a role held over one member state, city or
    organisation (or over the whole network: no scope)."""

    member_state: Any
    city: Any
    organisation: Any

    @property
    def scope(self):
        return self.member_state or self.city or self.organisation


class MembershipQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(models.Q(start_date__lte=on)).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gt=on)
        )


class Membership(HasScope, models.Model):
    """A person's role over a scope, from a start date to an (optional) end date."""

    user = link(User, _("user"), related_name="memberships", on_delete=models.CASCADE)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    scope_type = models.CharField(_("scope type"), max_length=20, choices=ScopeType.choices)
    member_state = optional_link(
        "network.MemberState", _("member state"), related_name="memberships"
    )
    city = optional_link("network.City", _("city"), related_name="memberships")
    organisation = optional_link(
        "partners.Organisation", _("organisation"), related_name="memberships"
    )
    start_date = models.DateField(_("start"), default=timezone.localdate)
    end_date = models.DateField(_("end"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__email", "role", "start_date"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_type",
                condition=_scope_matches_type(),
            ),
            models.CheckConstraint(
                name="membership_ends_after_start",
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gt=models.F("start_date")),
            ),
        ]

    def __str__(self) -> str:
        scope = self.scope
        where = f" — {scope}" if scope is not None else ""
        return f"{self.user.email}: {self.get_role_display()}{where}"

    @classmethod
    def scope_model(cls, scope_type: str) -> type[models.Model] | None:
        """The model of a scope of this type (the one its foreign key names: the registry's
        member states and cities, the partners' organisations), None for the network."""
        field = SCOPE_FIELD.get(ScopeType(scope_type))
        return cls._meta.get_field(field).related_model if field else None  # type: ignore[return-value]

    @property
    def scope_key(self) -> str | None:
        """The scope as the API names it: ISO code, city slug or organisation slug."""
        if self.member_state_id:
            return self.member_state.code
        if self.city_id:
            return self.city.slug
        if self.organisation_id:
            return self.organisation.slug
        return None


class Revocable(models.Model):
    """A secret handed out once (an invitation's link, an API token): it expires, and it can
    be revoked before that. Newest first."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_active(self) -> bool:
        """Neither revoked nor expired (an invitation may also have been used)."""
        return self.revoked_at is None and self.expires_at > timezone.now()


class Invitation(HasScope, Revocable):
    """A single-use, expiring link that ends in an account with one membership."""

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    member_state = models.ForeignKey(
        "network.MemberState", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    city = models.ForeignKey(
        "network.City", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "partners.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "network.Person",
        verbose_name=_("registry person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
        help_text=_("The officer in the registry this account belongs to, if any."),
    )
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations_sent")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = user_link(blank=True)

    class Meta(Revocable.Meta):
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class ApiToken(Revocable):
    """A personal API token: shown once, stored as a SHA-256 hash, expiring, revocable."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, default="API token")
    prefix = models.CharField(
        _("prefix"), max_length=12, help_text=_("Shown to recognise the token.")
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # A digest of the password hash the token was created under: a new password, however it
    # was set (the pages, the admin, `manage.py changepassword`, a shell), ends the token, as
    # it ends the sessions. Not a secret: the password hash it digests sits in the same database.
    password_fingerprint = models.CharField(max_length=64, editable=False, default="")
    two_factor = models.BooleanField(
        _("two-factor verified"),
        default=False,
        help_text=_(
            "Created with a right two-factor code (or from a verified session): it may be "
            "used by an account that must use two-factor."
        ),
    )

    class Meta(Revocable.Meta):
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def outlived_password(self, user: User) -> bool:
        """True when ``user``'s password changed since this token was created."""
        return not constant_time_compare(self.password_fingerprint, password_fingerprint(user))


def password_fingerprint(user: User) -> str:
    """What an API token remembers of the password it was created under (see ApiToken)."""
    return hashlib.sha256(user.password.encode()).hexdigest()


class NotificationText(models.Model):
    """One message's title and body in every language of the site ({"th": [title, body],
    …}), written once by ``notify`` and shared by the notices of all its recipients: a page
    shows a notice in its own language, whichever one the person read when it came."""

    texts = models.JSONField(_("in each language"), default=dict)

    audited = False  # written with the notices, which are the person's own

    class Meta:
        verbose_name = _("notification text")
        verbose_name_plural = _("notification texts")

    def __str__(self) -> str:
        return str(next(iter(self.texts.values()), [""])[0])


class Notification(models.Model):
    """An in-app notice for one user (its e-mail twin is sent by the same service)."""

    user = link(User, _("user"), related_name="notifications", on_delete=models.CASCADE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # How it was delivered, chosen by the person (NotificationPreference); a digest notice
    # gets its ``emailed_at`` when the daily digest carrying it is sent.
    delivery = models.CharField(_("delivery"), max_length=10, default="email")
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    # The message in every language of the site, shared with the other recipients' notices
    # (``title`` and ``body``: in the language this person read when it came; a notice from
    # before the texts were kept has none)
    text = models.ForeignKey(
        NotificationText,
        verbose_name=_("in each language"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title

    def in_language(self, language: str | None = None) -> tuple[str, str]:
        """(title, body) in ``language`` (the active one by default) when the notice was
        written in it, else as it was first written (a notice from before ``texts``)."""
        code = (language or get_language() or "").split("-")[0]
        texts = self.text.texts if self.text_id else {}
        title, body = texts.get(code) or (self.title, self.body)
        return title, body

    @property
    def shown_title(self) -> str:
        return self.in_language()[0]

    @property
    def shown_body(self) -> str:
        return self.in_language()[1]


class Delivery(models.TextChoices):
    """How a person receives one kind of notification."""

    APP = "app", _("In the platform only")
    EMAIL = "email", _("In the platform and by e-mail at once")
    DIGEST = "digest", _("In the platform and in a daily digest e-mail")


class NotificationPreference(models.Model):
    """A person's choice for one kind of notification; no row means e-mail at once."""

    user = link(User, _("user"), related_name="notification_preferences", on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=50)
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.EMAIL
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery}"
