"""Royalty reports: the periods, the royalty worked out from the figure, acceptance (money owed) and dispute, and the
clock's reminder then escalation of a late report."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from licensing.choices import FeeType, LicenceStatus, PaymentForm, PaymentPurpose, ReportStatus
from licensing.exceptions import LicensingError
from licensing.models import OpenLicence, RoyaltyReport
from licensing.services import paylater, reports
from licensing.services.clock import licensing_clock
from tests.factories import platform_staff_user
from tests.licensing.conftest import declare, patent_in_force
from tests.licensing.paylater_helpers import D, in_trial, make_offer, pay_later_listing

START = D(2026, 12, 5)


@pytest.fixture
def licence(university, firm):
    """A running-royalty open licence (3% of net sales, reported yearly) in force until 2030."""
    patent = patent_in_force(university)
    declaration = declare(university, [patent], fee_type=FeeType.ROYALTY)
    licence = OpenLicence.objects.create(
        reference="OL2026TEST01",
        declaration=declaration,
        licensor=university,
        licensee=firm,
        fee_type=FeeType.ROYALTY,
        royalty_rate=Decimal("3.00"),
        royalty_base="net_sales",
        reporting_period="year",
        term_start=START,
        term_end=D(2030, 12, 31),
        status=LicenceStatus.IN_FORCE,
        effective_on=START,
    )
    licence.patents.add(patent)
    return licence


@pytest.fixture
def first_report(licence):
    return reports.reports_schedule(licence=licence, start=START)[0]


def test_the_periods_run_to_the_end_of_the_licence_each_due_30_days_after_it_ends(licence):
    written = reports.reports_schedule(licence=licence, start=START)
    assert [(r.period_start, r.period_end, r.due_on) for r in written] == [
        (D(2026, 12, 5), D(2027, 12, 4), D(2028, 1, 3)),
        (D(2027, 12, 5), D(2028, 12, 4), D(2029, 1, 3)),
        (D(2028, 12, 5), D(2029, 12, 4), D(2030, 1, 3)),
        (D(2029, 12, 5), D(2030, 12, 4), D(2031, 1, 3)),
        (D(2030, 12, 5), D(2030, 12, 31), D(2031, 1, 30)),
    ]
    assert {(r.base, r.rate) for r in written} == {("net_sales", Decimal("3.00"))}
    reports.reports_schedule(licence=licence, start=START)
    assert RoyaltyReport.objects.filter(licence=licence).count() == 5


def test_a_licence_without_a_royalty_has_no_reports(university, firm, licence):
    licence.fee_type = FeeType.LUMP_SUM
    assert reports.reports_schedule(licence=licence, start=START) == []


def test_the_royalty_is_worked_out_and_accepted_into_a_payment(first_report, firm_member, university_admin):
    assert reports.report_royalty(first_report, Decimal("1234567.89")) == Decimal("37037.04")
    report = reports.report_submit(actor=firm_member, report=first_report, base_amount=Decimal("1234567.89"))
    assert (report.status, report.base_amount, report.royalty, report.submitted_by) == (
        ReportStatus.SUBMITTED,
        Decimal("1234567.89"),
        Decimal("37037.04"),
        firm_member,
    )
    report = reports.report_accept(actor=university_admin, report=report, on=D(2028, 1, 10))
    assert report.status == ReportStatus.ACCEPTED
    payment = report.payment
    assert (payment.purpose, payment.amount, payment.payer, payment.payee) == (
        PaymentPurpose.ROYALTY,
        Decimal("37037.04"),
        report.licence.licensee,
        report.licence.licensor,
    )


def test_a_disputed_report_carries_the_reason_and_is_submitted_again(first_report, firm_member, university_admin):
    report = reports.report_submit(actor=firm_member, report=first_report, base_amount=Decimal("100000"))
    with translation.override("en"), pytest.raises(LicensingError, match="Say what is disputed"):
        reports.report_dispute(actor=university_admin, report=report, reason="")
    report = reports.report_dispute(actor=university_admin, report=report, reason="与增值税发票合计不符")
    assert (report.status, report.dispute_reason) == (ReportStatus.DISPUTED, "与增值税发票合计不符")
    report = reports.report_submit(actor=firm_member, report=report, base_amount=Decimal("180000"))
    assert (report.status, report.royalty, report.dispute_reason) == (ReportStatus.SUBMITTED, Decimal("5400.00"), "")


def test_refusals_of_reports(first_report, firm_member, university_admin):
    with translation.override("en"), pytest.raises(LicensingError, match="only a submitted report"):
        reports.report_accept(actor=university_admin, report=first_report, on=START)
    with translation.override("en"), pytest.raises(LicensingError, match="cannot be negative"):
        reports.report_submit(actor=firm_member, report=first_report, base_amount=Decimal("-1"))
    with pytest.raises(PermissionDenied):
        reports.report_submit(actor=university_admin, report=first_report, base_amount=Decimal("1"))
    report = reports.report_submit(actor=firm_member, report=first_report, base_amount=Decimal("1"))
    with pytest.raises(PermissionDenied):
        reports.report_accept(actor=firm_member, report=report, on=START)
    reports.report_accept(actor=university_admin, report=report, on=START)
    with translation.override("en"), pytest.raises(LicensingError, match="cannot be submitted again"):
        reports.report_submit(actor=firm_member, report=report, base_amount=Decimal("2"))
    first_report.refresh_from_db()
    assert first_report.base_amount == Decimal("1.00")


def test_a_late_report_is_reminded_on_its_due_date_then_escalated(
    first_report, firm_admin, university_admin, mailoutbox, django_capture_on_commit_callbacks
):
    staff = platform_staff_user()
    due = first_report.due_on
    assert licensing_clock(on=due - datetime.timedelta(days=1)).reports_reminded == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert licensing_clock(on=due).reports_reminded == 1
    (reminder,) = mailoutbox
    assert reminder.to == [firm_admin.email] and "2028-01-03" in reminder.body
    assert licensing_clock(on=due).reports_reminded == 0
    late = due + datetime.timedelta(days=30)
    assert licensing_clock(on=late - datetime.timedelta(days=1)).reports_escalated == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert licensing_clock(on=late).reports_escalated == 1
    escalation = mailoutbox[-1]
    assert set(escalation.to) == {university_admin.email, staff.email}
    assert licensing_clock(on=late).total() == 0
    first_report.refresh_from_db()
    assert first_report.reminded_at and first_report.escalated_at


def test_a_report_submitted_in_time_is_not_reminded(first_report, firm_member):
    reports.report_submit(actor=firm_member, report=first_report, base_amount=Decimal("5000"))
    assert licensing_clock(on=first_report.due_on + datetime.timedelta(days=40)).total() == 0


def test_a_revenue_share_report_accepted_becomes_an_instalment_within_the_cap(university, fund, firm, university_admin):
    offer = make_offer(
        pay_later_listing(university),
        fund,
        payment_form=PaymentForm.REVENUE_SHARE,
        fee=None,
        instalments=None,
        revenue_share=Decimal("10.00"),
        reporting_period="quarter",
        cap=Decimal("50000.00"),
    )
    agreement = paylater.agreement_convert(actor=None, agreement=in_trial(offer, firm), on=D(2026, 7, 4))
    first, second = agreement.reports.all()[:2]
    first = reports.report_submit(actor=None, report=first, base_amount=Decimal("400000"))
    reports.report_accept(actor=university_admin, report=first, on=D(2026, 10, 20))
    (instalment,) = agreement.instalment_rows.all()
    assert (instalment.amount, instalment.due_on) == (Decimal("40000.00"), D(2026, 11, 19))
    # ¥30,000 at 10%, but only ¥10,000 is left under the cap.
    second = reports.report_submit(actor=None, report=second, base_amount=Decimal("300000"))
    assert second.royalty == Decimal("10000.00")
    reports.report_accept(actor=university_admin, report=second, on=D(2027, 1, 20))
    assert sum(agreement.instalment_rows.values_list("amount", flat=True)) == Decimal("50000.00")
