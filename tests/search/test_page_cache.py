"""The search page in the visitors' page cache: one entry per search, whatever else its address carries."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.cache import caches
from django.test import Client

from listings.services.listings import Term
from tests.factories import make_listing, organisation_in
from tests.search.test_pages import hit_titles

pytestmark = pytest.mark.django_db

SEARCH = "/search/"
TITLE = "锂电池正极材料"


@pytest.fixture
def page_entries(settings, tmp_path):
    """The pages cache switched on, in files as in production, so that a test counts the entries it holds."""
    directory = tmp_path / "pages"
    settings.LISTING_PAGE_CACHE_SECONDS = 600
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": directory},
    }
    caches["pages"].clear()
    return lambda: len(list(directory.glob("*.djcache")))


@pytest.fixture
def listing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_listing(
            organisation_in("310000", kind="university"),
            status="published",
            kind="software",
            title_zh=TITLE,
            terms=[Term("assignment", None)],
        )


def address(*pairs: tuple[str, str]) -> str:
    return f"{SEARCH}?{urlencode(pairs)}"


def test_a_thousand_unknown_parameters_make_one_entry_and_none_shows(listing, page_entries):
    visitor = Client()
    built = visitor.get(address(("q", "电池"), ("utm_source", "campaign-0")))
    assert hit_titles(built.content.decode()) == [TITLE]
    entries = page_entries()
    plain = visitor.get(address(("q", "电池")))
    assert plain.content == built.content
    assert "campaign-0" not in plain.content.decode()  # not in the language links nor the sign-in link's ?next=
    for number in range(1, 1000):
        response = visitor.get(address(("q", "电池"), ("utm_source", f"campaign-{number}")))
        assert response.status_code == 200
    assert response.content == plain.content
    assert page_entries() == entries


def test_the_order_of_parameters_makes_no_new_entry_and_real_ones_still_count(listing, page_entries):
    visitor = Client()
    first = visitor.get(address(("q", "电池"), ("province", "310000")))
    assert hit_titles(first.content.decode()) == [TITLE]
    entries = page_entries()
    swapped = visitor.get(address(("province", "310000"), ("fbclid", "x"), ("q", "电池")))
    assert swapped.content == first.content
    assert page_entries() == entries
    elsewhere = visitor.get(address(("fbclid", "x"), ("q", "电池"), ("province", "320000")))
    assert hit_titles(elsewhere.content.decode()) == []
    assert page_entries() == entries + 1
    second_page = visitor.get(address(("q", "电池"), ("page", "2"), ("utm_medium", "x")))
    assert hit_titles(second_page.content.decode()) == []  # the page number is read: the one result is on page 1
    assert page_entries() == entries + 2
