"""Editors in the Wagtail admin: the page tree reachable, a news item written, published and on the home page."""

import pytest
from django.contrib.auth.models import Group
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import NewsPage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def member_of(group_name: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_an_editor_reaches_the_pages_and_the_forms_for_each_page_type(client, home, news_index, policy, event_index):
    client.force_login(member_of("Editors"))
    for path in [
        "/cms-admin/",
        f"/cms-admin/pages/{home.pk}/",
        f"/cms-admin/pages/{home.pk}/edit/",
        f"/cms-admin/pages/add/cms/newspage/{news_index.pk}/",
        f"/cms-admin/pages/add/cms/eventpage/{event_index.pk}/",
        f"/cms-admin/pages/{policy.pk}/edit/",
    ]:
        assert client.get(path).status_code == 200, path


def test_a_moderator_publishes_a_news_item_and_the_home_page_shows_it_at_once(client, news_index):
    client.force_login(member_of("Moderators"))
    data = nested_form_data(
        {
            "title": "沪苏浙皖联合举办专利对接会",
            "slug": "joint-fair",
            "date": "2026-12-01",
            "summary": "四地高校与企业面对面。",
            "body": streamfield([("paragraph", rich_text("<p>一百二十项专利参加对接。</p>"))]),
            "action-publish": "publish",
        }
    )
    response = client.post(f"/cms-admin/pages/add/cms/newspage/{news_index.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = NewsPage.objects.get(slug="joint-fair")
    assert page.live
    assert '<a href="/news/joint-fair/">沪苏浙皖联合举办专利对接会</a>' in client.get("/").content.decode()
    article = client.get("/news/joint-fair/").content.decode()
    assert "一百二十项专利参加对接。" in article


def test_an_editor_without_publishing_rights_submits_a_draft_that_visitors_do_not_see(client, news_index):
    client.force_login(member_of("Editors"))
    data = nested_form_data(
        {"title": "待审核的消息", "slug": "pending", "date": "2026-12-01", "summary": "", "body": streamfield([])}
    )
    assert client.post(f"/cms-admin/pages/add/cms/newspage/{news_index.pk}/", data).status_code == 302
    assert not NewsPage.objects.get(slug="pending").live
    client.logout()
    assert "待审核的消息" not in client.get("/").content.decode()
    assert client.get("/news/pending/").status_code == 404
