"""The editorial blocks rendered from a published page: chosen listing cards (an unpublished one left out), a live
search, a registry chart whose table is the registry's numbers, questions and answers with FAQPage JSON-LD; their
admin previews and chooser, and what an editor is told when a value is wrong."""

import datetime
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone, translation
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.test.utils.form_data import nested_form_data, streamfield

from cms.blocks import RegistryChartBlock
from cms.models import NewsPage
from ip_registry import services as registry
from ip_registry.selectors import FlowFilter, flow_matrix, yearly_trend
from tests.factories import UserFactory, make_listing, make_patent, organisation_in, university_in

from .conftest import publish

pytestmark = pytest.mark.django_db
SH, JS, ZJ = "310000", "320000", "330000"


def news_with(news_index, *blocks, slug: str = "blocks") -> NewsPage:
    """A published news item whose body is these blocks, stored as the admin stores them."""
    body = json.dumps([{"type": kind, "value": value} for kind, value in blocks])
    return publish(news_index, NewsPage(title="编辑区块", slug=slug, date=datetime.date(2026, 12, 1), body=body))


def page_html(client, page) -> str:
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, css_class: str) -> str:
    return html.split(f'class="{css_class}')[1].split("</section>")[0]


def assign(holder, to, on: datetime.date) -> None:
    patent = make_patent(holder, year=2020)
    registry.patent_assign(actor=None, patent=patent, assignees=[registry.Holding(to)], registration_date=on)


def table_numbers(html: str) -> list[list[str]]:
    """The chart block's table, row by row (header cells and data cells), without its caption and heading row."""
    table = html.split('data-test="registry-chart-table">')[1].split("</table>")[0]
    body = table.split("</thead>")[1]
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_listing_cards_show_the_chosen_listings_in_order_and_leave_out_one_unpublished_since(client, news_index):
    university = university_in(SH, name_zh="上海某大学")
    first = make_listing(university, status="published", title_zh="固态电池电解质")
    second = make_listing(university, status="published", title_zh="工业机器人视觉定位")
    withdrawn = make_listing(university, status="published", title_zh="已下架的成果")
    page = news_with(
        news_index,
        ("listing_cards", {"heading": "编辑推荐", "listings": [second.pk, withdrawn.pk, first.pk]}),
    )
    from listings.services import listings as listing_services

    listing_services.listing_transition(actor=None, listing=withdrawn, name="suspend", reason="测试")

    cards = section(page_html(client, page), "listing-cards-block")
    assert "<h2>编辑推荐</h2>" in cards
    assert "已下架的成果" not in cards
    assert cards.index("工业机器人视觉定位") < cards.index("固态电池电解质")
    assert f'href="{second.get_absolute_url()}"' in cards and "上海某大学" in cards


def test_a_live_search_shows_the_current_results_of_its_words_and_province_with_a_link_to_the_search(
    client, news_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the search index's upkeep runs on commit
        make_listing(university_in(SH), status="published", title_zh="固态锂电池电解质")
        make_listing(university_in(JS), status="published", title_zh="钠离子电池负极材料")
        robots = university_in(SH)
        make_listing(
            robots,
            status="published",
            title_zh="工业机器人视觉定位",
            summary_zh="机械臂的视觉定位方法。",
            patents=[make_patent(robots, title="一种机械臂视觉定位方法")],
        )
    page = news_with(
        news_index, ("live_search", {"heading": "上海的电池技术", "text": "电池", "province": SH, "count": 4})
    )
    results = section(page_html(client, page), "live-search-block")
    assert "固态锂电池电解质" in results
    assert "钠离子电池负极材料" not in results and "工业机器人视觉定位" not in results
    assert 'href="/search/?q=%E7%94%B5%E6%B1%A0&amp;province=310000"' in results

    # Published after the page: the stored search shows it at once.
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(university_in(SH), status="published", title_zh="电池热管理系统")
    assert "电池热管理系统" in section(page_html(client, page), "live-search-block")


def test_a_live_search_that_finds_nothing_says_so(client, news_index):
    page = news_with(news_index, ("live_search", {"heading": "", "text": "量子", "province": "", "count": 3}))
    with translation.override("en"):
        results = section(page_html(client, page), "live-search-block")
    assert "No published listing matches this search at the moment." in results


def test_a_flows_chart_tables_the_registrys_flow_matrix_for_its_period(client, news_index):
    shanghai, jiangsu, zhejiang = university_in(SH), organisation_in(JS), organisation_in(ZJ)
    assign(shanghai, jiangsu, datetime.date(2024, 3, 5))
    assign(shanghai, jiangsu, datetime.date(2024, 7, 1))
    assign(jiangsu, zhejiang, datetime.date(2025, 1, 9))
    assign(zhejiang, shanghai, datetime.date(2023, 6, 1))  # before the period
    page = news_with(
        news_index,
        ("registry_chart", {"heading": "", "chart": "flows", "year_from": 2024, "year_to": 2025, "province": ""}),
    )
    html = page_html(client, page)
    matrix = flow_matrix(FlowFilter(start=datetime.date(2024, 1, 1), end=datetime.date(2025, 12, 31)))
    assert matrix.total == 3
    rows = table_numbers(html)
    expected = [[str(cell) for cell in (name, *counts, total)] for _code, name, counts, total in matrix.rows()]
    assert rows[: len(expected)] == expected
    assert rows[-1][-1] == "3"
    # The chart is drawn from data on the page by the dashboard's code, hidden until it is drawn.
    chart = section(html, "panel registry-chart-block")
    data_id = re.search(r'data-source="([^"]+)"', chart).group(1)
    data = json.loads(chart.split(f'<script id="{data_id}" type="application/json">')[1].split("</script>")[0])
    assert sum(link["value"] for link in data["flows"]["links"]) == 3
    assert "ip_registry/dashboard.js" in chart and "hidden data-registry-chart" in chart


def test_a_trend_chart_for_a_province_counts_the_transfers_it_is_on_either_side_of(client, news_index):
    shanghai, jiangsu, zhejiang = university_in(SH), organisation_in(JS), organisation_in(ZJ)
    assign(shanghai, jiangsu, datetime.date(2024, 3, 5))
    assign(jiangsu, zhejiang, datetime.date(2025, 1, 9))
    assign(zhejiang, shanghai, datetime.date(2025, 6, 1))
    page = news_with(
        news_index,
        ("registry_chart", {"heading": "上海", "chart": "trend", "year_from": 2023, "year_to": 2025, "province": SH}),
        ("registry_chart", {"heading": "全部", "chart": "trend", "year_from": 2023, "year_to": 2025, "province": ""}),
    )
    html = page_html(client, page)
    shanghai_table, all_table = html.split('data-test="registry-chart-table">')[1:3]
    assert table_numbers('data-test="registry-chart-table">' + shanghai_table) == [
        ["2023", "0", "0"],
        ["2024", "1", "1"],
        ["2025", "1", "1"],
    ]
    trend = yearly_trend(FlowFilter(start=datetime.date(2023, 1, 1), end=datetime.date(2025, 12, 31)))
    assert table_numbers('data-test="registry-chart-table">' + all_table) == [
        [str(year.year), str(year.transfers), str(year.cross_province)] for year in trend
    ]


def test_a_chart_of_a_period_without_transfers_says_so(client, news_index):
    page = news_with(
        news_index,
        ("registry_chart", {"heading": "", "chart": "flows", "year_from": 2020, "year_to": 2021, "province": ""}),
    )
    with translation.override("en"):
        chart = section(page_html(client, page), "panel registry-chart-block")
    assert "No transfers were registered in this period." in chart and "<table" not in chart


def test_the_faq_opens_each_answer_and_its_json_ld_parses_with_the_text_escaped(client, news_index):
    question = "开放许可费怎么付？</script><script>alert(1)</script>"
    page = news_with(
        news_index,
        (
            "faq",
            {
                "heading": "常见问题",
                "questions": [
                    {"question": question, "answer": "<p>按公布的标准 &amp; 期限支付。</p>"},
                    {"question": "先用后付是什么？", "answer": "<p>先使用，后付费。</p>"},
                ],
            },
        ),
    )
    html = page_html(client, page)
    faq = section(html, "faq-block")
    assert faq.count("<details") == 2 and "<summary>先用后付是什么？</summary>" in faq
    assert "<script>alert(1)" not in html
    ld = faq.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in ld and ">" not in ld
    data = json.loads(ld)
    assert data["@type"] == "FAQPage"
    assert [item["name"] for item in data["mainEntity"]] == [question, "先用后付是什么？"]
    assert data["mainEntity"][0]["acceptedAnswer"] == {
        "@type": "Answer",
        "text": "<p>按公布的标准 &amp; 期限支付。</p>",
    }


def all_four(listings, slug: str = "all-four") -> list:
    return [
        ("listing_cards", {"heading": "推荐", "listings": [listing.pk for listing in listings]}),
        ("live_search", {"heading": "电池", "text": "电池", "province": "", "count": 6}),
        ("registry_chart", {"heading": "", "chart": "flows", "year_from": 2024, "year_to": 2025, "province": SH}),
        ("registry_chart", {"heading": "", "chart": "trend", "year_from": 2024, "year_to": 2025, "province": ""}),
        ("faq", {"heading": "", "questions": [{"question": "问？", "answer": "<p>答。</p>"}]}),
    ]


def test_a_page_with_all_four_blocks_makes_as_many_queries_with_many_listings_as_with_one(
    client, news_index, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        one = make_listing(university_in(SH), status="published", title_zh="电池一号")
    assign(university_in(SH), organisation_in(JS), datetime.date(2024, 3, 5))
    small = news_with(news_index, *all_four([one]), slug="small")
    with django_assert_max_num_queries(25) as few:  # 20 when written: the page, its blocks, the session
        assert client.get(small.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        many = [make_listing(university_in(SH), status="published", title_zh=f"电池{n}号") for n in range(8)]
    for n in range(4):
        assign(university_in(JS), organisation_in(ZJ), datetime.date(2025, n + 1, 3))
    large = news_with(news_index, *all_four([one, *many]), slug="large")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page_html(client, large)
    assert html.count("listing-card") >= 9 + 6


def member_of(group_name: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_each_block_has_an_admin_preview_and_the_chooser_offers_only_published_listings(client, news_index):
    make_listing(university_in(SH), status="published", title_zh="可选择的成果")
    make_listing(university_in(SH), status="draft", title_zh="草稿成果")
    client.force_login(member_of("Editors"))
    children = NewsPage._meta.get_field("body").stream_block.child_blocks
    for name in ("listing_cards", "live_search", "registry_chart", "faq"):
        response = client.get("/cms-admin/block-preview/", {"id": children[name].definition_prefix})
        assert response.status_code == 200, name
    preview = client.get("/cms-admin/block-preview/", {"id": children["listing_cards"].definition_prefix})
    assert "可选择的成果" in preview.content.decode()

    chooser = client.get("/cms-admin/cms/listing-chooser/")
    assert chooser.status_code == 200
    assert "可选择的成果" in chooser.json()["html"] and "草稿成果" not in chooser.json()["html"]
    assert client.get(f"/cms-admin/pages/add/cms/newspage/{news_index.pk}/").status_code == 200


def test_an_editor_cannot_save_a_draft_listing_in_the_cards_and_is_told_why(client, news_index):
    draft = make_listing(university_in(SH), status="draft", title_zh="草稿成果")
    client.force_login(member_of("Moderators"))
    data = nested_form_data(
        {
            "title": "推荐成果",
            "slug": "picks",
            "date": "2026-12-01",
            "summary": "",
            "body": streamfield([("listing_cards", {"heading": "", "listings": streamfield([("item", draft.pk)])})]),
            "action-publish": "publish",
        }
    )
    with translation.override("en"):
        response = client.post(f"/cms-admin/pages/add/cms/newspage/{news_index.pk}/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    # The admin speaks Chinese; the block's error travels in the StreamField's JSON, characters escaped.
    message = "该挂牌项目未发布，请选择已发布的项目。"
    assert json.dumps(message)[1:-1] in response.content.decode()
    assert not NewsPage.objects.filter(slug="picks").exists()


def test_a_chart_whose_years_are_the_wrong_way_round_is_refused_with_a_message():
    block = RegistryChartBlock()
    value = block.to_python({"heading": "", "chart": "flows", "year_from": 2025, "year_to": 2024, "province": ""})
    with translation.override("en"):
        with pytest.raises(StructBlockValidationError) as error:
            block.clean(value)
        assert "The last year must not come before the first." in str(error.value.block_errors["year_to"])
        value = block.to_python(
            {"heading": "", "chart": "flows", "year_from": 2024, "year_to": timezone.localdate().year + 5}
        )
        with pytest.raises(StructBlockValidationError) as error:
            block.clean(value)
        assert "Enter a year from 1985" in str(error.value.block_errors["year_to"])
