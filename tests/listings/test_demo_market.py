"""The demo demands and inquiries: the full plan's shape without a database, and a shortened plan seeded for real."""

from collections import Counter

import pytest
from django.conf import settings

from demo import listings as demo
from demo import market as demo_market
from demo import pages as demo_pages
from demo import registry as registry_demo
from demo.accounts import SUPPLIERS
from demo.management.commands import seed_demo
from listings.choices import DemandStatus, InquiryStatus, ProposalStatus
from listings.models import Demand, Inquiry, InquiryMessage, Proposal
from search.query import DEMANDS as DEMANDS_INDEX
from techmarket.accounts.choices import OrganisationKind
from techmarket.audit.models import AuditEvent
from tests.demo_seed import seed, seeded_demo

DEMANDS = demo_market.plan_demands()
INQUIRIES = demo_market.plan_inquiries()


def test_twenty_demands_over_the_fields_from_many_enterprises_with_every_outcome():
    assert demo_market.plan_demands() == DEMANDS and len(DEMANDS) == 20
    assert len({plan.title for plan in DEMANDS}) == 20
    assert len({plan.field for plan in DEMANDS}) >= 10
    assert len({plan.enterprise for plan in DEMANDS}) >= 10
    assert {plan.outcome for plan in DEMANDS} == {"", "shortlist", "select"}
    assert any(not plan.proposers for plan in DEMANDS)
    assert any(not plan.open_to_all for plan in DEMANDS)
    suppliers = {org.key for org in SUPPLIERS}
    assert all(set(plan.proposers) <= suppliers for plan in DEMANDS)


def test_inquiries_stay_under_the_daily_limit_of_each_sender():
    assert len(INQUIRIES) == demo_market.INQUIRY_COUNT == 40
    per_sender = Counter(plan.enterprise for plan in INQUIRIES)
    assert len(per_sender) >= 10
    assert max(per_sender.values()) <= settings.INQUIRY_DAILY_LIMIT
    assert 0 < sum(plan.replied for plan in INQUIRIES) < len(INQUIRIES)


@pytest.fixture(scope="module")
def small_market(django_db_setup, django_db_blocker, tmp_path_factory):
    """The first demands and inquiries, on the first listings of a shortened registry, seeded once for the module."""
    with seeded_demo(
        django_db_blocker,
        media=tmp_path_factory.mktemp("demo-media"),
        registry=registry_demo.steps(patent_count=30),
        listings=demo.steps(listing_count=24, patent_count=30),
        market=demo_market.steps(demand_count=8, inquiry_count=12),
    ) as world:
        yield world


@pytest.mark.django_db
def test_seed_posts_demands_and_inquiries_through_the_services_once(small_market):
    # The market's steps come before the editorial pages, which may show its listings.
    order = [id(step) for step in seed_demo.demo_steps()]
    assert order.index(id(demo_market.STEPS[-1])) < order.index(id(demo_pages.STEPS[0]))
    output = small_market.output
    assert "technology demands and proposals 8/8 (8 new, 0 already there)" in output
    assert "inquiries about listings 12/12 (12 new, 0 already there)" in output

    plans = {plan.title: plan for plan in DEMANDS[:8]}
    demands = Demand.objects.select_related("organisation", "field").prefetch_related("proposals__organisation")
    assert {demand.title for demand in demands} == set(plans)
    for demand in demands:
        plan = plans[demand.title]
        assert demand.organisation.kind == OrganisationKind.ENTERPRISE
        assert demand.field.slug == plan.field and demand.open_to_all_provinces == plan.open_to_all
        proposals = list(demand.proposals.all())
        assert len(proposals) <= len(plan.proposers)
        if not plan.open_to_all:
            assert all(p.organisation.province == demand.province for p in proposals)
        statuses = Counter(proposal.status for proposal in proposals)
        if proposals and plan.outcome == "select":
            assert demand.status == DemandStatus.SELECTED
            assert statuses == {ProposalStatus.SELECTED: 1, ProposalStatus.DECLINED: len(proposals) - 1}
        elif proposals and plan.outcome == "shortlist":
            assert statuses[ProposalStatus.SHORTLISTED] == 1 and demand.status == DemandStatus.OPEN
        else:
            assert set(statuses) <= {ProposalStatus.SUBMITTED} and demand.status == DemandStatus.OPEN
    assert Proposal.objects.exists()

    inquiries = Inquiry.objects.select_related("listing", "organisation").prefetch_related("messages")
    assert inquiries.count() == 12
    for inquiry in inquiries:
        assert inquiry.listing.status == "published"
        assert inquiry.organisation.kind == OrganisationKind.ENTERPRISE
        replies = [m for m in inquiry.messages.all() if m.author_id != inquiry.sender_id]
        assert inquiry.status == (InquiryStatus.ANSWERED if replies else InquiryStatus.OPEN)
    assert Inquiry.objects.filter(status=InquiryStatus.ANSWERED).count() == sum(p.replied for p in INQUIRIES[:12])

    # seed_demo indexed the demands it posted, with the listings.
    demands_index = small_market.index[DEMANDS_INDEX]
    assert demands_index["indexed"] == demands_index["database"] > 0
    assert not demands_index["missing"] and not demands_index["extra"]

    counts = (
        Demand.objects.count(),
        Proposal.objects.count(),
        InquiryMessage.objects.count(),
        AuditEvent.objects.count(),
    )
    output = seed()
    assert (
        Demand.objects.count(),
        Proposal.objects.count(),
        InquiryMessage.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert "technology demands and proposals 8/8 (0 new, 8 already there)" in output
