"""The editorial pages as visitors see them: in Chinese by default, with their fields, in a bounded number of
queries; the home page with the market's live figures."""

import datetime
import re

import pytest
from django.utils import timezone

from ip_registry.models import Target
from listings.services.listings import Term
from tests.factories import make_listing, make_patent, organisation_in, university_in

from .conftest import event

pytestmark = pytest.mark.django_db
SH, JS = "310000", "320000"


def figure(html: str, name: str) -> int:
    return int(re.search(rf'data-test="{name}">(\d+)<', html).group(1))


def test_the_home_page_is_the_wagtail_page_in_chinese(client, home):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "cms/home_page.html"
    assert response.context["page"] == home
    assert '<html lang="zh-hans">' in html
    assert "<h1>长三角技术转移市场</h1>" in html
    assert "专利开放许可" in html and "先使用后付费" in html


def test_the_home_page_counts_published_listings_open_licences_and_this_years_cross_province_transfers(client):
    university = university_in(SH)
    open_terms = [Term("open_licence", 50000)]
    make_listing(university, status="published", terms=open_terms, title_zh="开放许可一")
    make_listing(university, status="published", terms=[*open_terms, Term("assignment", None)], title_zh="开放许可二")
    make_listing(university, status="published", title_zh="只可转让")
    make_listing(university, status="draft", terms=open_terms, title_zh="草稿")
    make_listing(university, status="suspended", terms=open_terms, title_zh="已暂停")

    from ip_registry import services

    today = timezone.localdate()
    jiangsu, shanghai = organisation_in(JS), organisation_in(SH)

    def assign(holder, to, on):
        patent = make_patent(holder, year=2020)
        services.patent_assign(actor=None, patent=patent, assignees=[services.Holding(to)], registration_date=on)

    assign(university, jiangsu, today)  # cross-province, this year
    assign(university, shanghai, today)  # within Shanghai
    assign(university, jiangsu, today.replace(year=today.year - 1))  # cross-province, last year

    html = client.get("/").content.decode()
    assert figure(html, "published-listings") == 3
    assert figure(html, "open-licences") == 2
    assert figure(html, "cross-province") == 1
    assert "只可转让" in html and "草稿" not in html and "已暂停" not in html  # the newest published, as cards


def test_the_home_page_shows_progress_towards_the_plan_targets_of_the_period_running_or_just_ended(client):
    today = timezone.localdate()
    html = client.get("/").content.decode()
    shown = {int(pk) for pk in re.findall(r'data-test="target-(\d+)"', html)}
    running = Target.objects.filter(period_start__lte=today, period_end__gte=today)
    last_end = Target.objects.filter(period_start__lte=today).latest("period_end").period_end
    expected = running if running.exists() else Target.objects.filter(period_end=last_end)
    assert shown == set(expected.values_list("pk", flat=True)) and shown
    # A target for the period running now takes their place.
    current = Target.objects.create(
        metric="cross_province_transfers",
        region="yrd",
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
        value=3500,
    )
    html = client.get("/").content.decode()
    assert set(re.findall(r'data-test="target-(\d+)"', html)) == {str(current.pk)}


def test_the_home_page_lists_the_latest_news_and_only_events_to_come(client, news_item, event_index):
    now = timezone.now()
    event(event_index, "长三角新能源技术路演", "roadshow", now + datetime.timedelta(days=10))
    event(event_index, "去年的成果拍卖会", "auction", now - datetime.timedelta(days=300))
    html = client.get("/").content.decode()
    news = html.split('data-test="latest-news"')[1].split("</section>")[0]
    events = html.split('data-test="upcoming-events"')[1].split("</section>")[0]
    assert '<a href="/news/open-licence-zone/">平台开通开放许可专区</a>' in news
    assert "长三角新能源技术路演" in events and "上海市徐汇区" in events
    assert "去年的成果拍卖会" not in events


def test_a_draft_news_item_is_not_shown(client, news_index):
    from cms.models import NewsPage

    news_index.add_child(instance=NewsPage(title="尚未发布的消息", slug="draft", live=False))
    assert "尚未发布的消息" not in client.get("/").content.decode()
    assert "尚未发布的消息" not in client.get("/news/").content.decode()


def test_a_policy_page_shows_its_document(client, policy):
    response = client.get("/policies/innovation-community-plan/")
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="zh-hans">' in html
    details = html.split('data-test="policy-details"')[1].split("</dl>")[0]
    assert "科技部" in details and "国科发规〔2020〕352号" in details and 'datetime="2020-12-20"' in details
    index = client.get("/policies/").content.decode()
    assert '<a href="/policies/innovation-community-plan/">长三角科技创新共同体建设发展规划</a>' in index


def test_news_and_event_pages_and_their_indexes(client, news_item, event_index):
    starts = timezone.now() + datetime.timedelta(days=3)
    event(event_index, "高校专利对接会", "fair", starts)
    assert "平台开通开放许可专区" in client.get("/news/").content.decode()
    assert "<h1>平台开通开放许可专区</h1>" in client.get("/news/open-licence-zone/").content.decode()
    page = client.get("/events/fair/").content.decode()
    details = page.split('data-test="event-details"')[1].split("</dl>")[0]
    assert "上海市徐汇区" in details and "80" in details
    assert "高校专利对接会" in client.get("/events/").content.decode()


def test_the_english_home_page_lives_under_en(client, home):
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    assert "Yangtze River Delta Technology Transfer Market" in html


def test_the_home_page_makes_as_many_queries_with_many_listings_and_pages_as_with_one(
    client, news_item, event_index, django_assert_max_num_queries
):
    university = university_in(SH)
    make_listing(university, status="published")
    event(event_index, "路演一", "one", timezone.now() + datetime.timedelta(days=1))
    with django_assert_max_num_queries(40) as few:
        assert client.get("/").status_code == 200
    for number in range(5):
        make_listing(university, status="published", title_zh=f"成果{number}")
        event(event_index, f"路演{number}", f"event-{number}", timezone.now() + datetime.timedelta(days=2 + number))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


def test_the_policy_index_filters_by_issuing_body_level_and_year(client, home):
    from demo import pages

    for row in pages.STEPS[0].items:
        pages.seed_policy(row)

    def titles(**query) -> set[str]:
        html = client.get("/policies/", query).content.decode()
        return set(re.findall(r'<th scope="row"><a href="/policies/[\w-]+/">([^<]+)</a>', html))

    assert len(titles()) == 5
    assert titles(level="provincial") == {
        "浙江省推进长三角科技创新共同体建设专项行动方案",
        "关于科技创新资源配置建议的提案答复",
    }
    assert titles(year="2020") == {"长三角科技创新共同体建设发展规划", "长三角G60科创走廊建设方案"}
    assert titles(body="科技部", year="2020", level="national") == {"长三角G60科创走廊建设方案"}
    # A filter it cannot read is left out, not an error; the others still apply.
    assert titles(year="不是年份", level="provincial") == titles(level="provincial")
    assert 'data-test="no-policies"' in client.get("/policies/", {"year": "1999"}).content.decode()
