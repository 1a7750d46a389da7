"""Pay later, charged off-session, against localstripe: a converted firm saves a card (a SetupIntent for off-session
use), the licensing clock charges each invoiced instalment to it, and a charge the bank wants authenticated or
declines leaves the instalment "action required", with an e-mail linking to its payment page, where the firm pays
by card or turns to bank transfer. Pages in Chinese; nothing mocked."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from licensing.choices import AgreementState, Gateway, InstalmentStatus, PaymentState
from licensing.models import SavedPaymentMethod
from licensing.payments import saved_methods, stripe_gateway
from licensing.services import paylater
from licensing.services.clock import licensing_clock
from tests.factories import UserFactory, add_member, organisation_in
from tests.licensing.paylater_helpers import D, in_trial, make_offer, pay_later_listing
from tests.test_csp import policy

pytestmark = pytest.mark.django_db

DECISION_DATE = D(2026, 7, 4)
INVOICE_DAY = D(2026, 7, 20)  # the first instalment, due 2026-08-03, is invoiced 14 days ahead
VISA = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
AUTHENTICATE = {"number": "4000002500003155", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
DECLINED_ON_CHARGE = {"number": "4000000000000341", "exp_month": 12, "exp_year": 2030, "cvc": "123"}


@pytest.fixture
def agreement(stripe_server, university, fund, firm, firm_admin):
    """A converted agreement paying ¥120,000 in four instalments of ¥30,000, the first due 2026-08-03."""
    offer = make_offer(pay_later_listing(university), fund)
    agreement = paylater.agreement_convert(actor=None, agreement=in_trial(offer, firm), on=DECISION_DATE)
    assert agreement.state == AgreementState.PAYING
    return agreement


def save_card(agreement, actor, card) -> SavedPaymentMethod:
    """What the card page does: a SetupIntent, confirmed with the card by Stripe.js (3-D Secure completed), then
    read back from Stripe."""
    method = saved_methods.saved_method_start(actor=actor, agreement=agreement)
    client = stripe_gateway._client()
    created = client.v1.payment_methods.create(params={"type": "card", "card": card})
    setup = client.v1.setup_intents.confirm(method.setup_intent_id, params={"payment_method": created.id})
    if setup.status == "requires_action":  # the card's 3-D Secure, completed as Stripe.js's modal does
        client.v1.setup_intents.confirm(method.setup_intent_id)
    return saved_methods.saved_method_refresh(method=method)[0]


def first(agreement):
    return agreement.instalment_rows.select_related("payment").get(number=1)


# Saving a card -------------------------------------------------------------------------------------------------


def test_the_firm_saves_a_card_from_its_agreement_page(client, stripe_server, agreement, firm_member):
    client.force_login(firm_member)
    page = client.get(reverse("licensing:agreement_detail", args=[agreement.reference])).content.decode()
    assert "保存银行卡" in page and "银行转账仍可使用" in page

    response = client.post(reverse("licensing:saved_method_start", args=[agreement.reference]), follow=True)

    method = SavedPaymentMethod.objects.get()
    assert (method.organisation, method.agreement, method.payment_method_id) == (agreement.licensee, agreement, "")
    assert method.setup_intent_id.startswith("seti_")
    setup = stripe_gateway.StripeGateway().setup_intent_retrieve(method.setup_intent_id)
    assert setup.usage == "off_session" and setup.customer
    page = response.content.decode()
    assert 'id="setup-card-element"' in page and setup.client_secret in page
    assert f'src="{stripe_server.url}/js.stripe.com/v3/"' in page
    assert policy(response)["script-src"] == ["'self'", stripe_server.url]

    client_ = stripe_gateway._client()
    card = client_.v1.payment_methods.create(params={"type": "card", "card": VISA})
    client_.v1.setup_intents.confirm(method.setup_intent_id, params={"payment_method": card.id})
    page = client.get(reverse("licensing:saved_method_detail", args=[method.pk])).content.decode()

    assert "Visa ···· 4242 已保存：每期分期款开票时从该卡扣取。" in page
    assert 'id="setup-card-element"' not in page
    method.refresh_from_db()
    assert method.payment_method_id == card.id and method.label == "Visa ···· 4242" and method.saved_at
    page = client.get(reverse("licensing:agreement_detail", args=[agreement.reference])).content.decode()
    assert "每期分期款开票时从 Visa ···· 4242 扣取" in page


def test_the_webhooks_setup_intent_succeeded_records_the_card(agreement, firm_member):
    method = saved_methods.saved_method_start(actor=firm_member, agreement=agreement)
    client = stripe_gateway._client()
    card = client.v1.payment_methods.create(params={"type": "card", "card": VISA})
    client.v1.setup_intents.confirm(method.setup_intent_id, params={"payment_method": card.id})

    saved_methods.setup_intent_succeeded({"id": method.setup_intent_id, "object": "setup_intent"})
    saved_methods.setup_intent_succeeded({"id": method.setup_intent_id, "object": "setup_intent"})

    method.refresh_from_db()
    assert method.payment_method_id == card.id and method.label == "Visa ···· 4242"
    assert saved_methods.setup_intent_succeeded({"id": "seti_unknown"}) is None


def test_a_refused_card_is_not_saved(client, agreement, firm_member):
    client.force_login(firm_member)
    method = saved_methods.saved_method_start(actor=firm_member, agreement=agreement)
    client_ = stripe_gateway._client()
    refused = client_.v1.payment_methods.create(params={"type": "card", "card": {**VISA, "number": "4000000000000002"}})
    with pytest.raises(Exception, match="declined"):
        client_.v1.setup_intents.confirm(method.setup_intent_id, params={"payment_method": refused.id})

    page = client.get(reverse("licensing:saved_method_detail", args=[method.pk])).content.decode()

    assert "银行卡被拒绝。请保存另一张银行卡，或通过银行转账支付分期款。" in page
    method.refresh_from_db()
    assert method.payment_method_id == ""


def test_only_the_licensees_members_save_or_see_its_cards(client, agreement, firm_member, university_admin):
    method = save_card(agreement, firm_member, VISA)
    outsider = add_member(organisation_in("320000"), UserFactory(name="旁人"))

    client.force_login(university_admin)
    assert client.post(reverse("licensing:saved_method_start", args=[agreement.reference])).status_code == 403
    assert client.get(reverse("licensing:saved_method_detail", args=[method.pk])).status_code == 404
    assert (
        "保存银行卡"
        not in client.get(reverse("licensing:agreement_detail", args=[agreement.reference])).content.decode()
    )
    client.force_login(outsider)
    assert client.post(reverse("licensing:saved_method_start", args=[agreement.reference])).status_code == 404
    assert client.post(reverse("licensing:saved_method_remove", args=[method.pk])).status_code == 404
    assert SavedPaymentMethod.objects.count() == 1


# Charging the instalments --------------------------------------------------------------------------------------


def test_the_clock_charges_an_invoiced_instalment_to_the_saved_card(agreement, firm_member):
    save_card(agreement, firm_member, VISA)

    report = licensing_clock(on=INVOICE_DAY)

    assert (report.invoiced, report.charged, report.action_required) == (1, 1, 0)
    instalment = first(agreement)
    payment = instalment.payment
    assert instalment.status == InstalmentStatus.PAID
    assert payment.state == PaymentState.SUCCEEDED and payment.gateway == Gateway.STRIPE
    assert payment.received_amount == Decimal("30000.00")
    intent = stripe_gateway._client().v1.payment_intents.retrieve(payment.gateway_reference)
    assert intent.amount == 3_000_000 and intent.status == "succeeded"
    assert payment.transactions.get(operation="charge_saved").request["attempt"] == 1
    # The same day again: nothing is charged twice.
    assert licensing_clock(on=INVOICE_DAY).total() == 0
    assert first(agreement).payment.transactions.filter(operation="charge_saved").count() == 1


def test_without_a_saved_card_the_instalment_awaits_a_bank_transfer(agreement, firm_member):
    method = save_card(agreement, firm_member, VISA)
    saved_methods.saved_method_remove(actor=firm_member, method=method)

    report = licensing_clock(on=INVOICE_DAY)

    assert (report.invoiced, report.charged) == (1, 0)
    instalment = first(agreement)
    assert instalment.status == InstalmentStatus.INVOICED
    assert instalment.payment.gateway == Gateway.BANK_TRANSFER and instalment.payment.state == PaymentState.PENDING


def test_a_charge_the_bank_wants_authenticated_waits_for_the_firm_who_confirms_it_on_the_site(
    client, agreement, firm_member, firm_admin, stripe_server, mailoutbox, django_capture_on_commit_callbacks
):
    save_card(agreement, firm_member, AUTHENTICATE)

    with django_capture_on_commit_callbacks(execute=True):
        report = licensing_clock(on=INVOICE_DAY)

    assert (report.charged, report.action_required) == (1, 1)
    instalment = first(agreement)
    payment = instalment.payment
    assert instalment.status == InstalmentStatus.ACTION_REQUIRED
    assert instalment.get_status_display() == "需要您操作"
    assert payment.state == PaymentState.PENDING and payment.gateway == Gateway.STRIPE
    (mail,) = [m for m in mailoutbox if "需要您操作" in m.subject]
    assert firm_admin.email in mail.to
    assert reverse("licensing:payment_detail", args=[payment.reference]) in mail.body
    assert "银行要求您亲自确认付款" in mail.body
    # Not charged again the next day; still reminded and marked overdue like any unpaid instalment.
    assert licensing_clock(on=INVOICE_DAY + datetime.timedelta(days=1)).charged == 0

    client.force_login(firm_member)
    page = client.get(reverse("licensing:payment_detail", args=[payment.reference])).content.decode()
    assert "本期分期款未能从您保存的银行卡扣取" in page
    assert "与银行确认付款" in page and 'id="pay-authenticate"' in page
    assert 'value="bank_transfer"' in page

    # What Stripe.js's confirmCardPayment does once the firm has authenticated with its bank.
    secret = stripe_gateway.StripeGateway().checkout_intent(payment).client_secret
    stripe_server.request(
        "POST",
        f"/v1/payment_intents/{payment.gateway_reference}/_authenticate",
        {"client_secret": secret, "success": "true"},
    )
    page = client.get(reverse("licensing:payment_return", args=[payment.reference])).content.decode()

    assert "已收到 ¥30,000.00，谢谢。" in page
    assert first(agreement).status == InstalmentStatus.PAID


def test_a_declined_charge_waits_for_the_firm_who_may_pay_by_bank_transfer(client, agreement, firm_member, finance):
    save_card(agreement, firm_member, DECLINED_ON_CHARGE)

    report = licensing_clock(on=INVOICE_DAY)

    assert (report.charged, report.action_required) == (1, 1)
    instalment = first(agreement)
    payment = instalment.payment
    assert instalment.status == InstalmentStatus.ACTION_REQUIRED
    # An intent the firm can pay on the site by another card.
    assert payment.gateway == Gateway.STRIPE and payment.gateway_reference.startswith("pi_")
    client.force_login(firm_member)
    page = client.get(reverse("licensing:payment_detail", args=[payment.reference])).content.decode()
    assert "本期分期款未能从您保存的银行卡扣取" in page and 'id="pay-card"' in page

    page = client.post(
        reverse("licensing:payment_method_choose", args=[payment.reference]), {"gateway": "bank_transfer"}, follow=True
    ).content.decode()

    assert 'id="transfer-instructions"' in page and payment.reference in page
    payment.refresh_from_db()
    assert payment.gateway == Gateway.BANK_TRANSFER and payment.state == PaymentState.PENDING
    from licensing.payments.services import payment_confirm_receipt

    payment_confirm_receipt(actor=finance, payment=payment, amount_received=Decimal("30000.00"))
    assert first(agreement).status == InstalmentStatus.PAID


def test_an_instalment_awaiting_the_firm_becomes_overdue_after_its_due_date(agreement, firm_member):
    save_card(agreement, firm_member, AUTHENTICATE)
    licensing_clock(on=INVOICE_DAY)

    assert licensing_clock(on=D(2026, 8, 3)).reminded == 1
    assert licensing_clock(on=D(2026, 8, 4)).overdue == 1

    assert first(agreement).status == InstalmentStatus.OVERDUE
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.OVERDUE
