"""The real network data (SPEC C1, §4): what the seed loader puts in the registry.

Names and designations below are copied from the founding document
(`reference/seed-ascn.txt`, "Representation" table), not from the YAML the loader reads,
so that a slip in either one shows up here.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ascn.core.errors import InvalidInput, PermissionDenied
from ascn.core.models import AuditEntry
from ascn.network.management.commands.load_network import load_network
from ascn.network.models import (
    Appointment,
    City,
    FocusArea,
    KeyFact,
    MemberState,
    Outcome,
    Person,
    TimelineEvent,
    size_class_for,
)
from ascn.network.services import appointment_create, appointment_end, registry_upsert

MEMBER_STATES = {
    "BN": "Brunei Darussalam",
    "KH": "Cambodia",
    "ID": "Indonesia",
    "LA": "Lao PDR",
    "MY": "Malaysia",
    "MM": "Myanmar",
    "PH": "Philippines",
    "SG": "Singapore",
    "TH": "Thailand",
    "VN": "Viet Nam",
    "TL": "Timor-Leste",
}

LATER_COHORTS = {
    "Chiang Mai": 2023,
    "Khon Kaen": 2023,
    "Rayong": 2023,
    "Sumedang": 2024,
    "Sihanoukville": 2024,
}

# City → [(Chief Smart City Officer, designation)], exactly as published in 2018.
# A designation of two published lines is kept as two lines.
PILOT_CITY_OFFICERS: dict[str, list[tuple[str, str]]] = {
    "Bandar Seri Begawan": [
        ("Haji Ali Matyassin", "Chairman, Bandar Seri Begawan Municipal Department"),
    ],
    "Battambang": [("Soeum Bunrith", "Deputy Governor, Battambang Province")],
    "Phnom Penh": [("Seng Vannak", "Chief of Administration")],
    "Siem Reap": [("Ly Samreth", "Deputy Governor, Siem Reap Province")],
    "Makassar": [
        ("Ismail Hajiali", "Head of Communications and Information, Makassar City Government"),
    ],
    "Banyuwangi": [
        (
            "Budi Santoso",
            "Head of Informatics, Communications and Encryption, Banyuwangi Government",
        ),
    ],
    "DKI Jakarta": [("Dian Ekowati", "Head of Communications and Informatics Office")],
    "Luang Prabang": [("Soukan Bounnyong", "Mayor")],
    "Vientiane": [
        (
            "Bouchan Keosithamma",
            "Deputy Director of Public Works and Transport, Vientiane Capital",
        ),
    ],
    "Johor Bahru": [("Maimunah Jaffar", "Head, Planning and Compliance")],
    "Kuala Lumpur": [("Datuk Najib bin Mohamad", "Executive Director")],
    "Kota Kinabalu": [
        (
            "Stanley Chong Hon Chung",
            "Director of City Planning Department, Dewan Bandaraya Kota Kinabalu",
        ),
        (
            "Tantinny Fung Chew Li",
            "Town Planner, City Planning Department, Dewan Bandaraya Kota Kinabalu",
        ),
    ],
    "Kuching": [
        (
            "Julin Alen",
            "Principal Assistant Director, State Planning Unit, Chief Minister Department, Sarawak",
        ),
    ],
    "Nay Pyi Taw": [("Myo Aung", "Permanent Secretary, Nay Pyi Taw Development Committee")],
    "Mandalay": [("Ye Myat Thu", "Committee Member, Mandalay City Government")],
    "Yangon": [
        (
            "Tin Tin Kyi",
            "Director of Urban Planning Division\n"
            "Representative, Yangon City Development Committee",
        ),
    ],
    "Cebu City": [("Nigel Paul C. Villarete", "City Administrator")],
    "Davao City": [
        ("Mgen Benito Antonio T De Leon Afp", "Head Public Safety and Security Command Center"),
        ("Rowena Henedine Dominguez-Narajos", "Information Technology Officer II"),
    ],
    "Manila": [("Mario Zapatos Oblefias", "Head, Electronic Data Processing, Manila City Hall")],
    "Singapore": [
        (
            "Tan Chee Hau",
            "Director Smart Nation and Digital Government Office, Prime Minister's Office",
        ),
    ],
    "Bangkok": [
        (
            "Chaiwat Thongkamkoon",
            "Director-General, Office of Transport and Traffic Policy and Planning",
        ),
    ],
    "Chonburi": [
        (
            "Seksan Phunboonmee",
            "Policy and Plan Analyst, Energy Policy and Planning Office, Ministry of Energy",
        ),
    ],
    "Phuket": [
        (
            "Passakon Prathombutr",
            "Senior Executive Vice President, Digital Economy Promotion Agency",
        ),
    ],
    "Da Nang": [
        ("Nguyen Quang Thanh", "Director, Da Nang Department of Information and Communication"),
    ],
    "Hanoi": [("Nguyen Duc Chung", "Chairman, Hanoi People's Committee")],
    "Ho Chi Minh City": [
        ("Tran Vinh Tuyen", "Vice Chairman, Ho Chi Minh City People's Committee"),
    ],
}

SEEDED_MODELS = [Outcome, FocusArea, MemberState, City, Person, Appointment, TimelineEvent, KeyFact]


def current_officers_of(city: City) -> list[tuple[str, str]]:
    appointments = (
        Appointment.objects.current()
        .filter(city=city, role=Appointment.Role.CSO)
        .select_related("person")
        .order_by("position", "id")
    )
    return [(a.person.full_name, a.designation) for a in appointments]


# --- member states ------------------------------------------------------------------------


def test_the_eleven_member_states_with_their_iso_codes(network):
    # when
    states = dict(MemberState.objects.values_list("code", "name"))

    # then
    assert states == MEMBER_STATES


def test_timor_leste_has_no_city_and_no_representative_yet(network):
    # given
    timor_leste = MemberState.objects.get(code="TL")

    # then
    assert timor_leste.asean_member_since == dt.date(2025, 10, 26)
    assert not timor_leste.cities.exists()
    assert not timor_leste.appointments.exists()


def test_every_other_member_state_has_at_least_one_city(network):
    without_city = MemberState.objects.filter(cities__isnull=True).values_list("code", flat=True)

    assert list(without_city) == ["TL"]


# --- cities and cohorts ---------------------------------------------------------------------


def test_thirty_one_cities_twenty_six_of_them_pilots_of_2018(network):
    assert City.objects.count() == 31
    assert City.objects.filter(cohort=2018).count() == 26
    assert set(City.objects.filter(cohort=2018).values_list("name", flat=True)) == set(
        PILOT_CITY_OFFICERS
    )


def test_the_five_cities_that_joined_later_with_their_cohort(network):
    later = dict(City.objects.exclude(cohort=2018).values_list("name", "cohort"))

    assert later == LATER_COHORTS


def test_later_cohorts_carry_their_source(network):
    for city in City.objects.exclude(cohort=2018):
        assert city.cohort_source, f"{city} has no source for its cohort"


# --- officers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("city_name", "officers"), list(PILOT_CITY_OFFICERS.items()), ids=list(PILOT_CITY_OFFICERS)
)
def test_pilot_city_officers_exactly_as_published(network, city_name, officers):
    # given
    city = City.objects.get(name=city_name)

    # then
    assert current_officers_of(city) == officers


def test_one_officer_has_two_designation_lines(network):
    appointment = Appointment.objects.get(person__full_name="Tin Tin Kyi")

    assert appointment.designation_lines == [
        "Director of Urban Planning Division",
        "Representative, Yangon City Development Committee",
    ]


def test_officers_are_recorded_as_cscos_of_their_citys_state_with_a_source(network):
    appointments = Appointment.objects.select_related("city")

    assert appointments.count() == 28
    for appointment in appointments:
        assert appointment.role == Appointment.Role.CSO
        assert appointment.member_state_id == appointment.city.member_state_id
        assert appointment.source


def test_cities_that_joined_later_have_no_officer_on_record(network):
    assert not Appointment.objects.filter(city__cohort__gt=2018).exists()


# --- population and size class --------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "size_class"),
    [
        (0, "small"),
        (199_999, "small"),
        (200_000, "middleweight"),
        (1_999_999, "middleweight"),
        (2_000_000, "large"),
        (9_999_999, "large"),
        (10_000_000, "megacity"),
        (38_000_000, "megacity"),
        (None, None),
    ],
)
def test_size_class_for_population(population, size_class):
    assert size_class_for(population) == size_class


@pytest.mark.parametrize(
    ("slug", "size_class"),
    [
        ("jakarta", "megacity"),  # 10,562,088 (2020)
        ("yangon", "large"),  # 5,160,512 (2014)
        ("phnom-penh", "large"),  # 2,281,951 (2019)
        ("kuala-lumpur", "middleweight"),  # 1,982,112 (2020)
        ("vientiane", "middleweight"),  # 820,940 (2015)
        ("phuket", None),  # no official figure for the city proper
        ("chiang-mai", None),
    ],
)
def test_city_size_class_is_derived_from_its_population(network, slug, size_class):
    assert City.objects.get(slug=slug).size_class == size_class


def test_a_city_without_population_has_no_size_class_and_no_invented_figure(network):
    # given
    unknown = City.objects.filter(population__isnull=True)

    # then
    assert unknown.exists()
    for city in unknown:
        assert city.size_class is None
        assert city.population_year is None
        assert city.population_source == ""


def test_a_population_always_has_its_year_and_source(network):
    with_population = City.objects.filter(population__isnull=False)

    assert with_population.exists()
    for city in with_population:
        assert city.population_year, f"{city} has a population without a year"
        assert city.population_source, f"{city} has a population without a source"


def test_a_population_without_year_and_source_is_rejected(network):
    # given
    phuket = City.objects.get(slug="phuket")
    audit_entries = AuditEntry.objects.count()

    # when / then
    with pytest.raises(InvalidInput):
        registry_upsert(
            actor=None, model=City, lookup={"slug": "phuket"}, values={"population": 416_582}
        )
    phuket.refresh_from_db()
    assert phuket.population is None
    assert AuditEntry.objects.count() == audit_entries


# --- the loader: idempotent and audited -----------------------------------------------------


def test_the_loader_writes_every_record_once(network):
    # network: the counts written by the first load
    assert network == {
        "framework": 9,  # 3 outcomes + 6 focus areas
        "member_states": 11,
        "cities": 31,
        "officers": 56,  # 28 people + their 28 appointments
        "timeline": TimelineEvent.objects.count(),
        "facts": KeyFact.objects.count(),
    }


def test_loading_twice_writes_nothing_and_adds_no_audit_entry(network):
    # given: the network is loaded
    audit_entries = AuditEntry.objects.count()
    records = {model: model.objects.count() for model in SEEDED_MODELS}

    # when
    counts = load_network()

    # then
    assert sum(counts.values()) == 0, counts
    assert AuditEntry.objects.count() == audit_entries
    assert {model: model.objects.count() for model in SEEDED_MODELS} == records


@pytest.mark.parametrize("model", SEEDED_MODELS, ids=lambda model: model.__name__)
def test_every_record_written_by_the_loader_has_an_audit_entry(network, model):
    # given
    label = model._meta.label_lower
    audited = set(
        AuditEntry.objects.filter(object_type=label, action=f"{label}.created").values_list(
            "object_id", flat=True
        )
    )

    # then
    records = {str(pk) for pk in model.objects.values_list("pk", flat=True)}
    assert records
    assert records <= audited
    assert set(
        AuditEntry.objects.filter(object_type=label).values_list("actor_label", flat=True)
    ) == {"system"}


def test_the_audit_trail_counts_exactly_what_the_loader_wrote(network):
    network_entries = AuditEntry.objects.filter(object_type__startswith="network.")

    assert network_entries.count() == sum(network.values())


def test_loading_again_restores_an_edited_designation_and_audits_it(network):
    # given: someone changed a published designation
    appointment = Appointment.objects.get(person__full_name="Seng Vannak")
    registry_upsert(
        actor=None,
        model=Appointment,
        lookup={"person": appointment.person, "role": "cso", "city": appointment.city},
        values={"designation": "Something else"},
    )

    # when
    counts = load_network()

    # then
    assert counts["officers"] == 1
    appointment.refresh_from_db()
    assert appointment.designation == "Chief of Administration"
    latest = AuditEntry.objects.filter(object_id=str(appointment.pk)).first()
    assert latest.action == "network.appointment.updated"
    assert latest.changes == {
        "designation": {"before": "Something else", "after": "Chief of Administration"}
    }


def test_a_registry_record_can_be_updated_by_its_primary_key(network):
    # given
    appointment = Appointment.objects.get(person__full_name="Seng Vannak")

    # when
    _, written = registry_upsert(
        actor=None,
        model=Appointment,
        lookup={"pk": appointment.pk},
        values={"designation": "Chief of Administration, Phnom Penh Capital Hall"},
    )

    # then
    assert written
    appointment.refresh_from_db()
    assert appointment.designation == "Chief of Administration, Phnom Penh Capital Hall"


# --- appointment history --------------------------------------------------------------------


def test_ending_an_appointment_keeps_it_as_history_and_audits_it(network, client):
    # given
    phuket = City.objects.get(slug="phuket")
    appointment = Appointment.objects.get(person__full_name="Passakon Prathombutr")
    today = dt.date.today()

    # when
    appointment_end(actor=None, appointment=appointment, end_date=today)

    # then: the record is kept, with its end date
    appointment.refresh_from_db()
    assert appointment.end_date == today
    assert not appointment.is_current
    # and the officer is no longer among the city's current officers
    assert current_officers_of(phuket) == []
    api_officers = client.get("/api/v1/cities/phuket").json()["officers"]
    assert "Passakon Prathombutr" not in [officer["name"] for officer in api_officers]
    page = client.get("/cities/phuket/").content.decode()
    assert "No Chief Smart City Officer is on record for this city." in page
    assert "Former officers" in page
    # and the change is audited
    entry = AuditEntry.objects.filter(action="network.appointment.ended").get()
    assert entry.object_id == str(appointment.pk)
    assert entry.changes == {"end_date": {"before": None, "after": str(today)}}


def test_ending_one_of_two_officers_keeps_the_other(network):
    # given
    davao = City.objects.get(slug="davao-city")
    first = Appointment.objects.get(person__full_name="Mgen Benito Antonio T De Leon Afp")

    # when
    appointment_end(actor=None, appointment=first, end_date=dt.date.today())

    # then
    assert current_officers_of(davao) == [
        ("Rowena Henedine Dominguez-Narajos", "Information Technology Officer II")
    ]


def test_an_appointment_cannot_end_twice(network):
    # given
    appointment = Appointment.objects.get(person__full_name="Seng Vannak")
    appointment_end(actor=None, appointment=appointment, end_date=dt.date.today())
    entries = AuditEntry.objects.count()

    # when / then
    with pytest.raises(InvalidInput):
        appointment_end(actor=None, appointment=appointment, end_date=dt.date.today())
    assert AuditEntry.objects.count() == entries


def test_a_new_officer_appointed_to_a_city_becomes_current(network):
    # given
    chiang_mai = City.objects.get(slug="chiang-mai")
    person, _ = registry_upsert(
        actor=None, model=Person, lookup={"full_name": "A New Officer"}, values={}
    )

    # when
    appointment = appointment_create(
        actor=None,
        person=person,
        role=Appointment.Role.CSO,
        member_state=chiang_mai.member_state,
        city=chiang_mai,
        designation="Deputy Mayor",
        start_date=dt.date(2024, 1, 1),
    )

    # then
    assert current_officers_of(chiang_mai) == [("A New Officer", "Deputy Mayor")]
    entry = AuditEntry.objects.get(object_type="network.appointment", object_id=str(appointment.pk))
    assert entry.action == "network.appointment.created"


def test_appointment_to_a_city_of_another_member_state_is_rejected(network):
    # given
    person = Person.objects.get(full_name="Passakon Prathombutr")
    thailand = MemberState.objects.get(code="TH")
    hanoi = City.objects.get(slug="hanoi")
    appointments = Appointment.objects.count()
    audit_entries = AuditEntry.objects.count()

    # when
    with pytest.raises(InvalidInput) as raised:
        appointment_create(
            actor=None,
            person=person,
            role=Appointment.Role.CSO,
            member_state=thailand,
            city=hanoi,
            designation="Adviser",
        )

    # then: nothing changed
    assert raised.value.field == "city"
    assert Appointment.objects.count() == appointments
    assert AuditEntry.objects.count() == audit_entries
    assert current_officers_of(hanoi) == PILOT_CITY_OFFICERS["Hanoi"]


def test_an_ordinary_member_cannot_edit_the_registry(network, member):
    # given
    appointment = Appointment.objects.get(person__full_name="Seng Vannak")

    # when / then
    with pytest.raises(PermissionDenied):
        appointment_end(actor=member, appointment=appointment, end_date=dt.date.today())
    appointment.refresh_from_db()
    assert appointment.end_date is None
