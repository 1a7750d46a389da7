"""The editorial pages in a browser: the home page, a policy page and a province portal, wide and 400 px, with
Chinese text drawn; members registering for an event until it is full, the next one landing on the waiting list."""

import pytest
from playwright.sync_api import expect

from cms.models import EventPage
from demo import pages
from tests.factories import PASSWORD, UserFactory, make_listing, university_in


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


@pytest.mark.parametrize("width", [1280, 400])
def test_a_province_portal_reads_in_chinese_at_any_width(live_server, page, screenshot, seeded, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/jiangsu/")
    expect(page.locator("h1")).to_have_text("江苏")
    expect(page.locator("[data-test=portal-listing-cards]")).to_contain_text("固态电池电解质薄膜制备技术")
    expect(page.locator("[data-test=portal-flows]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"cms-portal-{width}")


def _sign_in(page, base, email):
    page.goto(f"{base}/login/")
    page.fill('[name="username"]', email)
    page.fill('[name="password"]', PASSWORD)
    page.click("form#login-form button[type=submit]")
    expect(page).to_have_url(f"{base}/account/")


def test_members_register_for_an_event_until_it_is_full_then_join_the_waiting_list(live_server, page, seeded):
    event = EventPage.objects.get(slug="new-energy-roadshow")
    event.capacity = 2
    event.save_revision().publish()
    base = live_server.url
    registration = page.locator("[data-test=event-registration]")
    first, second, third = UserFactory.create_batch(3)
    for user, places_after in ((first, "共 2 个名额，剩余 1 个"), (second, "共 2 个名额，剩余 0 个")):
        page.context.clear_cookies()
        _sign_in(page, base, user.email)
        page.goto(f"{base}{event.url}")
        registration.get_by_role("button", name="报名", exact=True).click()
        expect(page.get_by_role("status")).to_have_text("您已报名本次活动。")
        expect(registration).to_contain_text("您已报名本次活动。")
        expect(registration).to_contain_text(places_after)
        expect(registration.get_by_role("button", name="取消报名")).to_be_visible()

    page.context.clear_cookies()
    _sign_in(page, base, third.email)
    page.goto(f"{base}{event.url}")
    expect(registration).to_contain_text("共 2 个名额，剩余 0 个")
    expect(registration.get_by_role("button", name="报名", exact=True)).to_have_count(0)
    registration.get_by_role("button", name="加入候补名单").click()
    expect(page.get_by_role("status")).to_have_text("活动名额已满，您已进入候补名单。有名额空出时我们会发邮件通知您。")
    expect(registration).to_contain_text("您在候补名单中排第 1 位。")
    expect(registration).to_contain_text("共 2 个名额，剩余 0 个 · 候补 1 人")
    expect(registration).not_to_contain_text("您已报名本次活动。")
