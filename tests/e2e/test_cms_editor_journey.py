"""Issue 18's editor journey, in the Chinese admin: an editor signs in to the Wagtail admin through its login form,
writes a news item under the news index with a paragraph and a listing-cards block whose listing she picks in the
chooser, and publishes it; a visitor who had the home page before it was published sees the item there at once, and
the chosen listing's card on the item's page.

The visitors' page cache is on here (as on the site), so a home page kept from before the publication would show.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from playwright.sync_api import Browser, Page, expect
from wagtail.models import GroupPagePermission, Site

from tests.factories import PASSWORD, UserFactory, make_listing, university_in

from .conftest import DEFAULT_TIMEOUT_MS

pytestmark = pytest.mark.e2e

TITLE = "长三角固态电池成果专区上线"
SUMMARY = "四地高校的固态电池成果集中展示，企业可在线咨询。"
PARAGRAPH = "首批二十项成果已经上线。"
LISTING = "固态电池电解质薄膜制备技术"


@pytest.fixture
def page_cache(settings):
    """The visitors' page cache on, in this process's memory (the live server runs in a thread of it)."""
    settings.LISTING_PAGE_CACHE_SECONDS = 600
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cms-editor-journey"},
    }
    caches["pages"].clear()


@pytest.fixture
def no_autosave(settings):
    """Wagtail's autosave off. It saves the draft when it notices a change, at a moment of its own (in some runs
    not at all): a first save that creates the page while the publish button's request is on its way could have
    that request refused, the slug taken. With it off, the one request creates and publishes the page."""
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0


@pytest.fixture
def editor(transactional_db):
    """A member of Wagtail's "Moderators" group, who may add, edit and publish the site's pages.

    Wagtail's migration makes the group with its permissions on the tree's root; the flush that ends a transactional
    test empties them, so the group and its rights on the home page are given here when missing.
    """
    home = Site.objects.get(is_default_site=True).root_page
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for kind in ("add", "change", "publish"):
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=f"{kind}_page")
        GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)
    user = UserFactory(name="王编辑")
    user.groups.add(group)
    return user


@pytest.fixture
def visitor(browser: Browser):
    """A visitor who is not signed in, in a browser context of their own."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def _sign_in_to_the_admin(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/cms-admin/")
    expect(page.get_by_role("heading", name="登录Wagtail")).to_be_visible()
    page.get_by_role("textbox", name="电子邮箱").fill(email)
    page.get_by_label(re.compile("密码|Password")).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base}/cms-admin/")


def _insert_block(page: Page, label: str) -> None:
    """Add a block at the end of the body, chosen by its label in the block menu."""
    # Wagtail 8's Chinese has no words for this button yet; either name is the same button.
    page.get_by_role("button", name=re.compile("Insert a block|插入块")).last.click()
    page.get_by_role("option", name=label, exact=True).click()


def test_an_editor_publishes_a_news_item_with_a_chosen_listing_and_visitors_see_it_at_once(
    live_server, page, visitor, editor, page_cache, no_autosave
):
    make_listing(university_in("320000"), status="published", title_zh=LISTING)
    base = live_server.url
    # The visitor's home page before the item exists: kept by the page cache, if the site keeps it.
    visitor.goto(f"{base}/")
    expect(visitor.locator("[data-test=latest-news]")).to_be_visible()
    expect(visitor.locator("[data-test=latest-news]")).not_to_contain_text(TITLE)

    _sign_in_to_the_admin(page, base, editor.email)
    expect(page.get_by_text("王编辑").first).to_be_visible()
    sidebar = page.get_by_role("complementary", name="边栏")
    sidebar.get_by_role("button", name="分页").click()
    sidebar.get_by_role("link", name="长三角技术转移市场", exact=True).click()
    expect(page.get_by_role("heading", name="长三角技术转移市场")).to_be_visible()
    page.get_by_role("link", name="为'新闻动态'添加子页面").click()
    expect(page.get_by_role("textbox", name="名称*", exact=True)).to_be_visible()

    page.get_by_role("textbox", name="名称*", exact=True).fill(TITLE)
    page.get_by_role("textbox", name="摘要", exact=True).fill(SUMMARY)
    _insert_block(page, "正文")
    paragraph = page.get_by_role("textbox").last  # the rich-text editor the block brought
    expect(paragraph).to_be_visible()
    paragraph.click()
    page.keyboard.type(PARAGRAPH)
    expect(paragraph).to_contain_text(PARAGRAPH)
    _insert_block(page, "挂牌项目卡片")
    page.get_by_role("button", name="选择已发布的挂牌项目").click()
    chooser = page.get_by_role("dialog")
    expect(chooser.get_by_role("heading", name="选择已发布的挂牌项目")).to_be_visible()
    chooser.get_by_role("link", name=LISTING).click()
    expect(chooser).to_be_hidden()
    expect(page.get_by_role("tabpanel", name="内容").get_by_text(LISTING)).to_be_visible()  # the block's choice

    page.get_by_role("button", name="更多动作").click()
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"页面'{TITLE}'已创建并发布。")

    visitor.reload()
    news = visitor.locator("[data-test=latest-news]")
    expect(news.get_by_role("link", name=TITLE)).to_be_visible()
    news.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.get_by_text(SUMMARY)).to_be_visible()
    expect(visitor.get_by_text(PARAGRAPH)).to_be_visible()
    cards = visitor.locator("[data-test=chosen-listings]")
    expect(cards).to_be_visible()
    expect(cards.get_by_role("link", name=LISTING)).to_be_visible()
