"""Domain errors raised by services and mapped to HTTP statuses by the API and views."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

from django.utils.text import capfirst
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from ascn.core.models import VersionedModel

T = TypeVar("T")


class DomainError(Exception):
    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnreadableBody(DomainError):
    """An API body that cannot be read as JSON."""


class UnsupportedMediaType(UnreadableBody):
    """An API body sent as something other than JSON."""

    status = 415


class NotFound(DomainError):
    """Missing or outside the actor's scope: the two are indistinguishable by design."""

    status = 404


class PermissionDenied(DomainError):
    status = 403


class StaleEdit(DomainError):
    status = 409

    def __init__(self, obj: VersionedModel, given_version: int | None):
        """``given_version`` None: a write that would replace ``obj`` without having read
        it (a "set" naming a record that exists already)."""
        thing = capfirst(obj._meta.verbose_name)
        if given_version is None:
            message = _(
                "%(thing)s is already saved (at version %(current)s): read it, then send that "
                "version to change it."
            ) % {"thing": thing, "current": obj.version}
        else:
            message = _(
                "%(thing)s was changed by someone else (you edited version %(given)s, it is "
                "now at version %(current)s)."
            ) % {"thing": thing, "given": given_version, "current": obj.version}
        super().__init__(message)
        self.obj = obj


class RemovedMeanwhile(DomainError):
    """An edit of a record that someone removed since it was read: nothing is saved (409);
    adding it anew is a deliberate write of its own."""

    status = 409

    def __init__(self, thing: str):
        super().__init__(
            _(
                "%(thing)s was removed by someone else since you read it. Nothing is saved: "
                "send it again without a version to add it anew."
            )
            % {"thing": capfirst(thing)}
        )


class InvalidInput(DomainError):
    """Input a rule refuses, on its ``field``. ``problems``: every refusal found in one check,
    itself first (``refuse_all``), so a form marks each field and the API lists each, where a
    person would otherwise correct one field, send, and learn of the next."""

    status = 422

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
        # where the API's request holds the field, when not at the top of its body under
        # ``field`` (``core.api.sent_as``)
        self.path: tuple[str | int, ...] | None = None
        self.problems: list[InvalidInput] = [self]


def refuse_all(problems: Sequence[InvalidInput]) -> None:
    """Raise the first of ``problems`` carrying all of them; nothing when there are none."""
    if problems:
        first = problems[0]
        first.problems = list(problems)
        raise first


def every(checks: Iterable[Callable[[], T]]) -> list[T]:
    """The result of each check, or every problem they found raised together (a form then
    marks each field at once)."""
    results: list[T] = []
    problems: list[InvalidInput] = []
    for check in checks:
        try:
            results.append(check())
        except InvalidInput as exc:
            problems += exc.problems
    refuse_all(problems)
    return results


class IllegalTransition(InvalidInput):
    """A move that the record's transition table does not allow from its present state
    (409: the record is not where the person thought; the message says where it is)."""

    status = 409


class TooManyRequests(InvalidInput):
    """Over a limit on how often something may be done (429): the message says when it may be
    done again, ``retry_after`` seconds from now. A form shows it as a form error."""

    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))
