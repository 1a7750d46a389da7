"""The search page shows what it understood: places and fields named in the words offered as filters, and, when
nothing (or only part) matches, the nearest known words ("您是不是要找")."""

import pytest
from django.utils import translation

from tests.factories import make_listing, organisation_in, university_in


@pytest.fixture
def market(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hefei = university_in("340000")
        suzhou = organisation_in("320000", kind="university")
        make_listing(hefei, status="published", title_zh="钙钛矿太阳能电池稳定性提升", summary_zh="钙钛矿电池封装。")
        make_listing(suzhou, status="published", title_zh="钙钛矿叠层电池", summary_zh="钙钛矿电池效率提升。")
        make_listing(
            hefei,
            status="published",
            title_zh="神经网络芯片低功耗设计",
            summary_zh="面向边缘计算的神经网络加速器。",
            field_slug="artificial-intelligence",
        )


def test_a_province_in_the_words_leans_the_ranking_and_is_offered_as_a_filter(client, market):
    with translation.override("en"):
        page = client.get("/en/search/", {"q": "钙钛矿 安徽"})
    html = page.content.decode()
    assert page.status_code == 200
    assert len(page.context["hits"]) == 2  # a boost, not a filter
    assert page.context["hits"][0].listing.province == "340000"
    assert "Only results in Anhui?" in html
    assert "province=340000" in page.context["suggested_filters"][0].url


def test_a_technology_field_in_the_words_is_offered_as_a_filter(client, market):
    page = client.get("/search/", {"q": "人工智能 芯片"})
    assert [hit.listing.title_zh for hit in page.context["hits"]] == ["神经网络芯片低功耗设计"]
    assert "field=artificial-intelligence" in page.context["suggested_filters"][0].url


def test_a_typo_that_finds_only_part_is_offered_the_nearest_known_word(client, market):
    page = client.get("/search/", {"q": "神经网洛"})
    assert page.context["relaxed"]
    assert page.context["did_you_mean"][0][0] == "神经网络"
    assert "q=%E7%A5%9E%E7%BB%8F%E7%BD%91%E7%BB%9C" in page.context["did_you_mean"][0][1]


def test_no_suggestion_when_every_word_is_found(client, market):
    page = client.get("/search/", {"q": "钙钛矿"})
    assert page.context["did_you_mean"] == []
    assert page.context["suggested_filters"] == []
