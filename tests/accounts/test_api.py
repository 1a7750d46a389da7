import pytest
from rest_framework.test import APIClient

from techmarket.accounts.choices import VerificationStatus
from techmarket.accounts.models import Membership, Organisation, User
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisations/"


@pytest.fixture
def api():
    return APIClient()


def payload(**overrides):
    return {
        "kind": "enterprise",
        "name_zh": "合肥量子精密仪器有限公司",
        "credit_code": "91310109MACHK7GN2R",
        "province": "310000",
        "city": "310109",
        **overrides,
    }


def test_anonymous_sees_only_verified_organisations(api):
    OrganisationFactory(name_zh="公开机构")
    OrganisationFactory(name_zh="待审核机构", verification_status=VerificationStatus.PENDING)
    response = api.get(URL)
    assert response.status_code == 200
    names = [row["name_zh"] for row in response.json()["results"]]
    assert names == ["公开机构"]
    assert response.json()["count"] == 1


def test_anonymous_cannot_create(api):
    assert api.post(URL, payload(), format="json").status_code in (401, 403)
    assert not Organisation.objects.exists()


def test_create_makes_the_caller_admin(api, user):
    api.force_authenticate(user)
    response = api.post(URL, payload(credit_code="91310109machk7gn2r"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["credit_code"] == "91310109MACHK7GN2R"
    assert body["verification_status"] == "pending"
    assert body["province_name"] == "上海市"
    assert Membership.objects.get(user=user).is_admin


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"credit_code": "91310109MACHK7GN2T"}, "credit_code"),
        ({"credit_code": "12345"}, "credit_code"),
        ({"province": "990000"}, "province"),
        ({"city": "320500"}, "city"),
        ({"verification_status": "verified", "credit_code": "bad"}, "credit_code"),
        ({"credit_code": ""}, "credit_code"),
        ({"credit_code": None}, "credit_code"),
    ],
)
def test_bad_input_is_a_400_with_the_field_and_writes_nothing(api, user, overrides, field):
    api.force_authenticate(user)
    response = api.post(URL, payload(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Organisation.objects.exists()
    assert not Membership.objects.exists()


def test_leaving_out_the_credit_code_is_a_400(api, user):
    api.force_authenticate(user)
    body = payload()
    del body["credit_code"]
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert "credit_code" in response.json()
    assert not Organisation.objects.exists()


def test_duplicate_organisation_is_a_400(api, user):
    OrganisationFactory(credit_code="91310109MACHK7GN2R")
    api.force_authenticate(user)
    response = api.post(URL, payload(), format="json")
    assert response.status_code == 400
    assert "使用该信用代码的机构已经注册" in response.json()["credit_code"][0]
    assert Organisation.objects.count() == 1


def test_callers_cannot_verify_themselves(api, user):
    api.force_authenticate(user)
    response = api.post(URL, payload(verification_status="verified"), format="json")
    assert response.status_code == 201
    assert Organisation.objects.get().verification_status == VerificationStatus.PENDING


def test_only_admins_update(api, organisation, org_admin, org_member):
    api.force_authenticate(org_member)
    assert api.patch(f"{URL}{organisation.pk}/", {"website": "https://x.example.cn"}, format="json").status_code == 403
    api.force_authenticate(org_admin)
    response = api.patch(f"{URL}{organisation.pk}/", {"website": "https://renamed.example.cn"}, format="json")
    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.website == "https://renamed.example.cn"


def test_a_bad_credit_code_for_a_verified_organisation_is_a_400(api, organisation, org_admin):
    # A verified organisation's code changes only through a change request, which is checked when asked.
    api.force_authenticate(org_admin)
    response = api.patch(f"{URL}{organisation.pk}/", {"credit_code": "X"}, format="json")
    assert response.status_code == 400
    assert "credit_code" in response.json()
    organisation.refresh_from_db()
    assert organisation.credit_code != "X"
    assert not organisation.change_requests.exists()


def test_an_unverified_organisations_credit_code_is_not_changed_here(api, org_admin, organisation):
    Organisation.objects.filter(pk=organisation.pk).update(verification_status=VerificationStatus.PENDING)
    code = organisation.credit_code
    api.force_authenticate(org_admin)
    response = api.patch(f"{URL}{organisation.pk}/", {"credit_code": "91310109MACHK7GN2R"}, format="json")
    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.credit_code == code


def test_me_lists_my_organisations(api, organisation, org_admin):
    api.force_authenticate(org_admin)
    body = api.get("/api/v1/me/").json()
    assert body["email"] == org_admin.email
    assert body["organisations"] == [
        {"id": organisation.pk, "name": organisation.name_zh, "role": "admin", "status": "active"}
    ]
    assert APIClient().get("/api/v1/me/").status_code in (401, 403)


def test_regions_list_the_delta_first(api):
    body = api.get("/api/v1/regions/").json()
    assert [p["code"] for p in body[:4]] == ["310000", "320000", "330000", "340000"]
    assert {"code": "320500", "name": "苏州市"} in body[1]["cities"]


def test_malformed_json_is_a_400(api, user):
    api.force_authenticate(user)
    response = api.generic("POST", URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert not User.objects.exclude(pk=user.pk).exists()
