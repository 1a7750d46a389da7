"""The payment page and the finance staff's pages: who sees what, confirmation and top-up, refusals on the form."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from licensing.choices import PaymentPurpose, PaymentState
from licensing.models import Payment
from licensing.payments import services as payments
from tests.factories import UserFactory, add_member, organisation_in

ACCOUNT_NUMBER = "1001 2345 6789 0123 456"


def url(name, *args):
    with translation.override("en"):
        return reverse(f"licensing:{name}", args=args)


@pytest.fixture
def payment(university, firm, firm_member):
    return payments.payment_create(
        purpose=PaymentPurpose.OPEN_LICENCE_FEE,
        description="专利实施许可费",
        amount=Decimal("50000.00"),
        payer=firm,
        payee=university,
        actor=firm_member,
    )


@pytest.fixture
def university_member(university):
    return add_member(university, UserFactory(name="科研处"))


@pytest.fixture
def outsider(db):
    return add_member(organisation_in("320000"), UserFactory(name="旁人"))


# The payment page ------------------------------------------------------------------------------------------------


def test_the_payer_sees_the_account_the_reference_and_the_date_to_pay_by(client, payment, firm_member):
    client.force_login(firm_member)
    response = client.get(url("payment_detail", payment.reference))
    assert response.status_code == 200
    page = response.content.decode()
    assert payment.reference in page and ACCOUNT_NUMBER in page and "¥50,000.00" in page
    assert f"{timezone.localtime(payment.expires_at):%Y-%m-%d}" in page
    assert "How to pay by bank transfer" in page
    assert "Confirm receipt" not in page and "Gateway transactions" not in page


def test_the_payee_sees_the_payment(client, payment, university_member):
    client.force_login(university_member)
    response = client.get(url("payment_detail", payment.reference))
    assert response.status_code == 200 and payment.reference in response.content.decode()


def test_finance_staff_see_the_payment_with_its_transactions_and_a_confirm_form(client, payment, finance):
    client.force_login(finance)
    page = client.get(url("payment_detail", payment.reference)).content.decode()
    assert "Confirm receipt" in page and "Gateway transactions" in page
    assert url("payment_confirm", payment.reference) in page


def test_to_anyone_else_a_payment_does_not_exist(client, payment, outsider):
    client.force_login(outsider)
    assert client.get(url("payment_detail", payment.reference)).status_code == 404
    assert client.get(url("payment_detail", "TMNOSUCHREF22")).status_code == 404


def test_visitors_are_sent_to_sign_in(client, payment):
    response = client.get(url("payment_detail", payment.reference))
    assert response.status_code == 302 and "login" in response.url


def test_a_paid_payment_no_longer_shows_the_account(client, payment, firm_member, finance):
    payments.payment_confirm_receipt(actor=finance, payment=payment, amount_received=Decimal("50000.00"))
    client.force_login(firm_member)
    page = client.get(url("payment_detail", payment.reference)).content.decode()
    assert ACCOUNT_NUMBER not in page and "succeeded" in page


# Transfers to confirm --------------------------------------------------------------------------------------------


def test_finance_staff_see_pending_transfers_newest_first_and_find_one_by_reference(
    client, payment, finance, university, firm
):
    newer = payments.payment_create(
        purpose=PaymentPurpose.ROYALTY, description="提成", amount=Decimal("800.00"), payer=firm, payee=university
    )
    client.force_login(finance)
    page = client.get(url("payments_to_confirm")).content.decode()
    assert page.index(newer.reference) < page.index(payment.reference)
    found = client.get(url("payments_to_confirm"), {"q": payment.reference.lower()}).content.decode()
    assert payment.reference in found and newer.reference not in found
    none = client.get(url("payments_to_confirm"), {"q": "TMZZZZ"}).content.decode()
    assert "No pending transfer matches this search." in none


def test_the_list_is_paginated(client, finance, university, firm):
    for _ in range(26):
        payments.payment_create(
            purpose=PaymentPurpose.ROYALTY, description="提成", amount=Decimal("1.00"), payer=firm, payee=university
        )
    client.force_login(finance)
    first = client.get(url("payments_to_confirm")).content.decode()
    assert "Page 1 of 2" in first
    second = client.get(url("payments_to_confirm"), {"page": 2}).content.decode()
    assert second.count('id="payment-TM') == 1


@pytest.mark.parametrize("who", ["firm_member", "university_admin"])
def test_others_may_not_see_the_finance_pages(client, request, who, payment, fund):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("payments_to_confirm")).status_code == 403
    assert client.post(url("payment_confirm", payment.reference), {"amount_received": "50000"}).status_code == 403
    assert client.get(url("fund_list")).status_code == 403
    assert client.get(url("fund_detail", fund.region)).status_code == 403
    assert client.post(url("fund_detail", fund.region), {"amount": "10"}).status_code == 403
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING
    assert fund.movements.count() == 1


def test_visitors_are_sent_to_sign_in_from_the_finance_pages(client, payment, fund):
    for address in (url("payments_to_confirm"), url("payment_confirm", payment.reference), url("fund_list")):
        response = client.get(address)
        assert response.status_code == 302 and "login" in response.url


def test_confirming_the_exact_amount_pays_and_says_so(client, payment, finance):
    client.force_login(finance)
    response = client.post(url("payment_confirm", payment.reference), {"amount_received": "50000.00"}, follow=True)
    assert response.redirect_chain[-1][0] == url("payments_to_confirm")
    assert f"Payment {payment.reference} is confirmed: ¥50,000.00 received" in response.content.decode()
    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED and payment.confirmed_by == finance


def test_a_different_amount_is_refused_on_the_form_with_the_difference(client, payment, finance):
    client.force_login(finance)
    response = client.post(url("payment_confirm", payment.reference), {"amount_received": "49000"})
    assert response.status_code == 400
    assert "¥49,000.00 received, ¥1,000.00 less than the ¥50,000.00 due" in response.content.decode()
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING


@pytest.mark.parametrize("amount", ["", "abc", "-5", "1.234", "1e400"])
def test_an_amount_that_is_not_money_is_a_form_error(client, payment, finance, amount):
    client.force_login(finance)
    response = client.post(url("payment_confirm", payment.reference), {"amount_received": amount})
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING


def test_confirming_twice_is_refused_the_second_time(client, payment, finance):
    client.force_login(finance)
    client.post(url("payment_confirm", payment.reference), {"amount_received": "50000.00"})
    response = client.post(url("payment_confirm", payment.reference), {"amount_received": "50000.00"})
    assert response.status_code == 400 and "already confirmed" in response.content.decode()
    assert payment.transactions.filter(operation="succeeded").count() == 1


def test_an_unknown_reference_is_404(client, finance):
    client.force_login(finance)
    assert client.post(url("payment_confirm", "TMNOSUCHREF2"), {"amount_received": "1"}).status_code == 404


# Risk funds ------------------------------------------------------------------------------------------------------


def test_finance_staff_see_the_funds_and_a_funds_ledger(client, fund, finance):
    client.force_login(finance)
    listing = client.get(url("fund_list")).content.decode()
    assert fund.name in listing and "¥1,000,000.00" in listing and "80%" in listing and "¥200,000.00" in listing
    page = client.get(url("fund_detail", fund.region)).content.decode()
    assert "首期注资" in page and "+¥1,000,000.00" in page and "Top up" in page
    assert client.get(url("fund_detail", "999999")).status_code == 404


def test_a_top_up_moves_the_balance_and_shows_in_the_ledger(client, fund, finance):
    client.force_login(finance)
    response = client.post(url("fund_detail", fund.region), {"amount": "2500.50", "note": "财政拨款"}, follow=True)
    page = response.content.decode()
    assert "¥2,500.50 added to" in page and "its balance is now ¥1,002,500.50" in page
    assert "财政拨款" in page
    fund.refresh_from_db()
    assert fund.balance == Decimal("1002500.50")


@pytest.mark.parametrize("amount", ["0", "-1", "abc", ""])
def test_a_bad_top_up_is_a_form_error_and_writes_nothing(client, fund, finance, amount):
    client.force_login(finance)
    response = client.post(url("fund_detail", fund.region), {"amount": amount})
    assert response.status_code == 400
    fund.refresh_from_db()
    assert fund.balance == Decimal("1000000.00") and fund.movements.count() == 1


def test_a_payout_shows_with_its_sign_and_the_balance_after(client, fund, finance):
    from licensing.services.fund import fund_payout

    fund_payout(actor=finance, fund=fund, amount=Decimal("160000.00"), claim=None, note="理赔")
    client.force_login(finance)
    page = client.get(url("fund_detail", fund.region)).content.decode()
    assert "−¥160,000.00" in page and "¥840,000.00" in page


# Admin -----------------------------------------------------------------------------------------------------------


def test_the_admin_shows_payments_and_funds_read_only(client, payment, fund):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    with translation.override("en"):
        change = reverse("admin:licensing_payment_change", args=[payment.pk])
        movement_add = reverse("admin:licensing_fundmovement_add")
        fund_change = reverse("admin:licensing_riskfund_change", args=[fund.pk])
    page = client.get(change)
    assert page.status_code == 200 and payment.reference in page.content.decode()
    assert client.get(movement_add).status_code == 403
    # The balance is shown, not edited: posting one changes nothing.
    client.post(
        fund_change,
        {
            "name": fund.name,
            "balance": "9",
            "coverage_ratio": "75",
            "per_agreement_cap": "200000",
            "movements-TOTAL_FORMS": "0",
            "movements-INITIAL_FORMS": "0",
        },
    )
    fund.refresh_from_db()
    assert fund.balance == Decimal("1000000.00") and fund.coverage_ratio == Decimal("75.00")
    assert Payment.objects.count() == 1


def test_every_licensing_model_can_be_looked_up_in_the_admin(client, payment, fund):
    from django.contrib import admin as django_admin

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    models = [model for model in django_admin.site._registry if model._meta.app_label == "licensing"]
    assert len(models) == 13  # the other four are inlines of these
    for model in models:
        with translation.override("en"):
            address = reverse(f"admin:licensing_{model._meta.model_name}_changelist")
        assert client.get(address).status_code == 200, model
        assert client.get(address, {"q": "TM"}).status_code == 200, model
