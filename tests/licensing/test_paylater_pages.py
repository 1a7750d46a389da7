"""Pay-later pages: the offer on the listing page, the terms form, applying, the licensor's decision with the
firm's credit records, the agreement page, royalty reports with their preview, the staff's claims; and the firm's
size on its profile. Parties and staff only: a 404 for anyone else."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from licensing.choices import AgreementState, ClaimStatus, ReportStatus
from licensing.models import Agreement, CreditRecord, PayLaterOffer
from licensing.services import claims, paylater
from tests.factories import UserFactory, add_member
from tests.licensing.paylater_helpers import D, applied, in_trial, make_offer, pay_later_listing


def url(name, *args):
    with translation.override("en"):
        return reverse(f"licensing:{name}", args=args)


def en(client, method, path, data=None):
    with translation.override("en"):
        return getattr(client, method)(path, data or {}, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def listing(university):
    return pay_later_listing(university)


@pytest.fixture
def offer(listing, fund):
    return make_offer(listing, fund)


@pytest.fixture
def stranger(db):
    return UserFactory(name="路人")


def test_the_listing_page_offers_the_application(client, offer, firm_member):
    client.force_login(firm_member)
    html = en(client, "get", "/en" + offer.listing.get_absolute_url()).content.decode()
    assert "Use first, pay later" in html
    assert url("agreement_apply", offer.listing.pk) in html


def test_the_owner_is_asked_to_set_the_terms_and_sets_them(client, listing, university_admin, fund, firm_member):
    client.force_login(firm_member)
    assert url("offer_edit", listing.pk) not in en(client, "get", "/en" + listing.get_absolute_url()).content.decode()
    assert en(client, "get", url("offer_edit", listing.pk)).status_code == 404
    client.force_login(university_admin)
    assert url("offer_edit", listing.pk) in en(client, "get", "/en" + listing.get_absolute_url()).content.decode()
    data = {
        "trial_months": 12,
        "trigger": "first_revenue",
        "payment_form": "lump_sum",
        "fee": "80000",
        "instalment_months": 3,
        "eligible_sizes": ["small", "micro"],
        "fund_covered": "on",
        "is_active": "on",
    }
    response = en(client, "post", url("offer_edit", listing.pk), data)
    assert response.status_code == 400
    assert "Choose the risk fund that covers the agreements." in response.content.decode()
    assert not PayLaterOffer.objects.exists()
    response = en(client, "post", url("offer_edit", listing.pk), {**data, "fund": fund.pk})
    assert response.status_code == 302
    offer = PayLaterOffer.objects.get(listing=listing)
    assert (offer.trial_months, offer.fee, offer.fund, offer.eligible_sizes) == (
        12,
        Decimal("80000.00"),
        fund,
        ["small", "micro"],
    )


def test_a_firm_member_applies_from_the_listing(client, offer, firm, firm_member):
    client.force_login(firm_member)
    page = en(client, "get", url("agreement_apply", offer.listing.pk)).content.decode()
    assert "6 months" in page and "Covered by" in page
    response = en(
        client,
        "post",
        url("agreement_apply", offer.listing.pk),
        {"licensee": firm.pk, "note": "试产", "accept_terms": "on"},
    )
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/agreements/{agreement.reference}/")
    assert (agreement.licensee, agreement.applied_by, agreement.state) == (firm, firm_member, AgreementState.APPLIED)


def test_a_large_firm_sees_why_it_cannot_apply(client, offer, large_firm):
    member = add_member(large_firm, UserFactory(name="赵经理"))
    client.force_login(member)
    expected = "This offer is open to small and micro firms only; 江苏测试集团股份有限公司 is recorded as a large firm"
    assert expected in en(client, "get", url("agreement_apply", offer.listing.pk)).content.decode()
    response = en(
        client, "post", url("agreement_apply", offer.listing.pk), {"licensee": large_firm.pk, "accept_terms": "on"}
    )
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not Agreement.objects.exists()


def test_the_licensor_sees_the_firms_credit_records_and_approves(client, listing, fund, firm, university_admin):
    earlier = paylater.agreement_convert(
        actor=None, agreement=in_trial(make_offer(pay_later_listing(listing.organisation)), firm), on=D(2026, 7, 4)
    )
    for step in (paylater.agreement_mark_overdue, paylater.agreement_grace, paylater.agreement_default):
        earlier = step(agreement=earlier, on=D(2026, 9, 1))
    agreement = applied(make_offer(listing, fund), firm)
    client.force_login(university_admin)
    html = en(client, "get", url("agreement_decide", agreement.reference)).content.decode()
    assert "This firm has defaulted on earlier pay-later agreements" in html
    assert earlier.reference in html
    assert CreditRecord.objects.count() == 1
    response = en(client, "post", url("agreement_decide", agreement.reference), {"decision": "decline", "reason": ""})
    assert response.status_code == 400
    response = en(client, "post", url("agreement_decide", agreement.reference), {"decision": "approve"})
    assert response.status_code == 302
    assert Agreement.objects.get(pk=agreement.pk).state == AgreementState.TRIAL


def test_the_agreement_page_is_for_its_parties_and_the_staff(client, offer, firm, firm_member, finance, stranger):
    agreement = in_trial(offer, firm)
    path = url("agreement_detail", agreement.reference)
    assert en(client, "get", path).status_code == 302  # to sign in
    client.force_login(stranger)
    assert en(client, "get", path).status_code == 404
    client.force_login(finance)
    assert en(client, "get", path).status_code == 200
    client.force_login(firm_member)
    html = en(client, "get", path).content.decode()
    assert "in trial" in html and "2026-07-04" in html
    assert url("agreement_action", agreement.reference, "convert") in html
    assert url("agreement_action", agreement.reference, "exit") in html


def test_the_firm_converts_from_the_agreement_page_and_sees_its_schedule(client, offer, firm, firm_member):
    agreement = in_trial(offer, firm)
    client.force_login(firm_member)
    response = en(client, "post", url("agreement_action", agreement.reference, "convert"))
    assert response.status_code == 302
    html = en(client, "get", url("agreement_detail", agreement.reference)).content.decode()
    assert "paying" in html and "30,000.00" in html
    response = en(client, "post", url("agreement_action", agreement.reference, "exit"))
    assert response.status_code == 400
    assert "“Exit, owing nothing” is not possible now" in response.content.decode()


def test_a_report_is_previewed_then_submitted_and_the_licensor_disputes_it(
    client, listing, fund, firm, firm_member, university_admin, stranger
):
    offer = make_offer(
        listing,
        fund,
        payment_form="revenue_share",
        fee=None,
        instalments=None,
        revenue_share=Decimal("5.00"),
        reporting_period="quarter",
    )
    agreement = paylater.agreement_convert(actor=None, agreement=in_trial(offer, firm), on=D(2026, 7, 4))
    report = agreement.reports.first()
    client.force_login(stranger)
    assert en(client, "get", url("report_submit", report.pk)).status_code == 404
    client.force_login(firm_member)
    assert en(client, "post", url("report_submit", report.pk), {"base_amount": "-5"}).status_code == 400
    preview = en(client, "post", url("report_submit", report.pk), {"base_amount": "200000", "preview": "1"})
    assert "On ¥200,000.00 the royalty is ¥10,000.00." in preview.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE  # nothing submitted by the preview
    response = en(client, "post", url("report_submit", report.pk), {"base_amount": "200000", "confirm": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.royalty) == (ReportStatus.SUBMITTED, Decimal("10000.00"))
    assert en(client, "get", url("report_decide", report.pk)).status_code == 403
    client.force_login(university_admin)
    response = en(client, "post", url("report_decide", report.pk), {"decision": "dispute", "reason": ""})
    assert response.status_code == 400
    response = en(client, "post", url("report_decide", report.pk), {"decision": "dispute", "reason": "销售额偏低"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.dispute_reason) == (ReportStatus.DISPUTED, "销售额偏低")


def test_fund_staff_list_and_decide_claims(client, offer, firm, finance, firm_member):
    agreement = paylater.agreement_convert(actor=None, agreement=in_trial(offer, firm), on=D(2026, 7, 4))
    for step in (paylater.agreement_mark_overdue, paylater.agreement_grace, paylater.agreement_default):
        agreement = step(agreement=agreement, on=D(2026, 9, 1))
    claim = claims.claim_open(agreement=agreement, on=D(2026, 9, 1))
    client.force_login(firm_member)
    assert en(client, "get", url("claim_list")).status_code == 404
    assert en(client, "post", url("claim_detail", claim.pk), {"decision": "approve"}).status_code == 403
    client.force_login(finance)
    assert agreement.reference in en(client, "get", url("claim_list")).content.decode()
    response = en(client, "post", url("claim_detail", claim.pk), {"decision": "reject", "reason": ""})
    assert response.status_code == 400
    assert "Give the reason for rejecting the claim" in response.content.decode()
    response = en(client, "post", url("claim_detail", claim.pk), {"decision": "approve"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID


def test_an_enterprise_states_its_size_on_its_profile(client, firm, firm_admin, university, university_admin):
    client.force_login(firm_admin)
    with translation.override("en"):
        edit = reverse("accounts:organisation_edit", args=[firm.pk])
    form = en(client, "get", edit).content.decode()
    assert 'name="firm_size"' in form and 'name="tech_sme_number"' in form
    response = en(
        client,
        "post",
        edit,
        {
            "kind": "enterprise",
            "name_zh": firm.name_zh,
            "credit_code": firm.credit_code,
            "province": firm.province,
            "city": firm.city,
            "firm_size": "micro",
            "staff_count": "18",
            "annual_revenue": "950.5",
            "tech_sme_number": "2025340100A0001234",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    firm.refresh_from_db()
    assert (firm.firm_size, firm.staff_count, firm.annual_revenue, firm.tech_sme_number) == (
        "micro",
        18,
        Decimal("950.50"),
        "2025340100A0001234",
    )
    page = en(client, "get", "/en" + firm.get_absolute_url()).content.decode()
    assert "micro" in page and "18 staff" in page and "2025340100A0001234" in page
    client.force_login(university_admin)
    with translation.override("en"):
        university_edit = reverse("accounts:organisation_edit", args=[university.pk])
    assert 'name="firm_size"' not in en(client, "get", university_edit).content.decode()
