"""The search page's second tab: enterprises' open technology demands, with their own facets."""

import datetime

import pytest
from django.utils import timezone

from listings.services.demands import demand_create
from techmarket.regions.models import TechnologyField
from tests.factories import make_listing, organisation_in, university_in


def _demand(province, title, problem, field="new-energy"):
    return demand_create(
        actor=None,
        organisation=organisation_in(province),
        title=title,
        problem=problem,
        field=TechnologyField.objects.get(slug=field),
        budget=None,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )


@pytest.fixture
def market(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(university_in(), status="published", title_zh="动力电池梯次利用技术", summary_zh="退役电池检测。")
        _demand("320000", "寻求电池回收技术", "每年退役动力电池五千吨，需要低成本的回收工艺。")
        _demand("340000", "电池热失控预警", "储能电站需要电池热失控的早期预警方法。")
        _demand("340000", "小样本缺陷检测", "产线缺陷样本少。", field="artificial-intelligence")


def test_the_demands_tab_finds_open_demands_by_words_with_their_own_facets(client, market):
    page = client.get("/search/demands/", {"q": "电池"})
    assert page.status_code == 200
    assert sorted(hit.demand.title for hit in page.context["hits"]) == ["寻求电池回收技术", "电池热失控预警"]
    facets = {facet.name: {item.value: item.count for item in facet.values} for facet in page.context["facets"]}
    assert facets["province"] == {"320000": 1, "340000": 1}
    assert set(facets) == {"province", "field"}
    assert page.context["tabs"] == {"listings": 1, "demands": 2, "words": "?q=%E7%94%B5%E6%B1%A0"}


def test_a_province_chosen_keeps_the_other_and_the_tabs_link_each_other(client, market):
    page = client.get("/search/demands/", {"q": "电池", "province": "340000"})
    assert [hit.demand.title for hit in page.context["hits"]] == ["电池热失控预警"]
    facets = {facet.name: {item.value: item.count for item in facet.values} for facet in page.context["facets"]}
    assert facets["province"] == {"320000": 1, "340000": 1}  # disjunctive
    html = page.content.decode()
    assert 'href="/search/?q=%E7%94%B5%E6%B1%A0"' in html
    assert "status=" not in html  # only open demands, without saying so in every link
    listings = client.get("/search/", {"q": "电池"})
    assert listings.context["tabs"]["demands"] == 2
    assert 'href="/search/demands/?q=%E7%94%B5%E6%B1%A0"' in listings.content.decode()


def test_a_malformed_demands_search_is_a_400_that_says_why(client, db):
    page = client.get("/search/demands/", {"province": "999999"})
    assert page.status_code == 400
    assert page.context["invalid"]
