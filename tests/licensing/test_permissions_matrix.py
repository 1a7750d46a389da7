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
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from licensing.choices import (
    AgreementState,
    ClaimStatus,
    DeclarationStatus,
    InstalmentStatus,
    LicenceStatus,
    PaymentState,
    ReportStatus,
)
from licensing.models import (
    Agreement,
    Claim,
    Declaration,
    DeclarationConsent,
    OpenLicence,
    RiskFund,
    RoyaltyReport,
    SavedPaymentMethod,
)
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
    "payment_detail": lambda w: (reverse("licensing:payment_detail", args=[w["licence"].payment.reference]), {}),
    "payments_to_confirm": lambda w: (reverse("licensing:payments_to_confirm"), {}),
    "payment_confirm": lambda w: (
        reverse("licensing:payment_confirm", args=[w["licence"].payment.reference]),
        {"amount_received": "1.00"},  # not the amount due: refused, nothing written
    ),
    "payment_method_choose": lambda w: (
        reverse("licensing:payment_method_choose", args=[w["licence"].payment.reference]),
        {"gateway": "bank_transfer"},  # the method it has already: nothing changes
    ),
    "payment_card_confirm": lambda w: (
        reverse("licensing:payment_card_confirm", args=[w["licence"].payment.reference]),
        {"payment_method": "pm_card_visa"},
    ),
    "payment_return": lambda w: (reverse("licensing:payment_return", args=[w["licence"].payment.reference]), {}),
    "saved_method_start": lambda w: (reverse("licensing:saved_method_start", args=[w["agreement"].reference]), {}),
    "saved_method_detail": lambda w: (reverse("licensing:saved_method_detail", args=[w["saved_method"].pk]), {}),
    "saved_method_remove": lambda w: (reverse("licensing:saved_method_remove", args=[w["saved_method"].pk]), {}),
    "fund_list": lambda w: (reverse("licensing:fund_list"), {}),
    "fund_detail": lambda w: (reverse("licensing:fund_detail", args=[w["fund"].region]), {}),
    "obtain": lambda w: (reverse("licensing:obtain", args=[w["declaration"].pk]), {}),
    "licence_detail": lambda w: (reverse("licensing:licence_detail", args=[w["licence"].reference]), {}),
    "licence_notice": lambda w: (reverse("licensing:licence_notice", args=[w["licence"].reference, "html"]), {}),
    "offer_edit": lambda w: (reverse("licensing:offer_edit", args=[w["agreement"].listing_id]), {}),
    "agreement_apply": lambda w: (reverse("licensing:agreement_apply", args=[w["agreement"].listing_id]), {}),
    "agreement_detail": lambda w: (reverse("licensing:agreement_detail", args=[w["agreement"].reference]), {}),
    "agreement_decide": lambda w: (reverse("licensing:agreement_decide", args=[w["agreement"].reference]), {}),
    "agreement_action": lambda w: (
        reverse("licensing:agreement_action", args=[w["agreement"].reference, "convert"]),
        {},
    ),
    "report_submit": lambda w: (reverse("licensing:report_submit", args=[w["due_report"].pk]), {}),
    "report_decide": lambda w: (reverse("licensing:report_decide", args=[w["report"].pk]), {}),
    "claim_list": lambda w: (reverse("licensing:claim_list"), {}),
    "claim_detail": lambda w: (reverse("licensing:claim_detail", args=[w["claim"].pk]), {}),
    "declaration_list": lambda w: (reverse("licensing:declaration_list"), {}),
    "declaration_create": lambda w: (reverse("licensing:declaration_create"), {}),
    "declaration_detail": lambda w: (reverse("licensing:declaration_detail", args=[w["declaration"].pk]), {}),
    "declaration_detail_pending": lambda w: (reverse("licensing:declaration_detail", args=[w["pending"].pk]), {}),
    "declaration_withdraw": lambda w: (reverse("licensing:declaration_withdraw", args=[w["declaration"].pk]), {}),
    "consent_answer": lambda w: (reverse("licensing:consent_answer", args=[w["consent"].pk]), {}),
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

# Pages: the parties and the finance staff see a licence, agreement, payment or claim (404 for the rest); a page
# that only shows answers 405 to a POST; the finance staff's pages are theirs (403); an empty POST is a form's 400.
PARTIES_PAGE = _row(LOGIN, 404, 200, 200, 200, 200, 200, 404, 404)
FINANCE_PAGE = _row(LOGIN, 403, 403, 403, 403, 403, 200, 403, 403)
FINANCE_POST = _row(LOGIN, 403, 403, 403, 403, 403, 400, 403, 403)
READ_ONLY = _row(LOGIN, 405, 405, 405, 405, 405, 405, 405, 405)
ENTERPRISE_PAGE = _row(LOGIN, 200, 200, 200, 403, 403, 403, 403, 403)  # any verified enterprise's members
ENTERPRISE_POST = _row(LOGIN, 400, 400, 400, 403, 403, 403, 403, 403)
LICENSOR_ADMIN_PAGE = _row(LOGIN, 404, 404, 404, 404, 200, 404, 404, 404)
LICENSOR_ADMIN_POST = _row(LOGIN, 404, 404, 404, 404, 400, 404, 404, 404)
LICENSOR_DECISION = _row(LOGIN, 404, 403, 403, 403, 200, 403, 404, 404)
LICENSOR_DECISION_POST = _row(LOGIN, 404, 403, 403, 403, 400, 403, 404, 404)

# (target, method, expected per role)
MATRIX = [
    ("my_licences", "get", SIGNED_IN_PAGE),
    ("my_licences", "post", READ_ONLY),
    # Declarations: the patentee's pages; a co-owner asked for consent sees the declaration it is asked about.
    ("declaration_list", "get", SIGNED_IN_PAGE),
    ("declaration_list", "post", READ_ONLY),
    # An administrator of an organisation declares (302: sent to the list with a message if not one).
    ("declaration_create", "get", _row(LOGIN, 302, 302, 200, 302, 200, 302, 302, 302)),
    ("declaration_create", "post", _row(LOGIN, 302, 302, 400, 302, 400, 302, 302, 302)),
    ("declaration_detail", "get", _row(LOGIN, 404, 404, 404, 200, 200, 200, 404, 404)),
    ("declaration_detail", "post", READ_ONLY),
    ("declaration_detail_pending", "get", _row(LOGIN, 404, 200, 200, 200, 200, 200, 404, 404)),
    ("declaration_withdraw", "get", READ_ONLY),
    ("declaration_withdraw", "post", _row(LOGIN, 404, 404, 404, 403, 400, 403, 404, 404)),
    ("consent_answer", "get", _row(LOGIN, 404, 200, 200, 404, 404, 404, 404, 404)),
    ("consent_answer", "post", _row(LOGIN, 404, 400, 400, 404, 404, 404, 404, 404)),
    # Open licences obtained.
    ("obtain", "get", ENTERPRISE_PAGE),
    ("obtain", "post", ENTERPRISE_POST),
    ("licence_detail", "get", PARTIES_PAGE),
    ("licence_detail", "post", READ_ONLY),
    ("licence_notice", "get", PARTIES_PAGE),
    ("licence_notice", "post", READ_ONLY),
    # Payments and the fund.
    ("payment_detail", "get", PARTIES_PAGE),
    ("payment_detail", "post", READ_ONLY),
    ("payments_to_confirm", "get", FINANCE_PAGE),
    ("payments_to_confirm", "post", READ_ONLY),
    ("payment_confirm", "get", FINANCE_PAGE),
    ("payment_confirm", "post", FINANCE_POST),  # 1.00 is not the amount due: refused
    # Paying: the payer's members choose the method (here the one it has: back to the page) and pay; the payee and
    # finance staff see the payment but do not pay it (403). Without a local Stripe server there is no server-side
    # card confirmation (404). Cards saved for instalments are the licensee's only.
    ("payment_method_choose", "get", READ_ONLY),
    ("payment_method_choose", "post", _row(LOGIN, 404, 302, 302, 403, 403, 403, 404, 404)),
    ("payment_card_confirm", "get", READ_ONLY),
    ("payment_card_confirm", "post", _row(LOGIN, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("payment_return", "get", PARTIES_PAGE),
    ("payment_return", "post", READ_ONLY),
    # Without Stripe no card can be saved: the licensee is told so on its agreement's page (302).
    ("saved_method_start", "get", READ_ONLY),
    ("saved_method_start", "post", _row(LOGIN, 404, 302, 302, 403, 403, 403, 404, 404)),
    ("saved_method_detail", "get", _row(LOGIN, 404, 200, 200, 404, 404, 404, 404, 404)),
    ("saved_method_detail", "post", READ_ONLY),
    ("saved_method_remove", "get", READ_ONLY),
    ("saved_method_remove", "post", _row(LOGIN, 404, 302, 302, 404, 404, 404, 404, 404)),
    ("fund_list", "get", FINANCE_PAGE),
    ("fund_list", "post", READ_ONLY),
    ("fund_detail", "get", FINANCE_PAGE),
    ("fund_detail", "post", FINANCE_POST),
    # Use first, pay later.
    ("offer_edit", "get", LICENSOR_ADMIN_PAGE),
    ("offer_edit", "post", LICENSOR_ADMIN_POST),
    ("agreement_apply", "get", ENTERPRISE_PAGE),
    ("agreement_apply", "post", ENTERPRISE_POST),
    ("agreement_detail", "get", PARTIES_PAGE),
    ("agreement_detail", "post", READ_ONLY),
    ("agreement_decide", "get", LICENSOR_DECISION),
    ("agreement_decide", "post", LICENSOR_DECISION_POST),
    ("agreement_action", "get", READ_ONLY),
    # A paying agreement cannot convert: the parties are told why (400); others do not see it.
    ("agreement_action", "post", _row(LOGIN, 404, 400, 400, 400, 400, 400, 404, 404)),
    ("report_submit", "get", _row(LOGIN, 404, 200, 200, 403, 403, 403, 404, 404)),
    ("report_submit", "post", _row(LOGIN, 404, 400, 400, 403, 403, 403, 404, 404)),
    ("report_decide", "get", LICENSOR_DECISION),
    ("report_decide", "post", LICENSOR_DECISION_POST),
    ("claim_list", "get", _row(LOGIN, 404, 404, 404, 404, 404, 200, 404, 404)),
    ("claim_list", "post", READ_ONLY),
    ("claim_detail", "get", PARTIES_PAGE),
    ("claim_detail", "post", _row(LOGIN, 404, 403, 403, 403, 403, 400, 404, 404)),
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
    # The firm stands in for a co-owner whose consent the pending declaration awaits.
    consent = DeclarationConsent.objects.create(declaration=pending, organisation=firm)
    licence = rows.licence(declaration, firm, status=LicenceStatus.AWAITING_PAYMENT, pay=PaymentState.PENDING)
    agreement = rows.agreement(
        rows.pay_later_listing(university),
        firm,
        state=AgreementState.PAYING,
        instalments=[(datetime.date(2027, 4, 1), "30000", InstalmentStatus.SCHEDULED)],
    )
    report = rows.report(licence=licence, status=ReportStatus.SUBMITTED, royalty="100")
    due_report = rows.report(agreement=agreement, status=ReportStatus.DUE)
    fund = RiskFund.objects.create(
        region="yrd", name="长三角风险补偿资金", coverage_ratio=Decimal("80"), per_agreement_cap=Decimal("200000")
    )
    defaulted = rows.agreement(rows.pay_later_listing(university), firm, state=AgreementState.CLAIM)
    claim = Claim.objects.create(
        agreement=defaulted, fund=fund, amount_owed=Decimal("90000"), amount=Decimal("72000"), status=ClaimStatus.OPEN
    )
    saved_method = SavedPaymentMethod.objects.create(
        organisation=firm,
        agreement=agreement,
        setup_intent_id="seti_matrix",
        payment_method_id="pm_matrix",
        label="Visa ···· 4242",
        saved_at=timezone.now(),
    )
    return {
        "users": {role: user and user.pk for role, user in users.items()},
        "rows": {
            "declaration": (Declaration, declaration.pk),
            "pending": (Declaration, pending.pk),
            "consent": (DeclarationConsent, consent.pk),
            "licence": (OpenLicence, licence.pk),
            "agreement": (Agreement, agreement.pk),
            "report": (RoyaltyReport, report.pk),
            "due_report": (RoyaltyReport, due_report.pk),
            "fund": (RiskFund, fund.pk),
            "claim": (Claim, claim.pk),
            "saved_method": (SavedPaymentMethod, saved_method.pk),
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
