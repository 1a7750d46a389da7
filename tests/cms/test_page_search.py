"""The search page's third tab finds the platform's editorial pages by their words, in the page's language."""

import datetime

from cms.models import GuidePage, NewsPage

from .conftest import publish


def test_the_pages_tab_finds_live_pages_by_title_and_summary(client, home, news_index):
    publish(news_index, NewsPage(title="长三角技术转移新政策发布", slug="new-policy", date=datetime.date(2026, 11, 1)))
    publish(home, GuidePage(title="办事指南", slug="guide", summary="怎样声明专利开放许可并在线取得许可。"))
    draft = NewsPage(title="开放许可草稿", slug="draft", date=datetime.date(2026, 11, 2), live=False)
    news_index.add_child(instance=draft)

    found = client.get("/search/pages/", {"q": "开放许可"})
    assert found.status_code == 200
    assert [page.title for page in found.context["hits"]] == ["办事指南"]  # by its summary; never the draft

    both = client.get("/search/pages/", {"q": "技术转移 政策"})
    assert [page.title for page in both.context["hits"]] == ["长三角技术转移新政策发布"]
    assert 'href="/search/pages/?q=' in client.get("/search/", {"q": "开放许可"}).content.decode()


def test_without_words_the_tab_asks_for_them_and_bad_input_is_a_400(client, home):
    assert client.get("/search/pages/").context["hits"] == []
    assert client.get("/search/pages/", {"page": "x"}).status_code == 400
