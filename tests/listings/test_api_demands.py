"""The demands API under /api/v1/demands/: the public list, posting and editing, proposals and the decisions.

Messages are compared in English (the client asks for it with Accept-Language).
The permission matrix per role is in test_api_permissions.py.
"""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from listings.choices import DemandStatus, ProposalStatus
from listings.models import Demand, Proposal
from listings.services import demands as services
from techmarket.accounts.choices import VerificationStatus
from techmarket.audit.models import AuditEvent
from techmarket.regions.models import TechnologyField
from tests.factories import add_member, make_listing, organisation_in, platform_staff_user, university_in

pytestmark = pytest.mark.django_db
URL = "/api/v1/demands/"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def enterprise():
    return organisation_in("320000", name_zh="苏州锂电装备有限公司", name_en="Suzhou Battery Equipment Co.")


@pytest.fixture
def firm_member(enterprise):
    return add_member(enterprise)


@pytest.fixture
def nju():
    return university_in("320000", name_zh="南京大学", name_en="Nanjing University")


@pytest.fixture
def nju_member(nju):
    return add_member(nju)


@pytest.fixture
def fudan():
    return university_in("310000", name_zh="复旦大学", name_en="Fudan University")


def post_demand(organisation, **overrides) -> Demand:
    fields = {
        "title": "高倍率快充电池的热管理方案",
        "problem": "我司动力电池在 4C 快充时温升超过 15℃，需要一种低成本的热管理方案。",
        "field": TechnologyField.objects.get(slug="new-energy"),
        "budget": Decimal("800000"),
        "deadline": days(30),
        "open_to_all_provinces": True,
        **overrides,
    }
    return services.demand_create(actor=None, organisation=organisation, **fields)


def propose(demand, organisation, listings=()):
    return services.proposal_create(
        actor=None,
        demand=demand,
        organisation=organisation,
        summary="相变材料方案，温升控制在 5℃ 以内。",
        listings=listings,
    )


def demand_body(owner, **overrides):
    return {
        "organisation": owner.pk,
        "title": "晶圆缺陷的在线检测",
        "problem": "需要在产线上以每片 10 秒以内的速度检测 12 英寸晶圆表面缺陷。",
        "field": "integrated-circuits",
        "budget": "1500000.00",
        "deadline": days(45).isoformat(),
        "open_to_all_provinces": False,
        **overrides,
    }


# The list and a demand -----------------------------------------------------------------------------------------


def test_the_list_shows_open_and_selected_demands(api, enterprise, nju):
    demand = post_demand(enterprise)
    propose(demand, nju)
    selected = post_demand(enterprise, title="已选定的需求")
    services.proposal_select(actor=None, proposal=propose(selected, nju))
    services.demand_close(actor=None, demand=post_demand(enterprise, title="已关闭的需求"))
    rows = api.get(URL).json()["results"]
    assert [row["title"] for row in rows] == ["已选定的需求", "高倍率快充电池的热管理方案"]
    row = rows[1]
    assert row["url"] == f"http://testserver/en/demands/{demand.pk}/"
    assert row["organisation"] == {"id": enterprise.pk, "name": "Suzhou Battery Equipment Co."}
    assert row["province"] == {"code": "320000", "name": "Jiangsu"}
    assert row["field"] == {"slug": "new-energy", "name": "New energy"}
    assert row["budget"] == "800000.00" and row["deadline"] == days(30).isoformat()
    assert row["status"] == "open" and row["takes_proposals"] is True and row["proposal_count"] == 1
    assert rows[0]["status"] == "selected" and rows[0]["takes_proposals"] is False


def test_the_list_filters_and_sorts(api, enterprise):
    anhui = organisation_in("340000", name_zh="合肥精密仪器有限公司")
    soon = post_demand(enterprise, title="近期截止", deadline=days(3), open_to_all_provinces=False)
    late = post_demand(
        anhui, title="远期截止", deadline=days(60), field=TechnologyField.objects.get(slug="biomedicine")
    )
    titles = lambda query: [row["title"] for row in api.get(URL, query).json()["results"]]  # noqa: E731
    assert titles({}) == [late.title, soon.title]
    assert titles({"sort": "deadline"}) == [soon.title, late.title]
    assert titles({"province": "340000"}) == [late.title]
    assert titles({"field": "new-energy"}) == [soon.title]
    assert titles({"open_to_all": "true"}) == [late.title]
    assert titles({"status": "selected"}) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"province": "999999"}, "province"),
        ({"field": "no-such-field"}, "field"),
        ({"status": "closed"}, "status"),
        ({"sort": "budget"}, "sort"),
        ({"open_to_all": "perhaps"}, "open_to_all"),
    ],
)
def test_bad_filters_are_a_400_naming_the_parameter(api, enterprise, query, field):
    post_demand(enterprise)
    response = api.get(URL, query)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_closed_demand_is_seen_only_by_those_it_concerns(api, enterprise, firm_member, nju, nju_member, fudan):
    demand = post_demand(enterprise, title="已关闭")
    propose(demand, nju)
    services.demand_close(actor=None, demand=demand)
    for caller, code in [
        (None, 404),
        (add_member(fudan), 404),
        (firm_member, 200),
        (nju_member, 200),
        (platform_staff_user(), 200),
    ]:
        api.force_authenticate(caller)
        response = api.get(f"{URL}{demand.pk}/")
        assert response.status_code == code
        if code == 404:
            assert "已关闭" not in response.content.decode()
    assert api.get(f"{URL}99999/").status_code == 404


# Posting and editing -------------------------------------------------------------------------------------------


def test_a_member_posts_a_demand(api, enterprise, firm_member):
    api.force_authenticate(firm_member)
    response = api.post(URL, demand_body(enterprise), format="json")
    assert response.status_code == 201, response.json()
    demand = Demand.objects.get()
    assert response.json()["id"] == demand.pk and response.json()["proposal_count"] == 0
    assert demand.province == "320000" and demand.created_by == firm_member
    assert demand.budget == Decimal("1500000") and demand.open_to_all_provinces is False
    assert AuditEvent.objects.filter(action="demand.create").count() == 1


def test_the_budget_may_be_left_out(api, enterprise, firm_member):
    api.force_authenticate(firm_member)
    body = demand_body(enterprise)
    del body["budget"], body["open_to_all_provinces"]
    assert api.post(URL, body, format="json").status_code == 201
    demand = Demand.objects.get()
    assert demand.budget is None and demand.open_to_all_provinces is True


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"deadline": timezone.localdate().isoformat()}, "deadline", "after today"),
        ({"deadline": "next week"}, "deadline", "wrong format"),
        ({"title": ""}, "title", "may not be blank"),
        ({"field": "no-such-field"}, "field", "There is no technology field"),
        ({"budget": "-5"}, "budget", "greater than or equal to 0"),
        ({"organisation": 99999}, "organisation", "does not exist"),
    ],
)
def test_bad_demands_are_a_400_and_write_nothing(api, enterprise, firm_member, overrides, field, message):
    api.force_authenticate(firm_member)
    response = api.post(URL, demand_body(enterprise, **overrides), format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert not Demand.objects.exists()


def test_only_members_of_a_verified_organisation_post_for_it(api, enterprise, nju_member):
    api.force_authenticate(nju_member)
    assert api.post(URL, demand_body(enterprise), format="json").status_code == 403
    pending = organisation_in("330000", verification_status=VerificationStatus.PENDING)
    api.force_authenticate(add_member(pending))
    assert api.post(URL, demand_body(pending), format="json").status_code == 403
    assert not Demand.objects.exists()


def test_the_organisation_edits_an_open_demand_only(api, enterprise, firm_member, nju_member):
    demand = post_demand(enterprise)
    api.force_authenticate(nju_member)
    assert api.patch(f"{URL}{demand.pk}/", {"title": "别人改的"}, format="json").status_code == 403
    api.force_authenticate(firm_member)
    response = api.patch(f"{URL}{demand.pk}/", {"title": "修改后的需求", "budget": None}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "修改后的需求" and response.json()["budget"] is None
    response = api.patch(f"{URL}{demand.pk}/", {"deadline": days(-1).isoformat()}, format="json")
    assert response.status_code == 400 and "after today" in response.json()["deadline"][0]
    services.demand_close(actor=None, demand=demand)
    response = api.patch(f"{URL}{demand.pk}/", {"title": "关闭后再改"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This demand is closed; it can no longer be changed."]}
    demand.refresh_from_db()
    assert demand.title == "修改后的需求"


def test_closing_declines_the_waiting_proposals(api, enterprise, firm_member, nju, django_capture_on_commit_callbacks):
    demand = post_demand(enterprise)
    proposal = propose(demand, nju)
    add_member(nju)
    api.force_authenticate(firm_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{URL}{demand.pk}/close/")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED
    assert len(mail.outbox) == 1
    response = api.post(f"{URL}{demand.pk}/close/")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This demand is already closed."]}


# Proposals -----------------------------------------------------------------------------------------------------


def test_a_university_proposes_with_its_published_listings(api, enterprise, nju, nju_member, firm_member):
    demand = post_demand(enterprise)
    listing = make_listing(nju, status="published", title_zh="相变储热材料")
    api.force_authenticate(nju_member)
    response = api.post(
        f"{URL}{demand.pk}/proposals/",
        {"organisation": nju.pk, "summary": "我们的相变材料方案。", "listings": [listing.pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    proposal = Proposal.objects.get()
    assert response.json() == {
        "id": proposal.pk,
        "organisation": {"id": nju.pk, "name": "Nanjing University"},
        "summary": "我们的相变材料方案。",
        "status": "submitted",
        "listings": [
            {"id": listing.pk, "title": "相变储热材料", "url": f"http://testserver/en/listings/{listing.pk}/"}
        ],
        "created_at": response.json()["created_at"],
    }
    assert list(proposal.listings.all()) == [listing]
    api.force_authenticate(firm_member)
    assert api.get(f"{URL}{demand.pk}/").json()["proposal_count"] == 1


def test_a_proposal_may_point_only_to_the_organisations_own_published_listings(api, enterprise, nju, nju_member, fudan):
    demand = post_demand(enterprise)
    draft = make_listing(nju, status="draft", title_zh="南大的草稿")
    foreign = make_listing(fudan, status="published", title_zh="复旦的成果")
    api.force_authenticate(nju_member)
    for listing in (draft, foreign):
        response = api.post(
            f"{URL}{demand.pk}/proposals/",
            {"organisation": nju.pk, "summary": "方案", "listings": [listing.pk]},
            format="json",
        )
        assert response.status_code == 400
        assert response.json() == {"listings": [f"Not published listings of Nanjing University: {listing.pk}."]}
        assert listing.title_zh not in response.content.decode()
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("province", "takes proposals only from organisations in Jiangsu"),
        ("twice", "has already sent a proposal for this demand"),
        ("selected", "has selected its solver and takes no more proposals"),
    ],
)
def test_the_demands_rules_are_a_400_saying_why(api, enterprise, nju, fudan, setup, message):
    demand = post_demand(enterprise, open_to_all_provinces=setup != "province")
    if setup == "twice":
        propose(demand, fudan)
    if setup == "selected":
        services.proposal_select(actor=None, proposal=propose(demand, nju))
    api.force_authenticate(add_member(fudan))
    response = api.post(f"{URL}{demand.pk}/proposals/", {"organisation": fudan.pk, "summary": "方案"}, format="json")
    assert response.status_code == 400
    assert message in response.json()["non_field_errors"][0]
    assert Proposal.objects.filter(organisation=fudan).count() == (1 if setup == "twice" else 0)


def test_enterprises_and_outsiders_do_not_propose(api, enterprise, firm_member, nju):
    demand = post_demand(enterprise)
    api.force_authenticate(firm_member)
    response = api.post(f"{URL}{demand.pk}/proposals/", {"organisation": nju.pk, "summary": "方案"}, format="json")
    assert response.status_code == 403
    api.force_authenticate(add_member(university_in("330000", name_zh="浙江大学")))
    response = api.post(f"{URL}{demand.pk}/proposals/", {"organisation": nju.pk, "summary": "方案"}, format="json")
    assert response.status_code == 403  # not a member of the organisation named
    assert not Proposal.objects.exists()


def test_each_caller_sees_the_proposals_it_may(api, enterprise, firm_member, nju, nju_member, fudan):
    demand = post_demand(enterprise)
    ours, theirs = propose(demand, nju), propose(demand, fudan)
    for caller, expected in [
        (None, []),
        (firm_member, [ours.pk, theirs.pk]),
        (platform_staff_user(), [ours.pk, theirs.pk]),
        (nju_member, [ours.pk]),
        (add_member(university_in("330000", name_zh="浙江大学")), []),
    ]:
        api.force_authenticate(caller)
        assert [row["id"] for row in api.get(f"{URL}{demand.pk}/proposals/").json()] == expected


def test_the_enterprise_shortlists_and_selects(api, enterprise, firm_member, nju, fudan):
    demand = post_demand(enterprise)
    chosen, other = propose(demand, nju), propose(demand, fudan)
    api.force_authenticate(firm_member)
    response = api.post(f"{URL}{demand.pk}/proposals/{chosen.pk}/shortlist/")
    assert response.status_code == 200 and response.json()["status"] == "shortlisted"
    response = api.post(f"{URL}{demand.pk}/proposals/{chosen.pk}/shortlist/")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This proposal is already on the shortlist."]}
    response = api.post(f"{URL}{demand.pk}/proposals/{chosen.pk}/select/")
    assert response.status_code == 200 and response.json()["status"] == "selected"
    other.refresh_from_db()
    demand.refresh_from_db()
    assert other.status == ProposalStatus.DECLINED and demand.status == DemandStatus.SELECTED
    assert api.post(f"{URL}{demand.pk}/proposals/{other.pk}/select/").status_code == 400


def test_decisions_by_others_do_not_leak_proposals(api, enterprise, nju, nju_member, fudan):
    demand = post_demand(enterprise)
    proposal = propose(demand, nju)
    other_demand = post_demand(enterprise, title="另一个需求")
    api.force_authenticate(add_member(fudan))
    assert api.post(f"{URL}{demand.pk}/proposals/{proposal.pk}/shortlist/").status_code == 404
    api.force_authenticate(nju_member)
    assert api.post(f"{URL}{demand.pk}/proposals/{proposal.pk}/select/").status_code == 403
    api.force_authenticate(add_member(enterprise))
    assert api.post(f"{URL}{other_demand.pk}/proposals/{proposal.pk}/select/").status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


# Queries and schema --------------------------------------------------------------------------------------------


def test_the_lists_make_the_same_queries_for_5_and_25(api, enterprise, firm_member, django_assert_max_num_queries):
    demand = post_demand(enterprise)

    def add(count):
        for number in range(count):
            post_demand(enterprise, title=f"更多需求{number}")
            university = university_in("340000", name_zh=f"安徽测试大学{count}-{number}")
            propose(demand, university, listings=[make_listing(university, status="published") for _ in range(2)])

    add(4)
    api.force_authenticate(firm_member)
    with django_assert_max_num_queries(8) as listed:
        assert len(api.get(URL).json()["results"]) == 5
    with django_assert_max_num_queries(12) as proposed:
        assert len(api.get(f"{URL}{demand.pk}/proposals/").json()) == 4
    add(20)
    with django_assert_max_num_queries(len(listed.captured_queries)):
        assert len(api.get(URL).json()["results"]) == 20
    with django_assert_max_num_queries(len(proposed.captured_queries)):
        assert len(api.get(f"{URL}{demand.pk}/proposals/").json()) == 24


def test_the_schema_documents_the_demand_endpoints(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in [
        "demands/",
        "demands/{id}/",
        "demands/{id}/close/",
        "demands/{id}/proposals/",
        "demands/{id}/proposals/{proposal_id}/shortlist/",
        "demands/{id}/proposals/{proposal_id}/select/",
    ]:
        assert f"/api/v1/{path}" in schema["paths"], path
    parameters = {p["name"] for p in schema["paths"]["/api/v1/demands/"]["get"]["parameters"]}
    assert parameters == {"province", "field", "status", "open_to_all", "sort", "page"}
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/demands/{id}/proposals/"])


def test_a_moderator_closes_a_demand_only_with_a_reason(api, enterprise, django_capture_on_commit_callbacks):
    demand = post_demand(enterprise)
    member = add_member(enterprise)
    api.force_authenticate(platform_staff_user())
    response = api.post(f"{URL}{demand.pk}/close/", {}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["reason"]
    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{URL}{demand.pk}/close/", {"reason": "重复发布"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert [(message.to, "重复发布" in message.body) for message in mail.outbox] == [([member.email], True)]
