"""Demo accounts for ``manage.py seed_demo``: platform users, organisations and their members, a broker.

Who they are is in ``data/organisations.toml``; this module reads it into
:class:`Person`, :class:`DemoOrganisation` and :class:`DemoBroker` and seeds
them. Everything is created through the accounts services (so the audit
trail and object permissions are the real ones), except the superuser, which
only ``create_superuser`` can make, and the platform staff group membership,
which no service grants.

The organisations' names and places are real for the universities and
institutes and fictional for the enterprises, agencies and banks. Their unified
social credit codes are NOT the real ones: :func:`demo_credit_code` generates
valid-looking codes (both check characters correct) from each organisation's
key, so the same key always gives the same code and reruns find what the
last run created.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from stdnum.cn import uscc

from ip_registry.permissions import registry_clerk_group
from techmarket.accounts.choices import OrganisationKind, VerificationStatus
from techmarket.accounts.models import BrokerProfile, Membership, Organisation, User
from techmarket.accounts.permissions import platform_staff_group
from techmarket.accounts.services import (
    broker_profile_save,
    membership_approve,
    membership_request,
    organisation_create,
    organisation_verify,
    user_register,
)
from techmarket.regions import gbt2260
from techmarket.regions.models import TechnologyField

from .loading import read_data
from .steps import DemoStep

_DATA = read_data("organisations")
DEMO_PASSWORD: str = _DATA["password"]  # published on purpose: it is the demo site's login
DEMO_EMAIL_DOMAIN: str = _DATA["email_domain"]
VERIFICATION_NOTE: str = _DATA["verification_note"]


@dataclass(frozen=True)
class Person:
    """A demo user: the e-mail address is ``<login>@demo.techmarket.cn``."""

    login: str
    name: str
    phone: str | None = None

    @property
    def email(self) -> str:
        return f"{self.login}@{DEMO_EMAIL_DOMAIN}"


# --- Credit codes ---

# Registration authority and category (GB 32100-2015, first two characters).
_CATEGORY = {
    OrganisationKind.UNIVERSITY: "12",  # 机构编制 / 事业单位
    OrganisationKind.INSTITUTE: "12",
    OrganisationKind.ENTERPRISE: "91",  # 工商 / 企业
    OrganisationKind.AGENCY: "91",
    OrganisationKind.GOVERNMENT: "11",  # 机构编制 / 机关
}
_ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code_check(body: str) -> str:
    """The GB 11714 check character for the 8 digits of an organisation code."""
    total = sum(int(digit) * weight for digit, weight in zip(body, _ORGANISATION_CODE_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def demo_credit_code(category: str, area: str, key: str) -> str:
    """A generated, valid unified social credit code: category + area code + organisation code + check.

    Demo codes only: they are derived from ``key`` and are not any real
    organisation's code. The organisation code's 8 digits come from a hash of
    the key, so codes stay stable when the demo data is reordered or extended.
    """
    body = f"{int(hashlib.sha256(key.encode()).hexdigest(), 16) % 10**8:08d}"
    partial = f"{category}{area}{body}{organisation_code_check(body)}"
    return partial + uscc.calc_check_digit(partial)


# --- Organisations ---


@dataclass(frozen=True)
class DemoOrganisation:
    """An organisation to seed. ``key`` names its generated credit code and its people's logins."""

    key: str
    kind: OrganisationKind
    name_zh: str
    name_en: str
    city: str  # GB/T 2260; the district in Shanghai
    admin: Person
    description: str = ""
    website: str = ""
    staff: tuple[Person, ...] = ()  # active members, approved by the admin
    applicants: tuple[Person, ...] = ()  # join requests left for the admin to decide
    verified: bool = True
    category: str = ""  # credit code category when it differs from the kind's usual one

    @property
    def province(self) -> str:
        return self.city[:2] + "0000"

    @property
    def credit_code(self) -> str:
        return demo_credit_code(self.category or _CATEGORY[self.kind], self.city, self.key)


def _person(row: dict) -> Person:
    return Person(row["login"], row["name"], row.get("phone"))


def _organisation(row: dict) -> DemoOrganisation:
    return DemoOrganisation(
        key=row["key"],
        kind=OrganisationKind(row["kind"]),
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        city=row["city"],
        admin=_person(row["admin"]),
        description=row.get("description", ""),
        website=row.get("website", ""),
        staff=tuple(_person(person) for person in row.get("staff", ())),
        applicants=tuple(_person(person) for person in row.get("applicants", ())),
        verified=row.get("verified", True),
        category=row.get("category", ""),
    )


def _organisations(table: str) -> tuple[DemoOrganisation, ...]:
    return tuple(_organisation(row) for row in _DATA[table])


SUPPLIERS = _organisations("suppliers")
ENTERPRISES = _organisations("enterprises")
AGENCIES = _organisations("agencies")
PLEDGEES = _organisations("pledgees")  # banks and guarantors, seeded with the registry that records their pledges

ORGANISATIONS: tuple[DemoOrganisation, ...] = SUPPLIERS + ENTERPRISES + AGENCIES
_BY_KEY = {org.key: org for org in (*ORGANISATIONS, *PLEDGEES)}


def demo_organisation(key: str) -> Organisation:
    """The seeded organisation for a demo key, for the steps of later apps (``demo_organisation("fudan")``)."""
    return Organisation.objects.get(credit_code=_BY_KEY[key].credit_code)


# --- Brokers ---


@dataclass(frozen=True)
class DemoBroker:
    person: Person
    agency: str  # key of a DemoOrganisation
    certificate_number: str
    field_slugs: tuple[str, ...]
    introduction: str
    provinces_served: tuple[str, ...] = gbt2260.YRD_PROVINCES


BROKERS: tuple[DemoBroker, ...] = tuple(
    DemoBroker(
        person=_person(row["person"]),
        agency=row["agency"],
        certificate_number=row["certificate_number"],
        field_slugs=tuple(row["field_slugs"]),
        introduction=row["introduction"],
    )
    for row in _DATA["brokers"]
)


# --- People ---

SUPERUSER = _person(_DATA["platform"]["superuser"])
PLATFORM_STAFF = _person(_DATA["platform"]["staff"])
REGISTRY_CLERK = _person(_DATA["platform"]["clerk"])
BROKER = BROKERS[0].person


def _everyone() -> dict[str, Person]:
    """Every demo person by login: the platform's, the brokers and the organisations' people."""
    people = [SUPERUSER, PLATFORM_STAFF, REGISTRY_CLERK, *(broker.person for broker in BROKERS)]
    for org in (*ORGANISATIONS, *PLEDGEES):
        people += [org.admin, *org.staff, *org.applicants]
    return {person.login: person for person in people}


# The demo logins, printed at the end of seed_demo (the README copies this table). Every other organisation's
# administrator signs in as <key>.admin@demo.techmarket.cn.
LOGINS: tuple[tuple[str, Person], ...] = tuple((role, _everyone()[login]) for role, login in _DATA["logins"])


# --- Steps ---


def _user(person: Person) -> tuple[User, bool]:
    """The person's account, registered if it does not exist yet; True when it was just created."""
    user = User.objects.filter(email__iexact=person.email).first()
    if user is not None:
        return user, False
    return user_register(email=person.email, name=person.name, password=DEMO_PASSWORD, phone=person.phone), True


def _member(person: Person, organisation: Organisation, *, approver: User | None) -> bool:
    """Make the person ask to join; the approver, if given, accepts the request."""
    user, created = _user(person)
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        return created
    membership = membership_request(user=user, organisation=organisation)
    if approver is not None:
        membership_approve(actor=approver, membership=membership)
    return True


def seed_superuser(person: Person) -> bool:
    if User.objects.filter(email__iexact=person.email).exists():
        return False
    User.objects.create_superuser(person.email, DEMO_PASSWORD, name=person.name, phone=person.phone)
    return True


def _seed_in_group(person: Person, group) -> bool:
    user, created = _user(person)
    if not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
        created = True
    return created


def seed_platform_staff(person: Person) -> bool:
    return _seed_in_group(person, platform_staff_group())


def seed_registry_clerk(person: Person) -> bool:
    return _seed_in_group(person, registry_clerk_group())


def seed_organisation(data: DemoOrganisation) -> bool:
    created = False
    organisation = Organisation.objects.filter(credit_code=data.credit_code).first()
    if organisation is None:
        admin, _ = _user(data.admin)
        organisation = organisation_create(
            actor=admin,
            kind=data.kind,
            name_zh=data.name_zh,
            name_en=data.name_en,
            credit_code=data.credit_code,
            province=data.province,
            city=data.city,
            website=data.website,
            description=data.description,
        )
        created = True
    # Only a pending organisation is verified, so a rerun neither re-verifies nor undoes a decision made since.
    if data.verified and organisation.verification_status == VerificationStatus.PENDING:
        staff = User.objects.get(email__iexact=PLATFORM_STAFF.email)
        organisation_verify(actor=staff, organisation=organisation, approve=True, note=VERIFICATION_NOTE)
        created = True
    admin = User.objects.get(email__iexact=data.admin.email)
    for person in data.staff:
        created |= _member(person, organisation, approver=admin)
    for person in data.applicants:
        created |= _member(person, organisation, approver=None)
    return created


def seed_broker(data: DemoBroker) -> bool:
    agency = demo_organisation(data.agency)
    approver = User.objects.get(email__iexact=_BY_KEY[data.agency].admin.email)
    created = _member(data.person, agency, approver=approver)
    user = User.objects.get(email__iexact=data.person.email)
    if BrokerProfile.objects.filter(user=user).exists():
        return created
    broker_profile_save(
        user=user,
        certificate_number=data.certificate_number,
        provinces_served=list(data.provinces_served),
        field_ids=list(TechnologyField.objects.filter(slug__in=data.field_slugs).values_list("pk", flat=True)),
        introduction=data.introduction,
        agency=agency,
    )
    return True


STEPS: tuple[DemoStep, ...] = (
    DemoStep("superuser", (SUPERUSER,), seed_superuser),
    DemoStep("platform staff", (PLATFORM_STAFF,), seed_platform_staff),
    DemoStep("registry clerk", (REGISTRY_CLERK,), seed_registry_clerk),
    DemoStep("organisations", ORGANISATIONS, seed_organisation),
    DemoStep("technology-transfer managers", BROKERS, seed_broker),
)
