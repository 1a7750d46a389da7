"""Licence recordal deadlines: three months from taking effect, the contracts awaiting recordal, the reminders."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from ip_registry import recordals, services
from ip_registry.choices import LicenceType
from ip_registry.exceptions import RegistryError
from ip_registry.ledger import add_months, canonical_json, recordal_deadline, recorded_late
from ip_registry.models import LicenceRecordal, RegistryEntry
from ip_registry.selectors import patent_chain_status, recordals_awaiting
from techmarket.accounts.choices import MembershipRole
from techmarket.audit.models import AuditEvent
from tests.factories import add_member, make_patent

from .conftest import JS, SH, ZJ, licence

D = datetime.date
H = services.Holding

pytestmark = pytest.mark.django_db


# The deadline ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effective", "deadline"),
    [
        (D(2024, 1, 15), D(2024, 4, 15)),
        (D(2024, 10, 31), D(2025, 1, 31)),
        (D(2024, 11, 30), D(2025, 2, 28)),  # no 30 February: the month's last day
        (D(2023, 11, 30), D(2024, 2, 29)),  # a leap year
        (D(2024, 12, 31), D(2025, 3, 31)),
    ],
)
def test_the_deadline_is_three_calendar_months_after_taking_effect(effective, deadline):
    assert recordal_deadline(effective) == deadline


def test_add_months_crosses_years_both_ways():
    assert add_months(D(2024, 11, 15), 14) == D(2026, 1, 15)
    assert add_months(D(2024, 3, 31), -1) == D(2024, 2, 29)


# The licence entry's effective date --------------------------------------------------------------------------


@pytest.fixture
def patent(orgs):
    return make_patent(orgs[SH])


def record_licence(patent, licensee, *, effective, registered, licence_type=LicenceType.ORDINARY):
    return services.licence_record(
        actor=None,
        patent=patent,
        licensees=[H(licensee)],
        licence_type=licence_type,
        registration_date=registered,
        term_start=effective,
        term_end=effective.replace(year=effective.year + 3),
        effective_date=effective,
    )


def test_a_licence_recorded_on_its_deadline_is_in_time_and_a_day_later_is_late(patent, orgs):
    in_time = record_licence(patent, orgs[JS], effective=D(2024, 1, 15), registered=D(2024, 4, 15))
    late = record_licence(patent, orgs[ZJ], effective=D(2024, 1, 15), registered=D(2024, 4, 16))

    assert in_time.effective_date == D(2024, 1, 15)
    assert (in_time.recorded_late, late.recorded_late) == (False, True)


def test_a_licence_without_an_effective_date_is_never_flagged(patent, orgs):
    entry = licence(patent, orgs[JS], D(2024, 5, 1))
    assert entry.effective_date is None and not recorded_late(entry)


def test_entries_without_an_effective_date_hash_as_they_did_before_it_existed(patent, orgs):
    """Entries written before the column keep their hash: the canonical JSON names it only when it is set."""
    entry = licence(patent, orgs[JS], D(2024, 5, 1))
    assert "effective_date" not in json.loads(canonical_json(entry))
    assert patent_chain_status(patent).intact


def test_the_chain_covers_the_effective_date(patent, orgs):
    entry = record_licence(patent, orgs[JS], effective=D(2024, 1, 15), registered=D(2024, 4, 16))
    assert json.loads(canonical_json(entry))["effective_date"] == "2024-01-15"
    with connection.cursor() as cursor:  # making a late recordal look in time, by hand
        cursor.execute(
            f"UPDATE {RegistryEntry._meta.db_table} SET effective_date = %s WHERE id = %s",  # noqa: S608
            [D(2024, 2, 1), entry.pk],
        )

    status = patent_chain_status(patent)

    assert not status.intact and status.broken.pk == entry.pk


# Contracts awaiting recordal ----------------------------------------------------------------------------------


def open_recordal(patent, licensee, effective, **fields):
    return recordals.licence_recordal_open(
        actor=None,
        patent=patent,
        licensees=[licensee],
        licence_type=fields.pop("licence_type", LicenceType.ORDINARY),
        term_start=effective,
        term_end=effective.replace(year=effective.year + 2),
        effective_date=effective,
        **fields,
    )


def test_opening_a_recordal_sets_its_deadline_and_leaves_an_audit_row(patent, orgs):
    recordal = open_recordal(patent, orgs[JS], D(2024, 11, 30), reference="TM-2024-0042")

    assert recordal.deadline == D(2025, 2, 28)
    assert list(recordal.licensees.all()) == [orgs[JS]]
    assert not recordal.is_recorded
    event = AuditEvent.objects.get(action="registry.recordal_open")
    assert event.data == {"recordal": recordal.pk, "deadline": "2025-02-28"}


def test_a_recordal_needs_a_licensee_and_a_term_that_ends_after_it_starts(patent, orgs):
    with pytest.raises(RegistryError):
        recordals.licence_recordal_open(
            actor=None,
            patent=patent,
            licensees=[],
            licence_type=LicenceType.ORDINARY,
            term_start=D(2024, 1, 1),
            term_end=D(2025, 1, 1),
            effective_date=D(2024, 1, 1),
        )
    with pytest.raises(Exception, match="term_end"):
        recordals.licence_recordal_open(
            actor=None,
            patent=patent,
            licensees=[orgs[JS]],
            licence_type=LicenceType.ORDINARY,
            term_start=D(2024, 1, 1),
            term_end=D(2023, 1, 1),
            effective_date=D(2024, 1, 1),
        )
    assert not LicenceRecordal.objects.exists()


def test_only_clerks_or_the_system_open_recordals(patent, orgs, user, clerk):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        recordals.licence_recordal_open(
            actor=user,
            patent=patent,
            licensees=[orgs[JS]],
            licence_type=LicenceType.ORDINARY,
            term_start=D(2024, 1, 1),
            term_end=D(2025, 1, 1),
            effective_date=D(2024, 1, 1),
        )
    opened = recordals.licence_recordal_open(
        actor=clerk,
        patent=patent,
        licensees=[orgs[JS]],
        licence_type=LicenceType.ORDINARY,
        term_start=D(2024, 1, 1),
        term_end=D(2025, 1, 1),
        effective_date=D(2024, 1, 1),
    )
    assert opened.created_by == clerk


def test_recording_a_contract_writes_its_licence_and_takes_it_off_the_list(patent, orgs, clerk):
    recordal = open_recordal(patent, orgs[JS], D(2024, 1, 15), reference="TM-2024-0042")

    entry = recordals.licence_recordal_record(actor=clerk, recordal=recordal, registration_date=D(2024, 3, 1))

    recordal.refresh_from_db()
    assert recordal.entry == entry
    assert (entry.kind, entry.licence_type, entry.effective_date) == ("licence", "ordinary", D(2024, 1, 15))
    assert (entry.term_start, entry.term_end) == (D(2024, 1, 15), D(2026, 1, 15))
    assert [party["organisation"] for party in entry.to_parties] == [orgs[JS].pk]
    assert entry.details == {"contract": "TM-2024-0042"}
    assert not entry.recorded_late
    assert not recordals_awaiting(on=D(2024, 3, 1)).exists()


def test_a_contract_is_recorded_once(patent, orgs, clerk):
    recordal = open_recordal(patent, orgs[JS], D(2024, 1, 15))
    recordals.licence_recordal_record(actor=clerk, recordal=recordal, registration_date=D(2024, 3, 1))

    with translation.override("en"), pytest.raises(RegistryError, match="already been recorded"):
        recordals.licence_recordal_record(actor=clerk, recordal=recordal, registration_date=D(2024, 3, 2))

    assert RegistryEntry.objects.filter(kind="licence").count() == 1


def test_a_contract_the_ledger_refuses_stays_awaiting_recordal(patent, orgs, clerk):
    record_licence(patent, orgs[ZJ], effective=D(2024, 1, 1), registered=D(2024, 1, 10), licence_type="exclusive")
    recordal = open_recordal(patent, orgs[JS], D(2024, 2, 1))

    with pytest.raises(RegistryError):
        recordals.licence_recordal_record(actor=clerk, recordal=recordal, registration_date=D(2024, 3, 1))

    recordal.refresh_from_db()
    assert recordal.entry is None
    assert RegistryEntry.objects.filter(kind="licence").count() == 1


def test_a_contract_recorded_after_its_deadline_is_flagged_late(patent, orgs, clerk):
    recordal = open_recordal(patent, orgs[JS], D(2024, 1, 15))

    entry = recordals.licence_recordal_record(actor=clerk, recordal=recordal, registration_date=D(2024, 5, 2))

    assert entry.recorded_late


def test_due_and_late(patent, orgs):
    late = open_recordal(patent, orgs[JS], D(2024, 1, 10))  # deadline 2024-04-10
    soon = open_recordal(patent, orgs[ZJ], D(2024, 1, 25))  # deadline 2024-04-25
    later = open_recordal(patent, orgs[JS], D(2024, 3, 1))  # deadline 2024-06-01
    recorded = open_recordal(patent, orgs[ZJ], D(2024, 1, 5))
    recordals.licence_recordal_record(actor=None, recordal=recorded, registration_date=D(2024, 2, 1))
    today = D(2024, 4, 15)

    assert list(recordals_awaiting(on=today)) == [late, soon, later]
    assert list(recordals_awaiting(on=today, status="late")) == [late]
    assert list(recordals_awaiting(on=today, status="due")) == [soon, later]
    assert list(recordals_awaiting(on=today, status="due", within_days=10)) == [soon]
    assert list(recordals_awaiting(on=D(2024, 4, 10), status="due", within_days=0)) == [late]  # due today
    assert (late.days_left(today), soon.days_left(today)) == (-5, 10)


def test_the_list_reads_a_fixed_number_of_queries(patent, orgs, django_assert_max_num_queries):
    for month in range(1, 9):
        open_recordal(patent, orgs[JS], D(2024, month, 1))

    with django_assert_max_num_queries(4):
        rows = list(recordals_awaiting(on=D(2024, 4, 1)))
        names = [[o.name_zh for o in row.licensees.all()] for row in rows]
        holders = [[h.organisation.name_zh for h in row.patent.right_holders.all()] for row in rows]
    assert len(rows) == len(names) == len(holders) == 8


# Reminders ------------------------------------------------------------------------------------------------------


@pytest.fixture
def licensor_admin(orgs):
    return add_member(orgs[SH], role=MembershipRole.ADMIN)


def run_reminders(on: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("send_recordal_reminders", "--on", on, stdout=out)
    return out.getvalue()


def test_the_parties_are_reminded_once_a_week_before_the_deadline(
    patent, orgs, licensor_admin, user, mailoutbox, django_capture_on_commit_callbacks
):
    add_member(orgs[SH])  # a staff member of the licensor: not an administrator, not reminded
    recordal = open_recordal(patent, orgs[JS], D(2024, 1, 15), contact=user, reference="TM-2024-0042")  # by 04-15

    with django_capture_on_commit_callbacks(execute=True):
        assert run_reminders("2024-04-07") == "0 recordal reminders sent.\n"  # eight days before
        assert run_reminders("2024-04-08") == "1 recordal reminder sent.\n"  # seven days before
        assert run_reminders("2024-04-08") == "0 recordal reminders sent.\n"  # the same day again
        assert run_reminders("2024-04-12") == "0 recordal reminders sent.\n"  # and later

    (mail,) = mailoutbox
    assert sorted(mail.to) == sorted([licensor_admin.email, user.email])
    assert patent.application_number in mail.subject and "2024-04-15" in mail.subject
    assert "2024-01-15" in mail.body and "TM-2024-0042" in mail.body
    assert orgs[JS].name_zh in mail.body
    assert f"/registry/patents/{patent.application_number}/" in mail.body
    recordal.refresh_from_db()
    assert recordal.reminder_sent_at is not None
    assert AuditEvent.objects.filter(action="registry.recordal_reminded").count() == 1


def test_a_run_missed_still_reminds_within_the_last_week_but_not_once_late(
    patent, orgs, licensor_admin, mailoutbox, django_capture_on_commit_callbacks
):
    open_recordal(patent, orgs[JS], D(2024, 1, 15))  # record by 2024-04-15
    open_recordal(patent, orgs[ZJ], D(2024, 1, 1))  # record by 2024-04-01: late on the 10th

    with django_capture_on_commit_callbacks(execute=True):
        assert run_reminders("2024-04-10") == "1 recordal reminder sent.\n"

    assert len(mailoutbox) == 1 and "2024-04-15" in mailoutbox[0].subject


def test_recorded_contracts_are_not_reminded(
    patent, orgs, licensor_admin, mailoutbox, django_capture_on_commit_callbacks
):
    recordal = open_recordal(patent, orgs[JS], D(2024, 1, 15))
    recordals.licence_recordal_record(actor=None, recordal=recordal, registration_date=D(2024, 4, 1))

    with django_capture_on_commit_callbacks(execute=True):
        assert run_reminders("2024-04-10") == "0 recordal reminders sent.\n"
    assert mailoutbox == []


def test_a_contract_with_nobody_to_remind_waits_for_someone(
    patent, orgs, mailoutbox, django_capture_on_commit_callbacks
):
    recordal = open_recordal(patent, orgs[JS], D(2024, 1, 15))

    with django_capture_on_commit_callbacks(execute=True):
        assert recordals.recordal_reminders_send(on=D(2024, 4, 10)) == 0
        add_member(orgs[SH], role=MembershipRole.ADMIN)
        assert recordals.recordal_reminders_send(on=D(2024, 4, 11)) == 1

    recordal.refresh_from_db()
    assert recordal.reminder_sent_at is not None and len(mailoutbox) == 1


def test_the_reminder_is_in_chinese_by_default(
    patent, orgs, licensor_admin, mailoutbox, django_capture_on_commit_callbacks
):
    open_recordal(patent, orgs[JS], D(2024, 1, 15))

    with django_capture_on_commit_callbacks(execute=True):
        recordals.recordal_reminders_send(on=D(2024, 4, 10))

    assert "/en/" not in mailoutbox[0].body


def test_the_task_counts_from_today_without_a_day(
    patent, orgs, licensor_admin, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    from django.utils import timezone

    from ip_registry.tasks import send_recordal_reminders_task

    open_recordal(patent, orgs[JS], D(2024, 1, 15))
    monkeypatch.setattr(timezone, "localdate", lambda *args: D(2024, 4, 9))

    with django_capture_on_commit_callbacks(execute=True):
        assert send_recordal_reminders_task.call() == 1
    assert len(mailoutbox) == 1


def test_the_command_refuses_a_malformed_day():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_recordal_reminders", "--on", "15/04/2024", stdout=io.StringIO())
