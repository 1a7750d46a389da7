"""The editorial pages in two languages: Chinese pages translated into English (Wagtail's locales), the language
switcher going to the translation when there is one, and a page not yet translated still readable under /en/."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import translation
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Locale
from wagtail.test.utils.form_data import nested_form_data, streamfield

from cms.models import GuidePage, NewsPage, PolicyPage, StandardPage
from tests.factories import UserFactory

from .conftest import publish

pytestmark = pytest.mark.django_db


def english(page, **fields):
    """Translate the page into English as an editor does: Translate (its parents too), edit, publish."""
    locale = Locale.objects.get(language_code="en")
    for parent in page.get_ancestors().filter(depth__gt=1).specific():
        if parent.get_translation_or_none(locale) is None:
            parent.copy_for_translation(locale).save_revision().publish()
    page = page.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


def switcher(html: str) -> dict[str, str]:
    """The language switcher's links, by language; the current language has none."""
    nav = html.split('class="language-switcher"')[1].split("</nav>")[0]
    return {code: url for url, code in re.findall(r'<a href="([^"]*)" hreflang="([^"]*)"', nav)}


@pytest.fixture
def english_policy(policy):
    return english(
        policy,
        title="Development Plan for the Delta Innovation Community",
        slug="innovation-community-plan-en",
        issuing_body="Ministry of Science and Technology",
        summary="The national plan for the four provinces to build one innovation community.",
    )


def test_the_switcher_on_a_chinese_page_goes_to_its_english_translation(client, policy, english_policy):
    html = client.get("/policies/innovation-community-plan/").content.decode()
    assert "科技部" in html
    assert switcher(html) == {"en": "/en/policies/innovation-community-plan-en/"}


def test_the_english_translation_shows_english_content_and_switches_back_to_the_chinese_page(
    client, policy, english_policy
):
    with translation.override("en"):
        response = client.get("/en/policies/innovation-community-plan-en/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Development Plan for the Delta Innovation Community" in html
    assert "Ministry of Science and Technology" in html and "科技部" not in html
    assert switcher(html) == {"zh-hans": "/policies/innovation-community-plan/"}


def test_a_page_not_translated_is_read_under_en_with_the_sites_english_words(client, news_index, policy):
    english(policy, title="Development Plan for the Delta Innovation Community")  # the English tree exists
    publish(
        news_index, NewsPage(title="平台开通开放许可专区", slug="open-licence-zone", date=datetime.date(2026, 11, 30))
    )
    html = client.get("/news/open-licence-zone/").content.decode()
    assert switcher(html) == {"en": "/en/news/open-licence-zone/"}

    with translation.override("en"):
        response = client.get("/en/news/open-licence-zone/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html and "平台开通开放许可专区" in html
    assert switcher(html) == {"zh-hans": "/news/open-licence-zone/"}


def test_the_english_home_page_lists_translations_where_there_are_some_and_the_chinese_pages_otherwise(
    client, home, news_index
):
    guide = publish(home, GuidePage(title="怎样声明开放许可", slug="open-licensing-guide", topic="open_licence"))
    english(guide, title="How to declare an open licence")
    publish(
        news_index, NewsPage(title="平台开通开放许可专区", slug="open-licence-zone", date=datetime.date(2026, 11, 30))
    )

    html = client.get("/").content.decode()
    assert "怎样声明开放许可" in html and "How to declare an open licence" not in html
    with translation.override("en"):
        html = client.get("/en/").content.decode()
    assert '<a href="/en/open-licensing-guide/">How to declare an open licence</a>' in html
    assert "怎样声明开放许可" not in html
    # The news item has no translation: listed as it is, its link keeps the reader in English.
    assert '<a href="/en/news/open-licence-zone/">平台开通开放许可专区</a>' in html


def test_a_page_written_only_in_english_switches_to_the_chinese_home_page(client, home, policy):
    english(policy, title="Development Plan for the Delta Innovation Community")
    english_home = home.get_translation(Locale.objects.get(language_code="en"))
    english_home.add_child(instance=GuidePage(title="Notes for foreign firms", slug="foreign-firms"))
    GuidePage.objects.get(slug="foreign-firms").save_revision().publish()
    with translation.override("en"):
        html = client.get("/en/foreign-firms/").content.decode()
    assert "Notes for foreign firms" in html
    assert switcher(html) == {"zh-hans": "/"}


def test_an_editor_translates_pages_from_the_admin_the_home_page_first(client, home, policy):
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    english = Locale.objects.get(language_code="en")
    for page in (home, policy.get_parent(), policy):  # Wagtail translates a page once its parent is translated
        address = f"/cms-admin/translation/submit/page/{page.pk}/"
        assert client.get(address).status_code == 200
        assert client.post(address, {"locales": [english.pk]}).status_code == 302
    draft = policy.get_translation(english)
    assert (draft.title, draft.live) == (policy.title, False)  # a draft to write in English, then publish
    assert draft.get_parent().get_parent().specific.get_translation(home.locale) == home


def test_the_feeds_list_the_pages_of_the_readers_language_where_translated(client, news_index, policy, english_policy):
    publish(
        news_index, NewsPage(title="平台开通开放许可专区", slug="open-licence-zone", date=datetime.date(2026, 11, 30))
    )
    with translation.override("en"):
        policies = client.get("/en/feeds/policies/").content.decode()
        news = client.get("/en/feeds/news/").content.decode()  # no English news index: the Chinese one
    assert "Development Plan for the Delta Innovation Community" in policies and "科技部" not in policies
    assert "/en/policies/innovation-community-plan-en/" in policies
    assert "平台开通开放许可专区" in news
    chinese = client.get("/feeds/policies/").content.decode()
    assert "长三角科技创新共同体建设发展规划" in chinese and "Development Plan" not in chinese


def test_the_sitemap_has_the_english_pages_too(client, policy, english_policy):
    locations = re.findall(r"<loc>http://[^/]+(/[^<]*)</loc>", client.get("/sitemap.xml").content.decode())
    assert "/policies/innovation-community-plan/" in locations
    assert "/en/policies/innovation-community-plan-en/" in locations
    assert "/en/" in locations and "/" in locations


def test_a_page_moved_by_an_editor_working_in_english_redirects_from_its_chinese_address(home):
    about = publish(home, StandardPage(title="关于平台", slug="about"))
    guide = publish(home, GuidePage(title="开放许可指南", slug="guide", topic="open_licence"))
    with translation.override("en"):  # the admin in the editor's language
        guide.move(about, pos="last-child")
    assert Redirect.objects.get(old_path="/guide").redirect_page_id == guide.pk


def test_an_editor_previews_a_new_page_and_an_edited_one_with_their_language_switcher(client, admin_user, news_index):
    item = publish(
        news_index, NewsPage(title="平台开通开放许可专区", slug="open-licence-zone", date=datetime.date(2026, 11, 30))
    )
    client.force_login(admin_user)
    form = nested_form_data(
        {"title": "预览中的新闻", "slug": "preview-news", "date": "2026-12-01", "summary": "", "body": streamfield([])}
    )
    for address, title in (
        (f"/cms-admin/pages/add/cms/newspage/{news_index.pk}/preview/", "预览中的新闻"),
        (f"/cms-admin/pages/{item.pk}/edit/preview/", "改过的新闻"),
    ):
        form.update(title=title, slug="preview-news" if "add" in address else item.slug)
        assert client.post(address, form).json() == {"is_valid": True, "is_available": True}
        html = client.get(address).content.decode()
        assert title in html and 'class="language-switcher"' in html


def test_the_english_policy_index_lists_every_policy_in_english_where_translated(
    client, policy_index, policy, english_policy
):
    publish(
        policy_index,
        PolicyPage(
            title="长三角G60科创走廊建设方案",
            slug="g60-corridor-plan",
            issuing_body="科技部、国家发展改革委",
            issue_date=datetime.date(2020, 10, 27),
            level="national",
        ),
    )
    with translation.override("en"):
        html = client.get("/en/policies/").content.decode()
        ministry = client.get("/en/policies/", {"body": "Ministry of Science"}).content.decode()
    assert '<a href="/en/policies/innovation-community-plan-en/">Development Plan' in html
    assert '<a href="/en/policies/g60-corridor-plan/">长三角G60科创走廊建设方案</a>' in html  # not translated yet
    assert "Development Plan" in ministry and "G60" not in ministry
    chinese = client.get("/policies/", {"body": "科技部"}).content.decode()
    assert "长三角科技创新共同体建设发展规划" in chinese and "G60" in chinese and "Development Plan" not in chinese
