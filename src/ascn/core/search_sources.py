"""What the search indexes: one entry per searchable type, in one place.

Each ``Source`` says which model it reads, the queryset that loads its records with what
the entry needs (for ``rebuild`` and for re-reading one record), and how one record turns
into the fields of a ``SearchEntry``. ``DEPENDENTS`` names records whose change alters
another record's entry (an appointment changes its person and its city).

Only what the record's readers may see goes into an entry: a person's name, role,
designation and city — never their e-mail or phone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Exists, Model, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Upper
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _

from ascn.core.visibility import Visibility

BODY_LIMIT = 20_000  # characters of text per entry; a tsvector holds at most 1 MB
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # the highlight marks are \x02 and \x03


def clean(text: Any, limit: int | None = None) -> str:
    text = _CONTROL.sub(" ", str(text or ""))
    return text[:limit] if limit else text


def _join(*parts: Any) -> str:
    return "\n".join(clean(p) for p in parts if p)


def _url(obj: Model, fallback: str) -> str:
    """The record's page, or its list while the page is not routed yet."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return fallback


def _codes(codes: Iterable[str]) -> str:
    codes = sorted({c for c in codes if c})
    return f"|{'|'.join(codes)}|" if codes else ""


@dataclass(frozen=True)
class Source:
    kind: str
    label: Any  # translatable name of the type
    model: str  # app_label.ModelName
    queryset: Callable[[], QuerySet]
    entry: Callable[[Any], dict[str, Any] | None]  # None: not searchable (e.g. no office)

    @property
    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)


# --- the types ----------------------------------------------------------------------


def _current_appointments() -> QuerySet:
    from ascn.network.models import Appointment

    return Appointment.objects.current().select_related("city", "member_state")


def _cities() -> QuerySet:
    from ascn.network.models import City

    return City.objects.select_related("member_state").prefetch_related(
        Prefetch(
            "appointments",
            queryset=_current_appointments().select_related("person"),
            to_attr="current_appointments",
        )
    )


def _city(city) -> dict[str, Any]:
    officers = getattr(city, "current_appointments", [])
    return {
        "ref": city.slug,
        "title": city.name,
        "body": _join(
            city.alt_names,
            city.member_state.name,
            *(f"{a.person.full_name} {a.get_role_display()}" for a in officers),
        ),
        "url": city.get_absolute_url(),
        "visibility": Visibility.PUBLIC,
        "member_state": city.member_state.code,
        "city_id": city.pk,
    }


def _people() -> QuerySet:
    from ascn.network.models import Person

    return Person.objects.prefetch_related(
        Prefetch("appointments", queryset=_current_appointments(), to_attr="current_appointments")
    )


def _person(person) -> dict[str, Any] | None:
    offices = getattr(person, "current_appointments", [])
    if not offices:
        return None  # not in the directory
    first = offices[0]
    where = (
        first.city.get_absolute_url() if first.city_id else first.member_state.get_absolute_url()
    )
    return {
        "ref": str(person.pk),
        "title": person.full_name,  # public fields only: never e-mail or phone
        "body": _join(
            *(
                f"{a.get_role_display()}, {a.city.name if a.city_id else a.member_state.name}\n"
                f"{a.designation}"
                for a in offices
            ),
            first.member_state.name,
        ),
        "url": where,
        "visibility": Visibility.PUBLIC,
        "member_state": first.member_state.code,
        "city_id": first.city_id,
    }


def _plans() -> QuerySet:
    from ascn.plans.models import ActionPlan

    return ActionPlan.objects.select_related("city__member_state").prefetch_related("focus_areas")


def _plan(plan) -> dict[str, Any]:
    sections = [f"{s.get('heading', '')}\n{s.get('body', '')}" for s in plan.sections or []]
    return {
        "ref": str(plan.pk),
        "title": plan.title,
        "body": _join(plan.vision, *sections, plan.city.name, plan.city.member_state.name),
        "url": plan.get_absolute_url(),
        "visibility": plan.visibility,
        "owner_city_id": plan.city_id,
        "owner_member_state_id": plan.city.member_state_id,
        "member_state": plan.city.member_state.code,
        "city_id": plan.city_id,
        "focus_areas": _codes(a.code for a in plan.focus_areas.all()),
        "status": plan.status,
    }


def _projects() -> QuerySet:
    from ascn.plans.models import Project

    return Project.objects.select_related("city__member_state").prefetch_related("focus_areas")


def _project(project) -> dict[str, Any]:
    return {
        "ref": str(project.pk),
        "title": project.title,
        "body": _join(project.description, project.city.name, project.city.member_state.name),
        "url": project.get_absolute_url(),
        "visibility": project.visibility,
        "owner_city_id": project.city_id,
        "owner_member_state_id": project.city.member_state_id,
        "member_state": project.city.member_state.code,
        "city_id": project.city_id,
        "focus_areas": _codes(a.code for a in project.focus_areas.all()),
        "status": project.status,
    }


def _organisations() -> QuerySet:
    from ascn.network.models import MemberState
    from ascn.partners.models import Organisation

    # Facets are by member state: the headquarters country counts when it is one.
    in_asean = MemberState.objects.filter(code=Upper(OuterRef("headquarters_country")))
    return Organisation.objects.annotate(hq_in_asean=Exists(in_asean))


def _organisation(org) -> dict[str, Any]:
    return {
        "ref": org.slug,
        "title": org.name,
        "body": _join(org.get_kind_display(), org.description, org.capability_statement),
        "url": org.get_absolute_url(),
        "visibility": org.visibility,
        "owner_organisation_id": org.pk,
        "member_state": org.headquarters_country.upper() if org.hq_in_asean else "",
        "organisation_id": org.pk,
        "focus_areas": _codes(org.focus_areas or []),
    }


def _programmes() -> QuerySet:
    from ascn.funding.models import Programme

    return Programme.objects.select_related("sponsor", "implementer")


def _programme(programme) -> dict[str, Any]:
    return {
        "ref": programme.slug,
        "title": programme.name,
        "body": _join(
            programme.description,
            programme.sponsor.name,
            programme.implementer.name if programme.implementer_id else "",
            programme.period_label,
        ),
        "url": _url(programme, "/programmes/"),
        "visibility": programme.visibility,
        "owner_organisation_id": programme.sponsor_id,
        "co_owner_organisation_id": programme.implementer_id,
        "organisation_id": programme.sponsor_id,
        "focus_areas": _codes(programme.eligible_focus_areas or []),
    }


def _agreements() -> QuerySet:
    from ascn.agreements.models import Agreement

    return Agreement.objects.select_related("meeting__host_member_state").prefetch_related(
        "parties__member_state", "parties__city__member_state"
    )


def _agreement(agreement) -> dict[str, Any]:
    parties = list(agreement.parties.all())
    states = [p.member_state or (p.city.member_state if p.city_id else None) for p in parties]
    state = next((s for s in states if s), None)
    if state is None and agreement.meeting_id:
        state = agreement.meeting.host_member_state
    return {
        "ref": agreement.slug,
        "title": agreement.title,
        "body": _join(
            agreement.get_kind_display() if agreement.kind else "",
            agreement.description,
            *(f"{p.name} {p.signatory}" for p in parties),
            agreement.signed_place,
        ),
        "url": agreement.get_absolute_url(),
        # Agreements are the network's record: a draft is the Secretariat's alone.
        "visibility": agreement.visibility,
        "member_state": state.code if state else "",
        "status": agreement.status,
    }


def _meetings() -> QuerySet:
    from ascn.meetings.models import Meeting

    return Meeting.objects.select_related("host_member_state", "host_city").prefetch_related(
        "agenda_items", "decisions"
    )


def _meeting(meeting) -> dict[str, Any]:
    return {
        "ref": meeting.slug,
        "title": meeting.title,
        "body": _join(
            meeting.get_kind_display(),
            meeting.dates_display,
            meeting.place,
            meeting.host_city.name if meeting.host_city_id else "",
            meeting.host_member_state.name if meeting.host_member_state_id else "",
            meeting.description,
            *(item.title for item in meeting.agenda_items.all()),
            *(decision.title for decision in meeting.decisions.all()),
        ),
        "url": meeting.get_absolute_url(),
        "visibility": Visibility.PUBLIC,  # meetings are public records
        "member_state": meeting.host_member_state.code if meeting.host_member_state_id else "",
        "city_id": meeting.host_city_id,
    }


def _case_studies() -> QuerySet:
    from ascn.cooperation.models import CaseStudy

    return CaseStudy.objects.select_related("city__member_state", "focus_area", "provider")


def _case_study(study) -> dict[str, Any]:
    city = study.city
    return {
        "ref": study.slug,
        "title": study.title,
        "body": _join(
            study.problem,
            study.solution,
            study.results,
            study.provider.name if study.provider_id else study.provider_name,
            city.name if city else "",
        ),
        "url": study.get_absolute_url(),
        "visibility": study.visibility,
        "owner_city_id": study.city_id,
        "owner_member_state_id": city.member_state_id if city else None,
        "owner_organisation_id": study.provider_id,
        "member_state": city.member_state.code if city else "",
        "city_id": study.city_id,
        "organisation_id": study.provider_id,
        "focus_areas": _codes([study.focus_area.code]),
    }


SOURCES: dict[str, Source] = {
    source.kind: source
    for source in (
        Source("project", _("Projects"), "plans.Project", _projects, _project),
        Source("plan", _("Action plans"), "plans.ActionPlan", _plans, _plan),
        Source("city", _("Cities"), "network.City", _cities, _city),
        Source("person", _("People"), "network.Person", _people, _person),
        Source(
            "organisation",
            _("Organisations"),
            "partners.Organisation",
            _organisations,
            _organisation,
        ),
        Source("programme", _("Funding programmes"), "funding.Programme", _programmes, _programme),
        Source("agreement", _("Agreements"), "agreements.Agreement", _agreements, _agreement),
        Source("meeting", _("Meetings"), "meetings.Meeting", _meetings, _meeting),
        Source(
            "case_study", _("Case studies"), "cooperation.CaseStudy", _case_studies, _case_study
        ),
    )
}

BY_MODEL: dict[str, Source] = {source.model.lower(): source for source in SOURCES.values()}


def _appointment_dependents(appointment) -> list[Model]:
    return [obj for obj in (appointment.person, appointment.city) if obj is not None]


# Records that are not searchable themselves but are part of another record's entry.
DEPENDENTS: dict[str, Callable[[Any], list[Model]]] = {
    "network.appointment": _appointment_dependents,
    "network.person": lambda person: list({a.city for a in person.appointments.all() if a.city_id}),
    "meetings.agendaitem": lambda item: [item.meeting],
    "meetings.decision": lambda decision: [decision.meeting],
    "agreements.agreementparty": lambda party: [party.agreement],
}


# Records whose change alters the entries of many others: (type, condition on that type's
# model) pairs, re-indexed in batches. A city's and a member state's name are in the text of
# the entries of their projects, plans, case studies, meetings and officers.
DEPENDENT_SETS: dict[str, Callable[[Any], list[tuple[str, Q]]]] = {
    "network.city": lambda city: [
        ("project", Q(city_id=city.pk)),
        ("plan", Q(city_id=city.pk)),
        ("case_study", Q(city_id=city.pk)),
        ("meeting", Q(host_city_id=city.pk)),
        ("person", Q(appointments__city_id=city.pk)),
    ],
    "network.memberstate": lambda state: [
        ("city", Q(member_state_id=state.pk)),
        ("project", Q(city__member_state_id=state.pk)),
        ("plan", Q(city__member_state_id=state.pk)),
        ("case_study", Q(city__member_state_id=state.pk)),
        ("meeting", Q(host_member_state_id=state.pk)),
        ("person", Q(appointments__member_state_id=state.pk)),
    ],
}


def source_for(obj: Model) -> Source | None:
    return BY_MODEL.get(obj._meta.label_lower)


def labels_for(facet: str) -> dict[str, Any]:
    """Readable names of a facet's values (the values themselves are stable codes)."""
    if facet == "type":
        return {kind: source.label for kind, source in SOURCES.items()}
    if facet == "country":
        from ascn.network.models import MemberState

        return dict(MemberState.objects.values_list("code", "name"))
    if facet == "focus_area":
        from ascn.network.models import FocusArea

        return dict(FocusArea.objects.values_list("code", "name"))
    if facet == "status":
        return status_labels()
    return {}


def status_labels() -> dict[str, Any]:
    from ascn.agreements.models import Agreement
    from ascn.plans import codelists
    from ascn.plans.models import PlanStatus

    labels: dict[str, Any] = dict(codelists.choices(codelists.PROJECT_STATUS))
    labels.update(dict(PlanStatus.choices))
    labels.update(dict(Agreement.Status.choices))
    return labels
