"""The clerks' API of licences awaiting recordal (/api/v1/registry/recordals/) and the entries' recordal fields."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from ip_registry import recordals, services
from ip_registry.choices import LicenceType
from techmarket.accounts.choices import MembershipRole
from tests.factories import UserFactory, add_member, make_patent, organisation_in, platform_staff_user

from .conftest import JS, SH, ZJ

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/api/v1/registry/recordals/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def university():
    return organisation_in(SH, name_zh="复旦大学")


@pytest.fixture
def patent(university):
    return make_patent(university)


def open_recordal(patent, licensee, days_ago: int, **fields):
    return recordals.licence_recordal_open(
        actor=None,
        patent=patent,
        licensees=[licensee],
        licence_type=LicenceType.ORDINARY,
        term_start=D(2024, 1, 1),
        term_end=D(2030, 1, 1),
        effective_date=timezone.localdate() - datetime.timedelta(days=days_ago),
        **fields,
    )


@pytest.fixture
def awaiting(patent):
    firm, bank = organisation_in(JS, name_zh="南京锂电科技有限公司"), organisation_in(ZJ, name_zh="杭州银行")
    return {"late": open_recordal(patent, firm, 100, reference="TM-1"), "soon": open_recordal(patent, bank, 85)}


@pytest.mark.parametrize("who", ["anonymous", "user", "holder_admin", "platform_staff"])
def test_only_clerks_see_the_contracts(api, university, awaiting, who):
    users = {
        "anonymous": None,
        "user": lambda: UserFactory(),
        "holder_admin": lambda: add_member(university, role=MembershipRole.ADMIN),
        "platform_staff": platform_staff_user,
    }
    if users[who]:
        api.force_authenticate(users[who]())

    response = api.get(URL)

    assert response.status_code == 403
    assert set(response.json()) == {"detail"}


def test_clerks_list_due_and_late_contracts(api, clerk, patent, awaiting):
    api.force_authenticate(clerk)

    body = api.get(URL).json()

    assert body["count"] == 2
    late, soon = body["results"]
    assert (late["id"], late["status"], late["reference"]) == (awaiting["late"].pk, "late", "TM-1")
    assert late["days_left"] == awaiting["late"].days_left() < 0
    assert (soon["status"], soon["days_left"] > 0) == ("due", True)
    assert late["patent"] == patent.application_number
    assert [party["name"] for party in late["licensors"]] == ["复旦大学"]
    assert [party["name"] for party in late["licensees"]] == ["南京锂电科技有限公司"]
    assert late["deadline"] == awaiting["late"].deadline.isoformat()
    assert late["reminded_at"] is None


@pytest.mark.parametrize(("query", "expected"), [({"status": "late"}, ["late"]), ({"status": "due"}, ["soon"])])
def test_clerks_filter_by_status(api, clerk, awaiting, query, expected):
    api.force_authenticate(clerk)

    body = api.get(URL, query).json()

    assert [row["id"] for row in body["results"]] == [awaiting[name].pk for name in expected]


def test_clerks_filter_by_patent_in_any_written_form(api, clerk, patent, awaiting):
    other = make_patent(organisation_in(SH))
    open_recordal(other, organisation_in(JS), 5)
    api.force_authenticate(clerk)

    body = api.get(URL, {"patent": f"CN{patent.application_number.replace('.', '')}"}).json()

    assert body["count"] == 2
    assert api.get(URL, {"patent": "202311432805.9"}).json()["count"] == 0


@pytest.mark.parametrize("query", [{"status": "soon"}, {"within": "0"}, {"patent": "12345"}])
def test_a_bad_query_is_a_400_naming_the_parameter(api, clerk, query):
    api.force_authenticate(clerk)

    response = api.get(URL, query)

    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_recorded_contracts_leave_the_list(api, clerk, awaiting):
    recordals.licence_recordal_record(actor=None, recordal=awaiting["late"], registration_date=timezone.localdate())
    api.force_authenticate(clerk)

    assert [row["id"] for row in api.get(URL).json()["results"]] == [awaiting["soon"].pk]


def test_the_list_reads_a_fixed_number_of_queries(api, clerk, patent, django_assert_max_num_queries):
    for days in range(12):
        open_recordal(patent, organisation_in(JS), days)
    api.force_authenticate(clerk)
    clerk.has_perm("ip_registry.record_entries")  # the permission cache, as after the first request

    with django_assert_max_num_queries(6):  # count, page, licensees, right holders (+ their organisations)
        assert api.get(URL).json()["count"] == 12


def test_entries_carry_the_effective_date_and_whether_they_were_recorded_late(api, patent):
    firm = organisation_in(JS)
    services.licence_record(
        actor=None,
        patent=patent,
        licensees=[services.Holding(firm)],
        licence_type=LicenceType.ORDINARY,
        registration_date=D(2024, 6, 1),
        term_start=D(2024, 1, 1),
        term_end=D(2026, 1, 1),
        effective_date=D(2024, 1, 1),
    )

    history = api.get(f"/api/v1/registry/patents/{patent.application_number}/history/").json()

    licence = history[-1]
    assert (licence["effective_date"], licence["recorded_late"]) == ("2024-01-01", True)
    assert (history[0]["effective_date"], history[0]["recorded_late"]) == (None, False)
