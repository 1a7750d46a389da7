"""Pay-later agreements: the offer, who may apply, and every move of the transition table made by its service."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from licensing.choices import Actor, AgreementState, ConversionTrigger, InstalmentStatus, PaymentForm
from licensing.exceptions import LicensingError
from licensing.models import AgreementEvent, CreditRecord, Instalment, RoyaltyReport
from licensing.services import paylater
from techmarket.accounts.choices import FirmSize
from techmarket.audit.models import AuditEvent
from tests.factories import make_listing, organisation_in
from tests.licensing.paylater_helpers import APPLIED_ON, D, applied, in_trial, make_offer, pay_later_listing


@pytest.fixture
def listing(university):
    return pay_later_listing(university)


@pytest.fixture
def offer(listing, fund):
    return make_offer(listing, fund)


def test_a_small_firm_applies_on_the_offers_terms(
    offer, firm, firm_member, university_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        agreement = applied(offer, firm, actor=firm_member)
    assert agreement.state == AgreementState.APPLIED
    assert agreement.licensor == offer.listing.organisation and agreement.licensee == firm
    assert (agreement.fee, agreement.instalments, agreement.fund) == (Decimal("120000.00"), 4, offer.fund)
    assert agreement.events.get().transition == "apply"
    assert AuditEvent.objects.for_object(agreement).get().action == "agreement.apply"
    assert "合肥测试新材料有限公司" in mailoutbox[0].subject


def test_a_large_firm_is_refused_with_the_reason(offer, large_firm):
    with translation.override("en"), pytest.raises(LicensingError) as refused:
        applied(offer, large_firm)
    assert str(refused.value) == (
        "This offer is open to small and micro firms only; 江苏测试集团股份有限公司 is recorded as a large firm "
        "(3,200 staff)."
    )
    assert not large_firm.pay_later_agreements.exists()


def test_a_firm_of_unknown_size_is_refused_until_it_states_it(offer):
    unknown = organisation_in("320000", name_zh="苏州未填规模科技有限公司")
    with translation.override("en"), pytest.raises(LicensingError, match="has not stated its size"):
        applied(offer, unknown)


def test_an_offer_open_to_every_size_takes_a_large_firm(listing, fund, large_firm):
    offer = make_offer(listing, fund, eligible_sizes=list(FirmSize.values))
    assert applied(offer, large_firm).state == AgreementState.APPLIED


def test_a_firm_cannot_apply_twice_while_its_agreement_stands(offer, firm):
    applied(offer, firm)
    with translation.override("en"), pytest.raises(LicensingError, match="already has agreement"):
        applied(offer, firm)


def test_only_a_member_of_the_firm_applies_for_it(offer, firm, university_admin):
    with translation.override("en"), pytest.raises(LicensingError, match="verified enterprise"):
        applied(offer, firm, actor=university_admin)


def test_terms_are_set_only_on_a_listing_offering_pay_later(university, university_admin, fund):
    plain = make_listing(university, status="published")
    with translation.override("en"), pytest.raises(LicensingError, match="does not offer “use first, pay later”"):
        make_offer(plain, fund)


def test_terms_that_cannot_be_paid_are_refused(listing):
    with translation.override("en"), pytest.raises(LicensingError, match="need the fee"):
        make_offer(listing, fee=None)
    with translation.override("en"), pytest.raises(LicensingError, match="risk fund that covers"):
        make_offer(listing, fund_covered=True)


def test_the_licensor_approves_and_the_trial_runs_to_its_decision_date(offer, firm, university_admin):
    agreement = paylater.agreement_approve(actor=university_admin, agreement=applied(offer, firm), on=APPLIED_ON)
    assert agreement.state == AgreementState.TRIAL
    assert (agreement.trial_start, agreement.decision_date) == (APPLIED_ON, D(2026, 7, 4))
    event = agreement.events.last()
    assert (event.transition, event.from_state, event.to_state, event.actor) == (
        "approve",
        AgreementState.APPLIED,
        AgreementState.TRIAL,
        university_admin,
    )


def test_the_licensor_declines_with_a_reason(offer, firm, university_admin):
    agreement = applied(offer, firm)
    with translation.override("en"), pytest.raises(LicensingError, match="Give a reason"):
        paylater.agreement_decline(actor=university_admin, agreement=agreement, reason="  ", on=APPLIED_ON)
    agreement = paylater.agreement_decline(
        actor=university_admin, agreement=agreement, reason="产能不匹配", on=APPLIED_ON
    )
    assert (agreement.state, agreement.decision_reason) == (AgreementState.DECLINED, "产能不匹配")


def test_the_firm_cannot_approve_its_own_application(offer, firm, firm_admin):
    with pytest.raises(PermissionDenied):
        paylater.agreement_approve(actor=firm_admin, agreement=applied(offer, firm), on=APPLIED_ON)


def test_a_move_not_in_the_table_is_refused_and_changes_nothing(offer, firm, firm_member):
    agreement = applied(offer, firm)
    with translation.override("en"), pytest.raises(LicensingError) as refused:
        paylater.agreement_exit(actor=firm_member, agreement=agreement, on=APPLIED_ON)
    assert (
        str(refused.value) == f"Agreement {agreement.reference} is applied: “Exit, owing nothing” is not possible now."
    )
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.APPLIED
    assert list(agreement.events.values_list("transition", flat=True)) == ["apply"]


def test_a_move_by_the_wrong_side_is_refused(offer, firm):
    agreement = in_trial(offer, firm)
    with translation.override("en"), pytest.raises(LicensingError, match="is for the licensee or the platform"):
        paylater._transition(agreement=agreement, name="convert", actor_role=Actor.LICENSOR, actor=None, on=APPLIED_ON)


def test_the_firm_exits_owing_nothing(offer, firm, firm_member):
    agreement = paylater.agreement_exit(actor=firm_member, agreement=in_trial(offer, firm), on=D(2026, 6, 1))
    assert agreement.state == AgreementState.EXITED
    assert not agreement.instalment_rows.exists()


def test_converting_on_a_date_writes_the_schedule_and_starts_paying(offer, firm, firm_member):
    agreement = paylater.agreement_convert(actor=firm_member, agreement=in_trial(offer, firm), on=D(2026, 7, 4))
    assert agreement.state == AgreementState.PAYING
    assert list(agreement.events.values_list("transition", flat=True)) == [
        "apply",
        "approve",
        "convert",
        "start_paying",
    ]
    rows = list(agreement.instalment_rows.values_list("number", "due_on", "amount", "status"))
    assert rows == [
        (1, D(2026, 8, 3), Decimal("30000.00"), InstalmentStatus.SCHEDULED),
        (2, D(2026, 11, 3), Decimal("30000.00"), InstalmentStatus.SCHEDULED),
        (3, D(2027, 2, 3), Decimal("30000.00"), InstalmentStatus.SCHEDULED),
        (4, D(2027, 5, 4), Decimal("30000.00"), InstalmentStatus.SCHEDULED),
    ]


def test_the_schedule_never_goes_above_the_cap(listing, fund, firm):
    offer = make_offer(listing, fund, fee=Decimal("100000.00"), instalments=3, cap=Decimal("80000.00"))
    agreement = paylater.agreement_convert(actor=None, agreement=in_trial(offer, firm), on=D(2026, 7, 4))
    amounts = list(agreement.instalment_rows.values_list("amount", flat=True))
    assert amounts == [Decimal("26666.66"), Decimal("26666.66"), Decimal("26666.68")]
    assert sum(amounts) == Decimal("80000.00")


def test_a_lump_sum_is_one_instalment(listing, fund, firm):
    offer = make_offer(listing, fund, payment_form=PaymentForm.LUMP_SUM, fee=Decimal("50000.00"), instalments=None)
    agreement = paylater.agreement_convert(actor=None, agreement=in_trial(offer, firm), on=D(2026, 7, 4))
    assert list(agreement.instalment_rows.values_list("amount", flat=True)) == [Decimal("50000.00")]


def test_the_first_revenue_trigger_waits_for_the_firm_to_report_it(listing, fund, firm, firm_member):
    offer = make_offer(listing, fund, trigger=ConversionTrigger.FIRST_REVENUE)
    agreement = paylater.agreement_convert(actor=firm_member, agreement=in_trial(offer, firm), on=D(2026, 7, 4))
    assert agreement.state == AgreementState.CONVERTED and not agreement.instalment_rows.exists()
    agreement = paylater.agreement_report_first_revenue(actor=firm_member, agreement=agreement, on=D(2026, 9, 1))
    assert (agreement.state, agreement.first_revenue_on) == (AgreementState.PAYING, D(2026, 9, 1))
    assert agreement.instalment_rows.first().due_on == D(2026, 10, 1)
    assert agreement.events.last().actor == firm_member


def test_a_revenue_share_is_paid_through_royalty_reports(listing, fund, firm):
    offer = make_offer(
        listing,
        fund,
        payment_form=PaymentForm.REVENUE_SHARE,
        fee=None,
        instalments=None,
        revenue_share=Decimal("5.00"),
        reporting_period="half_year",
    )
    agreement = paylater.agreement_convert(actor=None, agreement=in_trial(offer, firm), on=D(2026, 7, 4))
    assert agreement.state == AgreementState.PAYING and not agreement.instalment_rows.exists()
    first = RoyaltyReport.objects.filter(agreement=agreement).first()
    assert (first.period_start, first.period_end, first.due_on, first.rate) == (
        D(2026, 7, 4),
        D(2027, 1, 3),
        D(2027, 2, 2),
        Decimal("5.00"),
    )


def test_the_clock_moves_overdue_grace_and_default_write_a_credit_record(offer, firm):
    agreement = paylater.agreement_convert(actor=None, agreement=in_trial(offer, firm), on=D(2026, 7, 4))
    agreement = paylater.agreement_mark_overdue(agreement=agreement, on=D(2026, 8, 4))
    assert (agreement.state, agreement.overdue_since) == (AgreementState.OVERDUE, D(2026, 8, 4))
    agreement = paylater.agreement_grace(agreement=agreement, on=D(2026, 8, 19))
    assert (agreement.state, agreement.grace_until) == (AgreementState.GRACE, D(2026, 9, 18))
    agreement = paylater.agreement_default(agreement=agreement, on=D(2026, 9, 19))
    assert agreement.state == AgreementState.DEFAULTED
    record = CreditRecord.objects.get(organisation=firm)
    assert (record.agreement, record.amount_unpaid, record.recorded_on) == (
        agreement,
        Decimal("120000.00"),
        D(2026, 9, 19),
    )
    assert list(AgreementEvent.objects.filter(agreement=agreement).values_list("actor", flat=True)[2:]) == [None] * 5


def test_a_firm_with_a_default_is_shown_to_the_next_licensor(offer, firm, university):
    agreement = paylater.agreement_convert(actor=None, agreement=in_trial(offer, firm), on=D(2026, 7, 4))
    for step in (paylater.agreement_mark_overdue, paylater.agreement_grace, paylater.agreement_default):
        agreement = step(agreement=agreement, on=D(2026, 9, 1))
    assert [r.agreement for r in paylater.credit_records(firm)] == [agreement]
    assert Instalment.objects.filter(agreement=agreement).count() == 4
