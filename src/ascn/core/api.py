"""API glue shared by every app's router: pagination, error shapes, documented responses."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import PaginationBase, paginate
from ninja.parser import Parser
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from ascn.core import dates
from ascn.core.errors import InvalidInput, UnreadableBody, UnsupportedMediaType
from ascn.core.queries import CappedRows, CountedUpTo
from ascn.core.text import visible


def is_json(content_type: str) -> bool:
    """``application/json`` (RFC 8259) or a type built on it (``application/merge-patch+json``)."""
    return content_type == "application/json" or content_type.endswith("+json")


class JsonBodyParser(Parser):
    """A body is read only as JSON sent as JSON: django-ninja's own parser reads any body as
    JSON whatever its ``Content-Type`` says, so a client that forgot the header never learnt
    it. ninja turns the refusal into a 400 whose cause is this ``UnreadableBody``; the API's
    error handler (``config/api.py``) answers with the cause."""

    def parse_body(self, request: HttpRequest) -> Any:
        if not is_json(request.content_type or ""):
            raise UnsupportedMediaType(
                _("The request body must be JSON, sent with Content-Type: application/json.")
            )
        try:
            return super().parse_body(request)
        except ValueError as error:  # JSONDecodeError, UnicodeDecodeError
            raise UnreadableBody(_("The request body is not valid JSON.")) from error


def _reject_control_characters(value: Any, *, secret: bool = False) -> Any:
    """NUL and other control characters (tab and newlines aside) are never valid input; text
    of which nothing shows (a zero-width space alone) is empty (``core.text.visible``), so a
    required field refuses it — a ``secret`` (a password) is kept as it was typed."""
    if isinstance(value, str) and any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValueError(_("must not contain control characters"))
    if isinstance(value, str) and value and not secret and not visible(value):
        return ""
    if isinstance(value, list):
        for item in value:
            _reject_control_characters(item)
    if isinstance(value, dict):
        for key, item in value.items():
            _reject_control_characters(key)
            _reject_control_characters(item)
    return value


def _item_type(annotation: Any) -> Any:
    """The type of the items of a list field (``list[int]``, ``list[int] | None``), or None."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _item_type(get_args(annotation)[0])
    if origin in (Union, UnionType):
        found = [item for arg in get_args(annotation) if (item := _item_type(arg)) is not None]
        return found[0] if found else None
    if origin in (list, set, frozenset, tuple) and get_args(annotation):
        return get_args(annotation)[0]
    return None


def _misplaced_bool(annotation: Any, value: Any) -> bool:
    """Whether ``value`` holds a true/false where ``annotation`` takes none, in a list too
    (pydantic reads ``[true]`` as ``[1]``: the project numbered 1)."""
    if isinstance(value, bool):
        return not _admits_bool(annotation)
    item = _item_type(annotation) if isinstance(value, list) else None
    return item is not None and any(_misplaced_bool(item, v) for v in value)


def _admits_bool(annotation: Any) -> bool:
    """Whether a field's type takes true/false: ``bool`` itself, or a union holding it."""
    if annotation is bool or annotation is Any:
        return True
    if get_origin(annotation) is Annotated:
        return _admits_bool(get_args(annotation)[0])
    return get_origin(annotation) in (Union, UnionType) and any(
        _admits_bool(arg) for arg in get_args(annotation)
    )


class InputSchema(Schema):
    """Base of every query and body schema: text fields reject control characters, and a
    field that is not a yes/no refuses true and false (pydantic would read ``true`` as the
    number 1 or the version 1) — both 422. A body's yes/no field is ``StrictBool``: "yes"
    or 1 is not a boolean in JSON (a query's stays lax: its "true" is text). A field the
    schema does not name is a 422 too (``extra_forbidden``), never dropped in silence: a
    misspelt ``sector`` or a read-only ``visibility`` sent on creation was answered 201 with
    nothing of it kept."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _checked(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        field = cls.model_fields.get(name)
        if field is not None and _misplaced_bool(field.annotation, value):
            raise ValueError(_("must not be true or false"))
        return _reject_control_characters(value, secret="password" in name)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date_only(value: Any) -> Any:
    """Pydantic reads a number (or a string of digits) as a Unix time: 1704067200 would be
    2024-01-01. A date is ``YYYY-MM-DD`` and nothing else."""
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.match(value)):
        return value
    raise ValueError(_("must be a date as YYYY-MM-DD"))


def iso_date(earliest: dt.date = dates.EARLIEST, latest: dt.date = dates.LATEST) -> Any:
    """A date a request sends as ``YYYY-MM-DD``, from ``earliest`` to ``latest``, said so in
    the OpenAPI description (a record that narrows ``core.dates``' range documents its own)."""

    def in_range(value: dt.date) -> dt.date:
        if dates.out_of_range(value, earliest, latest):
            raise ValueError(dates.out_of_range_message(earliest, latest))
        return value

    return Annotated[
        dt.date,
        BeforeValidator(_iso_date_only),
        AfterValidator(in_range),
        WithJsonSchema(
            {
                "type": "string",
                "format": "date",
                "description": f"From {earliest.isoformat()} to {latest.isoformat()}",
            }
        ),
    ]


# Every date a request may send (body or query), from 1900 to 2200 (``core.dates``).
IsoDate = iso_date()


_LOCAL_TIME = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"


def _local_time_only(value: Any) -> Any:
    """A time of day on a wall clock, ``HH:MM`` (seconds allowed): JSON Schema's ``format: time`` is RFC 3339's,
    with an offset that a meeting's local agenda time does not have (its meeting names the
    time zone)."""
    if isinstance(value, dt.time) or (isinstance(value, str) and re.match(_LOCAL_TIME, value)):
        return value
    raise ValueError(_("must be a time of day as HH:MM"))


# Every wall-clock time a request sends or an answer gives (``HH:MM``), without an offset.
LocalTime = Annotated[
    dt.time,
    BeforeValidator(_local_time_only),
    PlainSerializer(
        lambda value: value.isoformat(timespec="minutes" if not value.second else "seconds"),
        return_type=str,
    ),
    WithJsonSchema({"type": "string", "pattern": _LOCAL_TIME, "examples": ["09:30"]}),
]


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)
    # Pydantic wraps a model's reference in a one-item ``allOf`` to hold the default; without
    # it, the reference stands alone (OpenAPI 3.1 allows its siblings, e.g. a description).
    wrapped = schema.get("allOf")
    if isinstance(wrapped, list) and len(wrapped) == 1:
        schema.update(schema.pop("allOf")[0])


def Keep(**constraints: Any) -> Any:
    """A PATCH field that cannot be cleared: left out, the value is kept; sent as null, it is
    refused (422) as any other wrong type. Annotate it with its type alone (``title: str =
    Keep(...)``), so the OpenAPI does not call it nullable — and drop the null default from
    the description, where it would contradict the type."""
    return Field(None, json_schema_extra=_without_default, **constraints)


def example(value: dict[str, Any]) -> ConfigDict:
    """A schema's ``model_config`` giving one example, shown in the OpenAPI description (a
    subclass states its own: it would otherwise inherit its parent's, which it no longer
    fits). ``tests/core/test_openapi_standards.py`` checks each against its schema."""
    return ConfigDict(json_schema_extra={"examples": [value]})


class ErrorOut(Schema):  # its examples, one per status: core.openapi.ERROR_EXAMPLES
    detail: Any = Field(
        ..., description="A message, or for validation errors a list naming each field (`loc`)."
    )


# Documented on every operation so the OpenAPI description is complete.
ERRORS_READ = {404: ErrorOut, 422: ErrorOut}
ERRORS_LIST = {422: ErrorOut}
ERRORS_WRITE = {400: ErrorOut, 422: ErrorOut}  # 400: a body that is not JSON


class PageNumber(PaginationBase):
    """``?page=&page_size=`` (max 200) → ``{"items": [...], "count": N}``."""

    class Input(InputSchema):
        page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1.")
        page_size: int = Field(50, ge=1, le=200, description="Rows per page (at most 200).")

    class Output(Schema):
        items: list[Any]
        count: int

    items_attribute = "items"

    def paginate_queryset(
        self,
        queryset: QuerySet[Any] | ShapedRows | CountedUpTo | list[Any],
        pagination: Input,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        offset = (pagination.page - 1) * pagination.page_size
        window = slice(offset, offset + pagination.page_size)
        if isinstance(queryset, ShapedRows) and queryset.capped:
            rows = CappedRows(queryset.queryset)
            items = [queryset.shape(row) for row in rows[window]]
            return {"items": items, "count": rows.count(), "count_exact": rows.count_exact}
        count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        # a CountedUpTo knows, once counted, whether the count stopped at its cap
        exact = getattr(queryset, "count_exact", True)
        return {"items": list(queryset[window]), "count": count, "count_exact": exact}


class PlainOut(BaseModel):
    """A part of an answer that the API module shapes itself (a dict, or an object with the
    fields as attributes), validated by pydantic alone. Ninja's ``Schema`` first wraps every
    value in its Django getter (for model instances, managers, files): in a page of 50
    projects that wrapping was a fifth of the Python time. Use ``Schema`` where a model
    instance is handed over as it is."""

    model_config = ConfigDict(from_attributes=True)


# The ``label`` beside a code's ``name``: the name in the answer's language
LABEL_DESCRIPTION = (
    "The name in the answer's language (Accept-Language); `name` stays the English one"
)


class WrittenIn(PlainOut):
    """The language a record's texts are written in, and its owners' translations of them
    (``core.translations``). The API never swaps a record's words for a translation: the
    reader picks the language they want from these two."""

    language: str = Field(
        ...,
        description="The language its title and texts are written in: a code of the site's "
        f"languages ({', '.join(code for code, _name in settings.LANGUAGES)})",
    )
    translations: dict[str, dict[str, str]] = Field(
        ...,
        description='Its owners\' translations, by language: {"th": {"title": "…", …}}; '
        "empty when none",
    )


class SourceOut(PlainOut):
    """A published source of a real record (``core.sources``)."""

    title: str
    publisher: str
    date: str = Field("", description="YYYY, YYYY-MM or YYYY-MM-DD; empty when not given")
    url: str
    fields: list[str] = Field(
        default_factory=list,
        description="The record's fields this source gives (empty: the record as a whole)",
    )


class CappedPageOut(Schema):
    """A page of a list whose count may stop at a cap (``PageNumberCapped``)."""

    items: list[Any]
    count: int = Field(
        ...,
        description=f"Rows; when `count_exact` is false, at least this many (a list "
        f"filtered by words counts at most {settings.ASCN_COUNT_CAP:,}, the audit trail "
        f"{settings.ASCN_AUDIT_COUNT_CAP:,}; later pages still answer).",
    )
    count_exact: bool = Field(
        ...,
        description="False: more rows match than the list counts; add a word or a filter to "
        "narrow them.",
    )


class PageNumberCapped(PageNumber):
    """``PageNumber`` for a list whose count may stop at a cap (``ShapedRows.capped``):
    ``{"items": [...], "count": N, "count_exact": bool}``."""

    Output = CappedPageOut  # type: ignore[assignment]


def _bearer_security_scheme() -> HttpBearer:

    class BearerToken(HttpBearer):
        """``Authorization: Bearer <token>`` (create one with POST /api/v1/auth/token)."""

        def __call__(self, request: HttpRequest) -> Any:
            return request.user if getattr(request, "api_token", None) is not None else None

        def authenticate(
            self, request: HttpRequest, token: str
        ) -> Any:  # pragma: no cover - resolved by middleware
            return None

    return BearerToken()


def _session_auth() -> NinjaSessionAuth:

    class SessionAuth(NinjaSessionAuth):
        """The browser's session, its writes CSRF-checked. A request signed in by no session
        is not asked for a CSRF token: it is refused 401 (sign-in needed), not 403."""

        def _get_key(self, request: HttpRequest) -> str | None:
            if not request.user.is_authenticated:
                return None
            return super()._get_key(request)

    return SessionAuth(csrf=True)


# Signed-in members: a bearer token, or the browser session (with its CSRF check on writes).
member_auth = [_bearer_security_scheme(), _session_auth()]
# In the OpenAPI description (ninja names each scheme after its class): an operation anyone
# may call whose answer depends on who asks — drafts in the caller's scope, contact details
# for members — takes no credentials (``{}``) or either scheme; this is the default
# (``core.openapi.finish``). One whose answer is the same for everyone declares
# ``openapi_extra=SAME_FOR_EVERYONE`` (no credentials used).
SIGN_IN_OPTIONAL: list[dict[str, list[str]]] = [{}]
SIGN_IN_OPTIONAL += [{type(auth).__name__: []} for auth in member_auth]
SAME_FOR_EVERYONE: dict[str, Any] = {"security": []}
ERRORS_AUTH = {401: ErrorOut, 403: ErrorOut}
# A write to a record a member edits: refused (401/403), not found, or stale (409).
ERRORS_EDIT = {**ERRORS_WRITE, **ERRORS_AUTH, 404: ErrorOut, 409: ErrorOut}


@contextlib.contextmanager
def sent_as(paths: Mapping[str, tuple[str, ...]]) -> Iterator[None]:
    """A refusal inside the block names its fields where the request sends them: ``paths``
    maps a service's field to its place in the body (``{"budget_amount": ("budget",
    "amount")}``), so that its 422 says ``["body", "budget", "amount"]``."""
    try:
        yield
    except InvalidInput as refused:
        for problem in refused.problems:
            if problem.field is not None and problem.field in paths:
                problem.path = paths[problem.field]
        raise


# A field of a list's item as the services name it: "parties.1.name".
_ITEM = re.compile(r"(?P<list>[^.]+)\.(?P<index>\d+)(?:\.(?P<rest>.+))?")


def located(where: str, problem: InvalidInput) -> list[str | int]:
    """A refusal's ``loc``: ``where`` ("body", "query"), then where the field is: its
    ``path``, or its name, a list's item by its position as pydantic gives it
    (``parties.1.name`` → ``["body", "parties", 1, "name"]``)."""
    if problem.path is not None:
        return [where, *problem.path]
    if problem.field is None:
        return [where]
    item = _ITEM.fullmatch(problem.field)
    if item is None:
        return [where, problem.field]
    rest = [item["rest"]] if item["rest"] else []
    return [where, item["list"], int(item["index"]), *rest]


def where_sent(error: dict[str, Any]) -> dict[str, Any]:
    """A schema's 422 ``loc`` in the shape ``located`` gives a rule's: django-ninja names the
    view's body parameter after "body" (``["body", "payload", "budget", "amount"]``), which
    no client sends; the field is where it was sent: ``["body", "budget", "amount"]``."""
    loc = list(error.get("loc") or ())
    return {**error, "loc": [loc[0], *loc[2:]]} if len(loc) >= 2 and loc[0] == "body" else error


def fields_of(record: Any, names: str) -> dict[str, Any]:
    """The record's own fields as an answer gives them unchanged, named in one string as
    ``namedtuple`` takes them: ``fields_of(notice, "kind title body")`` is
    ``{"kind": notice.kind, "title": notice.title, "body": notice.body}``."""
    return {name: getattr(record, name) for name in names.split()}


def patch_values(payload: Schema) -> tuple[int, dict[str, Any]]:
    """What a PATCH sends: the ``version`` the caller read, and the fields it sends (a field
    left out is kept; one sent as null clears it where it may be cleared)."""
    values = payload.dict(exclude_unset=True)
    return values.pop("version"), values


class ShapedRows:
    """A queryset whose rows are shaped into dicts only for the page that is returned."""

    def __init__(
        self,
        queryset: QuerySet[Any],
        shape: Callable[[Any], dict[str, Any]],
        *,
        capped: bool = False,
    ):
        self.queryset = queryset
        self.shape = shape
        self.capped = capped  # counted up to a cap (``CappedRows``, ``PageNumberCapped``)

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [self.shape(row) for row in self.queryset[window]]


View = Callable[..., Any]


class AppRouter(Router):
    """An app's router, with the shapes most operations take — a page of rows, one record,
    a member's new record, a member's write — each documenting its errors the same way. An
    operation's id is its view's name. A read with ``signed_in=True`` is for signed-in
    members only."""

    def page(
        self, path: str, item: Any, summary: str, *, errors: Any = None, **options: Any
    ) -> Callable[[View], View]:
        """GET ``path``: a page of ``item`` rows (``PageNumber``: ``{items, count}``), served
        as ``read`` serves one record (``signed_in`` too). A list whose count may stop at a
        cap is read with ``PageNumberCapped`` (the projects, the audit trail). The rows of a
        record (a ``{parameter}`` in ``path``) answer 404 too: ``ERRORS_READ``."""
        if errors is None:
            errors = ERRORS_READ if "{" in path else ERRORS_LIST
        read = self.read(path, list[item], summary, errors=errors, **options)
        return lambda view: read(paginate(PageNumber)(view))

    def read(
        self,
        path: str,
        out: Any,
        summary: str,
        *,
        errors: Any = ERRORS_READ,
        signed_in: bool = False,
        **options: Any,
    ) -> Callable[[View], View]:
        """GET ``path``: what the view returns, as ``out`` (a 404 when the record is out of the
        caller's sight)."""
        if signed_in:  # members only: their refusals (401/403) documented after ``errors``
            errors, options = {**errors, **ERRORS_AUTH}, {**options, "auth": member_auth}
        return self._operation("GET", path, {200: out, **errors}, summary, **options)

    def create(self, path: str, out: Any, summary: str, **options: Any) -> Callable[[View], View]:
        """POST ``path``: a member creates a record (``member_auth``), answered 201 with
        ``out``, or refused (401/403) or invalid (400/422)."""
        response = {201: out, **ERRORS_WRITE, **ERRORS_AUTH}
        return self.member("POST", path, response, summary, **options)

    def write(
        self, method: str, path: str, out: Any, summary: str, *, status: int = 200, **options: Any
    ) -> Callable[[View], View]:
        """A member's write to a record (``member_auth``): answers ``status`` with ``out``, or
        refused (401/403), not found, stale (409) or invalid (400/422) — ``ERRORS_EDIT``."""
        return self.member(method, path, {status: out, **ERRORS_EDIT}, summary, **options)

    def add(self, path: str, out: Any, summary: str, **options: Any) -> Callable[[View], View]:
        """POST ``path``: a member's write that makes a record, answered 201 with ``out``;
        refused, not found, stale or invalid as ``write`` says (``create`` has no 404, 409)."""
        return self.write("POST", path, out, summary, status=201, **options)

    def member(
        self, method: str, path: str, response: dict[int, Any], summary: str, **options: Any
    ) -> Callable[[View], View]:
        """A member's operation (``member_auth``) whose answers fit none of the shapes above:
        ``response`` as ninja takes it."""
        return self._operation(method, path, response, summary, auth=member_auth, **options)

    def _operation(
        self, method: str, path: str, response: dict[int, Any], summary: str, **options: Any
    ) -> Callable[[View], View]:
        """Register the view as the operation ``method path``, its id the view's name."""

        def register(view: View) -> View:
            route = self.api_operation(
                [method],
                path,
                response=response,
                operation_id=view.__name__,
                summary=summary,
                **options,
            )
            return route(view)

        return register
