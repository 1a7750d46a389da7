"""The demo seed: what it creates, that a second run creates nothing, and that its logins work."""

import pytest
from django.test import Client
from stdnum.cn import uscc

from demo.accounts import BROKER, DEMO_PASSWORD, LOGINS, PLATFORM_STAFF, SUPERUSER, demo_credit_code
from techmarket.accounts.choices import MembershipStatus, OrganisationKind
from techmarket.accounts.models import BrokerProfile, Membership, Organisation, User
from techmarket.accounts.permissions import can_verify_organisations
from techmarket.audit.models import AuditEvent
from techmarket.regions.gbt2260 import YRD_PROVINCES
from tests.demo_seed import seed, seeded_demo


def _counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "brokers": BrokerProfile.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }


@pytest.fixture(scope="module")
def demo_accounts(django_db_setup, django_db_blocker):
    """The accounts' demo data, seeded once for the module (the registry and the market have their own tests)."""
    with seeded_demo(django_db_blocker, registry=(), listings=(), market=()) as world:
        yield world


@pytest.fixture
def seeded(demo_accounts, db) -> str:
    return demo_accounts.output


def test_generated_credit_code_has_both_check_characters():
    code = demo_credit_code("12", "310110", "fudan")
    assert code.startswith("12310110")
    assert uscc.validate(code) == code
    # GB 11714: weights 3,7,9,10,5,8,4,2 on the first 8 digits of the organisation code.
    body, check = code[8:16], code[16]
    remainder = 11 - sum(int(d) * w for d, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    assert check == {10: "X", 11: "0"}.get(remainder, str(remainder))


def test_seed_creates_suppliers_enterprises_across_the_delta(seeded):
    suppliers = Organisation.objects.suppliers()
    assert suppliers.count() >= 12
    assert Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE).count() == 20
    assert Organisation.objects.filter(kind=OrganisationKind.AGENCY).count() == 2
    assert set(Organisation.objects.values_list("province", flat=True)) == set(YRD_PROVINCES)
    for code in Organisation.objects.values_list("credit_code", flat=True):
        assert uscc.validate(code) == code
    assert Organisation.objects.get(name_zh="复旦大学").city == "310110"


def test_seed_leaves_two_organisations_for_the_verification_queue(seeded):
    assert Organisation.objects.awaiting_verification().count() == 2
    assert Organisation.objects.verified().count() == Organisation.objects.count() - 2
    assert not Organisation.objects.verified().filter(verified_by=None).exists()


def test_seed_memberships_include_staff_and_a_join_request(seeded):
    weilan = Organisation.objects.get(name_zh="苏州微澜新材料科技有限公司")
    statuses = dict(weilan.memberships.values_list("user__email", "status"))
    assert statuses["weilan.staff@demo.techmarket.cn"] == MembershipStatus.ACTIVE
    assert statuses["weilan.applicant@demo.techmarket.cn"] == MembershipStatus.PENDING
    assert weilan.memberships.admins().get().user.email == "weilan.admin@demo.techmarket.cn"


def test_second_run_creates_nothing(seeded):
    before = _counts()
    output = seed()
    assert _counts() == before
    assert "organisations 38/38 (0 new, 38 already there)" in output


def test_demo_logins_work_with_the_documented_password(seeded):
    assert Client().login(username=SUPERUSER.email, password=DEMO_PASSWORD)
    assert User.objects.get(email=SUPERUSER.email).is_superuser
    # Phone sign-in, for the accounts that have a number.
    assert Client().login(username=BROKER.phone, password=DEMO_PASSWORD)
    for _role, person in LOGINS:
        assert person.email in seeded
        assert Client().login(username=person.email, password=DEMO_PASSWORD), person.email


def test_broker_has_a_profile_serving_the_four_provinces(seeded):
    profile = BrokerProfile.objects.get(user__email=BROKER.email)
    assert profile.certificate_number == "JSJL-2023-0315"
    assert sorted(profile.provinces_served) == sorted(YRD_PROVINCES)
    assert profile.fields.exists()
    assert profile.agency.memberships.active().filter(user=profile.user).exists()


def test_platform_staff_can_verify(seeded):
    assert can_verify_organisations(User.objects.get(email=PLATFORM_STAFF.email))
