"""Licences awaiting recordal under concurrency: recorded once, reminded once, whoever else is at it (PostgreSQL)."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import close_old_connections, connection

from ip_registry import recordals
from ip_registry.choices import LicenceType
from ip_registry.exceptions import RegistryError
from ip_registry.models import LicenceRecordal, RegistryEntry
from techmarket.accounts.choices import MembershipRole
from tests.factories import add_member, make_patent, organisation_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL's row locks; SQLite serialises whole-database writes instead",
    ),
]
D = datetime.date


def _together(work, times: int = 2) -> list[str]:
    """Run ``work()`` in ``times`` threads released at once; what each returned (or the error it raised)."""
    start = threading.Barrier(times)
    outcomes: list[str] = []

    def run():
        try:
            start.wait()
            outcomes.append(work())
        except RegistryError:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(str(outcome) for outcome in outcomes)


@pytest.fixture
def recordal():
    holder = organisation_in("310000")
    add_member(holder, role=MembershipRole.ADMIN)
    return recordals.licence_recordal_open(
        actor=None,
        patent=make_patent(holder),
        licensees=[organisation_in("320000")],
        licence_type=LicenceType.ORDINARY,
        term_start=D(2024, 1, 1),
        term_end=D(2026, 1, 1),
        effective_date=D(2024, 1, 15),
    )


def test_two_clerks_recording_one_contract_at_once_record_it_once(recordal):
    def record():
        recordals.licence_recordal_record(actor=None, recordal=recordal, registration_date=D(2024, 3, 1))
        return "recorded"

    assert _together(record) == ["recorded", "refused"]
    assert RegistryEntry.objects.filter(kind="licence").count() == 1
    assert LicenceRecordal.objects.get().entry == RegistryEntry.objects.get(kind="licence")


def test_two_reminder_runs_at_once_send_one_reminder(recordal, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []

    assert _together(lambda: recordals.recordal_reminders_send(on=D(2024, 4, 10))) == ["0", "1"]
    assert len(mail.outbox) == 1
