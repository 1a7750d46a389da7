"""Province portals: each shows its own province's organisations, listings, open demands and registry flows, in a
bounded number of queries, and a province has one portal."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from cms.models import ProvincePortalPage
from ip_registry import services as registry
from listings.services import demands
from techmarket.regions.models import TechnologyField
from tests.factories import make_listing, make_patent, organisation_in, university_in

from .conftest import publish

pytestmark = pytest.mark.django_db
SH, JS, ZJ = "310000", "320000", "330000"


def portal(home, province: str, slug: str, title: str) -> ProvincePortalPage:
    return publish(home, ProvincePortalPage(title=title, slug=slug, province=province))


def post_demand(organisation, title: str):
    return demands.demand_create(
        actor=None,
        organisation=organisation,
        title=title,
        problem="需要一种低成本的热管理方案，用于动力电池快充。",
        field=TechnologyField.objects.get(slug="new-energy"),
        budget=Decimal("500000"),
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )


def assign(holder, to, on: datetime.date) -> None:
    patent = make_patent(holder, year=2020)
    registry.patent_assign(actor=None, patent=patent, assignees=[registry.Holding(to)], registration_date=on)


def figure(html: str, name: str) -> str:
    return html.split(f'data-test="{name}">')[1].split("<")[0]


def test_a_portal_shows_its_provinces_organisations_listings_demands_and_flows(client, home):
    portal(home, JS, "jiangsu", "江苏")
    shanghai_university, jiangsu_university = (
        university_in(SH, name_zh="上海某大学"),
        university_in(JS, name_zh="江苏某大学"),
    )
    jiangsu_firm, zhejiang_firm = organisation_in(JS, name_zh="江苏某企业"), organisation_in(ZJ)
    make_listing(jiangsu_university, status="published", title_zh="江苏的成果")
    make_listing(jiangsu_university, status="draft", title_zh="江苏的草稿")
    make_listing(shanghai_university, status="published", title_zh="上海的成果")
    post_demand(jiangsu_firm, "江苏企业的需求")
    post_demand(zhejiang_firm, "浙江企业的需求")
    today = timezone.localdate()
    assign(shanghai_university, jiangsu_firm, today)  # into Jiangsu, this year
    assign(jiangsu_university, zhejiang_firm, today)  # out of Jiangsu, this year
    assign(jiangsu_university, zhejiang_firm, today.replace(year=today.year - 1))  # out of Jiangsu, last year

    response = client.get("/jiangsu/")
    html = response.content.decode()
    assert response.status_code == 200 and response.templates[0].name == "cms/province_portal_page.html"
    assert "江苏的成果" in html and "江苏的草稿" not in html and "上海的成果" not in html
    assert "江苏企业的需求" in html and "浙江企业的需求" not in html
    assert "江苏某大学" in html and "上海某大学" not in html
    assert figure(html, "portal-listings") == "1" and figure(html, "portal-demands") == "1"
    assert (figure(html, "inflow-year"), figure(html, "outflow-year")) == ("1", "1")
    assert (figure(html, "inflow-all"), figure(html, "outflow-all")) == ("1", "2")


def test_a_portal_makes_as_many_queries_with_many_listings_as_with_one(client, home, django_assert_max_num_queries):
    portal(home, SH, "shanghai", "上海")
    university = university_in(SH)
    make_listing(university, status="published")
    with django_assert_max_num_queries(40) as few:
        assert client.get("/shanghai/").status_code == 200
    for number in range(8):
        make_listing(university_in(SH), status="published", title_zh=f"成果{number}")
        post_demand(organisation_in(SH), f"需求{number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/shanghai/")


def test_a_province_has_one_portal(home):
    portal(home, SH, "shanghai", "上海")
    second = ProvincePortalPage(title="上海二", slug="shanghai-2", province=SH)
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            home.add_child(instance=second)
        assert "This province already has a portal." in str(error.value)
