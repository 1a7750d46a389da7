import pytest
from django.conf import settings
from django.utils import translation

from techmarket.accounts.choices import MembershipRole
from tests.factories import OrganisationFactory, UserFactory, add_member, platform_staff_user


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language, whatever ran before it.

    ``migrate`` (run when the test database is set up) leaves translations
    deactivated, and each request leaves its own language active.
    """
    with translation.override(settings.LANGUAGE_CODE):
        yield


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
