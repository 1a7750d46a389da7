"""Similar listings on a listing's page, listings matching a demand, and the search page's cache for visitors."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from listings.services.demands import demand_create
from techmarket.regions.models import TechnologyField
from tests.factories import make_listing, organisation_in

pytestmark = pytest.mark.django_db


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0] if f'id="{heading_id}"' in html else ""


@pytest.fixture
def batteries(django_capture_on_commit_callbacks):
    organisation = organisation_in("320000", kind="university")
    with django_capture_on_commit_callbacks(execute=True):
        return {
            "cathode": make_listing(organisation, status="published", kind="software", title_zh="锂电池正极材料改性"),
            "recycling": make_listing(
                organisation,
                status="published",
                kind="software",
                title_zh="废旧锂电池正极材料回收",
                field_slug="energy-saving",
            ),
            "crops": make_listing(
                organisation,
                status="published",
                kind="software",
                title_zh="水稻抗倒伏栽培技术",
                summary_zh="提高水稻产量。",
                field_slug="modern-agriculture",
            ),
        }


def test_a_listing_page_shows_listings_like_it(client, batteries):
    html = client.get(batteries["cathode"].get_absolute_url()).content.decode()
    similar = section(html, "related-heading")
    assert "废旧锂电池正极材料回收" in similar  # another field, but the same words
    assert "锂电池正极材料改性" not in similar  # never itself


def test_a_demand_page_shows_the_listings_that_best_answer_it(client, batteries):
    enterprise = organisation_in("310000")
    demand = demand_create(
        actor=None,
        organisation=enterprise,
        title="求购锂电池回收工艺",
        problem="退役动力锂电池的正极材料如何低成本回收？",
        field=TechnologyField.objects.get(slug="energy-saving"),
        budget=None,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    matching = section(client.get(demand.get_absolute_url()).content.decode(), "matching-heading")
    titles = [
        title for title in ("废旧锂电池正极材料回收", "锂电池正极材料改性", "水稻抗倒伏栽培技术") if title in matching
    ]
    assert titles[0] == "废旧锂电池正极材料回收"
    assert matching.index("废旧锂电池正极材料回收") < matching.index("锂电池正极材料改性")


def test_visitors_get_the_cached_search_page_until_a_listing_changes(
    client, settings, batteries, django_capture_on_commit_callbacks, django_assert_num_queries
):
    settings.LISTING_PAGE_CACHE_SECONDS = 600
    settings.CACHES = {**settings.CACHES, "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    first = client.get("/search/", {"q": "锂电池"}).content.decode()
    with django_assert_num_queries(0):
        assert client.get("/search/", {"q": "锂电池"}).content.decode() == first
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(batteries["crops"].organisation, status="published", kind="software", title_zh="锂电池隔膜")
    assert "<mark>锂电池</mark>隔膜" in client.get("/search/", {"q": "锂电池"}).content.decode()
