"""The declaration pages: write with a review step, refusals as form errors, detail and withdrawal, a co-owner's
answer, and the registry's patent page announcing the open licence and its withdrawal."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from licensing.choices import DeclarationStatus, FeeType
from licensing.models import Declaration
from licensing.services import declarations as services
from techmarket.accounts.choices import MembershipRole, OrganisationKind
from tests.factories import UserFactory, add_member, organisation_in

from .conftest import JS, patent_in_force


def en(name, *args):
    with translation.override("en"):
        return reverse(f"licensing:{name}", args=args)


def form_data(patents, **terms):
    return {
        "patents": [p.pk for p in patents],
        "fee_type": FeeType.LUMP_SUM,
        "lump_sum": "50000",
        "payment_method": "银行转账",
        "payment_schedule": "收到通知后30日内",
        "fee_basis": "按研发成本测算",
        "period_end": "2030-12-31",
        **terms,
    }


@pytest.fixture
def co_owner(db):
    return organisation_in(JS, kind=OrganisationKind.UNIVERSITY, name_zh="江苏测试研究院")


def test_the_review_step_shows_the_warnings_and_writes_nothing_until_confirmed(client, university_admin, patent):
    client.force_login(university_admin)
    assert client.get(en("declaration_create")).status_code == 200
    data = form_data([patent], lump_sum="25000000")
    response = client.post(en("declaration_create"), {**data, "review": "1"})
    assert response.status_code == 200
    assert b"above the guidance for a fixed fee" in response.content
    assert b'name="confirm"' in response.content
    assert not Declaration.objects.exists()
    response = client.post(en("declaration_create"), {**data, "confirm": "1"})
    declaration = Declaration.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/declarations/{declaration.pk}/")
    assert declaration.status == DeclarationStatus.IN_FORCE and declaration.warnings
    page = client.get(response["Location"], follow=True)
    assert b"is on the registry and in force" in page.content and b"above the guidance" in page.content


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"annual_fee_paid_until": datetime.date(2026, 6, 30)}, b"is unpaid, so an open licence cannot be declared"),
        ({"granted": False}, b"it has not been granted yet"),
    ],
)
def test_a_refusal_of_the_registry_is_a_form_error(client, university, university_admin, change, reason):
    patent = patent_in_force(university, **change)
    client.force_login(university_admin)
    response = client.post(en("declaration_create"), {**form_data([patent]), "review": "1"})
    assert response.status_code == 400 and reason in response.content
    response = client.post(en("declaration_create"), {**form_data([patent]), "confirm": "1"})
    assert response.status_code == 400 and reason in response.content
    assert not Declaration.objects.exists()


def test_a_missing_amount_is_shown_on_its_field(client, university_admin, patent):
    client.force_login(university_admin)
    response = client.post(en("declaration_create"), {**form_data([patent], lump_sum=""), "confirm": "1"})
    assert response.status_code == 400
    assert b"A lump-sum licence states its amount in yuan." in response.content
    assert not Declaration.objects.exists()


def test_only_an_administrator_can_open_the_form(client, university, patent):
    client.force_login(add_member(university, UserFactory()))
    response = client.get(en("declaration_create"), follow=True)
    assert b"Only an administrator of a patentee organisation" in response.content


def test_the_detail_is_for_the_parties_and_the_admin_withdraws_there(client, university_admin, declaration, firm_admin):
    client.force_login(firm_admin)
    assert client.get(en("declaration_detail", declaration.pk)).status_code == 404
    client.force_login(university_admin)
    page = client.get(en("declaration_detail", declaration.pk))
    assert page.status_code == 200 and b'name="reason"' in page.content
    refused = client.post(en("declaration_withdraw", declaration.pk), {"reason": ""})
    assert refused.status_code == 400 and b"This field is required" in refused.content
    response = client.post(en("declaration_withdraw", declaration.pk), {"reason": "专利已转让"}, follow=True)
    assert b"licences already granted remain valid" in response.content
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.WITHDRAWN
    again = client.post(en("declaration_withdraw", declaration.pk), {"reason": "再次"})
    assert again.status_code == 400 and b"Only a declaration in force can be withdrawn" in again.content


def test_the_patent_page_shows_the_terms_then_the_withdrawal(client, university_admin, declaration, patent):
    with translation.override("en"):
        url = patent.get_absolute_url()
    page = client.get(url)
    assert b'data-test="open-licence-terms"' in page.content and "见声明".encode() in page.content
    services.declaration_withdraw(
        actor=university_admin, declaration=declaration, reason="不再开放", on=datetime.date(2026, 12, 5)
    )
    page = client.get(url)
    assert b"The open licence declaration was withdrawn on 2026-12-05; licences already granted remain valid." in (
        page.content
    )


def test_the_patent_page_shows_the_published_fee_from_the_registry(client, university, university_admin):
    patent = patent_in_force(university)
    client.force_login(university_admin)
    client.post(en("declaration_create"), {**form_data([patent]), "confirm": "1"})
    with translation.override("en"):
        page = client.get(patent.get_absolute_url())
    assert "一次性 ¥50,000".encode() in page.content
    assert "按研发成本测算".encode() in page.content


def test_a_co_owner_answers_on_its_page_and_the_list_shows_what_awaits(
    client, university, university_admin, co_owner, firm_admin
):
    co_owner_admin = add_member(co_owner, UserFactory(), role=MembershipRole.ADMIN)
    patent = patent_in_force(university, co_owner)
    client.force_login(university_admin)
    response = client.post(en("declaration_create"), {**form_data([patent]), "confirm": "1"}, follow=True)
    assert b"takes effect when every co-owner and pledgee has consented" in response.content
    declaration = Declaration.objects.get()
    consent = declaration.consents.get()
    client.force_login(firm_admin)
    assert client.get(en("consent_answer", consent.pk)).status_code == 404
    client.force_login(co_owner_admin)
    listing = client.get(en("declaration_list"))
    assert en("consent_answer", consent.pk).encode() in listing.content
    refused = client.post(en("consent_answer", consent.pk), {"answer": "refuse", "note": ""})
    assert refused.status_code == 400 and b"Give the patentee a reason for refusing." in refused.content
    response = client.post(en("consent_answer", consent.pk), {"answer": "give"}, follow=True)
    assert b"your consent is recorded" in response.content
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.IN_FORCE
