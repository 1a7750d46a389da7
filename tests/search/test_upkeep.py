"""The index follows the listings: publishing, editing, suspending and withdrawing; the two commands."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from ip_registry.services import patent_update
from listings.models import DealTerm, Listing
from listings.services import listings as listing_services
from listings.services.demands import demand_create
from search.query import DEMANDS, LISTINGS, SearchQuery
from techmarket.regions.models import TechnologyField
from tests.factories import make_listing, organisation_in

pytestmark = pytest.mark.django_db


def found(index, text: str) -> list[int]:
    return index.search(SearchQuery(text=text)).ids


@pytest.fixture
def listing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_listing(organisation_in("310000"), status="submitted", kind="software", title_zh="储能电池热管理")


def transition(listing, name, capture):
    with capture(execute=True):
        return listing_services.listing_transition(actor=None, listing=listing, name=name, reason="测试")


def test_publishing_adds_suspending_and_withdrawing_remove(search_index, listing, django_capture_on_commit_callbacks):
    assert found(search_index, "热管理") == []  # awaiting review: not public
    listing = transition(listing, "approve", django_capture_on_commit_callbacks)
    assert found(search_index, "热管理") == [listing.pk]
    listing = transition(listing, "suspend", django_capture_on_commit_callbacks)
    assert found(search_index, "热管理") == []
    listing = transition(listing, "reinstate", django_capture_on_commit_callbacks)
    assert found(search_index, "热管理") == [listing.pk]
    transition(listing, "withdraw", django_capture_on_commit_callbacks)
    assert found(search_index, "热管理") == []


def test_an_edit_is_searchable_once_committed(search_index, listing, django_capture_on_commit_callbacks):
    listing = transition(listing, "approve", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        listing_services.listing_update(actor=None, listing=listing, title_zh="氢燃料电池双极板")
    assert found(search_index, "双极板") == []  # not before the transaction commits
    for callback in pending:
        callback()
    assert found(search_index, "双极板") == [listing.pk]
    assert found(search_index, "热管理") == []


def test_a_rolled_back_write_changes_nothing(search_index, listing, django_capture_on_commit_callbacks):
    listing = transition(listing, "approve", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        listing_services.listing_update(actor=None, listing=listing, title_zh="氢燃料电池双极板")
    del pending  # the transaction never commits: its callbacks never run
    assert found(search_index, "热管理") == [listing.pk]


def test_the_writes_of_one_transaction_make_one_update(listing, django_capture_on_commit_callbacks, monkeypatch):
    from search import indexing

    calls = []
    monkeypatch.setattr(indexing, "sync", lambda index, ids: calls.append((index, sorted(ids))))
    with django_capture_on_commit_callbacks(execute=True):
        second = make_listing(listing.organisation, status="draft", kind="software")
        listing_services.listing_update(actor=None, listing=listing, title_zh="储能电池热管理系统")
    assert calls == [(LISTINGS, sorted([listing.pk, second.pk])), (DEMANDS, [])]


def test_renaming_an_organisation_reindexes_its_listings(search_index, listing, django_capture_on_commit_callbacks):
    listing = transition(listing, "approve", django_capture_on_commit_callbacks)
    organisation = listing.organisation
    with django_capture_on_commit_callbacks(execute=True):
        organisation.name_zh = "东海能源研究院"
        organisation.save()
    assert found(search_index, "东海能源") == [listing.pk]


def api_ids(client, text: str) -> list[int]:
    response = client.get("/api/v1/search/", {"q": text})
    assert response.status_code == 200
    return [hit["id"] for hit in response.json()["results"]]


def test_a_patent_title_changed_through_patent_update_is_found_without_a_rebuild(
    client, search_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        listing = make_listing(organisation_in("320000"), status="published", title_zh="正极材料成果")
    patent = listing.patents.get()
    assert api_ids(client, "钠离子固态电解质") == []
    with django_capture_on_commit_callbacks(execute=True):
        patent_update(actor=None, patent=patent, title="一种钠离子固态电解质及其制备方法")
    assert api_ids(client, "钠离子固态电解质") == [listing.pk]
    assert search_index.search(SearchQuery(text="锂离子电池正极")).ids == []  # the old title is gone


def test_renaming_a_technology_field_reindexes_its_listings_and_demands(
    search_index, listing, django_capture_on_commit_callbacks
):
    listing = transition(listing, "approve", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        demand = demand_create(
            actor=None,
            organisation=organisation_in("340000"),
            title="求购储能系统方案",
            problem="工厂储能系统的热失控如何预警？",
            field=listing.field,
            budget=None,
            deadline=timezone.localdate() + datetime.timedelta(days=30),
        )
    field = TechnologyField.objects.get(pk=listing.field_id)
    with django_capture_on_commit_callbacks(execute=True):
        field.name_zh = "零碳储能装备"
        field.save()
    assert found(search_index, "零碳储能装备") == [listing.pk]
    assert search_index.search(SearchQuery(text="零碳储能装备", index=DEMANDS)).ids == [demand.pk]


def test_renaming_an_organisation_reindexes_its_demands(search_index, django_capture_on_commit_callbacks):
    enterprise = organisation_in("330000")
    with django_capture_on_commit_callbacks(execute=True):
        demand = demand_create(
            actor=None,
            organisation=enterprise,
            title="求购污水处理工艺",
            problem="印染废水的脱色如何降低成本？",
            field=TechnologyField.objects.get(slug="energy-saving"),
            budget=None,
            deadline=timezone.localdate() + datetime.timedelta(days=30),
        )
    with django_capture_on_commit_callbacks(execute=True):
        enterprise.name_zh = "绍兴蓝湾印染有限公司"
        enterprise.save()
    assert search_index.search(SearchQuery(text="蓝湾印染", index=DEMANDS)).ids == [demand.pk]


def test_changing_a_deal_term_reindexes_its_listing(search_index, listing, django_capture_on_commit_callbacks):
    listing = transition(listing, "approve", django_capture_on_commit_callbacks)
    open_licence = SearchQuery(filters={"deal_mode": ["open_licence"]})
    assert search_index.search(open_licence).ids == []
    with django_capture_on_commit_callbacks(execute=True):
        DealTerm.objects.create(listing=listing, mode="open_licence", price=50_000)
    assert search_index.search(open_licence).ids == [listing.pk]


def test_rebuild_command_counts_what_it_indexed(search_index, listing, django_capture_on_commit_callbacks):
    transition(listing, "approve", django_capture_on_commit_callbacks)
    make_listing(listing.organisation, status="published", kind="software")  # not indexed: no commit ran
    search_index.delete(LISTINGS, [listing.pk])
    out = io.StringIO()
    with translation.override("en"):
        call_command("rebuild_search_index", stdout=out)
    assert "Indexed 2 listings and 0 demands in tantivy index in memory." in out.getvalue()
    assert search_index.ids(LISTINGS) == set(Listing.objects.published().values_list("pk", flat=True))
    assert search_index.ids(DEMANDS) == set()


def test_search_status_shows_counts_and_differences(search_index, listing, django_capture_on_commit_callbacks):
    listing = transition(listing, "approve", django_capture_on_commit_callbacks)
    out = io.StringIO()
    with translation.override("en"):
        call_command("search_status", stdout=out)
    assert "Backend: tantivy index in memory" in out.getvalue()
    assert "listings: 1 in the index, 1 in the database" in out.getvalue()
    assert "The index matches the database." in out.getvalue()
    search_index.delete(LISTINGS, [listing.pk])
    search_index.index(LISTINGS, [{**_stale_document(listing), "id": 987654}])
    out = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="differ"):
        call_command("search_status", "--check", stdout=out)
    report = out.getvalue()
    assert f"missing from the index (1): {listing.pk}" in report
    assert "in the index only (1): 987654" in report


def _stale_document(listing) -> dict:
    from search.documents import listing_document

    return listing_document(Listing.objects.get(pk=listing.pk))
