"""The attack from the outside probe, on each path that writes an organisation: the administrator of a verified
enterprise renames it 清华大学, makes it a university, and then tries to list technologies as one.

Through the edit page, the API and the Django admin, the verified organisation keeps its name and kind (and its
badge stands for them); the change awaits the platform staff, and the market still refuses it listings. The tests
speak only HTTP, so they run against any version of the code; messages are compared in English (``/en/`` pages,
``Accept-Language: en``) so that they do not depend on the Chinese catalogue.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from techmarket.accounts.choices import MembershipRole, OrganisationKind, VerificationStatus
from techmarket.accounts.models import Organisation
from tests.factories import OrganisationFactory, UserFactory, add_member, make_patent

pytestmark = pytest.mark.django_db

ATTACK = {"name_zh": "清华大学", "kind": OrganisationKind.UNIVERSITY}


@pytest.fixture
def enterprise():
    return OrganisationFactory(
        name_zh="苏州微澜新材料有限公司",
        name_en="Suzhou Weilan New Materials",
        kind=OrganisationKind.ENTERPRISE,
        province="320000",
        city="320500",
    )


@pytest.fixture
def enterprise_admin(enterprise):
    return add_member(enterprise, role=MembershipRole.ADMIN)


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def _edit_form(organisation: Organisation, **overrides) -> dict:
    data = {
        "kind": organisation.kind,
        "name_zh": organisation.name_zh,
        "name_en": organisation.name_en,
        "credit_code": organisation.credit_code,
        "province": organisation.province,
        "city": organisation.city,
        "website": organisation.website,
        "description": organisation.description,
    }
    data.update(overrides)
    return data


def _listing_payload(organisation: Organisation) -> dict:
    patent = make_patent(organisation)
    return {
        "organisation": organisation.pk,
        "kind": "patent",
        "title_zh": "一种高镍三元正极材料的制备方法",
        "summary_zh": "循环寿命提高百分之三十。",
        "field": "new-energy",
        "trl": 5,
        "contact_name": "王老师",
        "contact_email": "tech@example.cn",
        "patents": [patent.application_number],
        "deal_terms": [{"mode": "assignment", "price": None}],
    }


def _assert_still_the_enterprise(organisation: Organisation, admin, api: APIClient) -> None:
    """Name and kind unchanged, still verified (the badge stands for the old details), and no listing as a
    university: neither the page nor the API lets it list."""
    organisation.refresh_from_db()
    assert (organisation.name_zh, organisation.kind) == ("苏州微澜新材料有限公司", OrganisationKind.ENTERPRISE)
    assert organisation.verification_status == VerificationStatus.VERIFIED
    assert not Organisation.objects.filter(name_zh="清华大学").exists()

    public = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(f"/api/v1/organisations/{organisation.pk}/").json()
    assert (public["name_zh"], public["kind"], public["verification_status"]) == (
        "苏州微澜新材料有限公司",
        "enterprise",
        "verified",
    )

    api.force_authenticate(admin)
    response = api.post("/api/v1/listings/", _listing_payload(organisation), format="json")
    assert response.status_code == 403
    assert not organisation.listings.exists()


def test_the_edit_page_sends_the_change_for_approval_and_saves_the_rest(client, api, enterprise, enterprise_admin):
    client.force_login(enterprise_admin)
    with translation.override("en"):
        url = reverse("accounts:organisation_edit", args=[enterprise.pk])
        detail = enterprise.get_absolute_url()
    data = _edit_form(enterprise, website="https://weilan.example.cn", **ATTACK)

    response = client.post(url, data, follow=True)

    assert response.redirect_chain[-1] == (detail, 302)
    html = response.content.decode()
    assert "Saved: website." in html
    assert "sent to the platform staff for approval" in html
    assert "Change awaiting approval" in html  # the organisation page shows the pending request to its members
    assert "清华大学" in html
    enterprise.refresh_from_db()
    assert enterprise.website == "https://weilan.example.cn"  # not protected: saved at once
    _assert_still_the_enterprise(enterprise, enterprise_admin, api)

    client.force_login(enterprise_admin)
    listing_page = client.get(reverse("listings:listing_create"))
    assert listing_page.status_code == 302
    assert listing_page["Location"] == reverse("accounts:dashboard")


def test_the_edit_page_of_a_verified_organisation_explains_which_details_need_approval(
    client, enterprise, enterprise_admin
):
    client.force_login(enterprise_admin)
    with translation.override("en"):
        html = client.get(reverse("accounts:organisation_edit", args=[enterprise.pk])).content.decode()
    assert "Changes to them are sent to the staff for approval" in html
    assert 'name="credit_code"' in html


def test_the_api_answers_202_with_the_pending_request_and_leaves_the_organisation(api, enterprise, enterprise_admin):
    api.force_authenticate(enterprise_admin)

    response = api.patch(
        f"/api/v1/organisations/{enterprise.pk}/", {**ATTACK, "website": "https://weilan.example.cn"}, format="json"
    )

    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert {row["field"]: (row["current"], row["requested"]) for row in body["changes"]} == {
        "name_zh": ("苏州微澜新材料有限公司", "清华大学"),
        "kind": ("enterprise", "university"),
    }
    assert body["organisation"]["name_zh"] == "苏州微澜新材料有限公司"
    assert body["organisation"]["kind"] == "enterprise"
    assert body["organisation"]["website"] == "https://weilan.example.cn"
    _assert_still_the_enterprise(enterprise, enterprise_admin, api)


def test_a_put_renaming_a_verified_organisation_is_a_202_too(api, enterprise, enterprise_admin):
    api.force_authenticate(enterprise_admin)
    whole = api.get(f"/api/v1/organisations/{enterprise.pk}/").json()

    response = api.put(f"/api/v1/organisations/{enterprise.pk}/", {**whole, **ATTACK}, format="json")

    assert response.status_code == 202, response.content
    _assert_still_the_enterprise(enterprise, enterprise_admin, api)


def test_a_put_that_keeps_the_protected_details_applies_at_once(api, enterprise, enterprise_admin):
    api.force_authenticate(enterprise_admin)
    whole = api.get(f"/api/v1/organisations/{enterprise.pk}/").json()

    response = api.put(f"/api/v1/organisations/{enterprise.pk}/", {**whole, "description": "新材料研发"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["description"] == "新材料研发"
    enterprise.refresh_from_db()
    assert enterprise.description == "新材料研发"


def test_an_unverified_organisation_still_changes_its_details_at_once(api):
    pending = OrganisationFactory(verification_status=VerificationStatus.PENDING, kind=OrganisationKind.ENTERPRISE)
    admin = add_member(pending, role=MembershipRole.ADMIN)
    api.force_authenticate(admin)

    response = api.patch(f"/api/v1/organisations/{pending.pk}/", {"name_zh": "上海某某大学"}, format="json")

    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.name_zh == "上海某某大学"


def _admin_change_form(organisation: Organisation, **overrides) -> dict:
    data = _edit_form(organisation, **overrides)
    data.update(
        {
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        }
    )
    return data


def test_the_django_admin_shows_a_verified_organisations_identity_read_only(client, api, enterprise, enterprise_admin):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:accounts_organisation_change", args=[enterprise.pk])

    response = client.post(url, _admin_change_form(enterprise, description="由后台修改", **ATTACK))

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.description == "由后台修改"  # what is not protected is still edited here
    _assert_still_the_enterprise(enterprise, enterprise_admin, api)


def test_the_django_admin_still_edits_an_unverified_organisation(client):
    pending = OrganisationFactory(verification_status=VerificationStatus.PENDING)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:accounts_organisation_change", args=[pending.pk])

    response = client.post(url, _admin_change_form(pending, name_zh="上海某某研究院"))

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.name_zh == "上海某某研究院"


def test_the_schema_documents_the_202_answer(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for method in ("patch", "put"):
        responses = schema["paths"]["/api/v1/organisations/{id}/"][method]["responses"]
        assert {"200", "202"} <= set(responses), method
