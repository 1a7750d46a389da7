"""The pay-later clock, run day by day with a controlled date: trials ending, conversion when the firm does not
answer, invoices, payment, overdue, grace, default and the claim on the fund, and nothing twice on one day."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from licensing.choices import AgreementState, ClaimStatus, InstalmentStatus, PaymentPurpose, PaymentState
from licensing.models import Agreement, Claim, CreditRecord
from licensing.payments.services import payment_succeed
from licensing.services import claims, paylater
from licensing.services.clock import licensing_clock
from tests.licensing.paylater_helpers import D, assert_funds_balanced, in_trial, make_offer, pay_later_listing

DECISION_DATE = D(2026, 7, 4)  # a six-month trial from 2026-01-05


@pytest.fixture
def offer(university, fund):
    return make_offer(pay_later_listing(university), fund)


def day(agreement, on):
    report = licensing_clock(on=on)
    agreement.refresh_from_db()
    return report


def test_a_trial_that_ends_unanswered_converts_as_agreed(
    offer, firm, firm_admin, mailoutbox, django_capture_on_commit_callbacks
):
    agreement = in_trial(offer, firm)
    assert day(agreement, DECISION_DATE - datetime.timedelta(days=1)).total() == 0
    with django_capture_on_commit_callbacks(execute=True):
        report = day(agreement, DECISION_DATE)
    assert report.asked == 1
    assert (agreement.state, agreement.decision_deadline) == (AgreementState.TRIAL, D(2026, 7, 18))
    (asked,) = [mail for mail in mailoutbox if agreement.reference in mail.body]
    assert firm_admin.email in asked.to and "2026-07-18" in asked.subject
    assert day(agreement, DECISION_DATE).total() == 0  # the same day again: nothing
    assert day(agreement, D(2026, 7, 18)).converted == 0  # the deadline is the firm's last day to answer
    report = day(agreement, D(2026, 7, 19))
    assert report.converted == 1
    assert agreement.state == AgreementState.PAYING
    convert = agreement.events.get(transition="convert")
    assert (convert.actor, convert.on) == (None, D(2026, 7, 19))
    assert agreement.instalment_rows.count() == 4
    assert day(agreement, D(2026, 7, 19)).total() == 0


def test_the_firm_that_answers_is_not_converted_by_the_clock(offer, firm, firm_member):
    agreement = in_trial(offer, firm)
    day(agreement, DECISION_DATE)
    paylater.agreement_exit(actor=firm_member, agreement=agreement, on=D(2026, 7, 10))
    assert day(agreement, D(2026, 7, 19)).converted == 0
    assert agreement.state == AgreementState.EXITED


def _converted(offer, firm):
    agreement = paylater.agreement_convert(actor=None, agreement=in_trial(offer, firm), on=DECISION_DATE)
    assert [i.due_on for i in agreement.instalment_rows.all()] == [
        D(2026, 8, 3),
        D(2026, 11, 3),
        D(2027, 2, 3),
        D(2027, 5, 4),
    ]
    return agreement


def test_instalments_are_invoiced_before_they_are_due_and_paid_ones_complete_the_agreement(offer, firm):
    agreement = _converted(offer, firm)
    for instalment in agreement.instalment_rows.all():
        assert day(agreement, instalment.due_on - datetime.timedelta(days=15)).invoiced == 0
        assert day(agreement, instalment.due_on - datetime.timedelta(days=14)).invoiced == 1
        assert day(agreement, instalment.due_on - datetime.timedelta(days=14)).total() == 0
        instalment.refresh_from_db()
        payment = instalment.payment
        assert (payment.purpose, payment.amount, payment.payer, payment.payee, instalment.status) == (
            PaymentPurpose.INSTALMENT,
            Decimal("30000.00"),
            firm,
            agreement.licensor,
            InstalmentStatus.INVOICED,
        )
        payment_succeed(payment=payment)
        instalment.refresh_from_db()
        assert instalment.status == InstalmentStatus.PAID
        agreement.refresh_from_db()
    assert agreement.state == AgreementState.COMPLETED
    assert agreement.events.last().transition == "complete"
    assert day(agreement, D(2027, 12, 31)).total() == 0


def test_an_unpaid_instalment_is_reminded_on_its_due_date_then_overdue_and_paying_it_settles(
    offer, firm, firm_admin, mailoutbox, django_capture_on_commit_callbacks
):
    agreement = _converted(offer, firm)
    day(agreement, D(2026, 7, 20))
    with django_capture_on_commit_callbacks(execute=True):
        assert day(agreement, D(2026, 8, 3)).reminded == 1
    assert any("2026-08-03" in mail.body and firm_admin.email in mail.to for mail in mailoutbox)
    assert day(agreement, D(2026, 8, 3)).reminded == 0
    assert day(agreement, D(2026, 8, 4)).overdue == 1
    assert (agreement.state, agreement.overdue_since) == (AgreementState.OVERDUE, D(2026, 8, 4))
    assert day(agreement, D(2026, 8, 18)).grace == 0
    assert day(agreement, D(2026, 8, 19)).grace == 1
    assert (agreement.state, agreement.grace_until) == (AgreementState.GRACE, D(2026, 9, 18))
    first = agreement.instalment_rows.get(number=1)
    assert first.status == InstalmentStatus.OVERDUE
    payment_succeed(payment=first.payment)
    agreement.refresh_from_db()
    assert (agreement.state, agreement.overdue_since, agreement.grace_until) == (AgreementState.PAYING, None, None)
    assert agreement.events.last().transition == "settle"


def test_an_expired_reference_is_invoiced_again(offer, firm):
    agreement = _converted(offer, firm)
    day(agreement, D(2026, 7, 20))
    first = agreement.instalment_rows.get(number=1)
    first.payment.state = PaymentState.EXPIRED
    first.payment.save(update_fields=["state"])
    assert day(agreement, D(2026, 7, 21)).invoiced == 1
    first.refresh_from_db()
    assert first.payment.state == PaymentState.PENDING and first.status == InstalmentStatus.INVOICED


def test_an_agreement_that_defaults_ends_in_a_paid_claim_and_the_ledger_balances_at_every_step(
    offer, firm, finance, fund
):
    agreement = _converted(offer, firm)
    assert_funds_balanced()
    steps = [
        (D(2026, 7, 20), "invoiced", AgreementState.PAYING),
        (D(2026, 8, 4), "overdue", AgreementState.OVERDUE),
        (D(2026, 8, 19), "grace", AgreementState.GRACE),
        (D(2026, 9, 18), None, AgreementState.GRACE),
        (D(2026, 9, 19), "defaulted", AgreementState.CLAIM),
    ]
    for on, counter, state in steps:
        report = day(agreement, on)
        if counter:
            assert getattr(report, counter) == 1, (on, report)
        assert agreement.state == state
        assert_funds_balanced()
    record = CreditRecord.objects.get(agreement=agreement)
    assert record.amount_unpaid == Decimal("120000.00")
    claim = Claim.objects.get(agreement=agreement)
    # 80% of the ¥120,000 unpaid, within the fund's ¥200,000 cap.
    assert (claim.amount_owed, claim.amount, claim.status) == (Decimal("120000.00"), Decimal("96000.00"), "open")
    assert day(agreement, D(2026, 9, 19)).total() == 0
    assert Claim.objects.count() == 1
    claims.claim_decide(actor=finance, claim=claim, approve=True, reason="", on=D(2026, 9, 25))
    agreement.refresh_from_db()
    fund.refresh_from_db()
    assert agreement.state == AgreementState.COMPENSATED
    assert fund.balance == Decimal("904000.00")
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.PAID
    assert_funds_balanced()
    assert list(agreement.events.values_list("transition", flat=True))[-5:] == [
        "mark_overdue",
        "grace",
        "default",
        "claim",
        "compensate",
    ]


def test_an_uncovered_agreement_defaults_without_a_claim(university, firm):
    offer = make_offer(pay_later_listing(university))
    agreement = paylater.agreement_convert(actor=None, agreement=in_trial(offer, firm), on=DECISION_DATE)
    for on in (D(2026, 7, 20), D(2026, 8, 4), D(2026, 8, 19), D(2026, 9, 19)):
        day(agreement, on)
    assert agreement.state == AgreementState.DEFAULTED
    assert not Claim.objects.exists()
    assert CreditRecord.objects.filter(organisation=firm).count() == 1


def test_the_command_runs_the_clock_for_the_date_given(offer, firm):
    agreement = in_trial(offer, firm)
    out = StringIO()
    with translation.override("en"):
        call_command("run_licensing_clock", "--date", "2026-07-04", stdout=out)
    assert "2026-07-04: asked 1" in out.getvalue()
    assert Agreement.objects.get(pk=agreement.pk).decision_deadline == D(2026, 7, 18)


def test_the_command_refuses_a_date_it_cannot_read():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_licensing_clock", "--date", "2026-13-01")
