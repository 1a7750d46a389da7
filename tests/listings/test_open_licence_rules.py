"""Listings follow the registry: an open licence only for declared patents, with the declaration's published terms;
no exclusive or sole licence beside one; co-owned patents assigned or exclusively licensed only with the co-owners'
consent named. The same rules through the service, the form, the API, the CSV import and the admin."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from ip_registry import services as registry
from ip_registry.selectors import open_licence_terms_text
from licensing.choices import FeeType
from licensing.services.declarations import declaration_create
from listings.choices import DealMode
from listings.models import DealTerm, Listing
from listings.services import listings as services
from listings.services.imports import listings_import
from listings.services.listings import Term
from techmarket.accounts.choices import MembershipRole, OrganisationKind
from techmarket.regions.models import TechnologyField
from tests.factories import UserFactory, add_member, make_listing, organisation_in, platform_staff_user
from tests.licensing.conftest import JS, PERIOD_END, SH, TODAY, declare, patent_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def university():
    return organisation_in(SH, kind=OrganisationKind.UNIVERSITY, name_zh="上海测试大学")


@pytest.fixture
def co_owner():
    return organisation_in(JS, kind=OrganisationKind.UNIVERSITY, name_zh="江苏测试研究院")


def create(organisation, patents, modes, **fields):
    return make_listing(organisation, patents=patents, terms=[Term(mode) for mode in modes], **fields)


def refusal(call) -> dict:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# The service: one home for the rules ------------------------------------------------------------------------------


def test_an_open_licence_needs_a_declaration_in_force(university):
    patent = patent_in_force(university)
    field = TechnologyField.objects.get(slug="new-energy")
    errors = refusal(
        lambda: services.listing_create(
            actor=None,
            organisation=university,
            patents=[patent],
            terms=[Term(DealMode.OPEN_LICENCE)],
            kind="patent",
            field=field,
            title_zh="一种测试技术",
            summary_zh="摘要。",
            contact_name="王老师",
            contact_email="t@example.cn",
        )
    )
    assert "whose open licence declaration is in force on the registry (专利法第五十条)" in errors["deal_terms"][0]
    assert patent.application_number in errors["deal_terms"][0]
    assert not Listing.objects.exists()


@pytest.mark.parametrize(
    ("details", "published"),
    [
        ({"fee_type": "free"}, "免费"),
        ({"fee_type": "lump_sum", "lump_sum": "50000.00"}, "一次性 ¥50,000"),
        ({"fee_type": "lump_sum", "lump_sum": "1234.50"}, "一次性 ¥1,234.50"),
        ({"fee_type": "royalty", "rate": "3.00", "base": "net_sales"}, "净销售额 3%"),
        ({"fee_type": "royalty", "rate": "12.50", "base": "profit"}, "利润 12.5%"),
        (
            {"fee_type": "entry_plus_royalty", "entry_fee": "10000.00", "rate": "2.00", "base": "net_sales"},
            "入门费 ¥10,000 + 净销售额 2%",
        ),
    ],
)
def test_the_published_terms_are_written_from_the_registry_s_entry(details, published):
    assert open_licence_terms_text(details) == published


def test_a_declared_patent_s_listing_carries_the_published_terms(client, university, university_admin_user):
    patent = patent_in_force(university)
    declaration_create(
        actor=None,
        licensor=university,
        patents=[patent],
        period_end=PERIOD_END,
        on=TODAY,
        fee_type=FeeType.ROYALTY,
        royalty_rate="3",
        royalty_base="net_sales",
        reporting_period="year",
        payment_method="银行转账",
        fee_basis="参照行业惯例",
    )
    listing = create(university, [patent], [DealMode.OPEN_LICENCE], status="published")
    term = listing.deal_terms.get()
    assert term.published_terms == "净销售额 3%" and not term.is_negotiable
    page = client.get(listing.get_absolute_url())
    assert "净销售额 3%".encode() in page.content and "面议".encode() not in page.content


def test_no_exclusive_or_sole_licence_while_a_declaration_is_in_force(university):
    patent = patent_in_force(university)
    declare(university, [patent])
    for mode in (DealMode.EXCLUSIVE_LICENCE, DealMode.SOLE_LICENCE):
        errors = refusal(lambda mode=mode: create(university, [patent], [mode]))
        assert "cannot be offered while an open licence is declared" in errors["deal_terms"][0]
        assert "(专利法第五十一条)" in errors["deal_terms"][0]
    assert not Listing.objects.exists()


def test_co_owned_patents_need_the_co_owners_consent_for_assignment_and_exclusive_licences(university, co_owner):
    patent = patent_in_force(university, co_owner)
    for mode in (DealMode.ASSIGNMENT, DealMode.EXCLUSIVE_LICENCE, DealMode.SOLE_LICENCE):
        errors = refusal(lambda mode=mode: create(university, [patent], [mode]))
        assert "co-owned with 江苏测试研究院" in errors["co_owner_consent"][0]
        assert "(专利法第十四条)" in errors["co_owner_consent"][0]
    ordinary = create(university, [patent], [DealMode.ORDINARY_LICENCE])
    assert ordinary.pk
    consented = create(university, [patent], [DealMode.ASSIGNMENT], co_owner_consent=True, status="published")
    assert consented.co_owner_consent


def test_the_listing_page_names_the_consenting_co_owners(client, university, co_owner):
    patent = patent_in_force(university, co_owner)
    listing = create(university, [patent], [DealMode.ASSIGNMENT], co_owner_consent=True, status="published")
    with translation.override("en"):
        page = client.get(listing.get_absolute_url())
    assert "Every co-owner consents to this offer: 江苏测试研究院 (专利法第十四条).".encode() in page.content


def test_a_declaration_taking_effect_publishes_and_a_withdrawal_removes_the_mode(university):
    patent = patent_in_force(university)
    declaration = declare(university, [patent], fee_type=FeeType.FREE)
    listing = create(university, [patent], [DealMode.OPEN_LICENCE, DealMode.ORDINARY_LICENCE])
    DealTerm.objects.filter(listing=listing).update(published_terms="")
    assert services.listings_open_licence_publish(patents=[patent]) == [listing]
    assert listing.deal_terms.get(mode=DealMode.OPEN_LICENCE).published_terms == "免费"
    registry.open_licence_withdraw(actor=None, patent=patent, registration_date=declaration.effective_on)
    assert services.listings_open_licence_withdraw(patents=[patent], reason="撤回") == [listing]
    assert [t.mode for t in listing.deal_terms.all()] == [DealMode.ORDINARY_LICENCE]


# Form, API, import, admin ------------------------------------------------------------------------------------------


@pytest.fixture
def university_admin_user(university):
    return add_member(university, UserFactory(), role=MembershipRole.ADMIN)


def _form(patent, **offers):
    data = {
        "kind": "patent",
        "field": "",
        "title_zh": "一种测试技术",
        "summary_zh": "一种测试技术的摘要。",
        "trl": "5",
        "contact_name": "王老师",
        "contact_email": "t@example.cn",
        "patent_numbers": patent.application_number,
    }
    data["field"] = TechnologyField.objects.get(slug="new-energy").pk
    for mode in offers:
        data[f"offer_{mode}"] = "on"
    return data


def test_the_form_shows_the_rules(client, university, university_admin_user, co_owner):
    client.force_login(university_admin_user)
    with translation.override("en"):
        url = reverse("listings:listing_create")
    undeclared = patent_in_force(university)
    response = client.post(url, _form(undeclared, open_licence=True))
    assert b"whose open licence declaration is in force on the registry" in response.content
    shared = patent_in_force(university, co_owner)
    response = client.post(url, _form(shared, assignment=True))
    assert "every co-owner&#x27;s consent (专利法第十四条)".encode() in response.content
    assert not Listing.objects.exists()
    response = client.post(url, {**_form(shared, assignment=True), "co_owner_consent": "on"})
    assert response.status_code == 302 and Listing.objects.get().co_owner_consent


def test_the_api_applies_the_same_rules(university, university_admin_user, co_owner):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(university_admin_user)
    patent = patent_in_force(university)
    body = {
        "organisation": university.pk,
        "kind": "patent",
        "title_zh": "一种测试技术",
        "summary_zh": "摘要。",
        "field": "new-energy",
        "trl": 5,
        "contact_name": "王老师",
        "contact_email": "t@example.cn",
        "patents": [patent.application_number],
        "deal_terms": [{"mode": "open_licence"}],
    }
    response = api.post("/api/v1/listings/", body, format="json")
    assert response.status_code == 400 and "(专利法第五十条)" in str(response.json()["deal_terms"])
    declare(university, [patent], fee_type=FeeType.FREE)
    response = api.post("/api/v1/listings/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["deal_terms"][0]["negotiable"] is False
    shared = patent_in_force(university, co_owner)
    response = api.post(
        "/api/v1/listings/",
        {**body, "patents": [shared.application_number], "deal_terms": [{"mode": "assignment"}]},
        format="json",
    )
    assert response.status_code == 400 and "(专利法第十四条)" in str(response.json()["co_owner_consent"])
    response = api.post(
        "/api/v1/listings/",
        {
            **body,
            "patents": [shared.application_number],
            "deal_terms": [{"mode": "assignment"}],
            "co_owner_consent": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()


def _csv(rows) -> bytes:
    out = io.StringIO()
    header = [
        "类型",
        "标题",
        "摘要",
        "技术领域",
        "技术成熟度",
        "专利申请号",
        "交易方式",
        "联系人",
        "联系邮箱",
        "共有人同意",
    ]
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    return out.getvalue().encode()


def _row(patent, terms, consent=""):
    return [
        "单项专利",
        f"一种测试技术{patent.application_number}",
        "摘要。",
        "新能源",
        "5",
        patent.application_number,
        terms,
        "王老师",
        "t@example.cn",
        consent,
    ]


def test_the_import_applies_the_same_rules(university, co_owner):
    undeclared, shared, declared = (
        patent_in_force(university),
        patent_in_force(university, co_owner),
        patent_in_force(university),
    )
    declare(university, [declared])
    with translation.override("en"):
        report = listings_import(
            actor=None,
            organisation=university,
            data=_csv([_row(undeclared, "开放许可"), _row(shared, "转让:500000"), _row(declared, "独占许可")]),
        )
    messages = {(error.row, error.column): error.message for error in report.errors}
    assert "(专利法第五十条)" in messages[(2, "交易方式")]
    assert "(专利法第十四条)" in messages[(3, "共有人同意")]
    assert "(专利法第五十一条)" in messages[(4, "交易方式")]
    assert not Listing.objects.exists()
    with translation.override("en"):
        report = listings_import(
            actor=None,
            organisation=university,
            data=_csv([_row(shared, "转让:500000", "是"), _row(declared, "开放许可")]),
        )
    assert report.ok, [str(e) for e in report.errors]
    assert DealTerm.objects.get(mode=DealMode.OPEN_LICENCE).published_terms == "见声明"


def _admin_data(listing, modes, **extra):
    data = {
        "organisation": listing.organisation_id,
        "kind": listing.kind,
        "title_zh": listing.title_zh,
        "summary_zh": listing.summary_zh,
        "field": listing.field_id,
        "trl": listing.trl,
        "contact_name": listing.contact_name,
        "contact_email": listing.contact_email,
        "patents": [p.pk for p in listing.patents.all()],
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "deal_terms-TOTAL_FORMS": str(len(modes)),
        "deal_terms-INITIAL_FORMS": "0",
        **extra,
    }
    for index, mode in enumerate(modes):
        data.update({f"deal_terms-{index}-mode": mode, f"deal_terms-{index}-price": "", f"deal_terms-{index}-note": ""})
    return data


def test_the_admin_applies_the_same_rules_and_writes_the_published_terms(client, university, co_owner):
    staff = platform_staff_user()
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    patent = patent_in_force(university)
    listing = create(university, [patent], [DealMode.ORDINARY_LICENCE])
    listing.deal_terms.all().delete()
    url = reverse("admin:listings_listing_change", args=[listing.pk])
    with translation.override("en"):
        response = client.post(url, _admin_data(listing, [DealMode.OPEN_LICENCE]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "专利法第五十条".encode() in response.content  # the admin speaks Chinese
    assert not listing.deal_terms.exists()
    declare(university, [patent], fee_type=FeeType.FREE)
    response = client.post(url, _admin_data(listing, [DealMode.OPEN_LICENCE, DealMode.SOLE_LICENCE]))
    assert response.status_code == 200 and "专利法第五十一条".encode() in response.content
    response = client.post(url, _admin_data(listing, [DealMode.OPEN_LICENCE]))
    assert response.status_code == 302
    assert listing.deal_terms.get().published_terms == "免费"


def test_a_declaration_taking_effect_takes_exclusive_and_sole_terms_off_the_listings(university):
    patent = patent_in_force(university)
    listing = create(university, [patent], [DealMode.EXCLUSIVE_LICENCE, DealMode.SOLE_LICENCE, DealMode.ASSIGNMENT])
    declaration_create(
        actor=None,
        licensor=university,
        patents=[patent],
        period_end=PERIOD_END,
        on=TODAY,
        fee_type=FeeType.FREE,
    )
    assert [t.mode for t in listing.deal_terms.all()] == [DealMode.ASSIGNMENT]
