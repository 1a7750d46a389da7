"""Obtaining an open licence (专利法第五十条、第五十一条): each refusal with its reason, a free licence in force at once
with its registry entry, a paid licence in force when its payment is confirmed, an unpaid one cancelled."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from ip_registry import recordals
from ip_registry import services as registry
from ip_registry.choices import EntryKind, LicenceType
from ip_registry.models import LicenceRecordal, RegistryEntry
from ip_registry.selectors import FlowFilter, flow_matrix, recordals_awaiting
from ip_registry.tallies import registry_differences
from licensing.choices import DeclarationStatus, FeeType, LicenceStatus, PaymentPurpose, PaymentState
from licensing.exceptions import LicensingError
from licensing.models import LicenceNotice, OpenLicence, Payment
from licensing.payments import services as payments
from licensing.services.licences import licence_cancel_unpaid, licence_obtain
from techmarket.accounts.choices import MembershipStatus, VerificationStatus
from tests.factories import UserFactory, add_member, make_listing, organisation_in, registry_clerk_user

from .conftest import AH, JS, PERIOD_END, SH, TODAY, declare, patent_in_force

D = datetime.date


def obtain(user, declaration, firm, on=TODAY, **kwargs):
    with translation.override("en"):
        return licence_obtain(actor=user, declaration=declaration, licensee=firm, on=on, **kwargs)


def withdraw(declaration, on):
    """What the declarations part's withdrawal does to the rows this part reads: the registry's withdrawal entry for
    each patent, the declaration withdrawn."""
    for declared in declaration.declared_patents.all():
        declared.withdrawal_entry = registry.open_licence_withdraw(
            actor=None, patent=declared.patent, registration_date=on
        )
        declared.save(update_fields=["withdrawal_entry"])
    declaration.status = DeclarationStatus.WITHDRAWN
    declaration.withdrawn_on = on
    declaration.save(update_fields=["status", "withdrawn_on"])


# A free licence ------------------------------------------------------------------------------------------------


def test_a_free_licence_is_in_force_at_once_with_its_registry_entry_counted_shanghai_to_anhui(
    free_declaration, firm, firm_member, university_admin, mailoutbox, django_capture_on_commit_callbacks
):
    before = flow_matrix().cross_cells.get((SH, AH), 0)
    with django_capture_on_commit_callbacks(execute=True):
        licence = obtain(firm_member, free_declaration, firm)

    licence.refresh_from_db()
    assert licence.status == LicenceStatus.IN_FORCE and licence.effective_on == TODAY
    assert licence.payment is None
    assert (licence.term_start, licence.term_end) == (TODAY, PERIOD_END)
    assert licence.fee_type == FeeType.FREE and licence.licensor == free_declaration.licensor
    (entry,) = licence.registry_entries.all()
    assert entry.kind == EntryKind.LICENCE and entry.licence_type == LicenceType.OPEN
    assert entry.to_parties[0]["organisation"] == firm.pk
    assert entry.cross_province and (entry.from_region, entry.to_region) == (SH, AH)
    assert entry.details["contract"] == licence.reference
    assert entry.related_entry == free_declaration.declared_patents.get().entry  # obtained under the declaration
    # The dashboard's Shanghai -> Anhui figure grows by one, and the tallies still agree with the ledger.
    assert flow_matrix().cross_cells.get((SH, AH), 0) == before + 1
    assert flow_matrix(FlowFilter(kinds=(EntryKind.LICENCE,))).count(SH, AH) == 1
    assert not registry_differences()
    # The three-month recordal clock started, linked to the ledger's entry.
    recordal = LicenceRecordal.objects.get(reference=licence.reference)
    assert recordal.entry == entry and recordal.deadline == D(2027, 3, 5) and not recordal.is_recorded
    assert list(recordals_awaiting(on=TODAY)) == [recordal]
    # The patentee's administrators get the notice; both parties hear the licence is in force.
    subjects = {mail.subject: mail.to for mail in mailoutbox}
    assert any(licence.reference in subject and university_admin.email in to for subject, to in subjects.items())
    in_force = [mail for mail in mailoutbox if "in force" in mail.subject or "生效" in mail.subject]
    assert in_force and {university_admin.email, firm_member.email} <= set(in_force[0].to)


def test_a_royalty_only_licence_takes_effect_at_once_without_a_payment(university, firm, firm_member):
    declaration = declare(university, [patent_in_force(university)], fee_type=FeeType.ROYALTY)
    licence = obtain(firm_member, declaration, firm)
    assert licence.status == LicenceStatus.IN_FORCE and licence.payment is None
    assert licence.royalty_rate == Decimal("3.00") and licence.royalty_base == "net_sales"
    assert not Payment.objects.exists()


# A paid licence ------------------------------------------------------------------------------------------------


def test_a_lump_sum_licence_awaits_payment_then_takes_effect_when_it_is_confirmed(
    declaration, firm, firm_member, finance, patent
):
    licence = obtain(firm_member, declaration, firm)
    assert licence.status == LicenceStatus.AWAITING_PAYMENT
    payment = licence.payment
    assert payment.purpose == PaymentPurpose.OPEN_LICENCE_FEE and payment.amount == Decimal("50000.00")
    assert (payment.payer, payment.payee) == (firm, declaration.licensor)
    assert not RegistryEntry.objects.filter(patent=patent, kind=EntryKind.LICENCE).exists()
    assert not LicenceRecordal.objects.exists()

    payments.payment_succeed(payment=payment, actor=finance)

    licence.refresh_from_db()
    assert licence.status == LicenceStatus.IN_FORCE
    assert licence.effective_on == timezone.localdate(Payment.objects.get(pk=payment.pk).succeeded_at)
    (entry,) = licence.registry_entries.all()
    assert entry.licence_type == LicenceType.OPEN and entry.patent == patent
    assert LicenceRecordal.objects.get().entry == entry
    payments.payment_succeed(payment=payment, actor=finance)  # a second confirmation changes nothing
    assert RegistryEntry.objects.filter(patent=patent, kind=EntryKind.LICENCE).count() == 1


def test_an_entry_fee_is_what_is_paid_up_front(university, firm, firm_member):
    declaration = declare(university, [patent_in_force(university)], fee_type=FeeType.ENTRY_PLUS_ROYALTY)
    licence = obtain(firm_member, declaration, firm)
    assert licence.status == LicenceStatus.AWAITING_PAYMENT and licence.payment.amount == Decimal("10000.00")


def test_an_expired_payment_cancels_the_licence_and_frees_the_firm_to_obtain_it_again(declaration, firm, firm_member):
    licence = obtain(firm_member, declaration, firm)
    payment = licence.payment
    Payment.objects.filter(pk=payment.pk).update(state=PaymentState.EXPIRED)
    assert licence_cancel_unpaid(payment) == licence
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.CANCELLED
    assert licence_cancel_unpaid(payment) is None  # once only
    again = obtain(firm_member, declaration, firm)
    assert again.status == LicenceStatus.AWAITING_PAYMENT and again.pk != licence.pk


def test_a_clerk_enters_the_cnipa_recordal_without_a_second_ledger_entry(free_declaration, firm, firm_member):
    licence = obtain(firm_member, free_declaration, firm)
    recordal = LicenceRecordal.objects.get(reference=licence.reference)
    entries = RegistryEntry.objects.count()
    entry = recordals.licence_recordal_record(
        actor=registry_clerk_user(), recordal=recordal, registration_date=TODAY, registration_number="2026990000123"
    )
    recordal.refresh_from_db()
    assert entry == licence.registry_entries.get()
    assert recordal.is_recorded and recordal.recorded_on == TODAY
    assert recordal.registration_number == "2026990000123"
    assert RegistryEntry.objects.count() == entries
    assert not recordals_awaiting(on=TODAY).exists()
    with translation.override("en"), pytest.raises(Exception, match="already been recorded"):
        recordals.licence_recordal_record(actor=None, recordal=recordal, registration_date=TODAY)


# Refusals ------------------------------------------------------------------------------------------------------


def test_a_withdrawn_declaration_cannot_be_accepted(declaration, firm, firm_member):
    withdraw(declaration, TODAY)
    with pytest.raises(LicensingError, match=r"withdrew this open licence declaration on 2026-12-05.*第五十条"):
        obtain(firm_member, declaration, firm)
    assert not OpenLicence.objects.exists()


def test_a_declaration_awaiting_consent_cannot_be_accepted(declaration, firm, firm_member):
    type(declaration).objects.filter(pk=declaration.pk).update(status=DeclarationStatus.AWAITING_CONSENT)
    with pytest.raises(LicensingError, match="not in force"):
        obtain(firm_member, declaration, firm)


def test_no_licence_after_the_declarations_period(declaration, firm, firm_member):
    with pytest.raises(LicensingError, match="licence period ended on 2030-12-31"):
        obtain(firm_member, declaration, firm, on=D(2031, 1, 2))


def test_the_same_firm_cannot_take_the_same_patent_twice_for_an_overlapping_period(
    declaration, firm, firm_member, firm_admin
):
    first = obtain(firm_member, declaration, firm)
    with pytest.raises(LicensingError, match=rf"already holds licence {first.reference} \(awaiting payment\)"):
        obtain(firm_admin, declaration, firm, on=D(2027, 6, 1))
    assert OpenLicence.objects.count() == 1


def test_a_licence_in_force_also_blocks_a_second_one(free_declaration, firm, firm_member):
    first = obtain(firm_member, free_declaration, firm)
    with pytest.raises(LicensingError, match=rf"{first.reference} \(in force\).*overlapping period"):
        obtain(firm_member, free_declaration, firm)


def test_another_firm_may_take_the_same_licence(free_declaration, firm, firm_member, large_firm):
    obtain(firm_member, free_declaration, firm)
    other = obtain(add_member(large_firm), free_declaration, large_firm)
    assert other.status == LicenceStatus.IN_FORCE


def test_the_licensor_cannot_license_itself(firm, firm_member):
    declaration = declare(firm, [patent_in_force(firm)], fee_type=FeeType.FREE)  # a firm declared its own patent
    with pytest.raises(LicensingError, match=r"合肥测试新材料有限公司 is a right holder of the patent.*第十一条"):
        obtain(firm_member, declaration, firm)
    assert not OpenLicence.objects.exists()


def test_a_university_cannot_take_a_licence_as_it_is_no_enterprise(free_declaration, university_admin, university):
    with pytest.raises(LicensingError, match="Only an active member of a verified enterprise"):
        obtain(university_admin, free_declaration, university)


def test_an_unverified_firm_cannot_take_a_licence(free_declaration):
    firm = organisation_in(JS, verification_status=VerificationStatus.PENDING)
    with pytest.raises(LicensingError, match="verified enterprise"):
        obtain(add_member(firm), free_declaration, firm)


def test_someone_who_is_not_an_active_member_cannot_take_it_for_the_firm(free_declaration, firm):
    pending = add_member(firm, UserFactory(), status=MembershipStatus.PENDING)
    with pytest.raises(LicensingError, match="not one of 合肥测试新材料有限公司"):
        obtain(pending, free_declaration, firm)
    with pytest.raises(LicensingError, match="verified enterprise"):
        obtain(UserFactory(), free_declaration, firm)
    assert not OpenLicence.objects.exists() and not LicenceNotice.objects.exists()


def test_a_listing_that_does_not_offer_the_patents_is_refused(university, free_declaration, firm, firm_member):
    listing = make_listing(university, status="published")
    with pytest.raises(LicensingError, match="does not offer the patents"):
        obtain(firm_member, free_declaration, firm, listing=listing)


def test_a_lapsed_patent_is_refused_by_the_registry_and_nothing_is_written(university, firm, firm_member):
    from ip_registry.exceptions import RegistryError

    patent = patent_in_force(university)
    declaration = declare(university, [patent], fee_type=FeeType.FREE)
    registry.legal_status_change(actor=None, patent=patent, status="lapsed", registration_date=TODAY)
    with translation.override("en"), pytest.raises(RegistryError, match="licensed"):
        obtain(firm_member, declaration, firm)
    assert not OpenLicence.objects.exists() and not LicenceNotice.objects.exists()


def test_a_royalty_licence_in_force_is_reported_period_by_period(university, firm, firm_member):
    from licensing.choices import FeeType, ReportStatus
    from licensing.services.licences import licence_obtain

    from .conftest import TODAY, declare, patent_in_force

    declaration = declare(university, [patent_in_force(university)], fee_type=FeeType.ROYALTY)
    licence = licence_obtain(actor=firm_member, declaration=declaration, licensee=firm, on=TODAY)
    reports = list(licence.reports.order_by("period_start"))
    assert licence.status == "in_force"
    assert reports[0].period_start == TODAY and reports[0].status == ReportStatus.DUE
    assert reports[-1].period_end == licence.term_end  # yearly, to the end of the licence


def test_an_expired_fee_reference_cancels_the_licence_awaiting_it(university, firm, firm_member, declaration):
    import datetime

    from django.utils import timezone

    from licensing.choices import LicenceStatus
    from licensing.payments.services import payments_expire
    from licensing.services.licences import licence_obtain

    from .conftest import TODAY

    licence = licence_obtain(actor=firm_member, declaration=declaration, licensee=firm, on=TODAY)
    assert licence.status == LicenceStatus.AWAITING_PAYMENT
    assert payments_expire(now=timezone.now() + datetime.timedelta(days=30)) == 1
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.CANCELLED


def test_a_fee_paid_after_the_patent_lapsed_is_recorded_and_the_licence_cancelled_for_a_refund(
    university, firm, firm_member, declaration, patent, finance, mailoutbox, django_capture_on_commit_callbacks
):
    import datetime
    from decimal import Decimal

    from ip_registry import services as registry
    from ip_registry.choices import LegalStatus
    from licensing.choices import LicenceStatus, PaymentState
    from licensing.payments.services import payment_confirm_receipt
    from licensing.services.licences import licence_obtain

    from .conftest import TODAY

    licence = licence_obtain(actor=firm_member, declaration=declaration, licensee=firm, on=TODAY)
    registry.legal_status_change(
        actor=None,
        patent=patent,
        status=LegalStatus.INVALIDATED,
        registration_date=TODAY + datetime.timedelta(days=1),
        reason="宣告专利权全部无效",
    )
    with django_capture_on_commit_callbacks(execute=True):
        payment = payment_confirm_receipt(actor=finance, payment=licence.payment, amount_received=Decimal("50000.00"))
    licence.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED  # the money is on record
    assert licence.status == LicenceStatus.CANCELLED
    assert not licence.registry_entries.exists()
    refund = [mail for mail in mailoutbox if "退" in mail.subject or "refund" in mail.subject]
    assert refund and finance.email in refund[0].to
