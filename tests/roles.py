"""The role matrix (DESIGN convention 8): who is who over the real seed, and what each reaches.

Every capability tests its endpoints and pages for the same principals — anonymous, out of
scope, in scope and the Secretariat — by declaring one row per endpoint::

    pytest_plugins = ["tests.roles"]

    def test_the_project_page(roles):
        assert_matrix(roles.session, "GET", "/projects/1/", {
            "anonymous": 404, "cso_hanoi": 404, "cso_phuket": 200, "nr_th": 200,
            "partner_adb": 404, "secretariat": 200,
        })

Principals (built through the services over the real seed, see ``build_roles``):

* ``anonymous`` — nobody signed in;
* ``secretariat`` — Secretariat over the whole network, with a confirmed TOTP device; its
  browser session is two-factor verified the way django-otp's ``login`` does it;
* ``nr_th`` — National Representative of Thailand;
* ``cso_phuket`` — Chief Smart City Officer of Phuket (Thailand);
* ``cso_hanoi`` — Chief Smart City Officer of Hanoi (Viet Nam);
* ``partner_adb`` — member of the Asian Development Bank (an ``Organisation`` created by
  ``partners.services.organisation_upsert_seed``, public like the partner seed).

A principal signs in either with a browser session (``roles.session``) or with a bearer
token (``roles.bearer``); both are client factories for ``assert_matrix``. Users get no
password (argon2 is slow): tests that sign in with a password create their own user, or call
``roles.set_password``. Later capabilities add principals with ``roles.add(...)``.

Test modules import helpers from here and load the fixtures with ``pytest_plugins``; the
module is imported before pytest could rewrite its asserts, so it opts out explicitly
(PYTEST_DONT_REWRITE) and its asserts carry their own messages.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ascn.accounts.models import Role, User
from ascn.accounts.services import membership_grant, token_create, user_create
from ascn.core.models import AuditEntry
from ascn.network.models import City, MemberState
from ascn.partners.models import Organisation
from ascn.partners.services import organisation_upsert_seed
from tests.network_seed import built_once

ANONYMOUS = "anonymous"
SECRETARIAT = "secretariat"
NR_TH = "nr_th"
CSO_PHUKET = "cso_phuket"
CSO_HANOI = "cso_hanoi"
PARTNER_ADB = "partner_adb"

PRINCIPALS = (ANONYMOUS, SECRETARIAT, NR_TH, CSO_PHUKET, CSO_HANOI, PARTNER_ADB)
MEMBERS = PRINCIPALS[1:]

ADB_SLUG = "asian-development-bank"
ADB_VALUES = {
    "name": "Asian Development Bank",
    "kind": Organisation.Kind.DEVELOPMENT_PARTNER,
    "headquarters_country": "PH",
    "website": "https://www.adb.org",
    "visibility": "public",
}

# e-mail, role, how to find the scope
ROLE_ACCOUNTS: dict[str, tuple[str, str, Callable[[], Any]]] = {
    SECRETARIAT: ("secretariat@roles.test", Role.SECRETARIAT, lambda: None),
    NR_TH: (
        "nr-th@roles.test",
        Role.NATIONAL_REPRESENTATIVE,
        lambda: MemberState.objects.get(code="TH"),
    ),
    CSO_PHUKET: ("cso-phuket@roles.test", Role.CSO, lambda: City.objects.get(slug="phuket")),
    CSO_HANOI: ("cso-hanoi@roles.test", Role.CSO, lambda: City.objects.get(slug="hanoi")),
    PARTNER_ADB: (
        "partner-adb@roles.test",
        Role.PARTNER_MEMBER,
        lambda: organisation_upsert_seed(slug=ADB_SLUG, values=ADB_VALUES)[0],
    ),
}


# --- two-factor helpers ------------------------------------------------------------------


def totp_device(user: User, *, confirmed: bool = True) -> TOTPDevice:
    """A TOTP authenticator for ``user`` (no service writes devices: django-otp owns them)."""
    return TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=confirmed)


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's authenticator app shows now (or ``steps_ahead`` steps later)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.drift = device.drift + steps_ahead
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A well-formed code that is not valid in the device's tolerance window."""
    valid = {totp_code(device, steps_ahead=n) for n in range(-3, 4)}
    return next(
        code for code in (f"{n:06d}" for n in range(0, 1_000_000, 7919)) if code not in valid
    )


def sign_in(client: Client, user: User, device: TOTPDevice | None = None) -> Client:
    """``force_login`` and, given a device, mark the session verified as ``django_otp.login`` does."""
    client.force_login(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


# --- principals ----------------------------------------------------------------------------


@dataclass
class Principal:
    name: str
    user: User | None = None
    device: TOTPDevice | None = None
    _secret: str | None = field(default=None, repr=False)

    @property
    def is_anonymous(self) -> bool:
        return self.user is None

    def session(self, **client_kwargs) -> Client:
        """A fresh browser client signed in as this principal (two-factor verified if it has a device)."""
        client = Client(**client_kwargs)
        if self.user is not None:
            sign_in(client, self.user, self.device)
        return client

    @property
    def secret(self) -> str:
        """This principal's API token (created on first use, through ``token_create``; with
        the two-factor check passed when the principal has a device, as the API does it)."""
        if self.user is None:
            raise ValueError("The anonymous principal has no token.")
        if self._secret is None:
            _, self._secret = token_create(
                actor=self.user,
                name=f"role matrix {self.name}",
                two_factor=self.device is not None,
            )
        return self._secret

    def bearer(self, **client_kwargs) -> Client:
        """A fresh API client sending ``Authorization: Bearer <token>`` (no session)."""
        if self.user is None:
            return Client(**client_kwargs)
        headers = {**client_kwargs.pop("headers", {}), "Authorization": f"Bearer {self.secret}"}
        return Client(headers=headers, **client_kwargs)


class Roles(Mapping[str, Principal]):
    """The principals of one test, by name. ``session`` and ``bearer`` are client factories."""

    def __init__(self) -> None:
        self._principals: dict[str, Principal] = {ANONYMOUS: Principal(ANONYMOUS)}

    def __getitem__(self, name: str) -> Principal:
        return self._principals[name]

    def __iter__(self):
        return iter(self._principals)

    def __len__(self) -> int:
        return len(self._principals)

    def user(self, name: str) -> User:
        user = self[name].user
        assert user is not None, f"{name} has no account"
        return user

    def add(
        self,
        name: str,
        *,
        email: str,
        role: str | None = None,
        scope: Any = None,
        two_factor: bool = False,
        full_name: str = "",
    ) -> Principal:
        """Create an account (no password) with one membership, through the services."""
        user = user_create(actor=None, email=email, password=None, full_name=full_name or name)
        if role is not None:
            membership_grant(actor=None, user=user, role=role, scope=scope)
        device = totp_device(user) if two_factor else None
        principal = Principal(name, user, device)
        self._principals[name] = principal
        return principal

    def reread(self) -> Roles:
        """The same principals read anew from the database, with no token yet: for principals
        built once for a test module, whose objects a test may change (a password, a token)."""
        again = Roles()
        for name, principal in self._principals.items():
            if principal.user is not None:
                user = User.objects.get(pk=principal.user.pk)
                device = principal.device and TOTPDevice.objects.get(pk=principal.device.pk)
                again._principals[name] = Principal(name, user, device)
        return again

    def set_password(self, name: str, password: str) -> User:
        user = self.user(name)
        user.set_password(password)
        user.save(update_fields=["password"])
        return user

    # client factories for assert_matrix
    def session(self, name: str, **client_kwargs) -> Client:
        return self[name].session(**client_kwargs)

    def bearer(self, name: str, **client_kwargs) -> Client:
        return self[name].bearer(**client_kwargs)


def build_roles() -> Roles:
    """The standard principals over the real seed (which must be loaded: the ``network`` fixture)."""
    roles = Roles()
    for name, (email, role, scope) in ROLE_ACCOUNTS.items():
        roles.add(name, email=email, role=role, scope=scope(), two_factor=name == SECRETARIAT)
    return roles


@pytest.fixture(scope="module")
def _module_roles(_network_seed, django_db_blocker) -> Roles | None:
    """The standard principals built once for a test module, in the transaction that holds
    its network seed (``_network_seed``); None where the module's tests commit."""
    return built_once(_network_seed, django_db_blocker, build_roles)


@pytest.fixture
def roles(_module_roles, network) -> Roles:
    """The standard principals, read anew for every test (what a test writes is undone with
    its transaction): built once per test module, or for each test where the module's tests
    commit."""
    return build_roles() if _module_roles is None else _module_roles.reread()


@pytest.fixture
def adb(roles) -> Organisation:
    return Organisation.objects.get(slug=ADB_SLUG)


# --- the matrix --------------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """Expect a redirect (302) whose ``Location`` starts with ``to`` (compared URL-decoded)."""

    to: str
    status: int = 302

    def matches(self, response) -> bool:
        location = unquote(response.get("Location", ""))
        return response.status_code == self.status and location.startswith(unquote(self.to))

    def __str__(self) -> str:
        return f"{self.status} → {self.to}"


def sign_in_redirect(path: str) -> Redirect:
    """Anonymous on a members-only page: sent to sign-in, coming back afterwards."""
    return Redirect(f"/accounts/sign-in/?next={path}")


Expected = int | Collection[int] | Redirect


def _matches(expected: Expected, response) -> bool:
    if isinstance(expected, Redirect):
        return expected.matches(response)
    if isinstance(expected, int):
        return response.status_code == expected
    return response.status_code in expected


def _describe(response) -> str:
    described = str(response.status_code)
    if response.get("Location"):
        described += f" → {response['Location']}"
    return described


def assert_matrix(
    client_factory: Callable[[str], Client],
    method: str,
    url: str,
    expected: Mapping[str, Expected],
    data: Any = None,
    *,
    content_type: str | None = None,
    headers: Mapping[str, str] | None = None,
    principals: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Request ``url`` as each principal of ``expected`` and check each answer's status.

    ``client_factory(name)`` returns a fresh client for a principal (``roles.session`` or
    ``roles.bearer``). An expected value is a status, a collection of acceptable statuses,
    or a ``Redirect``. Data goes as JSON to ``/api/`` unless ``content_type`` says otherwise.
    Every principal is tried before failing, so one failure shows the whole row. Returns the
    responses by principal for further checks.
    """
    if principals is not None:
        missing = set(principals) - set(expected)
        assert not missing, f"no expectation for {sorted(missing)}"
    if content_type is None and data is not None and url.startswith("/api/"):
        content_type = "application/json"
    responses: dict[str, Any] = {}
    wrong: list[str] = []
    for name, want in expected.items():
        client = client_factory(name)
        call = getattr(client, method.lower())
        kwargs: dict[str, Any] = {"headers": dict(headers or {})}
        if data is not None:
            kwargs["data"] = data
        if content_type is not None:
            kwargs["content_type"] = content_type
        response = call(url, **kwargs)
        responses[name] = response
        if not _matches(want, response):
            wrong.append(f"  {name:14} expected {want}, got {_describe(response)}")
    assert not wrong, f"{method} {url}:\n" + "\n".join(wrong)
    return responses


def everyone(status: Expected, **overrides: Expected) -> dict[str, Expected]:
    """The same expectation for every standard principal, except ``overrides``."""
    return {name: overrides.get(name, status) for name in PRINCIPALS}


def members(status: Expected, *, anonymous: Expected, **overrides: Expected) -> dict[str, Expected]:
    """``anonymous`` for the anonymous principal, ``status`` for every member, except ``overrides``."""
    return {ANONYMOUS: anonymous, **{name: overrides.get(name, status) for name in MEMBERS}}


# --- the audit trail ---------------------------------------------------------------------


class AuditMark:
    """The audit entries written after this mark was taken, oldest first.

    ``mark = AuditMark(); do_something(); assert mark.actions() == ["app.thing.created"]``
    """

    def __init__(self) -> None:

        self._model = AuditEntry
        last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
        self.last_id = last or 0

    def entries(self) -> list[Any]:
        return list(self._model.objects.filter(id__gt=self.last_id).order_by("id"))

    def actions(self) -> list[str]:
        return [entry.action for entry in self.entries()]

    def only(self, action: str):
        """The one entry written since the mark, which must be ``action``."""
        entries = self.entries()
        assert [e.action for e in entries] == [action], (
            f"expected exactly one {action!r}, got {[e.action for e in entries]}"
        )
        return entries[0]
