"""The demo's licensing: the full plan's shape (no database), and a shortened demo seeded for real.

The open-licence declarations and the licences taken under them come from the registry plan and are seeded with
the registry; the finance staff, the firms' sizes and the risk funds come before the registry; the pay-later offers
and agreements after the listings. The database test seeds the first 60 patents and 60 listings of the same plans,
which hold every pay-later agreement the full demo holds.
"""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from demo import licensing as demo_licensing
from demo import listings as demo_listings
from demo import registry as demo_registry
from demo import registry_plan
from demo.accounts import ENTERPRISES
from demo.clock import demo_clock
from demo.listings_plan import LISTING_COUNT, plan_listings
from demo.management.commands import seed_demo
from ip_registry.choices import EntryKind, LicenceType
from ip_registry.selectors import FlowFilter, flow_matrix
from licensing.choices import (
    AgreementState,
    ClaimStatus,
    DeclarationStatus,
    FeeType,
    LicenceStatus,
    PaymentState,
)
from licensing.models import (
    Agreement,
    Claim,
    CreditRecord,
    Declaration,
    FundMovement,
    LicenceNotice,
    OpenLicence,
    PayLaterOffer,
    Payment,
    RiskFund,
)
from licensing.permissions import FINANCE_GROUP
from licensing.services.fund import funds_verify
from techmarket.accounts.choices import FirmSize
from techmarket.accounts.models import Organisation, User
from techmarket.audit.models import AuditEvent
from tests.demo_seed import seed, seeded_demo

PLAN = registry_plan.plan_patents()
PATENTS, LISTINGS = 60, 60


def _planned(plan):
    """The planned declarations (their fee types) and open licences (whether the licensee is in another province
    than the licensor)."""
    declarations, licences = [], []
    for patent in plan:
        licensor = registry_plan.ORGANISATIONS_BY_KEY[patent.holders[0][0]].province  # the first holder declares
        for event in patent.events:
            if event.kind == EntryKind.OPEN_LICENCE_DECLARATION:
                declarations.append(event.details["fee_type"])
            if event.kind == EntryKind.LICENCE and event.licence_type == LicenceType.OPEN:
                ((licensee, _share),) = event.parties
                licences.append(registry_plan.ORGANISATIONS_BY_KEY[licensee].province != licensor)
    return declarations, licences


# The full plan, without a database ------------------------------------------------------------------------------


def test_full_plan_declares_about_sixty_patents_a_quarter_free_and_takes_thirty_licences_some_across_borders():
    declarations, licences = _planned(PLAN)
    portfolios = demo_licensing.plan_portfolios(PLAN, plan_listings(LISTING_COUNT, PLAN))
    assert len(portfolios) == 3 and all(len(portfolio.patents) >= 2 for portfolio in portfolios)
    declared = declarations + [p.terms["fee_type"] for p in portfolios for _number in p.patents]
    assert 55 <= len(declared) <= 65
    assert 0.2 <= declared.count("free") / len(declared) <= 0.35
    assert {"free", "fixed", "royalty"} == set(declared)
    declared_in_history = {
        patent.application_number
        for patent in PLAN
        if any(event.kind == EntryKind.OPEN_LICENCE_DECLARATION for event in patent.events)
    }
    assert not {number for portfolio in portfolios for number in portfolio.patents} & declared_in_history
    assert len(licences) >= 30
    assert 10 <= sum(licences) < len(licences)


def test_declaration_terms_follow_the_planned_fee():
    assert demo_licensing.declaration_terms({"fee_type": "free", "fee": "0.00"})["fee_type"] == FeeType.FREE
    fixed = demo_licensing.declaration_terms({"fee_type": "fixed", "fee": "50000.00", "basis": "参照"})
    assert (fixed["fee_type"], str(fixed["lump_sum"]), fixed["fee_basis"]) == (FeeType.LUMP_SUM, "50000.00", "参照")
    royalty = demo_licensing.declaration_terms({"fee_type": "royalty", "fee": "3%", "basis": "参照"})
    assert (royalty["fee_type"], str(royalty["royalty_rate"])) == (FeeType.ROYALTY, "3")
    assert royalty["royalty_base"] and royalty["reporting_period"] and royalty["payment_method"]


def test_fifteen_agreements_cover_every_state_and_firm_sizes_are_mostly_small():
    assert len(demo_licensing.AGREEMENTS) == 15
    assert {plan.state for plan in demo_licensing.AGREEMENTS} == set(AgreementState.values)
    sizes = Counter(firm.size for firm in demo_licensing.FIRM_SIZES)
    assert {firm.key for firm in demo_licensing.FIRM_SIZES} == {org.key for org in ENTERPRISES}
    assert sizes[FirmSize.LARGE] == 1
    assert 1 < sizes[FirmSize.MEDIUM] <= 4
    assert sizes[FirmSize.SMALL] + sizes[FirmSize.MICRO] >= 0.7 * len(demo_licensing.FIRM_SIZES)
    by_key = {firm.key: firm for firm in demo_licensing.FIRM_SIZES}
    # Every firm that applies is eligible under the offers' default (small and micro firms).
    assert all(by_key[plan.firm].size in (FirmSize.SMALL, FirmSize.MICRO) for plan in demo_licensing.AGREEMENTS)
    assert {fund.region for fund in demo_licensing.FUNDS} == {"yrd", "310000", "320000", "330000", "340000"}


def test_the_demo_clock_stamps_the_planned_day():
    import datetime

    from django.utils import timezone

    with demo_clock(datetime.date(2023, 5, 6)) as moment:
        assert timezone.now() == moment
        assert timezone.localdate() == datetime.date(2023, 5, 6)
    assert timezone.localdate() != datetime.date(2023, 5, 6)


# A shortened demo in the database -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_demo(
        django_db_blocker,
        media=tmp_path_factory.mktemp("demo-media"),
        registry=demo_registry.steps(patent_count=PATENTS),
        listings=demo_listings.steps(listing_count=LISTINGS, patent_count=PATENTS),
        market=(),
        licensing=demo_licensing.steps(listing_count=LISTINGS, patent_count=PATENTS),
    ) as world:
        yield world


def _counts() -> dict[str, int]:
    return {
        "declarations": Declaration.objects.count(),
        "licences": OpenLicence.objects.count(),
        "notices": LicenceNotice.objects.count(),
        "offers": PayLaterOffer.objects.count(),
        "agreements": Agreement.objects.count(),
        "payments": Payment.objects.count(),
        "fund movements": FundMovement.objects.count(),
        "claims": Claim.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }


@pytest.mark.django_db
def test_seed_licenses_through_the_services_and_a_second_run_adds_nothing(small_demo):
    order = [id(step) for step in seed_demo.demo_steps()]
    assert order.index(id(demo_licensing.ACCOUNT_STEPS[-1])) < order.index(id(demo_registry.STEPS[-1]))
    assert order.index(id(demo_listings.STEPS[-1])) < order.index(id(demo_licensing.STEPS[0]))
    output = small_demo.output
    assert "pay-later agreements 15/15 (15 new, 0 already there)" in output
    assert "finance@demo.techmarket.cn" in output  # listed with the other logins

    # Declarations in force, with their registry entries, on the planned terms; co-owners consented.
    declarations, licences = _planned(PLAN[:PATENTS])
    portfolios = demo_licensing.STEPS[0].items
    assert len(portfolios) == 1 and portfolios[0].terms["fee_type"] == "free"
    in_force = Declaration.objects.filter(status=DeclarationStatus.IN_FORCE)
    assert in_force.count() == len(declarations) + 1 > 5
    assert not Declaration.objects.exclude(status=DeclarationStatus.IN_FORCE).exists()
    assert Declaration.objects.filter(fee_type=FeeType.FREE).count() == declarations.count("free") + 1
    assert not Declaration.objects.filter(declared_patents__entry__isnull=True).exists()

    # The planned open licences in force on the registry with their notices, cross-province ones among them; one
    # more awaits its bank transfer, and one fee was refunded.
    assert in_force.get(declared_patents__patent__application_number=portfolios[0].patents[0]).effective_on == (
        portfolios[0].day
    )
    in_force = OpenLicence.objects.filter(status=LicenceStatus.IN_FORCE).select_related("licensor", "licensee")
    assert in_force.count() == len(licences)
    assert sum(licence.licensor.province != licence.licensee.province for licence in in_force) == sum(licences) > 0
    assert all(licence.registry_entries.exists() for licence in in_force)
    assert LicenceNotice.objects.filter(licence__in=in_force).count() == len(licences)
    assert OpenLicence.objects.filter(status=LicenceStatus.AWAITING_PAYMENT).count() == 1
    paid = in_force.exclude(payment=None)
    assert paid.exists() and all(licence.effective_on == licence.term_start for licence in paid)
    assert all(licence.payment.succeeded_at.date() == licence.term_start for licence in paid)

    # Every pay-later state, moved there by the services and the clock; one paid claim, one rejected.
    assert Counter(Agreement.objects.values_list("state", flat=True)) == Counter(
        plan.state for plan in demo_licensing.AGREEMENTS
    )
    paid_claim = Claim.objects.get(status=ClaimStatus.PAID)
    assert paid_claim.agreement.state == AgreementState.COMPENSATED and paid_claim.payout.amount == -paid_claim.amount
    assert Claim.objects.get(status=ClaimStatus.REJECTED).agreement.state == AgreementState.CLAIM_REJECTED
    assert CreditRecord.objects.count() == 4  # defaulted, claim, compensated, claim rejected
    # Every state a bank transfer can reach (the demo pays by transfer; only a card or wallet payment is ever
    # "processing" while the gateway clears it).
    assert set(Payment.objects.values_list("state", flat=True)) == set(PaymentState.values) - {PaymentState.PROCESSING}

    # Firm sizes through the accounts service, funds topped up and balanced, the finance login in its group.
    sizes = dict(Organisation.objects.exclude(firm_size="").values_list("name_zh", "firm_size"))
    assert len(sizes) == len(ENTERPRISES)
    assert RiskFund.objects.count() == 5
    assert all(check.balanced for check in funds_verify())
    finance = User.objects.get(email="finance@demo.techmarket.cn")
    assert finance.groups.filter(name=FINANCE_GROUP).exists()

    # The registry still verifies, and the dashboard counts the open licences on their planned days.
    call_command("verify_registry", stdout=StringIO())
    assert flow_matrix(FlowFilter()).total > len(licences)

    before = _counts()
    output = seed()
    assert _counts() == before
    assert "pay-later agreements 15/15 (0 new, 15 already there)" in output
