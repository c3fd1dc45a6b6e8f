"""Reads of the registry. The registry is public; contact details are for members only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Sum, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from ascn.core.errors import InvalidInput, refuse_all
from ascn.core.queries import filter_given
from ascn.network.models import Appointment, City, FocusArea, MemberState, Person, size_class_q

UNKNOWN_SIZE = "unknown"
PILOT_COHORT = 2018  # the network's first cities


def refuse_unknown_places(*, country: str | None = None, city: str | None = None) -> None:
    """A filter naming a member state (``country``, its code in any case) or a city (its
    slug) that the registry does not hold is refused on that field (422), as a filter by an
    unknown code is: an empty list would read as "nothing there"."""
    problems = []
    if country and not MemberState.objects.filter(code__iexact=country).exists():
        message = _("Unknown code: %(code)s") % {"code": country}
        problems.append(InvalidInput(message, field="country"))
    if city and not City.objects.filter(slug=city).exists():
        problems.append(InvalidInput(_("Unknown city: %(slug)s") % {"slug": city}, field="city"))
    refuse_all(problems)


def current_officers() -> QuerySet[Appointment]:
    return Appointment.objects.current().select_related("person").order_by("position", "id")


def cities(
    *,
    country: str | None = None,
    cohort: int | None = None,
    size_class: str | None = None,
    q: str | None = None,
) -> QuerySet[City]:
    qs = City.objects.select_related("member_state").order_by("name")
    qs = filter_given(qs, member_state__code__iexact=country, cohort=cohort)
    if size_class == UNKNOWN_SIZE:
        qs = qs.filter(population__isnull=True)
    elif size_class:
        qs = qs.filter(size_class_q(size_class))
    if q:
        qs = qs.search(q)
    return qs


def city_with_officers(slug: str) -> City:
    """Raises ``City.DoesNotExist`` for an unknown slug."""
    return (
        City.objects.select_related("member_state")
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=current_officers().filter(role=Appointment.Role.CSO),
                to_attr="current_officers",
            ),
            Prefetch(
                "appointments",
                queryset=Appointment.objects.filter(
                    end_date__isnull=False, end_date__lte=timezone.localdate()
                )
                .select_related("person")
                .order_by("-end_date"),
                to_attr="past_officers",
            ),
        )
        .get(slug=slug)
    )


def member_states() -> QuerySet[MemberState]:
    return (
        MemberState.objects.annotate(cities_count=Count("cities", distinct=True))
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=current_officers().filter(role=Appointment.Role.NATIONAL_REPRESENTATIVE),
                to_attr="national_representatives",
            )
        )
        .order_by("name")
    )


def member_state_labels() -> dict[str, str]:
    """Each member state's name by its code, in the reader's language (``MemberState.label``:
    the catalogues hold the names), in one query of two columns."""
    return {
        code: MemberState(name=name).label
        for code, name in MemberState.objects.values_list("code", "name")
    }


def member_state_names() -> dict[str, list[str]]:
    """Each member state's name as the records' texts write it (the search's index holds it:
    "Viet Nam", "Lao PDR"), by its code."""
    return {code: [name] for code, name in MemberState.objects.values_list("code", "name")}


def focus_area_labels() -> dict[str, str]:
    """Each ASCF focus area's name by its code, in the reader's language (``FocusArea.label``),
    in one query of two columns."""
    return {
        code: FocusArea(name=name).label
        for code, name in FocusArea.objects.values_list("code", "name")
    }


@dataclass
class StateCities:
    """A member state with the first of its cities (by name) and how many it has in all."""

    state: MemberState
    total: int
    pilot: int  # of them the 2018 pilot cities
    cities: list[dict] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.total - len(self.cities)


def cities_by_member_state(per_state: int) -> list[StateCities]:
    """Every member state (by name) with at most ``per_state`` of its cities (by name) as
    plain dicts (``name``, ``url``) and its counts: two queries (the states; one pass over
    the cities with window functions) and a bounded list whatever the size of the network
    (the rest of a state's cities are in the paginated city list)."""
    states = {state.pk: StateCities(state, 0, 0) for state in MemberState.objects.order_by("name")}
    url = City.url_maker()
    state = [F("member_state_id")]
    first = (
        City.objects.annotate(
            rank=Window(RowNumber(), partition_by=state, order_by=F("name").asc()),
            total=Window(Count("id"), partition_by=state),
            pilot=Window(
                Sum(Case(When(cohort=PILOT_COHORT, then=1), default=0)), partition_by=state
            ),
        )
        .filter(rank__lte=per_state)
        .order_by("name")
        .values_list("member_state_id", "name", "slug", "total", "pilot")
    )
    for state_id, name, slug, total, pilot in first:
        group = states[state_id]
        group.total, group.pilot = total, pilot
        group.cities.append({"name": name, "url": url(slug)})
    return list(states.values())


def cohorts() -> list[int]:
    return list(City.objects.order_by("cohort").values_list("cohort", flat=True).distinct())


def directory(
    *, country: str | None = None, role: str | None = None, q: str | None = None
) -> QuerySet[Appointment]:
    qs = (
        current_officers()
        .select_related("city", "member_state")
        .order_by("member_state__name", "role", "city__name", "position")
    )
    qs = filter_given(qs, member_state__code__iexact=country, role=role)
    if q:
        qs = qs.filter(
            Q(person__full_name__icontains=q)
            | Q(designation__icontains=q)
            | Q(city__name__icontains=q)
        )
    return qs


def officers_without_account(*, member_state_ids: Iterable[int] | None = None) -> QuerySet[Person]:
    """People of the registry with a current office and no account yet (for an invitation;
    ``member_state_ids``: only the CSCOs of those states' cities)."""
    offices = Appointment.objects.current().select_related("city", "member_state")
    if member_state_ids is not None:
        offices = offices.filter(role=Appointment.Role.CSO, member_state_id__in=member_state_ids)
    return (
        Person.objects.filter(user__isnull=True, pk__in=offices.values("person_id"))
        .prefetch_related(Prefetch("appointments", offices, to_attr="current_appointments"))
        .order_by("full_name")
    )


def appointments_of(role: str, state: MemberState, city: City | None) -> QuerySet[Appointment]:
    """Every appointment to one office, current ones first, then the history, latest first."""
    return (
        Appointment.objects.filter(role=role, member_state=state, city=city)
        .select_related("person")
        .order_by(
            F("end_date").desc(nulls_first=True), F("start_date").desc(nulls_last=True), "position"
        )
    )
