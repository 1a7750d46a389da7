import importlib
from fnmatch import fnmatch

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from techmarket.accounts.choices import MembershipRole
from techmarket.ratelimit import CACHE_ALIAS as RATELIMIT_CACHE
from tests.factories import OrganisationFactory, UserFactory, add_member, platform_staff_user, registry_clerk_user

# The local Stripe-compatible server: the fixtures ``localstripe`` and ``stripe_server``.
pytest_plugins = ["tests.stripe_server"]

# Tests that run the same whatever the database (no database, their own SQLite, or a browser or subprocess
# on top of code the other tests cover on both): marked ``one_database``, and `make test` leaves them out of
# its PostgreSQL pass. Paths from the repository root; tests/README.md says why each is here.
ONE_DATABASE = [
    "tests/e2e/*",
    "tests/test_api_contract.py",
    "tests/test_bench*.py",
    "tests/test_progress.py",
    "tests/test_settings.py",
    "tests/test_translations.py",
    "tests/ip_registry/test_numbers.py",
    "tests/search/test_contract_*.py",
    "tests/search/test_elasticsearch_bodies.py",
    "tests/search/test_relevance.py",
]


def pytest_addoption(parser):
    parser.addoption(
        "--screenshots",
        default=None,
        metavar="DIR",
        help="Where the browser tests that take screenshots for review save them (else a temporary directory).",
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.path.relative_to(config.rootpath).as_posix()
        if any(fnmatch(path, pattern) for pattern in ONE_DATABASE):
            item.add_marker(pytest.mark.one_database)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language, whatever ran before it.

    ``migrate`` (run when the test database is set up) leaves translations
    deactivated, and each request leaves its own language active.
    """
    with translation.override(settings.LANGUAGE_CODE):
        yield


# The migrations that seed rows: the technology fields, the ledger's head, the plan's targets, the page tree.
SEEDING_MIGRATIONS = [
    ("techmarket.regions.migrations.0002_technology_fields", "add_fields"),
    ("ip_registry.migrations.0002_ledger_head_and_plan_targets", "seed"),
    ("ip_registry.migrations.0008_stats_targets", "seed"),
    ("cms.migrations.0002_page_tree", "build"),
    ("cms.migrations.0008_s5_locales_english", "add_english"),
    ("search.migrations.0003_seed_synonyms", "seed"),
]


@pytest.fixture(autouse=True)
def migrated_rows(request):
    """Put back the rows the migrations seed before a transactional test, and empty the rate limits' counts after it.

    A transactional test (``transaction=True``, the live server) ends by flushing every table, which also
    removes those rows; the tests after it would otherwise find no technology fields and no ledger head.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        for module, function in SEEDING_MIGRATIONS:
            getattr(importlib.import_module(module), function)(apps, None)
        # The rate limits' counts live in a database cache table, which is no model's: the flush that ends a
        # transactional test leaves it as it is. Emptied after the test, so no count or lock outlives it.
        request.addfinalizer(caches[RATELIMIT_CACHE].clear)


@pytest.fixture(autouse=True)
def search_index():
    """Each test's own empty tantivy index, in memory: the index upkeep runs for real, without a disk commit
    per write, and no test finds another's documents. The backend contract tests (tests/search/) use disk."""
    from search import synonyms, understanding
    from search.backends import get_backend, reset_backends

    reset_backends()
    synonyms.forget()  # the staff's synonyms and the fields' names as this test's database holds them
    understanding.forget_field_names()
    yield get_backend()
    reset_backends()
    synonyms.forget()
    understanding.forget_field_names()


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
def clerk(db):
    """A registry clerk (the ``registry-clerk`` group)."""
    return registry_clerk_user()


@pytest.fixture
def user(db):
    return UserFactory()
