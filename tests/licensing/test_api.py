"""/api/v1/licensing/: the parties of a licence, an agreement, a payment or a report read it; for everyone else it
does not exist (404); anonymous callers are refused (403). Declarations in force are public. Every answer is as the
OpenAPI schema declares it."""

import datetime

import pytest
from rest_framework.test import APIClient

from licensing.choices import (
    AgreementState,
    DeclarationStatus,
    InstalmentStatus,
    LicenceStatus,
    PaymentState,
    ReportStatus,
)
from licensing.models import Declaration
from tests.factories import UserFactory, add_member, organisation_in
from tests.test_api_schema import assert_answers_as_declared, schema  # noqa: F401 (a fixture)

from . import rows
from .conftest import JS, declare, patent_in_force

D = datetime.date
BASE = "/api/v1/licensing"


@pytest.fixture
def api():
    return APIClient(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def outsider(db):
    return add_member(organisation_in(JS), UserFactory())


def get(api, user, path, schema_path, schema, **params):  # noqa: F811
    if user is not None:
        api.force_authenticate(user)
    response = api.get(f"{BASE}{path}", params)
    assert_answers_as_declared(schema, f"{BASE}{schema_path}", "get", response)
    return response


def test_the_licensee_reads_its_licence_with_terms_notice_and_next_payment(schema, api, declaration, firm, firm_member):  # noqa: F811
    licence = rows.licence(declaration, firm, status=LicenceStatus.AWAITING_PAYMENT, pay=PaymentState.PENDING)
    rows.report(licence=licence)

    listed = get(api, firm_member, "/licences/", "/licences/", schema).json()
    detail = get(api, firm_member, f"/licences/{licence.reference}/", "/licences/{reference}/", schema).json()

    assert listed["count"] == 1 and listed["results"][0]["reference"] == licence.reference
    assert detail["status"] == "awaiting_payment"
    assert detail["published_terms"] == "lump sum ¥50,000" and detail["lump_sum"] == "50000.00"
    assert detail["licensor"]["id"] == declaration.licensor_id and detail["licensee"]["id"] == firm.pk
    assert detail["next_payment"] == {
        "amount": "50000.00",
        "due_on": "2026-12-19",
        "description": "fee",
        "reference": licence.payment.reference,
    }
    assert detail["notice"]["sha256_pdf"] == licence.notice.sha256_pdf
    assert detail["reports_due"] == 1


def test_the_licensor_reads_it_too_and_filters_by_side_and_status(schema, api, declaration, firm, university_admin):  # noqa: F811
    in_force = rows.licence(declaration, firm)
    rows.licence(declaration, organisation_in(JS), status=LicenceStatus.CANCELLED)

    def references(**params):
        body = get(api, university_admin, "/licences/", "/licences/", schema, **params).json()
        return [row["reference"] for row in body["results"]]

    assert len(references()) == 2
    assert references(status="in_force") == [in_force.reference]
    assert len(references(side="granted")) == 2
    assert references(side="held") == []


def test_an_unknown_filter_value_is_a_400_naming_it(schema, api, firm_member):  # noqa: F811
    response = get(api, firm_member, "/licences/", "/licences/", schema, status="lost")
    assert response.status_code == 400 and "status" in response.json()
    response = get(api, firm_member, "/agreements/", "/agreements/", schema, state="lost")
    assert response.status_code == 400 and "state" in response.json()


def test_others_licences_agreements_payments_and_reports_do_not_exist_for_them(
    schema,  # noqa: F811
    api,
    declaration,
    university,
    firm,
    outsider,
):
    licence = rows.licence(declaration, firm, pay=PaymentState.PENDING)
    agreement = rows.agreement(rows.pay_later_listing(university), firm)
    report = rows.report(licence=licence)

    for path, schema_path in (
        (f"/licences/{licence.reference}/", "/licences/{reference}/"),
        (f"/agreements/{agreement.reference}/", "/agreements/{reference}/"),
        (f"/payments/{licence.payment.reference}/", "/payments/{reference}/"),
        (f"/reports/{report.pk}/", "/reports/{id}/"),
    ):
        response = get(api, outsider, path, schema_path, schema)
        assert response.status_code == 404, path
    for path in ("/licences/", "/agreements/", "/payments/", "/reports/"):
        assert get(api, outsider, path, path, schema).json()["count"] == 0


@pytest.mark.parametrize("path", ["/licences/", "/agreements/", "/payments/", "/reports/"])
def test_anonymous_callers_are_refused(schema, api, path):  # noqa: F811
    response = get(api, None, path, path, schema)
    assert response.status_code == 403


def test_an_agreement_shows_its_state_and_earliest_unpaid_instalment(schema, api, university, firm, firm_member):  # noqa: F811
    agreement = rows.agreement(
        rows.pay_later_listing(university),
        firm,
        state=AgreementState.PAYING,
        instalments=[
            (D(2027, 4, 1), "30000", InstalmentStatus.SCHEDULED),
            (D(2027, 1, 1), "30000", InstalmentStatus.OVERDUE),
        ],
    )
    rows.agreement(rows.pay_later_listing(university), firm, state=AgreementState.EXITED)

    body = get(api, firm_member, "/agreements/", "/agreements/", schema, state="paying").json()

    assert [row["reference"] for row in body["results"]] == [agreement.reference]
    assert body["results"][0]["next_payment"]["due_on"] == "2027-01-01"
    assert body["results"][0]["state_label"] == "paying"


def test_payer_and_payee_read_a_payment(schema, api, university, firm, firm_member, university_admin):  # noqa: F811
    payment = rows.payment(firm, university, "1200.50", state=PaymentState.SUCCEEDED)
    for user in (firm_member, university_admin):
        body = get(api, user, f"/payments/{payment.reference}/", "/payments/{reference}/", schema).json()
        assert body["amount"] == "1200.50" and body["state"] == "succeeded"
    assert get(api, firm_member, "/payments/", "/payments/", schema, state="pending").json()["count"] == 0


def test_reports_by_side_and_status(schema, api, declaration, firm, firm_member, university_admin):  # noqa: F811
    licence = rows.licence(declaration, firm)
    submitted = rows.report(licence=licence, status=ReportStatus.SUBMITTED, royalty="1500")

    body = get(api, university_admin, "/reports/", "/reports/", schema, side="granted", status="submitted").json()
    assert [row["id"] for row in body["results"]] == [submitted.pk]
    assert body["results"][0]["licence"] == licence.reference and body["results"][0]["royalty"] == "1500.00"
    assert get(api, firm_member, "/reports/", "/reports/", schema, side="granted").json()["count"] == 0


def test_declarations_in_force_are_public_and_others_only_for_their_licensor(
    schema,  # noqa: F811
    api,
    declaration,
    university,
    university_admin,
    outsider,
):
    pending = declare(university, [patent_in_force(university)])
    Declaration.objects.filter(pk=pending.pk).update(status=DeclarationStatus.AWAITING_CONSENT)

    public = get(api, None, "/declarations/", "/declarations/", schema).json()
    assert [row["id"] for row in public["results"]] == [declaration.pk]
    assert public["results"][0]["patents"][0]["application_number"]
    assert get(api, None, f"/declarations/{declaration.pk}/", "/declarations/{id}/", schema).status_code == 200

    assert get(api, outsider, f"/declarations/{pending.pk}/", "/declarations/{id}/", schema).status_code == 404
    own = get(api, university_admin, "/declarations/", "/declarations/", schema, status="awaiting_consent").json()
    assert [row["id"] for row in own["results"]] == [pending.pk]


@pytest.mark.parametrize("n", [2, 7])
def test_a_list_reads_in_a_fixed_number_of_queries(
    api, university, firm, firm_member, django_assert_max_num_queries, n
):
    for _ in range(n):
        licence = rows.licence(declare(university, [patent_in_force(university)]), firm, pay=PaymentState.PENDING)
        rows.report(licence=licence)
    api.force_authenticate(firm_member)
    with django_assert_max_num_queries(12):
        response = api.get(f"{BASE}/licences/")
    assert response.json()["count"] == n
