import pytest

from techmarket.accounts.choices import MembershipRole
from tests.factories import OrganisationFactory, UserFactory, add_member, platform_staff_user


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def org_admin(organisation):
    return add_member(organisation, role=MembershipRole.ADMIN)


@pytest.fixture
def org_member(organisation):
    return add_member(organisation)


@pytest.fixture
def outsider(db):
    """A member of another organisation."""
    return add_member(OrganisationFactory())


@pytest.fixture
def staff_user(db):
    return platform_staff_user()


@pytest.fixture
def user(db):
    return UserFactory()
