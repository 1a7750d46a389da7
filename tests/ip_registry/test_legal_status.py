"""Legal status over time: the term and annual-fee rules, the daily update (task and command) on a controlled clock,
and the patent page that shows them."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from ip_registry import lifecycle, services
from ip_registry.choices import EntryKind, LegalStatus, PatentType
from ip_registry.models import Patent, RegistryEntry
from ip_registry.selectors import ledger_verify
from ip_registry.tasks import update_legal_status_task
from tests.factories import make_patent, organisation_in

D = datetime.date


# The rules, without the database ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("patent_type", "filed", "last_day"),
    [
        (PatentType.INVENTION, D(2004, 3, 1), D(2024, 2, 29)),
        (PatentType.PCT_INVENTION, D(2010, 7, 15), D(2030, 7, 14)),
        (PatentType.UTILITY_MODEL, D(1999, 9, 6), D(2009, 9, 5)),  # CNIPA's own example
        (PatentType.PCT_UTILITY_MODEL, D(2015, 1, 1), D(2024, 12, 31)),
        (PatentType.DESIGN, D(2021, 5, 31), D(2031, 5, 30)),  # before the 2020 amendment took effect: 10 years
        (PatentType.DESIGN, D(2021, 6, 1), D(2036, 5, 31)),  # from 2021-06-01: 15 years
        (PatentType.INVENTION, D(2004, 2, 29), D(2024, 2, 28)),  # a leap day: its anniversary is 2024-02-29
        (PatentType.UTILITY_MODEL, D(2012, 2, 29), D(2022, 2, 27)),  # no 29 February in 2022: the 28th ends it
    ],
)
def test_the_term_ends_the_day_before_its_anniversary(patent_type, filed, last_day):
    assert lifecycle.term_last_day(patent_type, filed) == last_day


@pytest.mark.parametrize(
    ("due", "last_day"),
    [(D(2024, 3, 1), D(2024, 9, 1)), (D(2024, 8, 31), D(2025, 2, 28)), (D(2023, 8, 31), D(2024, 2, 29))],
)
def test_the_grace_period_is_six_months(due, last_day):
    assert lifecycle.grace_period_last_day(due) == last_day


FILED, FEE_DUE = D(2021, 3, 1), D(2024, 3, 1)


def due(on, *, status=LegalStatus.VALID, patent_type=PatentType.INVENTION, filed=FILED, paid=FEE_DUE):
    return lifecycle.status_due(status=status, patent_type=patent_type, filing_date=filed, fee_paid_until=paid, on=on)


def test_status_due_follows_the_fee_through_the_grace_period():
    assert due(D(2024, 3, 1)) is None
    assert due(D(2024, 3, 2)) == lifecycle.StatusDue(LegalStatus.GRACE_PERIOD, D(2024, 3, 2), "fee_overdue", FEE_DUE)
    assert due(D(2024, 9, 1), status=LegalStatus.GRACE_PERIOD) is None
    assert due(D(2024, 9, 2), status=LegalStatus.GRACE_PERIOD) == lifecycle.StatusDue(
        LegalStatus.LAPSED, D(2024, 9, 2), "grace_ended", D(2024, 3, 1)
    )
    # A run missed for a year still records the right end, from the right day.
    assert due(D(2025, 6, 1)) == lifecycle.StatusDue(LegalStatus.LAPSED, D(2024, 9, 2), "grace_ended", D(2024, 3, 1))
    assert due(D(2024, 5, 1), status=LegalStatus.GRACE_PERIOD, paid=D(2025, 3, 1)).status == LegalStatus.VALID


def test_whichever_comes_first_of_the_term_and_the_grace_period_decides():
    filed = D(2004, 6, 1)  # an invention protected until 2024-05-31
    assert due(D(2024, 6, 1), filed=filed, paid=D(2024, 6, 1)).status == LegalStatus.EXPIRED  # fees paid to the end
    assert due(D(2024, 6, 1), filed=filed, paid=D(2023, 6, 1)).status == LegalStatus.LAPSED  # grace over in 2023
    expired = due(D(2024, 6, 1), filed=filed, paid=D(2024, 5, 1), status=LegalStatus.GRACE_PERIOD)
    assert (expired.status, expired.effective) == (LegalStatus.EXPIRED, D(2024, 6, 1))  # term ended in the grace


def test_patents_not_in_force_are_left_to_people():
    for status in (LegalStatus.PENDING, LegalStatus.LAPSED, LegalStatus.INVALIDATED, LegalStatus.REJECTED):
        assert due(D(2045, 1, 1), status=status) is None


# The daily update ----------------------------------------------------------------------------------------------------


def run(on: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("update_legal_status", "--on", on, stdout=out)
    return out.getvalue()


def status_of(patent) -> str:
    return Patent.objects.get(pk=patent.pk).legal_status


def status_entries(patent) -> list[tuple]:
    return [
        (entry.registration_date, entry.details["from"], entry.details["to"], entry.details.get("rule"))
        for entry in patent.entries.filter(kind=EntryKind.LEGAL_STATUS).order_by("sequence")
    ]


@pytest.fixture
def holder(db):
    return organisation_in("310000", name_zh="复旦大学")


@pytest.mark.django_db
def test_an_unpaid_fee_leads_to_the_grace_period_then_to_the_end(holder):
    patent = make_patent(holder, annual_fee_paid_until=D(2024, 3, 1))
    assert "Legal status on 2024-03-01: 0 checked, 0 changed." in run("2024-03-01")
    assert status_of(patent) == LegalStatus.VALID

    output = run("2024-03-02")
    assert f"{patent.application_number}: valid -> grace_period from 2024-03-02" in output
    assert "Legal status on 2024-03-02: 1 checked, 1 changed (grace_period 1)." in output
    entry = patent.entries.get(kind=EntryKind.LEGAL_STATUS)
    with translation.override("zh-hans"):
        expected = services.status_rule_reason("fee_overdue", D(2024, 3, 1))
    assert entry.details["reason"] == expected and "专利法第四十三条" in expected
    assert "1 checked, 0 changed." in run("2024-03-02")  # a second run the same day changes nothing

    run("2024-09-01")
    assert status_of(patent) == LegalStatus.GRACE_PERIOD
    run("2024-09-02")
    assert status_of(patent) == LegalStatus.LAPSED
    assert status_entries(patent) == [
        (D(2024, 3, 2), "valid", "grace_period", "fee_overdue"),
        (D(2024, 9, 2), "grace_period", "lapsed", "grace_ended"),
    ]
    assert "0 checked" in run("2025-01-01")  # ended: no longer the update's to change
    *_progress, chain = ledger_verify()
    assert chain.intact


@pytest.mark.django_db
def test_a_fee_paid_in_the_grace_period_restores_the_status_before_it(holder):
    patent = make_patent(holder, annual_fee_paid_until=D(2024, 3, 1))
    services.legal_status_change(
        actor=None, patent=patent, status=LegalStatus.PARTLY_INVALIDATED, registration_date=D(2023, 11, 1)
    )
    run("2024-04-01")
    assert status_of(patent) == LegalStatus.GRACE_PERIOD
    services.patent_update(actor=None, patent=patent, annual_fee_paid_until=D(2025, 3, 1))
    run("2024-05-10")
    assert status_of(patent) == LegalStatus.PARTLY_INVALIDATED
    assert status_entries(patent)[-1] == (D(2024, 5, 10), "grace_period", "invalidated_in_part", "fee_paid")


@pytest.mark.django_db
def test_patents_end_at_their_term(holder):
    utility = make_patent(holder, type_digit="2", year=2014, filing_date=D(2014, 5, 10))
    invention = make_patent(holder, year=2014, filing_date=D(2014, 5, 10))
    pending = make_patent(holder, type_digit="2", year=2014, granted=False, filing_date=D(2014, 5, 10))
    run("2024-05-09")
    assert status_of(utility) == LegalStatus.VALID
    output = run("2024-05-10")
    assert f"{utility.application_number}: valid -> expired from 2024-05-10" in output
    assert (status_of(utility), status_of(invention), status_of(pending)) == (
        LegalStatus.EXPIRED,
        LegalStatus.VALID,
        LegalStatus.PENDING,
    )
    assert status_entries(utility) == [(D(2024, 5, 10), "valid", "expired", "term_ended")]


@pytest.mark.django_db
def test_the_task_runs_on_the_clocks_day(holder, monkeypatch, django_capture_on_commit_callbacks):
    patent = make_patent(holder, annual_fee_paid_until=D(2024, 3, 1))
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2024, 3, 1, 20, 0, tzinfo=datetime.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        result = update_legal_status_task.enqueue()
    # 20:00 UTC on 1 March is 04:00 on 2 March in Shanghai: the fee is a day overdue there.
    assert result.return_value == {"grace_period": 1, "checked": 1, "refused": 0}
    assert status_of(patent) == LegalStatus.GRACE_PERIOD
    assert RegistryEntry.objects.get(kind=EntryKind.LEGAL_STATUS).recorded_at.date() == D(2024, 3, 1)
    with django_capture_on_commit_callbacks(execute=True):
        result = update_legal_status_task.enqueue(on="2024-09-02")
    assert result.return_value == {"lapsed": 1, "checked": 1, "refused": 0}


@pytest.mark.django_db
def test_the_command_refuses_a_date_it_cannot_read():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("update_legal_status", "--on", "2024-13-01")


# The patent page ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_patent_page_shows_the_term_the_grace_period_and_each_status_change(client, holder):
    patent = make_patent(holder, annual_fee_paid_until=D(2024, 3, 1))
    run("2024-03-02")
    with translation.override("en"):
        page = client.get(reverse("ip_registry:patent_detail", args=[patent.application_number])).content.decode()
    assert 'data-test="term-last-day">2041-02-28<' in page
    assert 'data-test="grace-period">2024-09-01<' in page
    assert "in the annual-fee grace period" in page
    assert "legal status changed" in page
    assert "granted, in force → in the annual-fee grace period" in page
    assert "专利法第四十三条" in page  # the reason, as the ledger recorded it
