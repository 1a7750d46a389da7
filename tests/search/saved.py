"""What the saved-search and alert tests share: an index of their own, and listings to find in it."""

import pytest
from django.urls import reverse
from django.utils import translation

from search.backends import get_backend, reset_backends
from search.documents import listing_documents
from tests.factories import make_listing, make_patent, organisation_in


@pytest.fixture
def disk_index(settings, tmp_path):
    """An empty embedded index on disk, in a fresh directory (the alerts read it as production does: a reader that
    reloads after each commit), forgotten again after the test."""
    settings.TECHMARKET_SEARCH = "tantivy"
    settings.TANTIVY_INDEX_DIR = tmp_path / "search"
    reset_backends()
    get_backend().rebuild({"listings": [], "demands": []})  # made empty, as only a rebuild may
    yield
    reset_backends()


def reindex() -> None:
    """Index what is published now (the tests do not rely on the upkeep that indexes on commit)."""
    get_backend().rebuild({"listings": listing_documents()})


def publish(province: str = "320000", title_zh: str = "高能量密度锂离子电池正极材料", **fields):
    """A published listing in the province, with a patent named after it (so it is found only by its own words)."""
    organisation = organisation_in(province)
    patent = make_patent(organisation, title=f"一种{title_zh}的制备方法")
    return make_listing(organisation, status="published", patents=[patent], title_zh=title_zh, **fields)


def en(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"search:{name}", args=args)
