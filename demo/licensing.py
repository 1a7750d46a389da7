"""Demo licensing for ``manage.py seed_demo``: finance staff, firm sizes, risk funds, pay-later offers and agreements.

What is seeded here, and in which order, is in ``data/licensing.toml``. The open-licence declarations and the open
licences taken under them belong to the patents' registry histories: :mod:`demo.registry` plays them through
:func:`declare` and :func:`obtain` on their planned days, before the listings are seeded (whose open-licence terms
come from the declarations in force).

Everything goes through the services (``licensing.services``, ``licensing.payments.services``,
``techmarket.accounts.services``), as the platform (``actor=None``), the parties' administrators or the finance staff
would call them; the only direct writes are the risk funds themselves, which no service creates (platform staff
set them up in the admin), and the finance staff's group membership, which no service grants.

The pay-later agreements are planned in days before the day the seed runs, so that each stands where its plan says
on that day and the daily clock takes it on from there; each past day is played under :func:`demo.clock.demo_clock`
and the clock (``licensing_clock``, with the day's payment expiries) runs on the planned days.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from ip_registry.models import Patent
from licensing.choices import FeeType, InstalmentStatus, LicenceStatus, PaymentState
from licensing.models import Agreement, Claim, Declaration, DeclarationConsent, OpenLicence, PayLaterOffer, RiskFund
from licensing.payments.services import payment_confirm_receipt, payment_fail, payment_refund, payments_expire
from licensing.permissions import finance_group
from licensing.services import claims, clock, declarations, fund, licences, paylater
from listings.choices import DealMode, ListingStatus
from listings.models import Listing
from techmarket.accounts.models import Organisation, User
from techmarket.accounts.services import organisation_update

from .accounts import ENTERPRISES, Person, _seed_in_group, demo_organisation
from .clock import demo_clock, demo_moment
from .listings_plan import LISTING_COUNT, RESTRICTIVE_MODES, DemoListing, offerable_patents, plan_listings
from .loading import read_data
from .registry_plan import OPEN_LICENCE, PATENT_COUNT, PlannedEvent, plan_patents
from .steps import DemoStep

_DATA = read_data("licensing")
FINANCE = Person(_DATA["finance"]["login"], _DATA["finance"]["name"], _DATA["finance"].get("phone"))
FINANCE_ROLE: str = _DATA["finance_role"]
_TERMS = _DATA["open_licence"]


def finance_user() -> User:
    return User.objects.get(email__iexact=FINANCE.email)


def _admin(organisation: Organisation) -> User:
    return organisation.memberships.admins().select_related("user").order_by("pk").first().user


# --- Finance staff, firm sizes, funds -----------------------------------------------------------------------------


def seed_finance(person: Person) -> bool:
    return _seed_in_group(person, finance_group())


@dataclass(frozen=True)
class DemoFirmSize:
    key: str
    size: str
    staff: int
    revenue: int  # 10,000 yuan a year
    tech_sme: str = ""


FIRM_SIZES = tuple(
    DemoFirmSize(key, row["size"], row["staff"], row["revenue"], row.get("tech_sme", ""))
    for key, row in _DATA["firm_sizes"].items()
)


def seed_firm_size(data: DemoFirmSize) -> bool:
    """The enterprise's administrator states its size on its profile; left alone once stated."""
    organisation = demo_organisation(data.key)
    if organisation.firm_size:
        return False
    organisation_update(
        actor=_admin(organisation),
        organisation=organisation,
        firm_size=data.size,
        staff_count=data.staff,
        annual_revenue=Decimal(data.revenue),
        tech_sme_number=data.tech_sme,
    )
    return True


@dataclass(frozen=True)
class DemoFund:
    region: str
    name: str
    coverage: Decimal
    cap: Decimal
    top_up: Decimal


FUNDS = tuple(
    DemoFund(row["region"], row["name"], Decimal(row["coverage"]), Decimal(row["cap"]), Decimal(row["top_up"]))
    for row in _DATA["funds"]
)


def seed_fund(data: DemoFund) -> bool:
    """The fund (no service creates one: staff set it up in the admin), then its first top-up through the service."""
    risk_fund, created = RiskFund.objects.get_or_create(
        region=data.region,
        defaults={"name": data.name, "coverage_ratio": data.coverage, "per_agreement_cap": data.cap},
    )
    if risk_fund.movements.exists():
        return created
    fund.fund_top_up(actor=finance_user(), fund=risk_fund, amount=data.top_up, note=data.name)
    return True


# --- Open licences (called by demo.registry, inside a patent's story) --------------------------------------------


def declaration_terms(planned: dict) -> dict:
    """The registry plan's terms (free, a fixed fee, a royalty) as a declaration states them."""
    fee_type = planned["fee_type"]
    if fee_type == "free":
        return {"fee_type": FeeType.FREE, "fee_basis": planned.get("basis", "")}
    terms = {
        "payment_method": _TERMS["payment_method"],
        "payment_schedule": OPEN_LICENCE["payment"][fee_type],
        "fee_basis": planned["basis"],
    }
    if fee_type == "fixed":
        return {"fee_type": FeeType.LUMP_SUM, "lump_sum": Decimal(planned["fee"]), **terms}
    return {
        "fee_type": FeeType.ROYALTY,
        "royalty_rate": Decimal(planned["fee"].rstrip("%")),
        "royalty_base": _TERMS["royalty_base"],
        "reporting_period": _TERMS["reporting_period"],
        **terms,
    }


def declare(patent: Patent, event: PlannedEvent) -> Declaration:
    """The patent's first holder declares the open licence on the planned day; co-owners and pledgees consent."""
    day = event.registration_date
    licensor = patent.right_holders.order_by("position").select_related("organisation").first().organisation
    with demo_clock(day):
        declaration = declarations.declaration_create(
            actor=_admin(licensor),
            licensor=licensor,
            patents=[patent],
            period_end=event.term_end,
            on=day,
            **declaration_terms(event.details),
        )
        _consent(declaration, day)
    declaration.refresh_from_db()
    return declaration


def _consent(declaration: Declaration, day: datetime.date) -> None:
    """Each co-owner's and pledgee's administrator consents the same day: the last consent puts it in force."""
    for consent in DeclarationConsent.objects.filter(declaration=declaration).select_related("organisation"):
        declarations.declaration_consent_answer(actor=_admin(consent.organisation), consent=consent, give=True, on=day)


def obtain(declaration: Declaration, licensee: Organisation, day: datetime.date) -> OpenLicence:
    """The firm's administrator accepts the declaration on the planned day; a fee is paid by bank transfer and
    confirmed by finance staff the same day, which puts the licence in force and on the registry."""
    with demo_clock(day):
        licence = licences.licence_obtain(actor=_admin(licensee), declaration=declaration, licensee=licensee, on=day)
        if licence.payment_id:
            payment_confirm_receipt(
                actor=finance_user(), payment=licence.payment, amount_received=licence.payment.amount
            )
    licence.refresh_from_db()
    return licence


# --- Portfolio declarations, after the listings ----------------------------------------------------------------


@dataclass(frozen=True)
class DemoPortfolio:
    """A declaration of several patents of one holder, on a day after the registry's planned history (its listings,
    which offer no exclusive or sole licence, then show the declared terms beside an open-licence mode, if any)."""

    holder: str  # key of the supplier
    patents: tuple[str, ...]  # application numbers
    day: datetime.date
    period_end: datetime.date
    terms: dict


def plan_portfolios(patents, listings) -> tuple[DemoPortfolio, ...]:
    """Each portfolio of ``data/licensing.toml`` takes the next inventions one university or institute may offer
    (``listings_plan.offerable_patents``: in force, held by it, no exclusive or sole licence) that carry no licence
    and no declaration and that no listing offers with an exclusive or sole licence, in registry order."""
    restricted = {
        number
        for listing in listings
        if any(term.mode in RESTRICTIVE_MODES for term in listing.terms)
        for number in listing.patents
    }
    free: dict[str, list[str]] = {}
    for holder, offers in offerable_patents(patents).items():
        for offer in offers:
            untied = not offer.licensed and offer.open_licence is None
            if offer.is_invention and untied and offer.application_number not in restricted:
                free.setdefault(holder, []).append(offer.application_number)
    portfolios = []
    for row in _DATA["portfolios"]:
        holder = next((key for key, numbers in free.items() if len(numbers) >= row["patents"]), None)
        if holder is None:
            continue
        numbers, free[holder] = free[holder][: row["patents"]], free[holder][row["patents"] :]
        day = row["day"]
        portfolios.append(
            DemoPortfolio(holder, tuple(numbers), day, day.replace(year=day.year + row["years"]), dict(row["terms"]))
        )
    return tuple(portfolios)


def seed_portfolio(plan: DemoPortfolio) -> bool:
    """The holder's administrator declares the portfolio on the planned day; its co-owners consent the same day."""
    patents = list(Patent.objects.filter(application_number__in=plan.patents).order_by("application_number"))
    if Declaration.objects.filter(declared_patents__patent__in=patents).exists():
        return False
    licensor = demo_organisation(plan.holder)
    terms = declaration_terms({"basis": OPEN_LICENCE["basis"], **plan.terms})
    with demo_clock(plan.day):
        declaration = declarations.declaration_create(
            actor=_admin(licensor), licensor=licensor, patents=patents, period_end=plan.period_end, on=plan.day, **terms
        )
        _consent(declaration, plan.day)
    return True


# --- Pay-later offers and agreements ------------------------------------------------------------------------------

OFFERS: dict[str, dict] = _DATA["offers"]
DEFAULT_OFFERS: tuple[str, ...] = tuple(_DATA["default_offers"])


@dataclass(frozen=True)
class DemoAgreement:
    state: str
    firm: str
    offer: str
    days: dict  # step -> days before the seed's run day (a list for ``clock`` and ``pay``)
    note: str = ""
    reason: str = ""


AGREEMENTS = tuple(
    DemoAgreement(row["state"], row["firm"], row["offer"], row["days"], row.get("note", ""), row.get("reason", ""))
    for row in _DATA["agreements"]
)


@dataclass(frozen=True)
class DemoOffer:
    organisation: str
    title_zh: str
    province: str
    terms: str  # key of OFFERS


def plan_offers(listings: tuple[DemoListing, ...]) -> tuple[DemoOffer, ...]:
    """Every listing offering pay-later gets terms: the published ones first take the agreements' offers, in order."""
    offering = [plan for plan in listings if any(term.mode == DealMode.PAY_LATER for term in plan.terms)]
    published = [plan for plan in offering if plan.status == ListingStatus.PUBLISHED]
    others = [plan for plan in offering if plan.status != ListingStatus.PUBLISHED]
    offers = []
    for index, plan in enumerate(published + others):
        terms = AGREEMENTS[index].offer if index < len(AGREEMENTS) else DEFAULT_OFFERS[index % len(DEFAULT_OFFERS)]
        offers.append(DemoOffer(plan.organisation, plan.title_zh, plan.province, terms))
    return tuple(offers)


def _listing(offer: DemoOffer) -> Listing:
    return Listing.objects.get(organisation=demo_organisation(offer.organisation), title_zh=offer.title_zh)


def _offer_terms(offer: DemoOffer) -> dict:
    row = dict(OFFERS[offer.terms])
    region = row.pop("fund", None)
    terms = {
        "trial_months": row["trial_months"],
        "trigger": row["trigger"],
        "payment_form": row["payment_form"],
        "fee": Decimal(row["fee"]) if "fee" in row else None,
        "instalments": row.get("instalments"),
        "instalment_months": row.get("instalment_months", 3),
        "revenue_share": Decimal(row["revenue_share"]) if "revenue_share" in row else None,
        "reporting_period": row.get("reporting_period", ""),
        "cap": Decimal(row["cap"]) if "cap" in row else None,
        "fund_covered": region is not None,
        "fund": None,
        "eligible_sizes": ["small", "micro"],
        "is_active": True,
    }
    if region is not None:
        terms["fund"] = RiskFund.objects.get(region=offer.province if region == "province" else region)
    return terms


def seed_offer(offer: DemoOffer) -> bool:
    listing = _listing(offer)
    if PayLaterOffer.objects.filter(listing=listing).exists():
        return False
    paylater.offer_save(actor=None, listing=listing, **_offer_terms(offer))
    return True


@dataclass(frozen=True)
class AgreementItem:
    plan: DemoAgreement
    offer: DemoOffer


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _steps(plan: DemoAgreement) -> list[tuple[int, str]]:
    """The plan's steps in date order (most days ago first); on one day the firm acts before the clock runs."""
    order = ("apply", "approve", "decline", "convert", "exit", "revenue", "fail", "pay", "clock", "decide")
    steps = []
    for name, value in plan.days.items():
        for days in value if isinstance(value, list) else [value]:
            steps.append((days, name))
    return sorted(steps, key=lambda step: (-step[0], order.index(step[1])))


def _pay_invoiced(agreement: Agreement) -> None:
    for instalment in agreement.instalment_rows.filter(
        status__in=(InstalmentStatus.INVOICED, InstalmentStatus.OVERDUE), payment__state=PaymentState.PENDING
    ).select_related("payment"):
        payment_confirm_receipt(
            actor=finance_user(), payment=instalment.payment, amount_received=instalment.payment.amount
        )


def seed_agreement(item: AgreementItem) -> bool:
    """Apply, decide, convert or exit, pay and let the clock run, each on its planned day."""
    plan = item.plan
    listing = _listing(item.offer)
    licensee = demo_organisation(plan.firm)
    if Agreement.objects.filter(listing=listing, licensee=licensee).exists():
        return False
    firm_admin, licensor_admin = _admin(licensee), _admin(listing.organisation)
    agreement = None
    for days, name in _steps(plan):
        day = _days_ago(days)
        with demo_clock(day):
            if name == "apply":
                agreement = paylater.agreement_apply(
                    actor=firm_admin, offer=listing.pay_later_offer, licensee=licensee, note=plan.note, on=day
                )
            elif name == "approve":
                paylater.agreement_approve(actor=licensor_admin, agreement=agreement, on=day)
            elif name == "decline":
                paylater.agreement_decline(actor=licensor_admin, agreement=agreement, reason=plan.reason, on=day)
            elif name == "convert":
                paylater.agreement_convert(actor=firm_admin, agreement=agreement, on=day)
            elif name == "exit":
                paylater.agreement_exit(actor=firm_admin, agreement=agreement, reason=plan.reason, on=day)
            elif name == "revenue":
                paylater.agreement_report_first_revenue(actor=firm_admin, agreement=agreement, on=day)
            elif name == "fail":
                instalment = agreement.instalment_rows.filter(payment__state=PaymentState.PENDING).first()
                payment_fail(payment=instalment.payment, reason=_DATA["failed_transfer"])
            elif name == "pay":
                _pay_invoiced(agreement)
            elif name == "clock":
                payments_expire(now=demo_moment(day))
                clock.licensing_clock(on=day)
            elif name == "decide":
                approve = plan.state == "compensated"
                claims.claim_decide(
                    actor=finance_user(),
                    claim=Claim.objects.get(agreement=agreement),
                    approve=approve,
                    reason="" if approve else plan.reason,
                    on=day,
                )
    agreement.refresh_from_db()
    if agreement.state != plan.state:
        raise ValueError(f"demo agreement of {plan.firm} ended {agreement.state}, planned {plan.state}")
    return True


# --- Payments that are neither paid nor pending -------------------------------------------------------------------


def seed_refund(reason: str) -> bool:
    """Finance staff return one open licence fee to the firm that paid it (the patentee waived it)."""
    if OpenLicence.objects.filter(payment__state=PaymentState.REFUNDED).exists():
        return False
    licence = (
        OpenLicence.objects.filter(payment__state=PaymentState.SUCCEEDED, status=LicenceStatus.IN_FORCE)
        .order_by("-term_start", "reference")
        .first()
    )
    payment_refund(actor=finance_user(), payment=licence.payment, reason=reason, waived=True)
    return True


def seed_awaiting_transfer(days: int) -> bool:
    """A firm obtains a lump-sum open licence ``days`` ago and has not transferred the fee yet: pending."""
    if OpenLicence.objects.filter(status=LicenceStatus.AWAITING_PAYMENT).exists():
        return False
    day = _days_ago(days)
    firms = [demo_organisation(org.key) for org in ENTERPRISES if org.verified]
    for declaration in Declaration.objects.filter(fee_type=FeeType.LUMP_SUM, period_end__gt=day).order_by(
        "effective_on", "pk"
    ):
        holders = set(declaration.declared_patents.values_list("patent__right_holders__organisation", flat=True))
        taken = set(declaration.licences.values_list("licensee", flat=True))
        firm = next((f for f in firms if f.pk not in holders | taken), None)
        if firm is not None:
            with demo_clock(day):
                licences.licence_obtain(actor=_admin(firm), declaration=declaration, licensee=firm, on=day)
            return True
    return False


def steps(listing_count: int = LISTING_COUNT, patent_count: int = PATENT_COUNT) -> tuple[DemoStep, ...]:
    """Portfolio declarations, pay-later offers and agreements, then the payments left to seed; they build on the
    listings' plan."""
    patents = plan_patents(patent_count)
    listings = plan_listings(listing_count, patents)
    offers = plan_offers(listings)
    published = offers[: len(AGREEMENTS)]
    items = tuple(AgreementItem(plan, offer) for plan, offer in zip(AGREEMENTS, published, strict=False))
    return (
        DemoStep("open licence declarations of portfolios", plan_portfolios(patents, listings), seed_portfolio),
        DemoStep("pay-later offers", offers, seed_offer),
        DemoStep("pay-later agreements", items, seed_agreement),
        DemoStep("a refunded licence fee", (_DATA["refund_reason"],), seed_refund),
        DemoStep("a licence fee awaiting its transfer", (_DATA["awaiting_days"],), seed_awaiting_transfer),
    )


# Before the registry: the finance staff confirm the registry's open licence fees, the funds back the offers.
ACCOUNT_STEPS: tuple[DemoStep, ...] = (
    DemoStep("finance staff", (FINANCE,), seed_finance),
    DemoStep("enterprise sizes", FIRM_SIZES, seed_firm_size),
    DemoStep("risk funds", FUNDS, seed_fund),
)
STEPS: tuple[DemoStep, ...] = steps()
