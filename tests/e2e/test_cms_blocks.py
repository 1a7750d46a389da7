"""A visitor opens a news item with two registry chart blocks: the dashboard's code draws both, once each, beside
their tables, with no script error."""

import datetime
import json

import pytest
from playwright.sync_api import expect
from wagtail.models import Site

from cms.models import NewsIndexPage, NewsPage

from .test_registry_dashboard import canvas_size, ledger  # noqa: F401 (a fixture)

pytestmark = pytest.mark.e2e


def test_two_chart_blocks_on_a_page_are_each_drawn_once(live_server, page, screenshot, ledger):  # noqa: F811
    home = Site.objects.get(is_default_site=True).root_page.specific
    index = NewsIndexPage.objects.child_of(home).get()
    body = [
        {
            "type": "registry_chart",
            "value": {"heading": "省际流向", "chart": "flows", "year_from": 2020, "year_to": 2024},
        },
        {
            "type": "registry_chart",
            "value": {"heading": "年度趋势", "chart": "trend", "year_from": 2020, "year_to": 2024},
        },
    ]
    news = NewsPage(title="登记统计", slug="registry-charts", date=datetime.date(2026, 12, 1), body=json.dumps(body))
    index.add_child(instance=news)
    news.save_revision().publish()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}{news.url}")
    figures = page.locator("figure[data-registry-chart]")
    expect(figures).to_have_count(2)
    for index_ in range(2):
        expect(figures.nth(index_)).to_be_visible()
        expect(figures.nth(index_).locator("canvas")).to_have_count(1)
        size = canvas_size(page, f"#{figures.nth(index_).get_attribute('data-canvas')}")
        assert size["width"] > 200 and size["height"] > 200, size
    expect(page.locator("[data-test=registry-chart-table]")).to_have_count(2)
    page.wait_for_timeout(1200)
    screenshot("cms-registry-chart-blocks")
    assert not errors, errors
