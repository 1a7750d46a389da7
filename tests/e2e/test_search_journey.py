"""A firm searches the four provinces from the home page: words, a facet, the order, a chip taken away.

The listings are written through the services in real transactions, so the
index is kept up by the same after-commit task as on the site.
"""

import re

import pytest
from playwright.sync_api import expect

from listings.services.listings import Term
from tests.factories import make_listing, organisation_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def market(transactional_db):
    shanghai = organisation_in("310000", name_zh="上海交通大学", kind="university")
    jiangsu = organisation_in("320000", name_zh="东南大学", kind="university")
    zhejiang = organisation_in("330000", name_zh="浙江大学", kind="university")
    for organisation, title, price in (
        (shanghai, "固态锂电池电解质薄膜", 800_000),
        (shanghai, "电池热失控预警算法", 120_000),
        (jiangsu, "电池管理系统芯片", 2_000_000),
        (zhejiang, "钠离子电池正极材料", None),
        (zhejiang, "工业机器人视觉检测", 50_000),
    ):
        make_listing(
            organisation, status="published", kind="software", title_zh=title, terms=[Term("assignment", price)]
        )


def test_search_from_the_home_page_narrow_sort_and_widen(live_server, page, screenshot, market):
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox").fill("电池")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=%E7%94%B5%E6%B1%A0$"))
    expect(page.locator("#results-heading")).to_have_text("“电池”共 4 条结果")
    expect(page.locator(".search-hit mark").first).to_have_text("电池")
    screenshot("search-results")

    page.locator(".search-facets").get_by_role("link", name=re.compile("上海市")).click()
    expect(page).to_have_url(re.compile(r"province=310000"))
    expect(page.locator("#results-heading")).to_have_text("“电池”共 2 条结果")
    expect(page.locator(".chip")).to_contain_text("省份: 上海市")

    page.get_by_label("排序方式").select_option("price")  # applied at once, with JavaScript
    expect(page).to_have_url(re.compile(r"sort=price"))
    titles = page.locator(".search-hit h3").all_inner_texts()
    assert titles == ["电池热失控预警算法", "固态锂电池电解质薄膜"]
    screenshot("search-narrowed")

    page.locator(".chip a").click()
    expect(page).not_to_have_url(re.compile(r"province="))
    expect(page.locator("#results-heading")).to_have_text("“电池”共 4 条结果")
    assert page.locator(".search-hit h3").first.inner_text() == "电池热失控预警算法"  # the order stays


def test_the_search_page_works_without_javascript(live_server, browser, market):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/search/?q=电池")
        page.get_by_label("排序方式").select_option("-price")
        page.get_by_role("button", name="排序").click()  # shown when scripts do not run
        expect(page).to_have_url(re.compile(r"sort=-price"))
        assert page.locator(".search-hit h3").first.inner_text() == "电池管理系统芯片"
    finally:
        context.close()
