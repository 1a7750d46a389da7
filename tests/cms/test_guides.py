"""Guides: numbered steps in the body, a link to where on the market the reader acts, under the home page or a
standard page only."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cms.models import GuidePage, StandardPage

from .conftest import publish

pytestmark = pytest.mark.django_db


def guide(parent, **fields) -> GuidePage:
    steps = [
        {"title": "书面通知权利人", "text": "<p>写明要实施的专利。</p>"},
        {"title": "按公布的条件付费", "text": "<p>付费后许可成立。</p>"},
    ]
    fields = {
        "title": "怎样取得开放许可",
        "slug": "open-licence",
        "topic": "open_licence",
        "summary": "三步取得许可。",
        **fields,
    }
    return publish(parent, GuidePage(body=[("paragraph", "<p>开放许可不需要谈判。</p>"), ("steps", steps)], **fields))


def test_a_guide_shows_its_steps_in_order_and_where_to_go_next(client, home, django_assert_max_num_queries):
    guide(home)
    with django_assert_max_num_queries(20):
        response = client.get("/open-licence/")
    html = response.content.decode()
    assert response.status_code == 200 and response.templates[0].name == "cms/guide_page.html"
    steps = html.split('<ol class="guide-steps">')[1].split("</ol>")[0]
    assert steps.index("书面通知权利人") < steps.index("按公布的条件付费")
    link = html.split('data-test="guide-market-link"')[1].split("</p>")[0]
    assert 'href="/listings/?deal_mode=open_licence"' in link


def test_a_guide_on_publishing_links_to_the_listing_form_in_english(client, home):
    guide(home, slug="how-to-list", topic="listing")
    with translation.override("en"):
        html = client.get("/en/how-to-list/").content.decode()
    assert 'href="/en/listings/new/">Publish a listing</a>' in html


def test_a_guide_goes_under_the_home_page_or_a_standard_page_only(home, news_index):
    about = publish(home, StandardPage(title="关于平台", slug="about"))
    assert guide(about, slug="under-about").get_parent().specific == about
    assert not GuidePage.can_create_at(news_index)
    assert GuidePage.can_create_at(home) and GuidePage.can_create_at(about)
    with pytest.raises(ValidationError):
        GuidePage(title="", slug="x", topic="nonsense").full_clean()


def test_the_home_page_lists_the_guides_and_links_each_province_to_its_portal(client, home):
    from cms.models import GuidePage, ProvincePortalPage

    home.add_child(instance=GuidePage(title="如何取得开放许可", slug="kaifang-xuke", summary="三步取得开放许可。"))
    home.add_child(instance=ProvincePortalPage(title="安徽专区", slug="anhui", province="340000"))
    page = client.get("/")
    html = page.content.decode()
    assert "如何取得开放许可" in html
    assert 'href="/anhui/"' in html
