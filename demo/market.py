"""Demo demands and inquiries for ``manage.py seed_demo``, after the demo listings.

Twenty technology demands (企业出题, in ``data/market.toml``) posted by the demo enterprises, most with
proposals from universities and institutes (some shortlisted, a few selected),
and inquiries from the enterprises about published listings, some answered.
Everything goes through the services with the demo people as actors, so the
rules, the audit log and the rate limit are the real ones. The choices come
from ``random.Random(2026)``; an item is skipped when its demand (by title) or
inquiry (by sender and listing) already exists, so a rerun adds nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from listings.models import BudgetRange, Demand, Inquiry, Listing, Timeline
from listings.services.demands import demand_create, proposal_create, proposal_select, proposal_shortlist
from listings.services.inquiries import inquiry_create, inquiry_reply
from techmarket.accounts.choices import SUPPLIER_KINDS, OrganisationKind
from techmarket.accounts.models import Organisation
from techmarket.regions.models import TechnologyField

from .accounts import ENTERPRISES, SUPPLIERS, demo_organisation
from .loading import read_data, tuples
from .steps import DemoStep

_DATA = read_data("market")

# (field slug, title, problem): what the demo enterprises ask the universities for.
DEMANDS: tuple[tuple[str, str, str], ...] = tuple(
    (row["field"], row["title"], row["problem"]) for row in _DATA["demands"]
)
PROPOSAL_TEXT: tuple[str, ...] = tuples(_DATA["proposal_texts"])
USES: tuple[str, ...] = tuples(_DATA["uses"])  # what the enterprises want a listing for
REPLIES: tuple[str, ...] = tuples(_DATA["replies"])

INQUIRY_COUNT = 40


@dataclass(frozen=True)
class DemoDemand:
    number: int
    enterprise: str  # demo key
    field: str
    title: str
    problem: str
    budget: Decimal | None
    days_open: int
    open_to_all: bool
    proposers: tuple[str, ...]  # supplier keys
    outcome: str  # "", "shortlist" or "select"


@dataclass(frozen=True)
class DemoInquiry:
    number: int
    enterprise: str
    use: str
    budget: str
    timeline: str
    replied: bool


def plan_demands(count: int = len(DEMANDS)) -> list[DemoDemand]:
    """The first ``count`` of the twenty demands, each posted by one of the verified enterprises in turn."""
    rng = random.Random(2026)  # noqa: S311 - demo data, reproducible on purpose
    enterprises = [e.key for e in ENTERPRISES if e.verified and e.kind == OrganisationKind.ENTERPRISE]
    suppliers = [s.key for s in SUPPLIERS if s.verified and s.kind in SUPPLIER_KINDS]
    plans = []
    for number, (field, title, problem) in enumerate(DEMANDS[:count]):
        budget = None if rng.random() < 0.3 else Decimal(rng.choice([30, 50, 80, 100, 200, 300, 500]) * 10_000)
        proposers = tuple(rng.sample(suppliers, rng.choice([0, 1, 2, 3, 3])))
        outcome = rng.choice(["", "", "shortlist", "select"]) if proposers else ""
        plans.append(
            DemoDemand(
                number,
                enterprises[number % len(enterprises)],
                field,
                title,
                problem,
                budget,
                rng.randint(20, 120),
                rng.random() < 0.85,
                proposers,
                outcome,
            )
        )
    return plans


def plan_inquiries(count: int = INQUIRY_COUNT) -> list[DemoInquiry]:
    """Inquiries sent by the verified enterprises in turn, about published listings picked when seeding."""
    rng = random.Random(2027)  # noqa: S311 - demo data, reproducible on purpose
    enterprises = [e.key for e in ENTERPRISES if e.verified and e.kind == OrganisationKind.ENTERPRISE]
    return [
        DemoInquiry(
            number,
            enterprises[number % len(enterprises)],
            rng.choice(USES),
            rng.choice(BudgetRange.values),
            rng.choice(Timeline.values),
            rng.random() < 0.6,
        )
        for number in range(count)
    ]


def _admin(organisation: Organisation):
    return organisation.memberships.admins().select_related("user").first().user


def seed_demand(plan: DemoDemand) -> bool:
    enterprise = demo_organisation(plan.enterprise)
    if Demand.objects.filter(organisation=enterprise, title=plan.title).exists():
        return False
    demand = demand_create(
        actor=_admin(enterprise),
        organisation=enterprise,
        title=plan.title,
        problem=plan.problem,
        field=TechnologyField.objects.get(slug=plan.field),
        budget=plan.budget,
        deadline=timezone.localdate() + datetime.timedelta(days=plan.days_open),
        open_to_all_provinces=plan.open_to_all,
    )
    proposals = []
    for key in plan.proposers:
        supplier = demo_organisation(key)
        if not plan.open_to_all and supplier.province != enterprise.province:
            continue
        listings = list(Listing.objects.published().filter(organisation=supplier, field=demand.field)[:2])
        text = PROPOSAL_TEXT[(plan.number + len(proposals)) % len(PROPOSAL_TEXT)]
        proposals.append(
            proposal_create(
                actor=_admin(supplier), demand=demand, organisation=supplier, summary=text, listings=listings
            )
        )
    if proposals and plan.outcome:
        proposal_shortlist(actor=_admin(enterprise), proposal=proposals[0])
        if plan.outcome == "select":
            proposal_select(actor=_admin(enterprise), proposal=proposals[0])
    return True


def seed_inquiry(plan: DemoInquiry) -> bool:
    enterprise = demo_organisation(plan.enterprise)
    sender = _admin(enterprise)
    published = Listing.objects.published().order_by("id")
    total = published.count()
    if not total:
        return False
    listing = published[(plan.number * 37) % total]
    if Inquiry.objects.filter(sender=sender, listing=listing).exists():
        return False
    inquiry = inquiry_create(
        actor=sender, listing=listing, intended_use=plan.use, budget=plan.budget, timeline=plan.timeline
    )
    if plan.replied:
        inquiry_reply(actor=_admin(listing.organisation), inquiry=inquiry, body=REPLIES[plan.number % len(REPLIES)])
    return True


def steps(demand_count: int = len(DEMANDS), inquiry_count: int = INQUIRY_COUNT) -> tuple[DemoStep, ...]:
    return (
        DemoStep("technology demands and proposals", plan_demands(demand_count), seed_demand),
        DemoStep("inquiries about listings", plan_inquiries(inquiry_count), seed_inquiry),
    )


STEPS: tuple[DemoStep, ...] = steps()
