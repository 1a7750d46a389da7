"""sitemap.xml (pages and published listings), the RSS feeds of news and policies, Open Graph tags on the pages."""

import datetime

import pytest
from defusedxml import ElementTree as ET
from django.utils import timezone, translation

from cms.models import GuidePage, ProvincePortalPage
from tests.factories import make_listing, university_in

from .conftest import event, publish

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_the_sitemap_lists_the_pages_and_the_published_listings(client, policy, django_assert_max_num_queries):
    university = university_in("310000")
    published = make_listing(university, status="published", title_zh="公开的成果")
    draft = make_listing(university, status="draft", title_zh="草稿")
    with django_assert_max_num_queries(20):
        response = client.get("/sitemap.xml")
    assert response.status_code == 200
    addresses = [element.text for element in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]
    assert any(address.endswith("/policies/innovation-community-plan/") for address in addresses)
    assert any(address.endswith("/news/") for address in addresses)
    assert any(address.endswith(published.get_absolute_url()) for address in addresses)
    assert not any(address.endswith(draft.get_absolute_url()) for address in addresses)


def test_the_sitemap_makes_as_many_queries_with_many_listings(client, home, django_assert_max_num_queries):
    university = university_in("310000")
    make_listing(university, status="published")
    with django_assert_max_num_queries(20) as few:
        client.get("/sitemap.xml")
    for number in range(5):
        make_listing(university, status="published", title_zh=f"成果{number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/sitemap.xml")


def test_the_news_feed_has_the_news_items(client, news_item):
    response = client.get("/feeds/news/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["平台开通开放许可专区"]
    assert items[0].findtext("link").endswith("/news/open-licence-zone/")
    assert channel.findtext("link").endswith("/news/")


def test_the_policy_feed_has_the_policies_in_english_under_en(client, policy):
    with translation.override("en"):
        response = client.get("/en/feeds/policies/")
    channel = ET.fromstring(response.content).find("channel")
    assert "policies" in channel.findtext("title")
    item = channel.find("item")
    assert item.findtext("title") == "长三角科技创新共同体建设发展规划"
    assert item.findtext("description") == "三省一市共建科技创新共同体的总体安排。"
    assert "20 Dec 2020" in item.findtext("pubDate")


def og(html: str, name: str) -> str:
    return html.split(f'<meta property="og:{name}" content="')[1].split('"')[0]


def test_every_page_type_has_open_graph_tags(client, home, policy, news_item, event_index):
    event(event_index, "路演", "roadshow", timezone.now() + datetime.timedelta(days=2))
    publish(home, ProvincePortalPage(title="上海", slug="shanghai", province="310000"))
    publish(home, GuidePage(title="开放许可指南", slug="guide", topic="open_licence", summary="怎样取得开放许可。"))
    for address in (
        "/",
        "/news/",
        "/news/open-licence-zone/",
        "/policies/",
        "/policies/innovation-community-plan/",
        "/events/",
        "/events/roadshow/",
        "/shanghai/",
        "/guide/",
    ):
        html = client.get(address).content.decode()
        assert og(html, "url").endswith(address), address
        assert og(html, "title") and og(html, "description") and og(html, "locale") == "zh_CN", address
        assert 'type="application/rss+xml"' in html
    policy_html = client.get("/policies/innovation-community-plan/").content.decode()
    assert og(policy_html, "type") == "article" and og(policy_html, "title") == "长三角科技创新共同体建设发展规划"
    assert og(policy_html, "description") == "三省一市共建科技创新共同体的总体安排。"
    assert og(client.get("/shanghai/").content.decode(), "type") == "website"
