"""The editorial pages come whole from the cache for visitors who are not signed in, and an editor's change (or a
change to what the home page shows) is seen at once."""

import datetime

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from cms import services
from cms.models import GuidePage, NewsPage, StandardPage
from tests.factories import UserFactory, make_listing, university_in

from .conftest import event, publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.LISTING_PAGE_CACHE_SECONDS = 600
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cms-page-tests"},
    }
    caches["pages"].clear()


def news(index, title: str, slug: str) -> NewsPage:
    return publish(index, NewsPage(title=title, slug=slug, date=timezone.localdate()))


def test_a_visitor_gets_the_home_page_and_a_policy_from_the_cache_without_a_query(
    client, home, policy, django_assert_num_queries
):
    pages = {}
    for address in ("/", "/policies/innovation-community-plan/", "/en/"):
        first = client.get(address)
        with django_assert_num_queries(0):
            pages[address] = Client().get(address)
        assert pages[address].status_code == 200
        assert pages[address].content == first.content
    assert "科技部" in pages["/policies/innovation-community-plan/"].content.decode()
    assert '<html lang="en">' in pages["/en/"].content.decode()


def test_a_signed_in_member_is_never_served_the_visitors_page(client, home):
    assert 'id="logout-form"' not in Client().get("/").content.decode()
    client.force_login(UserFactory())
    assert 'id="logout-form"' in client.get("/").content.decode()


def test_a_news_item_an_editor_publishes_is_on_the_home_page_at_once(
    home, news_index, django_capture_on_commit_callbacks
):
    assert "开放许可专区上线" not in Client().get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        item = news(news_index, "开放许可专区上线", "open-licence-zone")
    assert "开放许可专区上线" in Client().get("/").content.decode()
    assert "开放许可专区上线" in Client().get("/news/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        item.unpublish()
    assert "开放许可专区上线" not in Client().get("/").content.decode()
    assert Client().get("/news/open-licence-zone/").status_code == 404


def test_a_deleted_or_moved_page_is_gone_from_its_address_at_once(
    home, news_index, policy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = news(news_index, "跨省专利转移统计看板开放", "dashboard")
    assert Client().get("/news/dashboard/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        item.delete()
    assert Client().get("/news/dashboard/").status_code == 404
    assert "跨省专利转移统计看板开放" not in Client().get("/news/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        about = publish(home, StandardPage(title="关于平台", slug="about"))
        guide = publish(home, GuidePage(title="开放许可指南", slug="guide", topic="open_licence"))
    assert Client().get("/guide/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        guide.move(about, pos="last-child")
    moved = Client().get("/guide/")  # no longer the cached page: Wagtail's redirect to where it went
    assert (moved.status_code, moved["Location"]) == (301, "/about/guide/")
    assert "开放许可指南" in Client().get("/about/guide/").content.decode()


def test_a_listing_published_is_on_the_cached_home_page_at_once(home, django_capture_on_commit_callbacks):
    assert "高镍正极材料" not in Client().get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(university_in("310000"), status="published", title_zh="高镍正极材料")
    assert "高镍正极材料" in Client().get("/").content.decode()


def test_a_registration_shows_in_the_places_left_of_the_cached_event_page(
    event_index, django_capture_on_commit_callbacks
):
    fair = event(event_index, "高校专利对接会", "fair", timezone.now() + datetime.timedelta(days=7))
    assert "共 80 个名额，剩余 80 个" in Client().get("/events/fair/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_register(user=UserFactory(), event=fair)
    assert "共 80 个名额，剩余 79 个" in Client().get("/events/fair/").content.decode()


def test_the_calendar_file_keeps_its_name(event_index):
    event(event_index, "高校专利对接会", "fair", timezone.now() + datetime.timedelta(days=7))
    Client().get("/events/fair/calendar/")
    response = Client().get("/events/fair/calendar/")
    assert response["Content-Disposition"] == 'attachment; filename="fair.ics"'
