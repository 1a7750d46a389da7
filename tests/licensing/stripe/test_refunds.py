"""Refunds from the Django admin: the finance staff return a payment in full or in part, through Stripe for a
Stripe payment (one idempotency key per refund) and as a record for a bank transfer; a fee refunded in full ends
its open licence, on the registry too; refusals name their reason. And the licence page of a disputed fee."""

from decimal import Decimal

import pytest

from ip_registry.choices import EntryKind
from ip_registry.selectors import recordals_awaiting
from licensing.choices import LicenceStatus, PaymentState
from licensing.models import Payment
from licensing.payments import services, stripe_gateway
from licensing.payments.base import GatewayError
from tests.factories import PASSWORD, UserFactory
from tests.licensing import rows

from .webhooks import licence_awaiting_stripe_fee, pay_by_card

pytestmark = pytest.mark.django_db

CHANGELIST = "/django-admin/licensing/payment/"


@pytest.fixture
def paid_fee(stripe_server, declaration, firm, firm_admin, university_admin):
    """An open licence in force whose ¥50,000 fee was paid by card through Stripe."""
    licence, payment = licence_awaiting_stripe_fee(declaration, firm)
    pay_by_card(payment)
    services.payments_reconcile()
    payment.refresh_from_db()
    licence.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED and licence.status == LicenceStatus.IN_FORCE
    return licence, payment


@pytest.fixture
def finance_admin(client, finance):
    finance.is_staff = True
    finance.save(update_fields=["is_staff"])
    client.login(email=finance.email, password=PASSWORD)
    return client


def refund(client, payment, *, amount="", reason="专利权人同意退还", waived=False, language="zh-hans"):
    data = {"action": "refund_selected", "_selected_action": [payment.pk], "confirm": "1", "reason": reason}
    data["amount"] = amount
    if waived:
        data["waived"] = "on"
    return client.post(CHANGELIST, data, HTTP_ACCEPT_LANGUAGE=language)


def stripe_refunds(payment) -> list[int]:
    refunds = stripe_gateway._client().v1.refunds.list(params={"payment_intent": payment.gateway_reference})
    return sorted(refund.amount for refund in refunds.data)


def test_the_action_asks_for_the_amount_and_the_reason(finance_admin, paid_fee):
    _licence, payment = paid_fee

    response = finance_admin.post(
        CHANGELIST, {"action": "refund_selected", "_selected_action": [payment.pk]}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert f"退还付款 {payment.reference}" in page
    assert "¥50,000.00" in page  # what can still be refunded
    assert "退款将通过 Stripe 原路退回" in page
    payment.refresh_from_db()
    assert payment.refunded_amount == 0


def test_a_partial_refund_goes_through_stripe_and_the_licence_stays(finance_admin, paid_fee):
    licence, payment = paid_fee

    response = refund(finance_admin, payment, amount="10000.00")

    assert response.status_code == 302
    payment.refresh_from_db()
    licence.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.refunded_amount == Decimal("10000.00")
    assert licence.status == LicenceStatus.IN_FORCE
    assert stripe_refunds(payment) == [1_000_000]
    transaction = payment.transactions.get(operation="refund")
    assert transaction.succeeded and transaction.request["idempotency_key"] == f"refund-{payment.reference}-1"
    assert transaction.response["refund"].startswith("re_")


def test_refunding_the_rest_ends_the_licence_on_the_registry(finance_admin, paid_fee, firm_admin, client):
    licence, payment = paid_fee
    refund(finance_admin, payment, amount="10000.00")

    response = refund(finance_admin, payment)  # no amount: all that is left

    assert response.status_code == 302
    payment.refresh_from_db()
    licence.refresh_from_db()
    assert payment.state == PaymentState.REFUNDED and payment.refunded_amount == Decimal("50000.00")
    assert stripe_refunds(payment) == [1_000_000, 4_000_000]
    keys = [row.request["idempotency_key"] for row in payment.transactions.filter(operation="refund")]
    assert keys == [f"refund-{payment.reference}-1", f"refund-{payment.reference}-2"]
    assert licence.status == LicenceStatus.TERMINATED and licence.ended_on is not None
    licence_entry = licence.registry_entries.get(kind=EntryKind.LICENCE)
    termination = licence.registry_entries.get(kind=EntryKind.LICENCE_TERMINATION)
    assert termination.related_entry == licence_entry
    assert termination.patent == licence_entry.patent
    assert termination.sequence > licence_entry.sequence


def test_a_terminated_licence_is_no_longer_awaiting_recordal(finance_admin, paid_fee):
    licence, payment = paid_fee
    licence_entry = licence.registry_entries.get(kind=EntryKind.LICENCE)
    awaiting = recordals_awaiting(on=licence_entry.registration_date)
    assert awaiting.filter(entry=licence_entry).exists()  # its three-month clock runs

    refund(finance_admin, payment)

    assert not recordals_awaiting(on=licence_entry.registration_date).filter(entry=licence_entry).exists()


def test_more_than_was_received_is_refused_with_the_reason(finance_admin, paid_fee):
    _licence, payment = paid_fee

    response = refund(finance_admin, payment, amount="50000.01", language="en")

    assert response.status_code == 400
    assert "退款金额不能超过已收款项" in response.content.decode()
    assert "最多还可退 ¥50,000.00" in response.content.decode()
    payment.refresh_from_db()
    assert payment.refunded_amount == 0
    assert stripe_refunds(payment) == []


def test_a_refund_needs_a_reason(finance_admin, paid_fee):
    _licence, payment = paid_fee

    response = refund(finance_admin, payment, reason="")

    assert response.status_code == 400
    assert not payment.transactions.filter(operation="refund").exists()


def test_a_refund_stripe_refuses_is_recorded_and_shown(finance_admin, paid_fee, monkeypatch):
    _licence, payment = paid_fee

    def refuse(self, payment, amount, *, key):
        raise GatewayError("Charge has already been refunded.")

    monkeypatch.setattr(stripe_gateway.StripeGateway, "refund", refuse)

    response = refund(finance_admin, payment, amount="100.00", language="en")

    assert response.status_code == 400
    # Stripe's own message, after the reason in Chinese.
    assert "退款未完成：Charge has already been refunded." in response.content.decode()
    payment.refresh_from_db()
    assert payment.refunded_amount == 0 and payment.state == PaymentState.SUCCEEDED
    failed = payment.transactions.get(operation="refund")
    assert not failed.succeeded and failed.error == "Charge has already been refunded."


def test_staff_outside_the_finance_group_cannot_refund(client, paid_fee):
    _licence, payment = paid_fee
    staff = UserFactory(is_staff=True, is_superuser=False)
    staff.user_permissions.add(*_view_payment())
    client.login(email=staff.email, password=PASSWORD)

    refund(client, payment, amount="100.00")

    payment.refresh_from_db()
    assert payment.refunded_amount == 0
    assert stripe_refunds(payment) == []


def _view_payment():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="licensing", codename="view_payment")


def test_a_waived_fee_is_refunded_and_the_licence_stands(finance_admin, paid_fee):
    licence, payment = paid_fee

    refund(finance_admin, payment, waived=True)

    payment.refresh_from_db()
    licence.refresh_from_db()
    assert payment.state == PaymentState.REFUNDED
    assert licence.status == LicenceStatus.IN_FORCE


def test_a_bank_transfer_refund_is_recorded_without_a_gateway(finance_admin, declaration, firm, finance):
    licence = rows.licence(declaration, firm, pay=PaymentState.PENDING)
    payment = licence.payment
    services.payment_confirm_receipt(actor=finance, payment=payment, amount_received=Decimal("50000.00"))

    response = refund(finance_admin, payment, amount="20000.00")

    assert response.status_code == 302
    payment = Payment.objects.get(pk=payment.pk)
    assert payment.refunded_amount == Decimal("20000.00") and payment.state == PaymentState.SUCCEEDED
    transaction = payment.transactions.get(operation="refund")
    assert transaction.succeeded and "idempotency_key" not in transaction.request


def test_the_licence_page_says_a_disputed_licence_is_frozen(client, paid_fee, firm_admin):
    licence, payment = paid_fee
    services.payment_dispute_open(payment=payment, dispute_id="dp_1", amount=payment.amount, reason="fraudulent")
    client.login(email=firm_admin.email, password=PASSWORD)

    page = client.get(f"/en/licences/{licence.reference}/").content.decode()

    assert 'id="licence-frozen"' in page
    assert "the licence is frozen until the dispute is decided" in page

    services.payment_dispute_close(payment=payment, dispute_id="dp_1", won=True, amount=payment.amount, status="won")
    assert 'id="licence-frozen"' not in client.get(f"/licences/{licence.reference}/").content.decode()


def test_the_licence_page_shows_a_terminated_licence_and_its_registry_entry(
    client, finance_admin, paid_fee, firm_admin
):
    licence, payment = paid_fee
    refund(finance_admin, payment)
    client.login(email=firm_admin.email, password=PASSWORD)

    page = client.get(f"/en/licences/{licence.reference}/").content.decode()

    assert "terminated (its fee refunded)" in page
    assert "terminated, registered" in page


def test_the_finance_staff_see_the_webhook_events_in_the_admin(finance_admin, stripe_server):
    from licensing.models import StripeEvent

    StripeEvent.objects.create(event_id="evt_admin_1", type="charge.refunded", object_id="ch_1", payload={})

    page = finance_admin.get("/django-admin/licensing/stripeevent/")

    assert page.status_code == 200
    assert "evt_admin_1" in page.content.decode()


def test_the_payers_payment_page_says_refunded_in_chinese(client, finance_admin, paid_fee, firm_admin):
    _licence, payment = paid_fee
    refund(finance_admin, payment, reason="专利权人同意退还")
    client.login(email=firm_admin.email, password=PASSWORD)

    page = client.get(f"/payments/{payment.reference}/").content.decode()

    assert '<span class="badge badge-warning" data-test="payment-state">已退款</span>' in page
    assert 'data-test="payment-refunded">¥50,000.00<' in page
    assert "专利权人同意退还" in page  # the reason the payer reads


def test_a_refund_made_in_stripes_dashboard_does_not_change_the_next_refunds_key(finance_admin, paid_fee):
    _licence, payment = paid_fee
    refund(finance_admin, payment, amount="1000.00")
    stripe_gateway._client().v1.refunds.create(params={"payment_intent": payment.gateway_reference, "amount": 200000})
    services.payment_refunded_at_gateway(payment=payment, refunded_total=Decimal("3000.00"))

    refund(finance_admin, payment, amount="500.00")

    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("3500.00")
    keys = [row.request.get("idempotency_key") for row in payment.transactions.filter(operation="refund")]
    assert keys == [f"refund-{payment.reference}-1", None, f"refund-{payment.reference}-2"]
    assert stripe_refunds(payment) == [50_000, 100_000, 200_000]
