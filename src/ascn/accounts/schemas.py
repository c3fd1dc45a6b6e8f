import datetime as dt

from ninja import Field, Schema

from ascn.core.api import InputSchema, example


class TokenIn(InputSchema):
    model_config = example(
        {"email": "cso@example.org", "password": "correct horse battery staple", "days": 30}
    )

    email: str = Field(..., max_length=254)
    password: str = Field(..., max_length=4096)
    otp_code: str | None = Field(
        None,
        max_length=12,
        description="The code of the account's authenticator app: required when the account "
        "has two-factor on. A token created with it may be used by an account that must use "
        "two-factor (the Secretariat); the Secretariat gets no token without it.",
    )
    name: str | None = Field(None, max_length=100, description="A label to recognise the token.")
    days: int | None = Field(None, ge=1, le=365, description="Lifetime in days (default 90).")


class TokenOut(Schema):
    model_config = example(
        {
            "token": "ascn_Xq8vN2kLr0pT7wYb3hC5mD9sF1gJ6eA4uZqR8tVn0Wc",
            "expires": "2026-06-03T12:00:00Z",
        }
    )

    token: str = Field(..., description="Shown once. Send as `Authorization: Bearer <token>`.")
    expires: dt.datetime


class RoleOut(Schema):
    role: str
    scope_type: str
    scope: str | None = Field(
        ..., description="ISO code, city slug or organisation slug; null for the network"
    )
    start_date: dt.date
    end_date: dt.date | None


class MeOut(Schema):
    email: str
    full_name: str
    two_factor: bool
    roles: list[RoleOut]


class NotificationOut(Schema):
    id: int
    kind: str = Field(..., description="What it is about: see `GET /notifications/preferences`.")
    title: str
    body: str
    url: str = Field(..., description="The site page it links to (a path), or empty.")
    created_at: dt.datetime
    read_at: dt.datetime | None
    emailed_at: dt.datetime | None = Field(
        ..., description="When it was e-mailed (at once or in a digest); null: not (yet)."
    )


class NotificationFilter(InputSchema):
    unread: bool | None = Field(None, description="true: only the unread ones.")


class MarkedOut(Schema):
    marked: int = Field(..., description="How many notifications were marked read.")


class PreferenceOut(Schema):
    kind: str
    label: str = Field(..., description="The kind, in the caller's language.")
    delivery: str = Field(
        ...,
        description="`app`: in the platform only; `email`: e-mailed at once (the default); "
        "`digest`: in the daily digest e-mail.",
    )


class PreferencesOut(Schema):
    preferences: list[PreferenceOut]


class PreferencesIn(InputSchema):
    model_config = example({"preferences": {"plan.submitted": "digest", "post_shown": "app"}})

    preferences: dict[str, str] = Field(
        ...,
        description="Kind → `app`, `email` or `digest`; the kinds not named keep their choice.",
    )
