"""The editorial pages in a browser: the home page and a policy page, wide and 400 px, with Chinese text drawn."""

import pytest
from playwright.sync_api import expect

from demo import pages
from tests.factories import make_listing, university_in


@pytest.fixture
def seeded(transactional_db):
    for step in pages.STEPS:
        for item in step.items:
            step.apply(item)
    make_listing(university_in("320000"), status="published", title_zh="固态电池电解质薄膜制备技术")


@pytest.mark.parametrize("width", [1280, 400])
def test_the_home_and_a_policy_page_read_in_chinese_at_any_width(live_server, page, screenshot, seeded, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("长三角技术转移市场")
    expect(page.locator("[data-test=latest-listings]")).to_contain_text("固态电池电解质薄膜制备技术")
    expect(page.locator("[data-test=upcoming-events]")).to_contain_text("新能源与储能技术成果路演")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
    screenshot(f"cms-home-{width}")
    page.goto(f"{live_server.url}/policies/innovation-community-plan/")
    expect(page.locator("[data-test=policy-details]")).to_contain_text("国科发规〔2020〕352号")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"cms-policy-{width}")
