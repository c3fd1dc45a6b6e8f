"""Two members save the same version of an organisation's profile at the same instant, on
PostgreSQL: the second waits for the first's row lock and is refused as stale, and nothing
is lost. The race's data is written, raced and removed from connections of its own, in a
module of its own: no other test's data sits in this module's transaction, holding rows the
race's connections would wait for."""

from __future__ import annotations

import threading

from django.db import connection, transaction

from ascn.accounts.models import Membership, Role, User
from ascn.accounts.services import membership_grant, user_create
from ascn.core.errors import StaleEdit
from ascn.core.models import AuditEntry
from ascn.partners.models import Organisation
from ascn.partners.services import organisation_update, organisation_upsert_seed
from tests.races import ON_POSTGRESQL


def in_own_connection(work):
    """Run ``work()`` in a thread with its own database connection, committing as it goes.

    The test's own connection sits inside the test (and seed) transactions, which other
    connections cannot see; the race's data is therefore written, raced and removed from
    connections of their own.
    """
    result: dict[str, object] = {}

    def run():
        try:
            result["value"] = work()
        except BaseException as exc:
            result["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result.get("value")


RACE_SLUG = "race-co"
RACE_EMAILS = ("first@race.example", "second@race.example")


def _race_setup():
    org, _ = organisation_upsert_seed(
        slug=RACE_SLUG, values={"name": "Race Co", "kind": "investor", "visibility": "public"}
    )
    editors = []
    for email in RACE_EMAILS:
        user = user_create(actor=None, email=email, password=None)
        membership_grant(actor=None, user=user, role=Role.PARTNER_MEMBER, scope=org)
        editors.append(user)
    return org, editors


def _race_cleanup():

    org = Organisation.objects.filter(slug=RACE_SLUG).first()
    users = list(User.objects.filter(email__in=RACE_EMAILS))
    memberships = list(Membership.objects.filter(user__in=users).values_list("pk", flat=True))
    ids = [str(pk) for pk in memberships] + [str(u.pk) for u in users]
    # the audit trail is append-only for the app; this is the test removing its own rows
    AuditEntry.objects.filter(
        object_type__in=["accounts.user", "accounts.membership"], object_id__in=ids
    ).delete()
    if org is not None:
        AuditEntry.objects.filter(
            object_type="partners.organisation", object_id=str(org.pk)
        ).delete()
    Membership.objects.filter(pk__in=memberships).delete()
    User.objects.filter(pk__in=[u.pk for u in users]).delete()
    Organisation.objects.filter(slug=RACE_SLUG).delete()


@ON_POSTGRESQL
def test_two_concurrent_edits_on_the_same_version_never_lose_data(db):
    # given a profile at version 1 and two members who opened it
    org, editors = in_own_connection(_race_setup)
    try:
        first_inside, release_first = threading.Event(), threading.Event()
        outcome: dict[str, object] = {}

        def first():
            try:
                with transaction.atomic():
                    organisation_update(
                        actor=editors[0], organisation=org, version=1, description="first"
                    )
                    first_inside.set()  # the row stays locked until released
                    release_first.wait(10)
                outcome["first"] = "saved"
            except Exception as exc:  # reported by the asserts below
                outcome["first"] = exc
                first_inside.set()
            finally:
                connection.close()

        def second():
            try:
                organisation_update(
                    actor=editors[1], organisation=org, version=1, description="second"
                )
                outcome["second"] = "saved"
            except Exception as exc:  # StaleEdit expected
                outcome["second"] = exc
            finally:
                connection.close()

        # when the first has written but not committed, and the second saves meanwhile
        one = threading.Thread(target=first)
        one.start()
        assert first_inside.wait(10) and "first" not in outcome, outcome
        two = threading.Thread(target=second)
        two.start()
        two.join(0.5)
        # then the second waits for the first (the row is locked) ...
        assert two.is_alive(), f"the second edit did not wait for the first: {outcome}"
        release_first.set()
        one.join(10)
        two.join(10)
        # ... and is refused as stale once the first commits; the first edit stands
        assert outcome["first"] == "saved", outcome
        assert isinstance(outcome["second"], StaleEdit), outcome

        def stored():

            saved = Organisation.objects.get(slug=RACE_SLUG)
            audited = AuditEntry.objects.filter(
                action="partners.organisation.updated", object_id=str(saved.pk)
            ).count()
            return saved.description, saved.version, audited

        assert in_own_connection(stored) == ("first", 2, 1)
    finally:
        release_first.set()
        in_own_connection(_race_cleanup)
