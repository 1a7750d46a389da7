"""Rate limits on inquiries and proposals, on the pages and the API: per address and per account, a 429 saying when
to try again (``Retry-After``), nothing written. Small limits are set per test with the ``settings`` fixture."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from listings.models import Inquiry, Proposal
from listings.services import demands as demand_services
from listings.services import inquiries as inquiry_services
from techmarket.regions.models import TechnologyField
from tests.factories import OrganisationFactory, add_member, make_listing, organisation_in, university_in

pytestmark = pytest.mark.django_db

INQUIRY = {"intended_use": "用于我司动力电池产线的正极材料升级。", "budget": "10-50", "timeline": "3m"}


@pytest.fixture
def listing():
    owner = university_in("330000", name_zh="浙江大学")
    return make_listing(owner, status="published", title_zh="高镍三元正极材料制备技术")


@pytest.fixture
def firm_members():
    return [add_member(OrganisationFactory()) for _ in range(2)]


def limit(settings, scope: str, **rates: str) -> None:
    settings.RATELIMITS = {**settings.RATELIMITS, scope: rates}


def assert_refused_for_now(response, most_seconds: int) -> None:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= most_seconds


# Inquiries --------------------------------------------------------------------------------------------------------


def test_inquiries_from_one_address_are_limited_on_the_page(client, settings, listing, firm_members):
    limit(settings, "inquiry", ip="1/d")
    url = reverse("listings:inquiry_create", args=[listing.pk])
    client.force_login(firm_members[0])
    assert client.post(url, INQUIRY).status_code == 302
    # Another person, the same address.
    client.force_login(firm_members[1])
    response = client.post(url, INQUIRY)
    assert_refused_for_now(response, 24 * 3600)
    assert 'data-test="too-many-requests"' in response.content.decode()
    assert Inquiry.objects.count() == 1
    # From elsewhere it goes.
    assert client.post(url, INQUIRY, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_inquiries_from_one_address_are_limited_on_the_api(settings, listing, firm_members):
    limit(settings, "inquiry", ip="1/d")
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(firm_members[0])
    assert api.post("/api/v1/inquiries/", {"listing": listing.pk, **INQUIRY}, format="json").status_code == 201
    api.force_authenticate(firm_members[1])
    response = api.post("/api/v1/inquiries/", {"listing": listing.pk, **INQUIRY}, format="json")
    assert_refused_for_now(response, 24 * 3600)
    assert "Try again after" in response.json()["detail"]
    assert Inquiry.objects.count() == 1


def test_the_daily_limit_per_person_says_when_to_try_again_on_the_page_and_the_api(client, settings, firm_members):
    settings.INQUIRY_DAILY_LIMIT = 1
    owner = university_in("330000")
    first, second, third = (make_listing(owner, status="published") for _ in range(3))
    sender = firm_members[0]
    inquiry_services.inquiry_create(actor=sender, listing=first, **INQUIRY)
    client.force_login(sender)
    assert_refused_for_now(client.post(reverse("listings:inquiry_create", args=[second.pk]), INQUIRY), 24 * 3600)
    api = APIClient()
    api.force_authenticate(sender)
    response = api.post("/api/v1/inquiries/", {"listing": third.pk, **INQUIRY}, format="json")
    assert_refused_for_now(response, 24 * 3600)
    assert Inquiry.objects.count() == 1


# Proposals --------------------------------------------------------------------------------------------------------


@pytest.fixture
def demands():
    enterprise = organisation_in("320000", name_zh="苏州锂电装备有限公司")
    return [
        demand_services.demand_create(
            actor=None,
            organisation=enterprise,
            title=f"高倍率快充电池的热管理方案 {n}",
            problem="我司动力电池在 4C 快充时温升超过 15℃，需要一种低成本的热管理方案。",
            field=TechnologyField.objects.get(slug="new-energy"),
            budget=Decimal("800000"),
            deadline=timezone.localdate() + datetime.timedelta(days=30),
            open_to_all_provinces=True,
        )
        for n in range(3)
    ]


@pytest.fixture
def nju():
    return university_in("320000", name_zh="南京大学")


def test_proposals_by_one_person_are_limited_on_the_page(client, settings, demands, nju):
    limit(settings, "proposal", ip="100/h", account="1/h")
    client.force_login(add_member(nju))
    proposal = {"organisation": nju.pk, "summary": "相变材料方案。"}
    assert client.post(reverse("listings:proposal_create", args=[demands[0].pk]), proposal).status_code == 302
    response = client.post(reverse("listings:proposal_create", args=[demands[1].pk]), proposal)
    assert_refused_for_now(response, 3600)
    assert Proposal.objects.count() == 1


def test_proposals_by_one_person_and_from_one_address_are_limited_on_the_api(settings, demands, nju):
    limit(settings, "proposal", ip="2/h", account="1/h")
    api = APIClient()
    api.force_authenticate(add_member(nju))
    body = {"organisation": nju.pk, "summary": "相变材料方案。"}
    assert api.post(f"/api/v1/demands/{demands[0].pk}/proposals/", body, format="json").status_code == 201
    assert_refused_for_now(api.post(f"/api/v1/demands/{demands[1].pk}/proposals/", body, format="json"), 3600)
    # A colleague at the same address: one more, then the address is refused too.
    api.force_authenticate(add_member(nju))
    assert api.post(f"/api/v1/demands/{demands[1].pk}/proposals/", body, format="json").status_code == 201
    api.force_authenticate(add_member(nju))
    assert_refused_for_now(api.post(f"/api/v1/demands/{demands[2].pk}/proposals/", body, format="json"), 3600)
    assert Proposal.objects.count() == 2
