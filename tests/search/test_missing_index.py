"""A missing search index is an outage, not an empty market.

With the index directory deleted or emptied, the search page and the API answer from the database with the
notice; nothing but a rebuild makes an index in its place (not a search, not the upkeep after a write, not
``search_status``); ``search_status --check`` fails naming it; and the stand-in page is never kept for visitors.
The index lives on disk here, in the test's own directory, as in production.
"""

from __future__ import annotations

import io
import logging
import shutil

import pytest
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from listings.services.listings import Term
from search.backends import SearchUnavailable, reset_backends
from search.backends.tantivy import TantivyBackend
from search.query import DEMANDS, LISTINGS, SearchQuery
from tests.factories import make_listing, organisation_in
from tests.search.test_pages import hit_titles

pytestmark = pytest.mark.django_db

SEARCH = "/search/"
API = "/api/v1/search/"
NOTICE = 'class="message message-warning"'
# By relevance the title match comes first; the database lists the newer one first.
RANKED = ["锂电池正极材料", "储能电站管理系统"]
NEWEST_FIRST = ["储能电站管理系统", "锂电池正极材料"]


@pytest.fixture
def listings(django_capture_on_commit_callbacks):
    """Two published listings about batteries: the older has the word in its title, the newer in its summary."""
    organisation = organisation_in("310000", kind="university")
    with django_capture_on_commit_callbacks(execute=True):
        older = make_listing(
            organisation,
            status="published",
            kind="software",
            title_zh="锂电池正极材料",
            summary_zh="高镍三元材料的制备方法。",
            terms=[Term("assignment", None)],
        )
        newer = make_listing(
            organisation,
            status="published",
            kind="software",
            title_zh="储能电站管理系统",
            summary_zh="面向储能电站的电池管理系统。",
            terms=[Term("assignment", None)],
        )
    return older, newer


@pytest.fixture
def index_dir(settings, tmp_path, listings):
    """The site's index on disk, built by ``rebuild_search_index`` as an operator would."""
    directory = tmp_path / "search"
    settings.TECHMARKET_SEARCH = "tantivy"
    settings.TANTIVY_INDEX_DIR = directory
    reset_backends()
    call_command("rebuild_search_index", stdout=io.StringIO())
    yield directory
    reset_backends()


def lose(directory, how: str) -> None:
    """Delete the index directory, or leave its directories empty (a volume mounted empty, a botched restore)."""
    shutil.rmtree(directory)
    if how == "emptied":
        for name in (LISTINGS, DEMANDS):
            (directory / name).mkdir(parents=True)


def still_lost(directory, how: str) -> bool:
    if how == "deleted":
        return not directory.exists()
    return all(not any((directory / name).iterdir()) for name in (LISTINGS, DEMANDS))


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_the_page_and_the_api_answer_from_the_database_with_the_notice(client, index_dir, how):
    assert hit_titles(client.get(SEARCH, {"q": "电池"}).content.decode()) == RANKED
    lose(index_dir, how)
    response = client.get(SEARCH, {"q": "电池"})  # this process had the index open
    html = response.content.decode()
    assert response.status_code == 200
    assert NOTICE in html
    assert hit_titles(html) == NEWEST_FIRST
    reset_backends()  # a process started since: it never had the index
    answer = client.get(API, {"q": "电池"}).json()
    assert answer["degraded"] is True
    assert [hit["title"] for hit in answer["results"]] == NEWEST_FIRST
    assert still_lost(index_dir, how)  # no reader made an empty index in its place


def test_a_listing_page_shows_its_fields_newest_instead_of_similar_ones_and_makes_no_index(client, index_dir, listings):
    older, newer = listings
    lose(index_dir, "deleted")
    reset_backends()  # a process started since the index went
    response = client.get(older.get_absolute_url())
    assert response.status_code == 200
    assert newer.title_zh in response.content.decode()  # the same field's newest, in place of more-like-this
    assert still_lost(index_dir, "deleted")


def test_search_status_check_fails_naming_the_missing_index(index_dir):
    lose(index_dir, "deleted")
    reset_backends()  # the command runs in a process of its own
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("search_status", "--check", stdout=io.StringIO())
    message = str(refused.value)
    assert message.startswith("The search backend cannot be read: no index in ")
    assert str(index_dir / LISTINGS) in message and "rebuild_search_index" in message
    assert refused.value.returncode == 1
    assert still_lost(index_dir, "deleted")


def test_the_upkeep_after_a_write_does_not_start_a_partial_index(
    client, index_dir, django_capture_on_commit_callbacks, caplog
):
    lose(index_dir, "deleted")
    reset_backends()  # as in the task worker, a process of its own
    with caplog.at_level(logging.ERROR, logger="search.indexing"), django_capture_on_commit_callbacks(execute=True):
        make_listing(
            organisation_in("320000", kind="institute"), status="published", kind="software", title_zh="固态电池电解质"
        )
    assert still_lost(index_dir, "deleted")
    assert "the listings index was not updated (1 changed): no index in" in caplog.text
    html = client.get(SEARCH, {"q": "电池"}).content.decode()
    assert NOTICE in html and hit_titles(html) == ["固态电池电解质", *NEWEST_FIRST]
    call_command("rebuild_search_index", stdout=io.StringIO())  # the operator's way back
    html = client.get(SEARCH, {"q": "电池"}).content.decode()
    assert NOTICE not in html and sorted(hit_titles(html)) == sorted(["固态电池电解质", *RANKED])


def test_a_degraded_page_is_not_kept_for_visitors(index_dir, settings):
    settings.LISTING_PAGE_CACHE_SECONDS = 600
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "missing-index-tests"},
    }
    caches["pages"].clear()
    lose(index_dir, "deleted")
    degraded = Client().get(SEARCH, {"q": "电池"})
    assert NOTICE in degraded.content.decode()
    assert "no-store" in degraded["Cache-Control"]  # nor by the browser or a proxy
    call_command("rebuild_search_index", stdout=io.StringIO())
    again = Client().get(SEARCH, {"q": "电池"}).content.decode()
    assert NOTICE not in again and hit_titles(again) == RANKED


def test_only_a_rebuild_makes_an_index(tmp_path):
    directory = tmp_path / "search"
    backend = TantivyBackend(directory)
    for read_or_write in (
        lambda: backend.search(SearchQuery(text="电池")),
        lambda: backend.ids(LISTINGS),
        lambda: backend.more_like_this(LISTINGS, 1),
        lambda: backend.like_text(LISTINGS, "电池"),
        lambda: backend.index(LISTINGS, []),
        lambda: backend.delete(LISTINGS, [1]),
    ):
        with pytest.raises(SearchUnavailable, match="rebuild_search_index"):
            read_or_write()
    assert not directory.exists()
    assert backend.rebuild({LISTINGS: []}) == {LISTINGS: 0}
    assert backend.search(SearchQuery(text="电池")).total == 0  # an empty market, now that it was built empty
    backend.close()
