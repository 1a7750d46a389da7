"""The demo's editorial pages: published under the indexes once, shown on the site."""

import pytest
from django.utils import translation

from cms.models import EventPage, GuidePage, NewsPage, PolicyPage, ProvincePortalPage
from cms.site_settings import PlatformContact, platform_bank_account
from demo import pages

pytestmark = pytest.mark.django_db


def seed_pages() -> int:
    return sum(bool(step.apply(item)) for step in pages.STEPS for item in step.items)


def test_the_demo_publishes_each_policy_news_item_event_portal_and_guide_once(home):
    assert seed_pages() == 27
    assert seed_pages() == 0
    chinese = {"live": True, "locale__language_code": "zh-hans"}
    counts = [model.objects.filter(**chinese).count() for model in (PolicyPage, NewsPage, EventPage)]
    assert counts == [5, 3, 3]
    assert set(ProvincePortalPage.objects.filter(**chinese).values_list("province", flat=True)) == {
        "310000",
        "320000",
        "330000",
        "340000",
    }
    assert set(GuidePage.objects.filter(**chinese).values_list("topic", flat=True)) == {"open_licence", "pay_later"}
    numbers = set(PolicyPage.objects.values_list("document_number", flat=True))
    assert {"国科发规〔2020〕352号", "浙长三角办〔2021〕9号", "国科发规〔2020〕287号", "沪科提复〔2023〕5号"} <= numbers


def test_the_demo_pages_show_on_the_site(client, home):
    seed_pages()
    html = client.get("/").content.decode()
    events = html.split('data-test="upcoming-events"')[1].split("</section>")[0]
    assert "新能源与储能技术成果路演" in events and "科技成果拍卖会" not in events  # the auction is past
    assert "平台开放许可专区上线" in html
    policy = client.get("/policies/cooperation-decision-2025/").content.decode()
    assert "上海市、江苏省、浙江省、安徽省人大常委会" in policy and 'datetime="2025-09-01"' in policy
    assert "科技成果拍卖会" in client.get("/events/").content.decode()  # among the past events


def test_the_demo_translates_the_home_page_the_policies_and_a_guide_into_english(client, home):
    seed_pages()
    english = {"live": True, "locale__language_code": "en"}
    assert PolicyPage.objects.filter(**english).count() == 5
    assert GuidePage.objects.filter(**english).count() == 1
    with translation.override("en"):
        policy = client.get("/en/policies/cooperation-decision-2025/").content.decode()
        guide = client.get("/en/open-licensing-guide/").content.decode()
        home_page = client.get("/en/").content.decode()
    assert "Standing committees of the people" in policy and 'datetime="2025-09-01"' in policy
    assert "How to declare and obtain an open patent licence" in guide and "Record the contract" in guide
    assert "How to declare and obtain an open patent licence" in home_page  # the home page's guides, in English
    assert "平台开放许可专区上线" in home_page  # a news item not translated is listed as it is


def test_the_demo_fills_in_the_contact_details_in_the_footer_and_the_bank_account(client, home):
    seed_pages()
    html = client.get("/").content.decode()
    footer = html.split('id="platform-contact"')[1].split("</address>")[0]
    assert "上海市徐汇区虹漕路 88 号" in footer and "021-5489 2026" in footer and "service@demo.techmarket.cn" in footer
    assert platform_bank_account() == {
        "account_name": "长三角技术转移市场运营有限公司",
        "bank": "中国建设银行上海徐汇支行",
        "account_number": "3105 0168 3600 0000 2026",
    }


def test_the_demo_leaves_contact_details_an_operator_has_filled_in(client, home):
    contact = PlatformContact.for_site(home.get_site())
    contact.phone = "021-6433 1234"
    contact.save()
    seed_pages()
    contact.refresh_from_db()
    assert (contact.phone, contact.address) == ("021-6433 1234", "")
