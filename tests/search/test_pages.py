"""The search page and the search API, on the embedded index kept up by the listings' own writes."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from listings.services.listings import Term
from search.backends import SearchUnavailable
from search.backends.tantivy import TantivyBackend
from tests.factories import make_listing, organisation_in

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


@pytest.fixture
def market(django_capture_on_commit_callbacks):
    """Five published listings and a draft, indexed by the upkeep that runs after each commit."""
    with django_capture_on_commit_callbacks(execute=True):
        shanghai, jiangsu = organisation_in("310000", kind="university"), organisation_in("320000", kind="institute")
        listings = {
            "cathode": make_listing(
                shanghai,
                status="published",
                title_zh="锂电池正极材料",
                title_en="Lithium battery cathode",
                terms=[Term("assignment", None)],
            ),
            "bms": make_listing(
                jiangsu,
                status="published",
                title_zh="电池管理系统芯片",
                kind="software",
                summary_zh="面向储能电站的电池管理芯片。",
                terms=[Term("pay_later", 300_000)],
            ),
            "robot": make_listing(
                shanghai,
                status="published",
                title_zh="工业机器人视觉检测",
                kind="software",
                summary_zh="基于深度学习的表面缺陷检测。",
                terms=[Term("ordinary_licence", 50_000)],
            ),
            "draft": make_listing(shanghai, status="draft", title_zh="锂电池隔膜涂层"),
        }
    return listings


def hit_titles(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", title) for title in re.findall(r'class="search-hit">\s*<h3><a [^>]*>(.*?)</a>', html)
    ]


def test_words_find_listings_across_provinces_with_marked_matches(client, market):
    response = client.get(SEARCH, {"q": "电池"})
    html = response.content.decode()
    assert response.status_code == 200
    assert sorted(hit_titles(html)) == ["电池管理系统芯片", "锂电池正极材料"]
    assert "锂<mark>电池</mark>正极材料" in html
    assert "锂电池隔膜涂层" not in html  # a draft is never found


def test_facets_show_counts_and_a_filter_becomes_a_removable_chip(client, market):
    html = client.get(SEARCH, {"q": "电池"}).content.decode()
    assert re.search(r"上海市</a> <span class=\"facet-count\">1</span>", html)
    assert re.search(r"use first, pay later|先使用后付费", html)
    filtered = client.get(SEARCH, {"q": "电池", "province": "320000"}).content.decode()
    assert hit_titles(filtered) == ["电池管理系统芯片"]
    chip = re.search(r'<li class="chip">([^<]*)<a href="([^"]*)"', filtered)
    assert "江苏省" in chip.group(1)
    removed = parse_qs(urlsplit(chip.group(2).replace("&amp;", "&")).query)
    assert removed == {"q": ["电池"]}  # the words stay, the filter goes


def test_the_url_carries_the_whole_search(client, market):
    params = {"q": "电池", "deal_mode": "pay_later", "sort": "newest"}
    html = client.get(SEARCH, params).content.decode()
    assert hit_titles(html) == ["电池管理系统芯片"]
    assert 'name="deal_mode" value="pay_later"' in html  # the box keeps the filters when the words change
    assert '<option value="newest" selected>' in html


def test_open_licence_and_pay_later_filters(client, market):
    assert hit_titles(client.get(SEARCH, {"pay_later": "1"}).content.decode()) == ["电池管理系统芯片"]


def test_pages_of_results(client, django_capture_on_commit_callbacks):
    organisation = organisation_in("330000", kind="university")
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(23):
            make_listing(organisation, status="published", kind="software", title_zh=f"传感器第{number}号")
    first = client.get(SEARCH, {"q": "传感器"}).content.decode()
    assert len(hit_titles(first)) == 20
    assert 'rel="next"' in first
    second = client.get(SEARCH, {"q": "传感器", "page": "2"}).content.decode()
    assert len(hit_titles(second)) == 3
    assert set(hit_titles(first)).isdisjoint(hit_titles(second))


def test_what_a_person_means_is_found_by_a_synonym_or_a_place(client, market):
    # 锂离子电池 is the longer form of 锂电池, marked where the listing has it.
    html = client.get(SEARCH, {"q": "锂离子电池"}).content.decode()
    assert hit_titles(html) == ["锂电池正极材料"]
    assert "<mark>锂电池</mark>正极材料" in html
    # A province named beside a word: its listings first, the others still found.
    assert hit_titles(client.get(SEARCH, {"q": "电池 江苏"}).content.decode()) == ["电池管理系统芯片", "锂电池正极材料"]
    assert hit_titles(client.get(SEARCH, {"q": "电池 上海"}).content.decode()) == ["锂电池正极材料", "电池管理系统芯片"]


def test_words_no_listing_has_together_find_those_with_some_of_them_and_say_so(client, market):
    html = client.get(SEARCH, {"q": "锂电池 视觉检测"}).content.decode()
    assert sorted(hit_titles(html)) == ["工业机器人视觉检测", "锂电池正极材料"]
    assert re.search(r"No listing has every word of your search|没有成果包含您输入的全部词语", html)
    assert "empty-state" not in html
    # Found together, no such notice.
    assert "No listing has every word" not in client.get(SEARCH, {"q": "视觉检测 缺陷"}).content.decode()


def test_nothing_found_offers_a_way_on(client, market):
    html = client.get(SEARCH, {"q": "石墨烯", "province": "340000"}).content.decode()
    assert "empty-state" in html
    assert 'href="?q=%E7%9F%B3%E5%A2%A8%E7%83%AF"' in html  # the same words without the filters


@pytest.mark.parametrize(
    "params, label",
    [
        ({"province": "999999"}, "省份"),
        ({"page": "abc"}, "页码"),
        ({"q": "长" * 101}, "搜索"),
        ({"sort": "x"}, "排序方式"),
    ],
)
def test_a_query_string_that_cannot_be_read_is_a_400_that_says_why(client, market, params, label):
    response = client.get(SEARCH, params)
    assert response.status_code == 400
    alert = response.content.decode().split('role="alert"')[1].split("</div>")[0]
    assert f"<li>{label}: " in alert  # names the parameter, in the page's language


def test_highlights_cannot_inject_html(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(organisation_in("310000"), status="published", kind="software", title_zh="<b>电池</b>芯片")
    html = client.get(SEARCH, {"q": "芯片"}).content.decode()
    assert "&lt;b&gt;电池&lt;/b&gt;<mark>芯片</mark>" in html


def test_english_page_shows_english_titles(client, market):
    html = client.get("/en/search/", {"q": "battery"}).content.decode()
    assert hit_titles(html) == ["Lithium battery cathode"]
    assert "Lithium <mark>battery</mark> cathode" in html


def test_the_home_page_search_box_lands_on_the_search_page(client):
    html = client.get("/").content.decode()
    assert re.search(r'<form class="hero-search" action="/search/" method="get"', html)


def test_fixed_number_of_queries_whatever_the_page_length(
    client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    organisation = organisation_in("330000", kind="university")
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(organisation, status="published", kind="software", title_zh="传感器一号")
    with django_assert_max_num_queries(10) as few:
        client.get(SEARCH, {"q": "传感器"})
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(12):
            make_listing(organisation, status="published", kind="software", title_zh=f"传感器{number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(SEARCH, {"q": "传感器"})


# When the backend fails


class Broken(TantivyBackend):
    def __init__(self):
        super().__init__(None)

    def search(self, query):
        raise SearchUnavailable("index is being moved")


def test_a_failing_backend_falls_back_to_the_database_with_a_notice(client, market, monkeypatch):
    monkeypatch.setattr("search.searching.get_backend", lambda: Broken())
    response = client.get(SEARCH, {"q": "电池", "province": "310000"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="message message-warning"' in html
    assert hit_titles(html) == ["锂电池正极材料"]
    assert "锂<mark>电池</mark>正极材料" in html


def test_an_unexpected_backend_error_is_not_a_500(client, market, monkeypatch):
    class Crashing(Broken):
        def search(self, query):
            raise RuntimeError("segment file missing")

    monkeypatch.setattr("search.searching.get_backend", lambda: Crashing())
    response = client.get(SEARCH, {"q": "电池"})
    assert response.status_code == 200
    assert sorted(hit_titles(response.content.decode())) == ["电池管理系统芯片", "锂电池正极材料"]


def test_an_unreachable_elasticsearch_falls_back_too(client, market, settings):
    from search.backends import reset_backends

    settings.TECHMARKET_SEARCH = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    settings.ELASTICSEARCH_TIMEOUT = 1
    reset_backends()
    response = client.get(SEARCH, {"q": "电池"})
    assert response.status_code == 200
    assert 'class="message message-warning"' in response.content.decode()
    assert sorted(hit_titles(response.content.decode())) == ["电池管理系统芯片", "锂电池正极材料"]
    api = client.get("/api/v1/search/", {"q": "电池"}).json()
    assert api["degraded"] is True and api["total"] == 2


# The API


def test_api_answers_total_results_and_facets(client, market):
    answer = client.get("/api/v1/search/", {"q": "电池", "province": "310000"}).json()
    assert answer["total"] == 1
    [result] = answer["results"]
    assert result["id"] == market["cathode"].pk
    assert result["title"] == "锂电池正极材料"
    assert result["url"].endswith(market["cathode"].get_absolute_url())
    assert result["highlight"]["title"] == "锂<mark>电池</mark>正极材料"
    assert {"value": "310000", "label": "上海市", "count": 1, "selected": True} in answer["facets"]["province"]
    assert answer["degraded"] is False


def test_api_refuses_bad_parameters_naming_them(client, market):
    response = client.get("/api/v1/search/", {"province": "12", "page_size": "500"})
    assert response.status_code == 400
    assert set(response.json()) == {"province", "page_size"}


def test_api_is_in_the_schema(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/search/"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {"q", "province", "open_licence", "page"}


def test_navigation_links_to_search(client):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{SEARCH}"' in html


def test_a_visitor_is_offered_to_sign_in_to_save_the_search_and_gets_no_token(client, market):
    response = client.get(SEARCH, {"q": "电池", "province": "320000"})
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html and not response.cookies  # the page is the same for every visitor
    assert '/login/?next=/search/%3Fq%3D%25E7%2594%25B5%25E6%25B1%25A0%26province%3D320000"' in html


def test_a_signed_in_user_can_save_the_search(client, market, org_member):
    client.force_login(org_member)
    html = client.get(SEARCH, {"q": "电池", "province": "320000"}).content.decode()
    assert 'action="/search/saved/new/"' in html
    assert 'name="querystring" value="q=%E7%94%B5%E6%B1%A0&amp;province=320000"' in html
