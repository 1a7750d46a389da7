"""Factories for tests. Organisations get valid, unique credit codes."""

import itertools

import factory
from stdnum.cn import uscc

from techmarket.accounts import permissions
from techmarket.accounts.choices import MembershipRole, MembershipStatus, OrganisationKind, VerificationStatus
from techmarket.accounts.models import Membership, Organisation, User

PASSWORD = "Correct-Horse-42"
_serial = itertools.count(1)


def make_credit_code(area: str = "310000", category: str = "91") -> str:
    """A valid unified social credit code with a unique organisation part."""
    body = f"{category}{area}{next(_serial):09d}"
    return body + uscc.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.cn")
    name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.ENTERPRISE
    name_zh = factory.Sequence(lambda n: f"测试科技有限公司{n}")
    name_en = factory.Sequence(lambda n: f"Test Technology Co. {n}")
    province = "310000"
    city = "310115"
    credit_code = factory.LazyAttribute(lambda o: make_credit_code(o.province))
    verification_status = VerificationStatus.VERIFIED


def add_member(
    organisation: Organisation,
    user: User | None = None,
    *,
    role: str = MembershipRole.STAFF,
    status: str = MembershipStatus.ACTIVE,
) -> User:
    """Attach a user to an organisation with the permissions the services would grant."""
    user = user or UserFactory()
    membership = Membership.objects.create(user=user, organisation=organisation, role=role, status=status)
    permissions.sync_membership_permissions(membership)
    return user


def platform_staff_user() -> User:
    user = UserFactory(name="运营专员")
    user.groups.add(permissions.platform_staff_group())
    return user


def registry_clerk_user() -> User:
    """A registry clerk: records ledger events through the staff pages (the ``record_entries`` permission)."""
    from ip_registry.permissions import registry_clerk_group

    user = UserFactory(name="登记员")
    user.groups.add(registry_clerk_group())
    return user


# Registry -------------------------------------------------------------------------------------------------------

CITY_OF = {"310000": "310115", "320000": "320100", "330000": "330100", "340000": "340100", "110000": "110108"}
_patent_serial = itertools.count(1)


def organisation_in(province: str, **fields) -> Organisation:
    """A verified organisation in the province (a Delta province, or Beijing for "other")."""
    return OrganisationFactory(province=province, city=CITY_OF[province], **fields)


def make_application_number(year: int = 2021, type_digit: str = "1") -> str:
    """A valid, unique 12-digit application number."""
    from ip_registry.numbers import check_character

    digits = f"{year}{type_digit}{next(_patent_serial):07d}"
    return f"{digits}.{check_character(digits)}"


def make_patent(*holders: Organisation, granted: bool = True, year: int = 2021, type_digit: str = "1", **fields):
    """A patent registered through the service, held by the organisations in equal shares."""
    import datetime

    from ip_registry import services
    from ip_registry.choices import LegalStatus

    if granted:
        fields.setdefault("grant_date", datetime.date(year + 1, 6, 1))
        fields.setdefault("legal_status", LegalStatus.VALID)
    return services.patent_register(
        actor=None,
        application_number=make_application_number(year, type_digit),
        title=fields.pop("title", "一种锂离子电池正极材料的制备方法"),
        filing_date=fields.pop("filing_date", datetime.date(year, 3, 1)),
        holders=[services.Holding(organisation) for organisation in holders],
        **{"ipc_codes": ["H01M 10/0525"], **fields},
    )


# Listings -------------------------------------------------------------------------------------------------------


def university_in(province: str = "310000", **fields) -> Organisation:
    return organisation_in(province, kind=OrganisationKind.UNIVERSITY, **fields)


def declare_open_licence(patents) -> None:
    """An open licence declaration on the registry for each patent without one in force (with its annual fees paid a
    year ahead): a listing offers an open licence only for such patents."""
    import datetime

    from django.utils import timezone

    from ip_registry import services
    from ip_registry.selectors import open_licences_in_force

    today = timezone.localdate()
    declared = open_licences_in_force(patents, today)
    for patent in patents:
        if patent.pk in declared:
            continue
        if patent.annual_fee_paid_until is None or patent.annual_fee_paid_until < today:
            patent = services.patent_update(
                actor=None, patent=patent, annual_fee_paid_until=today + datetime.timedelta(days=365)
            )
        services.open_licence_declare(
            actor=None,
            patent=patent,
            registration_date=today,
            term_end=min(patent.term_last_day or datetime.date.max, today + datetime.timedelta(days=5 * 365)),
            terms={"fee_type": "lump_sum", "fee": "见声明", "payment": "银行转账"},
        )


def make_listing(organisation: Organisation, *, status: str = "draft", patents=None, terms=None, **fields):
    """A listing created through the service (by the platform), moved to ``status`` along the transition table.

    Patent listings get a fresh patent of the organisation unless ``patents`` names them; when an open licence is
    offered, the patents get a declaration on the registry first (:func:`declare_open_licence`).
    """
    from listings.choices import PATENT_KINDS, ListingKind, ListingStatus
    from listings.services import listings as listing_services
    from techmarket.regions.models import TechnologyField

    kind = fields.pop("kind", ListingKind.PATENT)
    if patents is None:
        patents = [make_patent(organisation)] if kind in PATENT_KINDS else []
        if kind == ListingKind.PORTFOLIO:
            patents.append(make_patent(organisation))
    if any(term.mode == "open_licence" for term in terms or ()):
        declare_open_licence(patents)
    field = fields.pop("field", None) or TechnologyField.objects.get(slug=fields.pop("field_slug", "new-energy"))
    listing = listing_services.listing_create(
        actor=None,
        organisation=organisation,
        patents=patents,
        terms=terms or [listing_services.Term("assignment", None), listing_services.Term("ordinary_licence", 200000)],
        kind=kind,
        field=field,
        **{
            "title_zh": "高能量密度锂离子电池正极材料",
            "summary_zh": "一种高镍三元正极材料的制备方法，循环寿命提高百分之三十。",
            "trl": 6,
            "contact_name": "王老师",
            "contact_email": "tech@example.cn",
            **fields,
        },
    )
    path = {
        ListingStatus.DRAFT: [],
        ListingStatus.SUBMITTED: ["submit"],
        ListingStatus.PUBLISHED: ["submit", "approve"],
        ListingStatus.SUSPENDED: ["submit", "approve", "suspend"],
        ListingStatus.WITHDRAWN: ["withdraw"],
        ListingStatus.CLOSED: ["submit", "approve", "close"],
    }[status]
    for name in path:
        listing = listing_services.listing_transition(actor=None, listing=listing, name=name, reason="测试")
    return listing


def make_broker(**fields):
    from techmarket.accounts.models import BrokerProfile

    user = UserFactory(name=fields.pop("name", "李经理"))
    return BrokerProfile.objects.create(user=user, certificate_number=f"JL{next(_serial):08d}", **fields)
