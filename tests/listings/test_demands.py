"""Technology demands (企业出题 / 揭榜挂帅): an enterprise posts a problem, universities answer, the enterprise decides.

Messages are checked in English (the source strings), through ``/en/`` pages
and ``translation.override("en")`` around the services.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from listings import permissions
from listings.choices import DemandStatus, ProposalStatus
from listings.exceptions import ListingError
from listings.models import Demand, Proposal
from listings.services import demands as services
from techmarket.accounts.choices import MembershipRole, MembershipStatus, VerificationStatus
from techmarket.audit.models import AuditEvent
from techmarket.regions.models import TechnologyField
from tests.factories import (
    OrganisationFactory,
    add_member,
    make_listing,
    organisation_in,
    platform_staff_user,
    university_in,
)

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def en(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"listings:{name}", args=args)


with translation.override("en"):
    LOGIN = reverse("accounts:login")  # where anonymous visitors are sent


@pytest.fixture
def energy():
    return TechnologyField.objects.get(slug="new-energy")


@pytest.fixture
def enterprise():
    """A Jiangsu firm (the factories' organisations are enterprises)."""
    return organisation_in("320000", name_zh="苏州锂电装备有限公司", name_en="Suzhou Battery Equipment Co.")


@pytest.fixture
def firm_admin(enterprise):
    return add_member(enterprise, role=MembershipRole.ADMIN)


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
    """A university in another province (Shanghai)."""
    return university_in("310000", name_zh="复旦大学", name_en="Fudan University")


@pytest.fixture
def fudan_member(fudan):
    return add_member(fudan)


@pytest.fixture
def moderator():
    return platform_staff_user()


def post_demand(organisation, *, actor=None, **overrides) -> Demand:
    fields = {
        "title": "高倍率快充电池的热管理方案",
        "problem": "我司动力电池在 4C 快充时温升超过 15℃，需要一种低成本的热管理方案。",
        "field": TechnologyField.objects.get(slug="new-energy"),
        "budget": Decimal("800000"),
        "deadline": days(30),
        "open_to_all_provinces": True,
    }
    fields.update(overrides)
    return services.demand_create(actor=actor, organisation=organisation, **fields)


def propose(demand, organisation, *, actor=None, summary="我们的相变材料方案可将温升控制在 5℃ 以内。", listings=()):
    return services.proposal_create(
        actor=actor, demand=demand, organisation=organisation, summary=summary, listings=listings
    )


# Demands: the services ------------------------------------------------------------------------------------------


def test_a_member_posts_a_demand_that_takes_the_organisations_province(firm_member, enterprise):
    demand = post_demand(enterprise, actor=firm_member)
    demand.refresh_from_db()
    assert demand.status == DemandStatus.OPEN
    assert demand.province == "320000"
    assert demand.created_by == firm_member
    event = AuditEvent.objects.for_object(demand).get()
    assert (event.action, event.actor) == ("demand.create", firm_member)


@pytest.mark.parametrize("deadline", [0, -1])
def test_the_deadline_must_be_after_today(firm_member, enterprise, deadline):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        post_demand(enterprise, actor=firm_member, deadline=days(deadline))
    assert caught.value.message_dict["deadline"] == [
        "The deadline must be a date after today, so that universities have time to answer."
    ]
    assert not Demand.objects.exists()


def test_bad_fields_are_refused_together(firm_member, enterprise):
    with pytest.raises(ValidationError) as caught:
        post_demand(enterprise, actor=firm_member, title="", budget=Decimal("-1"), deadline=days(-3))
    assert set(caught.value.message_dict) == {"title", "budget", "deadline"}
    assert not Demand.objects.exists()


def test_only_members_of_verified_organisations_post_demands(enterprise, nju_member):
    with pytest.raises(PermissionDenied):
        post_demand(enterprise, actor=nju_member)
    pending = OrganisationFactory(verification_status=VerificationStatus.PENDING)
    with pytest.raises(PermissionDenied):
        post_demand(pending, actor=add_member(pending))
    waiting = add_member(enterprise, status=MembershipStatus.PENDING)
    with pytest.raises(PermissionDenied):
        post_demand(enterprise, actor=waiting)
    assert not Demand.objects.exists()


def test_a_university_may_post_a_demand_too(nju, nju_member):
    assert post_demand(nju, actor=nju_member).organisation == nju


def test_the_organisation_edits_an_open_demand(enterprise, firm_member, nju_member):
    demand = post_demand(enterprise)
    services.demand_update(
        actor=firm_member, demand=demand, title="快充电池热管理", deadline=days(60), open_to_all_provinces=False
    )
    demand.refresh_from_db()
    assert (demand.title, demand.deadline, demand.open_to_all_provinces) == ("快充电池热管理", days(60), False)
    event = AuditEvent.objects.for_object(demand).filter(action="demand.update").get()
    assert event.data == {"fields": ["deadline", "open_to_all_provinces", "title"]}
    with pytest.raises(PermissionDenied):
        services.demand_update(actor=nju_member, demand=demand, title="别人的")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.demand_update(actor=firm_member, demand=demand, deadline=days(-1))
    assert "after today" in caught.value.message_dict["deadline"][0]
    demand.refresh_from_db()
    assert (demand.title, demand.deadline) == ("快充电池热管理", days(60))


def test_an_unchanged_deadline_that_has_passed_does_not_block_other_edits(enterprise, firm_member):
    demand = post_demand(enterprise)
    Demand.objects.filter(pk=demand.pk).update(deadline=days(-2))
    services.demand_update(actor=firm_member, demand=demand, title="新标题", deadline=days(-2))
    assert Demand.objects.get(pk=demand.pk).title == "新标题"


def test_a_closed_or_selected_demand_cannot_be_edited(enterprise, firm_member):
    demand = post_demand(enterprise)
    services.demand_close(actor=firm_member, demand=demand)
    with translation.override("en"), pytest.raises(ListingError) as caught:
        services.demand_update(actor=firm_member, demand=demand, title="改不了")
    assert str(caught.value) == "This demand is closed; it can no longer be changed."
    assert Demand.objects.get(pk=demand.pk).title != "改不了"


def test_closing_declines_the_proposals_still_waiting_and_tells_them(
    enterprise, firm_member, nju, nju_member, fudan, fudan_member, mailoutbox, django_capture_on_commit_callbacks
):
    demand = post_demand(enterprise)
    first, second = propose(demand, nju), propose(demand, fudan)
    services.proposal_shortlist(actor=None, proposal=second)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_close(actor=firm_member, demand=demand)
    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.CLOSED
    assert {p.status for p in Proposal.objects.filter(pk__in=[first.pk, second.pk])} == {ProposalStatus.DECLINED}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([nju_member.email, fudan_member.email])
    assert all(demand.title in m.subject for m in mailoutbox)
    event = AuditEvent.objects.for_object(demand).get(action="demand.close")
    assert sorted(event.data["declined"]) == sorted([first.pk, second.pk])
    with translation.override("en"), pytest.raises(ListingError, match="already closed"):
        services.demand_close(actor=firm_member, demand=demand)


def test_only_the_demands_organisation_or_a_moderator_closes_it(enterprise, nju_member, moderator):
    demand = post_demand(enterprise)
    for someone in (nju_member, add_member(OrganisationFactory())):
        with pytest.raises(PermissionDenied):
            services.demand_close(actor=someone, demand=demand, reason="不当内容")
    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.OPEN


def test_a_moderator_closes_a_demand_with_a_reason_the_enterprise_is_sent(
    enterprise, firm_member, nju, nju_member, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    demand = post_demand(enterprise)
    proposal = services.proposal_create(actor=nju_member, demand=demand, organisation=nju, summary="方案")
    with pytest.raises(ValidationError) as caught:
        services.demand_close(actor=moderator, demand=demand, reason="  ")
    assert "reason" in caught.value.message_dict
    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.OPEN
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_close(actor=moderator, demand=demand, reason="需求内容涉及虚假宣传")
    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.CLOSED
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.DECLINED
    to_enterprise = [m for m in mailoutbox if firm_member.email in m.to]
    assert len(to_enterprise) == 1 and "需求内容涉及虚假宣传" in to_enterprise[0].body
    assert "已被平台审核人员关闭" in to_enterprise[0].subject
    event = AuditEvent.objects.for_object(demand).get(action="demand.close")
    assert event.data["reason"] == "需求内容涉及虚假宣传" and event.actor == moderator


# Proposals: the services ----------------------------------------------------------------------------------------


def test_a_university_member_proposes_with_its_published_listings(
    enterprise, firm_admin, firm_member, nju, nju_member, mailoutbox, django_capture_on_commit_callbacks
):
    waiting = add_member(enterprise, status=MembershipStatus.PENDING)
    demand = post_demand(enterprise)
    listing = make_listing(nju, status="published")
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(demand, nju, actor=nju_member, listings=[listing, listing])
    proposal.refresh_from_db()
    assert (proposal.status, proposal.created_by) == (ProposalStatus.SUBMITTED, nju_member)
    assert list(proposal.listings.all()) == [listing]
    event = AuditEvent.objects.for_object(proposal).get()
    assert (event.action, event.data["listings"]) == ("proposal.create", [listing.pk])
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted([firm_admin.email, firm_member.email])
    assert waiting.email not in mail.to
    assert demand.title in mail.subject and "南京大学" in mail.body
    assert demand.get_absolute_url() in mail.body


def test_no_mail_leaves_before_the_proposal_commits(enterprise, firm_member, nju, nju_member, mailoutbox):
    demand = post_demand(enterprise)
    propose(demand, nju, actor=nju_member)
    assert mailoutbox == []  # no commit in a test transaction: nothing sent


def _close(demand):
    services.demand_close(actor=None, demand=demand)


def _select_other(demand):
    other = university_in("340000", name_zh="中国科学技术大学")
    services.proposal_select(actor=None, proposal=propose(demand, other))


def _past_deadline(demand):
    Demand.objects.filter(pk=demand.pk).update(deadline=days(-1))


def _only_jiangsu(demand):
    Demand.objects.filter(pk=demand.pk).update(open_to_all_provinces=False)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (_close, "This demand is closed and takes no more proposals."),
        (_select_other, "This demand has selected its solver and takes no more proposals."),
        (_past_deadline, "Proposals for this demand were due on {deadline}; the deadline has passed."),
        (_only_jiangsu, "This demand takes proposals only from organisations in Jiangsu."),
    ],
)
def test_the_demands_rules_refuse_a_proposal_with_a_message(enterprise, fudan, fudan_member, setup, message):
    demand = post_demand(enterprise)
    setup(demand)
    demand.refresh_from_db()
    with translation.override("en"), pytest.raises(ListingError) as caught:
        propose(demand, fudan, actor=fudan_member)
    assert str(caught.value) == message.format(deadline=demand.deadline.isoformat())
    assert not Proposal.objects.filter(organisation=fudan).exists()


def test_proposals_are_taken_on_the_deadline_day_itself(enterprise, nju, nju_member):
    demand = post_demand(enterprise)
    Demand.objects.filter(pk=demand.pk).update(deadline=timezone.localdate())
    assert propose(Demand.objects.get(pk=demand.pk), nju, actor=nju_member).pk


def test_a_province_restricted_demand_takes_its_own_provinces_universities(enterprise, nju, nju_member):
    demand = post_demand(enterprise, open_to_all_provinces=False)
    assert propose(demand, nju, actor=nju_member).organisation == nju


def test_one_proposal_per_organisation(enterprise, nju, nju_member):
    demand = post_demand(enterprise)
    propose(demand, nju, actor=nju_member)
    with translation.override("en"), pytest.raises(ListingError) as caught:
        propose(demand, nju, actor=add_member(nju), summary="第二份")
    assert str(caught.value) == "Nanjing University has already sent a proposal for this demand."
    assert Proposal.objects.filter(demand=demand).count() == 1


def test_enterprises_do_not_answer_demands(enterprise):
    demand = post_demand(enterprise)
    firm = OrganisationFactory(name_zh="杭州竞争对手有限公司")
    with translation.override("en"), pytest.raises(ListingError) as caught:
        propose(demand, firm, actor=add_member(firm))
    assert str(caught.value) == "Only verified universities and research institutes can answer technology demands."
    unverified = university_in("320000", verification_status=VerificationStatus.PENDING)
    with translation.override("en"), pytest.raises(ListingError, match="Only verified universities"):
        propose(demand, unverified, actor=None)
    assert not Proposal.objects.exists()


def test_an_organisation_does_not_answer_its_own_demand(client, nju, nju_member):
    demand = post_demand(nju)
    with translation.override("en"), pytest.raises(ListingError) as caught:
        propose(demand, nju, actor=nju_member)
    assert str(caught.value) == "An organisation cannot answer its own demand."
    client.force_login(nju_member)
    page = client.get(en("demand_detail", demand.pk)).content.decode()
    assert 'name="summary"' not in page and 'id="propose"' not in page and "Close the demand" in page


def test_only_members_propose_for_their_organisation(enterprise, nju, fudan_member):
    demand = post_demand(enterprise)
    for someone in (fudan_member, add_member(nju, status=MembershipStatus.PENDING)):
        with pytest.raises(PermissionDenied):
            propose(demand, nju, actor=someone)
    assert not Proposal.objects.exists()


def test_a_proposal_points_only_to_the_organisations_own_published_listings(enterprise, nju, nju_member, fudan):
    demand = post_demand(enterprise)
    someone_elses = make_listing(fudan, status="published", title_zh="复旦的成果")
    draft = make_listing(nju, status="draft", title_zh="南大的草稿")
    withdrawn = make_listing(nju, status="withdrawn", title_zh="南大已撤回的成果")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        propose(demand, nju, actor=nju_member, listings=[someone_elses, draft, withdrawn])
    assert caught.value.message_dict["listings"] == [
        "A proposal can only point to your own organisation's listings, not to: 复旦的成果.",
        "Only published listings can be part of a proposal; not yet (or no longer) published: "
        "南大的草稿、南大已撤回的成果.",
    ]
    assert not Proposal.objects.exists()


def test_an_empty_proposal_is_refused(enterprise, nju, nju_member):
    demand = post_demand(enterprise)
    with pytest.raises(ValidationError) as caught:
        propose(demand, nju, actor=nju_member, summary="")
    assert "summary" in caught.value.message_dict
    assert not Proposal.objects.exists()


def test_the_enterprise_shortlists_and_the_proposer_is_told(
    enterprise, firm_member, nju, nju_member, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = add_member(nju, role=MembershipRole.ADMIN)
    proposal = propose(post_demand(enterprise), nju)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_shortlist(actor=firm_member, proposal=proposal)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.SHORTLISTED
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted([nju_member.email, colleague.email])
    assert AuditEvent.objects.for_object(proposal).filter(action="proposal.shortlist", actor=firm_member).exists()
    with translation.override("en"), pytest.raises(ListingError) as caught:
        services.proposal_shortlist(actor=firm_member, proposal=proposal)
    assert str(caught.value) == "This proposal is already on the shortlist."


def test_only_the_demands_organisation_decides(enterprise, nju, nju_member, moderator):
    proposal = propose(post_demand(enterprise), nju)
    for someone in (nju_member, moderator, add_member(OrganisationFactory())):
        with pytest.raises(PermissionDenied):
            services.proposal_shortlist(actor=someone, proposal=proposal)
        with pytest.raises(PermissionDenied):
            services.proposal_select(actor=someone, proposal=proposal)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.SUBMITTED


def test_selecting_one_proposal_declines_the_others_and_marks_the_demand(
    enterprise, firm_member, nju, nju_member, fudan, fudan_member, mailoutbox, django_capture_on_commit_callbacks
):
    ustc = university_in("340000", name_zh="中国科学技术大学")
    ustc_member = add_member(ustc)
    demand = post_demand(enterprise)
    chosen, shortlisted, plain = propose(demand, nju), propose(demand, fudan), propose(demand, ustc)
    services.proposal_shortlist(actor=firm_member, proposal=shortlisted)
    other_demand = post_demand(enterprise, title="另一个需求")
    elsewhere = propose(other_demand, fudan)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_select(actor=firm_member, proposal=chosen)
    statuses = dict(Proposal.objects.values_list("pk", "status"))
    assert statuses == {
        chosen.pk: ProposalStatus.SELECTED,
        shortlisted.pk: ProposalStatus.DECLINED,
        plain.pk: ProposalStatus.DECLINED,
        elsewhere.pk: ProposalStatus.SUBMITTED,
    }
    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.SELECTED
    assert Demand.objects.get(pk=other_demand.pk).status == DemandStatus.OPEN
    by_recipient = {tuple(m.to): m for m in mailoutbox}
    assert set(by_recipient) == {(nju_member.email,), (fudan_member.email,), (ustc_member.email,)}
    with translation.override("en"):
        assert by_recipient[(nju_member.email,)].subject.startswith("您的方案已中选")
        assert by_recipient[(fudan_member.email,)].subject.startswith("您的方案未中选")
    event = AuditEvent.objects.for_object(chosen).get(action="proposal.select")
    assert sorted(event.data["declined"]) == sorted([shortlisted.pk, plain.pk])
    with translation.override("en"), pytest.raises(ListingError) as caught:
        services.proposal_select(actor=firm_member, proposal=plain)
    assert str(caught.value) == "This demand has selected its solver; its proposals can no longer change."


def test_mails_are_in_english_when_the_site_is(
    settings, enterprise, nju, nju_member, mailoutbox, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "en"
    proposal = propose(post_demand(enterprise), nju)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_select(actor=None, proposal=proposal)
    [mail] = mailoutbox
    assert mail.subject == "Your proposal is selected: 高倍率快充电池的热管理方案"
    assert "苏州锂电装备有限公司 has selected the proposal of 南京大学" in mail.body


def test_a_declined_proposal_cannot_be_selected_later(enterprise, firm_member, nju, fudan):
    demand = post_demand(enterprise)
    declined = propose(demand, nju)
    Proposal.objects.filter(pk=declined.pk).update(status=ProposalStatus.DECLINED)
    with translation.override("en"), pytest.raises(ListingError) as caught:
        services.proposal_select(actor=firm_member, proposal=declined)
    assert str(caught.value) == "This proposal was declined; it cannot be selected."
    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.OPEN


# Pages ----------------------------------------------------------------------------------------------------------


def test_the_list_shows_open_and_selected_demands_with_filters(client, enterprise, fudan):
    shanghai_firm = organisation_in("310000", name_zh="上海芯片有限公司")
    battery = post_demand(enterprise, title="电池热管理需求", open_to_all_provinces=False)
    chip = post_demand(
        shanghai_firm,
        title="芯片封装散热需求",
        field=TechnologyField.objects.get(slug="integrated-circuits"),
        deadline=days(5),
    )
    solved = post_demand(enterprise, title="已选定的需求", deadline=days(90))
    services.proposal_select(actor=None, proposal=propose(solved, fudan))
    closed = post_demand(enterprise, title="已关闭的需求")
    services.demand_close(actor=None, demand=closed)
    url = en("demand_list")
    page = client.get(url).content.decode()
    assert all(d.title in page for d in (battery, chip, solved)) and closed.title not in page
    assert page.index(solved.title) < page.index(chip.title) < page.index(battery.title)  # newest first
    for query, shown, hidden in [
        ({"province": "310000"}, [chip], [battery, solved]),
        ({"field": "integrated-circuits"}, [chip], [battery, solved]),
        ({"open_to_all": "on"}, [chip, solved], [battery]),
        ({"status": "selected"}, [solved], [battery, chip]),
        ({"status": "open"}, [battery, chip], [solved]),
    ]:
        page = client.get(url, query).content.decode()
        assert all(d.title in page for d in shown) and not any(d.title in page for d in hidden), query
    page = client.get(url, {"sort": "deadline"}).content.decode()
    # Those still taking proposals first, the soonest due first; the selected one last.
    assert page.index(chip.title) < page.index(battery.title) < page.index(solved.title)


def test_the_list_is_paginated_with_an_empty_state_and_ignores_bad_filters(client, enterprise):
    url = en("demand_list")
    assert "No enterprise has posted a demand yet." in client.get(url).content.decode()
    for number in range(23):
        post_demand(enterprise, title=f"需求{number:02d}")
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert first.count('class="card demand-card"') == 20 and second.count('class="card demand-card"') == 3
    assert "Page 1 of 2" in first
    empty = client.get(url, {"field": "quantum-information"}).content.decode()
    assert "No demand matches these filters." in empty
    response = client.get(url, {"province": "999999", "sort": "cheapest", "page": "x"})
    assert response.status_code == 200
    assert "Some filters were not understood and have been ignored." in response.content.decode()


def test_the_list_and_page_queries_do_not_grow(client, enterprise, firm_member, nju, django_assert_max_num_queries):
    demand = post_demand(enterprise)
    propose(demand, nju, listings=[make_listing(nju, status="published")])
    client.force_login(firm_member)
    with django_assert_max_num_queries(30) as list_few:
        client.get(en("demand_list"))
    with django_assert_max_num_queries(30) as detail_few:
        client.get(en("demand_detail", demand.pk))
    for number in range(8):
        post_demand(enterprise, title=f"更多需求{number}")
        university = university_in("340000", name_zh=f"安徽测试大学{number}")
        propose(demand, university, listings=[make_listing(university, status="published") for _ in range(2)])
    with django_assert_max_num_queries(len(list_few.captured_queries)):
        page = client.get(en("demand_list")).content.decode()
    assert page.count('class="card demand-card"') == 9
    with django_assert_max_num_queries(len(detail_few.captured_queries)):
        page = client.get(en("demand_detail", demand.pk)).content.decode()
    assert page.count('class="proposal"') == 9


def test_the_page_for_each_visitor(client, enterprise, firm_member, nju, nju_member, fudan, fudan_member, moderator):
    demand = post_demand(enterprise, open_to_all_provinces=False)
    mine = make_listing(nju, status="published", title_zh="南大的热管理成果")
    make_listing(nju, status="draft", title_zh="南大的草稿成果")
    make_listing(fudan, status="published", title_zh="复旦的成果")
    nju_proposal = propose(demand, nju, summary="南京大学的方案全文", listings=[mine])
    url = en("demand_detail", demand.pk)

    page = client.get(url).content.decode()  # anonymous
    assert demand.title in page and demand.problem in page
    assert "Sign in as a member of a university or research institute" in page
    assert "南京大学的方案全文" not in page and 'name="summary"' not in page

    client.force_login(add_member(OrganisationFactory()))  # another firm's member
    page = client.get(url).content.decode()
    assert "Only members of verified universities and research institutes can answer" in page
    assert 'name="summary"' not in page and "南京大学的方案全文" not in page

    client.force_login(fudan_member)  # another province, on a Jiangsu-only demand
    page = client.get(url).content.decode()
    assert "This demand takes proposals only from organisations in Jiangsu." in page
    assert 'name="summary"' not in page and "南京大学的方案全文" not in page

    client.force_login(add_member(nju))  # the university that has answered: its own proposal, no form
    page = client.get(url).content.decode()
    assert "南京大学的方案全文" in page and "Your proposal" in page
    assert "Your organisation has sent its proposal" in page and 'name="summary"' not in page
    assert "Select this proposal" not in page

    jiangsu = university_in("320000", name_zh="东南大学")
    seu_member = add_member(jiangsu)
    seu_listing = make_listing(jiangsu, status="published", title_zh="东大的成果")
    client.force_login(seu_member)  # a Jiangsu university that may answer
    page = client.get(url).content.decode()
    assert 'name="summary"' in page and seu_listing.title_zh in page
    assert mine.title_zh not in page and "南大的草稿成果" not in page and "复旦的成果" not in page
    assert "南京大学的方案全文" not in page

    for manager in (firm_member, moderator):
        client.force_login(manager)
        page = client.get(url).content.decode()
        assert "南京大学的方案全文" in page and mine.title_zh in page
        assert ("Select this proposal" in page) == (manager == firm_member)
        assert (en("proposal_shortlist", demand.pk, nju_proposal.pk) in page) == (manager == firm_member)


def test_after_the_deadline_the_page_takes_no_proposals(client, enterprise, nju, nju_member):
    demand = post_demand(enterprise)
    assert permissions.can_propose(nju_member, demand, nju)
    Demand.objects.filter(pk=demand.pk).update(deadline=days(-1))
    demand.refresh_from_db()
    assert not permissions.can_propose(nju_member, demand, nju)
    client.force_login(nju_member)
    page = client.get(en("demand_detail", demand.pk)).content.decode()
    assert f"Proposals were due on {days(-1).isoformat()}; this demand takes no more." in page
    assert 'name="summary"' not in page


def test_a_university_member_sends_a_proposal_through_the_form(
    client, enterprise, firm_member, nju, nju_member, mailoutbox, django_capture_on_commit_callbacks
):
    demand = post_demand(enterprise)
    listing = make_listing(nju, status="published")
    client.force_login(nju_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            en("proposal_create", demand.pk),
            {"organisation": nju.pk, "summary": "表单提交的方案", "listings": [listing.pk]},
        )
    assert response.status_code == 302 and response["Location"].endswith("#proposals")
    proposal = Proposal.objects.get()
    assert (proposal.organisation, proposal.summary, list(proposal.listings.all())) == (
        nju,
        "表单提交的方案",
        [listing],
    )
    assert [m.to for m in mailoutbox] == [[firm_member.email]]
    page = client.get(response["Location"]).content.decode()
    assert "Your proposal is sent." in page and "表单提交的方案" in page


def test_bad_proposals_get_a_message_and_write_nothing(client, enterprise, nju, nju_member, fudan):
    demand = post_demand(enterprise)
    someone_elses = make_listing(fudan, status="published")
    client.force_login(nju_member)
    url = en("proposal_create", demand.pk)
    response = client.post(url, {"organisation": nju.pk, "summary": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(url, {"organisation": nju.pk, "summary": "方案", "listings": [someone_elses.pk]})
    assert response.status_code == 400 and "Select a valid choice." in response.content.decode()
    response = client.post(url, {"organisation": fudan.pk, "summary": "冒充复旦"})
    assert response.status_code == 400
    Demand.objects.filter(pk=demand.pk).update(deadline=days(-1))
    response = client.post(url, {"organisation": nju.pk, "summary": "迟到的方案"}, follow=True)
    assert "the deadline has passed" in response.content.decode()
    assert not Proposal.objects.exists()


def test_proposals_refused_by_role(client, enterprise, firm_member, fudan, fudan_member):
    demand = post_demand(enterprise, open_to_all_provinces=False)
    url = en("proposal_create", demand.pk)
    assert client.post(url, {"summary": "x"})["Location"].startswith(LOGIN)
    client.force_login(add_member(OrganisationFactory()))
    assert client.post(url, {"summary": "企业不能提交"}).status_code == 403
    client.force_login(fudan_member)
    response = client.post(url, {"organisation": fudan.pk, "summary": "外省的方案"}, follow=True)
    assert "This demand takes proposals only from organisations in Jiangsu." in response.content.decode()
    assert client.get(url).status_code == 405
    assert not Proposal.objects.exists()


def test_the_enterprise_shortlists_and_selects_through_the_page(
    client, enterprise, firm_member, nju, fudan, mailoutbox, django_capture_on_commit_callbacks
):
    demand = post_demand(enterprise)
    first, second = propose(demand, nju), propose(demand, fudan)
    client.force_login(firm_member)
    response = client.post(en("proposal_shortlist", demand.pk, first.pk), follow=True)
    assert "Nanjing University is on the shortlist" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(en("proposal_select", demand.pk, first.pk), follow=True)
    page = response.content.decode()
    assert "Nanjing University is selected." in page and "Select this proposal" not in page
    assert Proposal.objects.get(pk=second.pk).status == ProposalStatus.DECLINED
    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.SELECTED
    response = client.post(en("proposal_select", demand.pk, second.pk), follow=True)
    assert "This demand has selected its solver; its proposals can no longer change." in response.content.decode()


def test_decisions_by_others_are_refused_without_leaking_proposals(client, enterprise, nju, nju_member, fudan_member):
    demand = post_demand(enterprise)
    proposal = propose(demand, nju)
    other_demand = post_demand(enterprise, title="另一个需求")
    shortlist = en("proposal_shortlist", demand.pk, proposal.pk)
    assert client.post(shortlist)["Location"].startswith(LOGIN)
    client.force_login(fudan_member)  # cannot see the proposal: it does not exist for them
    assert client.post(shortlist).status_code == 404
    assert client.post(en("proposal_select", demand.pk, proposal.pk)).status_code == 404
    client.force_login(nju_member)  # sees their own proposal, but does not decide on it
    assert client.post(shortlist).status_code == 403
    assert client.post(en("proposal_select", demand.pk, proposal.pk)).status_code == 403
    client.force_login(platform_staff_user())
    assert client.post(shortlist).status_code == 403
    client.force_login(add_member(enterprise))
    assert client.post(en("proposal_shortlist", other_demand.pk, proposal.pk)).status_code == 404  # wrong demand
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.SUBMITTED


def test_a_closed_demand_is_seen_only_by_those_it_concerns(
    client, enterprise, firm_member, nju, nju_member, fudan_member, moderator
):
    demand = post_demand(enterprise)
    propose(demand, nju)
    services.demand_close(actor=firm_member, demand=demand)
    url = en("demand_detail", demand.pk)
    assert client.get(url).status_code == 404
    for someone, status in [(fudan_member, 404), (nju_member, 200), (firm_member, 200), (moderator, 200)]:
        client.force_login(someone)
        assert client.get(url).status_code == status, someone
    assert client.get(en("demand_detail", 999999)).status_code == 404


def test_an_enterprise_member_posts_a_demand_through_the_form(client, enterprise, firm_member, energy):
    client.force_login(firm_member)
    url = en("demand_create")
    page = client.get(url).content.decode()
    assert enterprise.name_zh in page and 'type="date"' in page and 'id="org-switch"' not in page
    data = {
        "org": enterprise.pk,
        "title": "表单发布的需求",
        "problem": "需要解决的问题",
        "field": energy.pk,
        "budget": "",
        "deadline": days(20).isoformat(),
        "open_to_all_provinces": "on",
    }
    response = client.post(url, data, follow=True)
    demand = Demand.objects.get()
    assert (demand.organisation, demand.budget, demand.open_to_all_provinces) == (enterprise, None, True)
    assert response.redirect_chain[-1][0] == en("demand_detail", demand.pk)
    page = response.content.decode()
    assert "Your demand is published." in page and "negotiable" in page


def test_a_bad_demand_form_shows_the_errors_and_writes_nothing(client, firm_member, enterprise, energy):
    client.force_login(firm_member)
    data = {"org": enterprise.pk, "title": "", "problem": "问题", "field": energy.pk, "deadline": days(0).isoformat()}
    response = client.post(en("demand_create"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in page and "The deadline must be a date after today" in page
    assert not Demand.objects.exists()


def test_the_demand_form_for_each_visitor(client, enterprise, firm_member, nju_member):
    url = en("demand_create")
    assert client.get(url)["Location"].startswith(LOGIN)
    client.force_login(add_member(OrganisationFactory(verification_status=VerificationStatus.PENDING)))
    response = client.get(url, follow=True)
    assert "Only members of a verified organisation can post technology demands." in response.content.decode()
    second = OrganisationFactory(name_zh="无锡第二家公司")
    add_member(second, firm_member)
    client.force_login(firm_member)
    page = client.get(url).content.decode()
    assert 'id="org-switch"' in page
    assert "无锡第二家公司" in client.get(url, {"org": second.pk}).content.decode()
    assert client.get(url, {"org": OrganisationFactory().pk}).status_code == 403
    client.force_login(nju_member)  # a university may post too
    assert client.get(url).status_code == 200


def test_the_organisation_edits_and_closes_its_demand_through_the_pages(
    client, enterprise, firm_member, nju_member, energy
):
    demand = post_demand(enterprise)
    edit, close = en("demand_edit", demand.pk), en("demand_close", demand.pk)
    client.force_login(nju_member)
    assert client.get(edit).status_code == 403
    assert client.post(close).status_code == 403
    client.force_login(firm_member)
    data = {
        "title": "改过的标题",
        "problem": demand.problem,
        "field": energy.pk,
        "budget": "500000",
        "deadline": days(40).isoformat(),
    }
    response = client.post(edit, data, follow=True)
    assert "Your changes are saved." in response.content.decode()
    demand.refresh_from_db()
    assert (demand.title, demand.budget, demand.open_to_all_provinces) == ("改过的标题", Decimal("500000"), False)
    response = client.post(edit, {**data, "deadline": days(-1).isoformat()})
    assert response.status_code == 400 and "after today" in response.content.decode()
    response = client.post(close, follow=True)
    assert "The demand is closed." in response.content.decode()
    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.CLOSED
    response = client.get(edit, follow=True)
    assert "Only an open demand can be changed." in response.content.decode()
    response = client.post(close, follow=True)
    assert "This demand is already closed." in response.content.decode()


def test_a_moderator_closes_a_demand_from_its_page_with_a_reason(client, enterprise, moderator):
    demand = post_demand(enterprise)
    url, close = en("demand_detail", demand.pk), en("demand_close", demand.pk)
    client.force_login(moderator)
    page = client.get(url).content.decode()
    assert 'id="take-down-reason"' in page and en("demand_edit", demand.pk) not in page
    response = client.post(close, {"reason": ""})
    assert response.status_code == 400
    assert "Say why the demand is closed" in response.content.decode()
    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.OPEN
    response = client.post(close, {"reason": "重复发布"}, follow=True)
    assert "The demand is closed." in response.content.decode()
    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.CLOSED
    assert 'id="take-down-reason"' not in response.content.decode()


def test_the_navigation_points_at_the_demand_list(client):
    page = client.get(en("demand_list")).content.decode()
    assert f'href="{en("demand_list")}"' in page and "Technology demands" in page
