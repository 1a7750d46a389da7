"""Every licensing page and API endpoint, for every role, with the status each gets.

Licences, agreements, payments and reports are their parties' business: to
everyone else they do not exist (404), platform staff included; anonymous
callers are sent to sign in (pages) or refused (API, 403). Declarations in
force are public; one not in force is its licensor's only.

One world is built for the module (a Shanghai university licensing an Anhui
firm); each case runs in its own savepoint. To cover a new page or endpoint,
add its address to ``TARGETS`` (built from the world) and a row to ``MATRIX``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.urls import reverse

from licensing.choices import (
    AgreementState,
    DeclarationStatus,
    InstalmentStatus,
    LicenceStatus,
    PaymentState,
    ReportStatus,
)
from licensing.models import Agreement, Declaration, OpenLicence, RoyaltyReport
from licensing.permissions import finance_group
from techmarket.accounts.choices import FirmSize, MembershipRole, OrganisationKind
from techmarket.accounts.models import User
from tests.factories import UserFactory, add_member, organisation_in, platform_staff_user, registry_clerk_user
from tests.worlds import built_once

from . import rows
from .conftest import AH, JS, SH, declare, patent_in_force

ROLES = [
    "anonymous",
    "outsider",
    "licensee_member",
    "licensee_admin",
    "licensor_member",
    "licensor_admin",
    "finance",
    "registry_clerk",
    "platform_staff",
]
LOGIN = "login"  # a page's redirect to the sign-in page


def _row(*statuses) -> dict:
    return dict(zip(ROLES, statuses, strict=True))


# The usual answers: everyone signed in; the parties only (404 for the rest); the licensor only; everyone.
SIGNED_IN_PAGE = _row(LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)
SIGNED_IN_API = _row(403, 200, 200, 200, 200, 200, 200, 200, 200)
PARTIES_API = _row(403, 404, 200, 200, 200, 200, 404, 404, 404)
LICENSOR_API = _row(404, 404, 404, 404, 200, 200, 404, 404, 404)
EVERYONE = _row(200, 200, 200, 200, 200, 200, 200, 200, 200)

# A target's address from the world's rows: (url, POST data).
TARGETS: dict[str, Callable[[dict], tuple[str, dict]]] = {
    "my_licences": lambda w: (reverse("licensing:my_licences"), {}),
    "api_licences": lambda w: ("/api/v1/licensing/licences/", {}),
    "api_licence": lambda w: (f"/api/v1/licensing/licences/{w['licence'].reference}/", {}),
    "api_agreements": lambda w: ("/api/v1/licensing/agreements/", {}),
    "api_agreement": lambda w: (f"/api/v1/licensing/agreements/{w['agreement'].reference}/", {}),
    "api_payments": lambda w: ("/api/v1/licensing/payments/", {}),
    "api_payment": lambda w: (f"/api/v1/licensing/payments/{w['licence'].payment.reference}/", {}),
    "api_reports": lambda w: ("/api/v1/licensing/reports/", {}),
    "api_report": lambda w: (f"/api/v1/licensing/reports/{w['report'].pk}/", {}),
    "api_declarations": lambda w: ("/api/v1/licensing/declarations/", {}),
    "api_declaration": lambda w: (f"/api/v1/licensing/declarations/{w['declaration'].pk}/", {}),
    "api_declaration_pending": lambda w: (f"/api/v1/licensing/declarations/{w['pending'].pk}/", {}),
}

# (target, method, expected per role)
MATRIX = [
    ("my_licences", "get", SIGNED_IN_PAGE),
    ("api_licences", "get", SIGNED_IN_API),
    ("api_licence", "get", PARTIES_API),
    ("api_agreements", "get", SIGNED_IN_API),
    ("api_agreement", "get", PARTIES_API),
    ("api_payments", "get", SIGNED_IN_API),
    ("api_payment", "get", PARTIES_API),
    ("api_reports", "get", SIGNED_IN_API),
    ("api_report", "get", PARTIES_API),
    ("api_declarations", "get", EVERYONE),
    ("api_declaration", "get", EVERYONE),
    ("api_declaration_pending", "get", LICENSOR_API),
]


def _build() -> dict:
    university = organisation_in(SH, kind=OrganisationKind.UNIVERSITY, name_zh="上海矩阵大学")
    firm = organisation_in(AH, name_zh="合肥矩阵科技有限公司", firm_size=FirmSize.SMALL, staff_count=40)
    finance = UserFactory(name="财务")
    finance.groups.add(finance_group())
    users = {
        "anonymous": None,
        "outsider": add_member(organisation_in(JS)),
        "licensee_member": add_member(firm),
        "licensee_admin": add_member(firm, role=MembershipRole.ADMIN),
        "licensor_member": add_member(university),
        "licensor_admin": add_member(university, role=MembershipRole.ADMIN),
        "finance": finance,
        "registry_clerk": registry_clerk_user(),
        "platform_staff": platform_staff_user(),
    }
    declaration = declare(university, [patent_in_force(university)])
    pending = declare(university, [patent_in_force(university)])
    Declaration.objects.filter(pk=pending.pk).update(status=DeclarationStatus.AWAITING_CONSENT)
    licence = rows.licence(declaration, firm, status=LicenceStatus.AWAITING_PAYMENT, pay=PaymentState.PENDING)
    agreement = rows.agreement(
        rows.pay_later_listing(university),
        firm,
        state=AgreementState.PAYING,
        instalments=[(datetime.date(2027, 4, 1), "30000", InstalmentStatus.SCHEDULED)],
    )
    report = rows.report(licence=licence, status=ReportStatus.SUBMITTED, royalty="100")
    return {
        "users": {role: user and user.pk for role, user in users.items()},
        "rows": {
            "declaration": (Declaration, declaration.pk),
            "pending": (Declaration, pending.pk),
            "licence": (OpenLicence, licence.pk),
            "agreement": (Agreement, agreement.pk),
            "report": (RoyaltyReport, report.pk),
        },
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world as primary keys, built once for the module."""
    with built_once(django_db_blocker):
        yield _build()


@pytest.mark.django_db
@pytest.mark.parametrize(("target", "method", "expected"), MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, client, target, method, expected, role):
    fresh = {name: model.objects.get(pk=pk) for name, (model, pk) in world["rows"].items()}
    if world["users"][role]:
        client.force_login(User.objects.get(pk=world["users"][role]))
    url, data = TARGETS[target](fresh)
    response = client.post(url, data) if method == "post" else client.get(url)
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302, f"{role} {method} {target}"
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == want, f"{role} {method} {target}"
        if want == 302:
            assert not response["Location"].startswith(reverse("accounts:login"))


def test_every_licensing_page_and_endpoint_is_in_the_matrix():
    """A page or endpoint added to licensing without a row here fails this test."""
    from django.urls import get_resolver

    def names(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                yield from names(pattern, namespace)
            elif pattern.name:
                yield f"{prefix}{pattern.name}"

    all_names = set(names(get_resolver()))
    pages = {name.removeprefix("licensing:") for name in all_names if name.startswith("licensing:")}
    api = {name for name in all_names if name.startswith("licensing-") and not name.endswith("-format")}
    covered_pages = {target for target, _method, _expected in MATRIX if not target.startswith("api_")}
    assert pages <= covered_pages, f"licensing pages without a row: {sorted(pages - covered_pages)}"
    assert api == {
        f"licensing-{kind}-{action}"
        for kind in ("licence", "agreement", "declaration", "payment", "report")
        for action in ("list", "detail")
    }, "a new licensing endpoint needs rows in MATRIX"
