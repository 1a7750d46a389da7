""" "My licences": a firm sees the licences it holds, a university those it granted, each with its state, the next
payment, the notice and the reports due; nobody sees another organisation's; the lists read in a fixed number of
queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from licensing import selectors
from licensing.choices import AgreementState, FeeType, InstalmentStatus, LicenceStatus, PaymentState, ReportStatus
from tests.factories import UserFactory, add_member, organisation_in

from . import rows
from .conftest import JS, declare, patent_in_force

URL = "/en/licences/mine/"
D = datetime.date


def page(client, user):
    client.force_login(user)
    with translation.override("en"):
        response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_is_named_and_linked_from_the_dashboard(client, firm_member):
    assert reverse("licensing:my_licences") == "/licences/mine/"
    client.force_login(firm_member)
    response = client.get(reverse("accounts:dashboard"))
    assert reverse("licensing:my_licences") in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_firm_sees_its_licence_with_state_next_payment_notice_and_report_due(client, declaration, firm, firm_member):
    licence = rows.licence(declaration, firm, status=LicenceStatus.AWAITING_PAYMENT, pay=PaymentState.PENDING)
    rows.report(licence=licence, due_on=D(2027, 1, 31))

    html = page(client, firm_member)

    assert "Licences we hold" in html and "Licences we granted" not in html
    assert licence.reference in html
    assert "awaiting payment" in html
    assert licence.payment.reference in html and "due 2026-12-19" in html
    assert "lump sum ¥50,000" in html
    assert "Written notice confirmed" in html
    assert "2026-01-01 – 2026-12-31, by 2027-01-31" in html


def test_a_university_sees_what_it_granted_and_the_reports_awaiting_its_answer(
    client, declaration, firm, university_admin
):
    licence = rows.licence(declaration, firm)
    rows.report(licence=licence, status=ReportStatus.SUBMITTED, royalty="1500")

    html = page(client, university_admin)

    assert "Licences we granted" in html and "Licences we hold" not in html
    assert f"#{declaration.pk}" in html and "in force" in html
    assert licence.reference in html and firm.name_en in html
    assert "Reports awaiting your answer" in html and "¥1,500" in html


def test_the_next_payment_of_an_agreement_is_its_earliest_unpaid_instalment(client, university, firm, firm_member):
    listing = rows.pay_later_listing(university)
    agreement = rows.agreement(
        listing,
        firm,
        state=AgreementState.PAYING,
        instalments=[
            (D(2027, 1, 1), "30000", InstalmentStatus.PAID),
            (D(2027, 4, 1), "30000", InstalmentStatus.SCHEDULED),
            (D(2027, 7, 1), "30000", InstalmentStatus.SCHEDULED),
        ],
    )
    (row,) = selectors.agreements(firm_member, side=selectors.HELD)
    nxt = selectors.next_payment(row)
    assert (nxt.due_on, str(nxt.amount)) == (D(2027, 4, 1), "30000.00")

    html = page(client, firm_member)
    assert agreement.reference in html and "paying" in html and "due 2027-04-01" in html


def test_nothing_of_another_organisation_shows(client, declaration, firm):
    rows.licence(declaration, firm)
    outsider = add_member(organisation_in(JS), UserFactory())
    html = page(client, outsider)
    assert "No firm has obtained" not in html  # an enterprise: its own side only
    assert declaration.licensor.name_zh not in html
    assert selectors.licences(outsider).count() == 0


def test_empty_states(client, firm_member, university_admin):
    html = page(client, firm_member)
    assert "Your organisations hold no open licences yet" in html
    assert "No pay-later agreements." in html and "No reports due." in html

    html = page(client, university_admin)
    assert "No open licence declarations" in html
    assert "No firm has obtained an open licence from your organisations yet." in html

    html = page(client, UserFactory())
    assert "You do not belong to any organisation yet" in html


def test_each_list_is_paginated_on_its_own(client, university, firm, firm_member):
    for _ in range(21):
        rows.licence(declare(university, [patent_in_force(university)], fee_type=FeeType.FREE), firm, notice=False)
    first = page(client, firm_member)
    assert "Page 1 of 2" in first and "?held=2" in first
    client.force_login(firm_member)
    with translation.override("en"):
        second = client.get(URL, {"held": 2}).content.decode()
    assert "Page 2 of 2" in second


def _world(university, firm, n):
    listing = rows.pay_later_listing(university)
    for _ in range(n):
        declaration = declare(university, [patent_in_force(university)], fee_type=FeeType.ROYALTY)
        licence = rows.licence(declaration, firm, pay=PaymentState.PENDING)
        rows.report(licence=licence)
        agreement = rows.agreement(listing, firm, instalments=[(D(2027, 4, 1), "30000", InstalmentStatus.SCHEDULED)])
        rows.report(agreement=agreement, status=ReportStatus.SUBMITTED, royalty="100")


@pytest.mark.parametrize("n", [2, 6])
def test_the_page_reads_in_a_fixed_number_of_queries(client, university, firm, django_assert_max_num_queries, n):
    _world(university, firm, n)
    both = add_member(firm, UserFactory())
    add_member(university, both)
    client.force_login(both)
    with django_assert_max_num_queries(40):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count("OL") >= n


@pytest.mark.parametrize("n", [2, 8])
def test_the_selectors_read_in_a_fixed_number_of_queries(
    university, firm, firm_member, django_assert_max_num_queries, n
):
    _world(university, firm, n)
    with django_assert_max_num_queries(6):
        held = list(selectors.licences(firm_member, side=selectors.HELD))
        found = [(selectors.next_payment(x), selectors.due_reports(x), selectors.notice_of(x)) for x in held]
    assert len(found) == n and all(nxt and due and notice for nxt, due, notice in found)
    with django_assert_max_num_queries(6):
        agreements = list(selectors.agreements(firm_member, side=selectors.HELD))
        found = [(selectors.next_payment(a), selectors.reports_to_answer(a)) for a in agreements]
    assert len(found) == n and all(nxt and answer for nxt, answer in found)


def test_published_terms_read_as_a_person_reads_them(university):
    cases = {
        FeeType.FREE: "free",
        FeeType.LUMP_SUM: "lump sum ¥50,000",
        FeeType.ROYALTY: "3% of net sales",
        FeeType.ENTRY_PLUS_ROYALTY: "entry fee ¥10,000 + 2% of net sales",
    }
    with translation.override("en"):
        for fee_type, text in cases.items():
            assert (
                selectors.published_terms(declare(university, [patent_in_force(university)], fee_type=fee_type)) == text
            )


# Badges and terms on listing cards and search results ------------------------------------------------------------


def test_cards_and_search_results_show_the_published_terms_and_the_pay_later_badge(client, university):
    from listings.models import DealTerm
    from listings.services.listings import Term
    from search.indexing import sync
    from search.query import LISTINGS
    from tests.factories import make_listing

    listing = make_listing(
        university,
        status="published",
        title_zh="开放许可固态电池电解质",
        terms=[Term("open_licence", None), Term("pay_later", None)],
    )
    DealTerm.objects.filter(listing=listing, mode="open_licence").update(published_terms="净销售额 3%")
    sync(LISTINGS, [listing.pk])

    card = client.get(reverse("listings:listing_list")).content.decode()
    results = client.get("/search/", {"q": "净销售额"}).content.decode()  # found by its terms
    assert "开放许可固态电池电解质" in results

    for html in (card, results):
        assert "开放许可 · 净销售额 3%" in html
        assert 'badge-pay-later">先使用后付费' in html
        assert "开放许可 · 面议" not in html  # an open licence is never “negotiable”
