"""Fixtures shared by the licensing tests: a Shanghai university with patents, an Anhui small firm, finance staff,
declarations in force, a funded risk fund."""

import datetime
from decimal import Decimal

import pytest

from ip_registry import services as registry
from licensing.choices import DeclarationStatus, FeeType
from licensing.models import Declaration, DeclaredPatent, RiskFund
from licensing.permissions import finance_group
from techmarket.accounts.choices import FirmSize, MembershipRole, OrganisationKind
from tests.factories import UserFactory, add_member, make_patent, organisation_in

D = datetime.date
SH, JS, ZJ, AH = "310000", "320000", "330000", "340000"
TODAY = D(2026, 12, 5)
PERIOD_END = D(2030, 12, 31)


def patent_in_force(*holders, **fields):
    """A granted invention patent in force with its annual fees paid a year ahead."""
    fields.setdefault("annual_fee_paid_until", D(2027, 12, 31))
    return make_patent(*holders, year=2021, **fields)


def declare(licensor, patents, *, fee_type=FeeType.LUMP_SUM, on=TODAY, period_end=PERIOD_END, **terms):
    """A declaration in force for the patents, written straight to the registry (as the declaration service does)."""
    defaults = {
        FeeType.FREE: {},
        FeeType.LUMP_SUM: {"lump_sum": Decimal("50000.00")},
        FeeType.ROYALTY: {"royalty_rate": Decimal("3.00"), "royalty_base": "net_sales", "reporting_period": "year"},
        FeeType.ENTRY_PLUS_ROYALTY: {
            "entry_fee": Decimal("10000.00"),
            "royalty_rate": Decimal("2.00"),
            "royalty_base": "net_sales",
            "reporting_period": "year",
        },
    }[fee_type]
    declaration = Declaration.objects.create(
        licensor=licensor,
        fee_type=fee_type,
        period_end=period_end,
        payment_method="银行转账" if fee_type != FeeType.FREE else "",
        fee_basis="按研发成本与市场规模测算",
        status=DeclarationStatus.IN_FORCE,
        effective_on=on,
        **{**defaults, **terms},
    )
    for patent in patents:
        entry = registry.open_licence_declare(
            actor=None,
            patent=patent,
            registration_date=on,
            term_end=period_end,
            terms={"fee_type": fee_type, "fee": "" if fee_type == FeeType.FREE else "见声明", "payment": "银行转账"},
        )
        DeclaredPatent.objects.create(declaration=declaration, patent=patent, entry=entry)
    return declaration


@pytest.fixture
def university(db):
    return organisation_in(SH, kind=OrganisationKind.UNIVERSITY, name_zh="上海测试大学")


@pytest.fixture
def university_admin(university):
    return add_member(university, UserFactory(name="张处长"), role=MembershipRole.ADMIN)


@pytest.fixture
def firm(db):
    """A small firm in Hefei, Anhui."""
    return organisation_in(AH, name_zh="合肥测试新材料有限公司", firm_size=FirmSize.SMALL, staff_count=45)


@pytest.fixture
def firm_member(firm):
    return add_member(firm, UserFactory(name="李工"))


@pytest.fixture
def firm_admin(firm):
    return add_member(firm, UserFactory(name="王总"), role=MembershipRole.ADMIN)


@pytest.fixture
def large_firm(db):
    return organisation_in(JS, name_zh="江苏测试集团股份有限公司", firm_size=FirmSize.LARGE, staff_count=3200)


@pytest.fixture
def finance(db):
    """Platform finance staff (the ``licensing-finance`` group)."""
    user = UserFactory(name="财务专员")
    user.groups.add(finance_group())
    return user


@pytest.fixture
def patent(university):
    return patent_in_force(university)


@pytest.fixture
def declaration(university, patent):
    """A lump-sum open licence of the university's patent, in force."""
    return declare(university, [patent])


@pytest.fixture
def free_declaration(university):
    return declare(university, [patent_in_force(university)], fee_type=FeeType.FREE)


@pytest.fixture
def fund(db):
    """The Delta's fund: ¥1,000,000 topped up, 80% coverage, at most ¥200,000 per agreement."""
    from licensing.services.fund import fund_top_up

    fund = RiskFund.objects.create(
        region="yrd",
        name="长三角先使用后付费风险补偿资金",
        coverage_ratio=Decimal("80.00"),
        per_agreement_cap=Decimal("200000.00"),
    )
    fund_top_up(actor=None, fund=fund, amount=Decimal("1000000.00"), note="首期注资")
    fund.refresh_from_db()
    return fund
