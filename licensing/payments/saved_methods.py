"""Cards saved for pay-later instalments, and the instalments charged to them with the firm absent.

When a pay-later agreement converts, the firm may save a card at Stripe (a SetupIntent for off-session use,
confirmed in the browser by Stripe.js). The row is written when the SetupIntent is created; what became of it is
read from Stripe (on the page the firm returns to, or from the ``setup_intent.succeeded`` webhook through
:func:`setup_intent_succeeded`). Once an instalment is invoiced, the licensing clock charges the firm's saved card
(:func:`payment_charge_saved`); a charge its bank wants authenticated, or declines, leaves the instalment waiting
for the firm, who pays it on the payment page by card or by bank transfer.
"""

from __future__ import annotations

import logging
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from techmarket.audit.services import audit_record

from .. import permissions
from ..choices import AgreementState, Gateway, PaymentState
from ..exceptions import LicensingError
from ..models import Agreement, Payment, SavedPaymentMethod, Transaction
from . import stripe_gateway
from .base import GatewayError, PaymentStatus
from .services import _locked, _start, payment_processing, payment_request, payment_succeed

logger = logging.getLogger(__name__)

# Agreements whose instalments are, or are about to be, invoiced: the firm may save a card for them.
SAVING_STATES = (AgreementState.CONVERTED, AgreementState.PAYING, AgreementState.OVERDUE, AgreementState.GRACE)


def can_save_method(user, agreement: Agreement) -> bool:
    """The licensee's members may save a card once the agreement has converted, when Stripe takes cards."""
    return (
        agreement.state in SAVING_STATES
        and stripe_gateway.enabled()
        and "card" in stripe_gateway.methods()
        and permissions.is_member(user, agreement.licensee)
    )


def saved_method_for(organisation, agreement: Agreement | None = None) -> SavedPaymentMethod | None:
    """The card to charge: the one saved for this agreement, else the organisation's latest."""
    methods = SavedPaymentMethod.objects.usable().filter(organisation=organisation)
    if agreement is not None:
        methods = methods.annotate(
            mine=Case(When(agreement=agreement, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by("mine", "-saved_at", "-pk")
    return methods.first()


def saved_method_start(*, actor, agreement: Agreement) -> SavedPaymentMethod:
    """Create the SetupIntent through which the firm saves a card for the agreement's instalments."""
    if not permissions.is_member(actor, agreement.licensee):
        raise PermissionDenied
    if not can_save_method(actor, agreement):
        raise LicensingError(_("A card can be saved only for a converted agreement, when cards are accepted."))
    # Each attempt its own SetupIntent: a card refused once is saved again through a new one.
    key = f"setup-{agreement.reference}-{secrets.token_hex(6)}"
    try:
        setup = stripe_gateway.StripeGateway().setup_intent(
            agreement.licensee_id, name=agreement.licensee.name_zh, key=key
        )
    except GatewayError as error:
        raise LicensingError(
            _("The payment service could not be reached just now: %(reason)s") % {"reason": error}
        ) from None
    return SavedPaymentMethod.objects.create(
        organisation=agreement.licensee, agreement=agreement, setup_intent_id=setup.id, created_by=actor
    )


def saved_method_refresh(*, method: SavedPaymentMethod) -> tuple[SavedPaymentMethod, stripe_gateway.SavedMethod | None]:
    """Read the SetupIntent from Stripe; once it succeeded, record the card and its label (once). Returns the row
    and what Stripe says of the SetupIntent (None when the card was recorded already: nothing is asked)."""
    if method.payment_method_id:
        return method, None
    saved = stripe_gateway.StripeGateway().saved_method(method.setup_intent_id)
    if saved.status == "succeeded" and saved.payment_method_id:
        method = _record(method.setup_intent_id, saved.payment_method_id, saved.label)
    return method, saved


def setup_intent_succeeded(setup_intent: dict) -> SavedPaymentMethod | None:
    """The ``setup_intent.succeeded`` webhook's handler (for the webhook's registry): the card is recorded as soon
    as Stripe reports it, whether or not the firm comes back to the page. Unknown SetupIntents are ignored; a
    second delivery changes nothing."""
    method = SavedPaymentMethod.objects.filter(setup_intent_id=setup_intent.get("id", "")).first()
    if method is None:
        return None
    return saved_method_refresh(method=method)[0]


@transaction.atomic
def _record(setup_intent_id: str, payment_method_id: str, label: str) -> SavedPaymentMethod:
    method = SavedPaymentMethod.objects.select_for_update().get(setup_intent_id=setup_intent_id)
    if method.payment_method_id:
        return method
    method.payment_method_id = payment_method_id
    method.label = label[:100]
    method.saved_at = timezone.now()
    method.save(update_fields=["payment_method_id", "label", "saved_at"])
    audit_record(
        actor=method.created_by,
        action="payment.saved_method",
        target=method.agreement or method.organisation,
        summary=method.label,
        data={"setup_intent": setup_intent_id},
    )
    return method


@transaction.atomic
def saved_method_remove(*, actor, method: SavedPaymentMethod) -> SavedPaymentMethod:
    """The firm stops instalments being charged to the card; its instalments are then paid on the site."""
    if not permissions.is_member(actor, method.organisation):
        raise PermissionDenied
    method = SavedPaymentMethod.objects.select_for_update().get(pk=method.pk)
    if method.removed_at is None:
        method.removed_at = timezone.now()
        method.save(update_fields=["removed_at"])
    return method


# Charging an instalment with the firm absent ---------------------------------------------------------------------


def payment_charge_saved(*, payment: Payment, method: SavedPaymentMethod) -> PaymentStatus | None:
    """Charge a pending payment to a saved card, off-session; the payment then belongs to Stripe.

    Paid: the payment succeeds (its purpose's handler runs: the instalment is paid). Needing the firm (the bank
    wants it to authenticate, or declined the card): the payment stays pending at Stripe, with the reason, and an
    intent the firm can pay on the payment page is ensured. Returns the gateway's answer; None when nothing was
    tried (not pending any more) or Stripe could not be reached (recorded; the next run tries again).
    """
    with transaction.atomic():
        payment = _locked(payment)
        if payment.state != PaymentState.PENDING:
            return None
        attempt = payment.transactions.filter(operation="charge_saved").count() + 1
        request = payment_request(payment)
        sent = {"reference": payment.reference, "amount": str(payment.amount), "attempt": attempt}
        try:
            status = stripe_gateway.StripeGateway().charge_saved(
                request, method.payment_method_id, key=f"instalment-{payment.reference}-{attempt}"
            )
        except GatewayError as error:
            logger.warning("Payment %s: the saved card could not be charged: %s", payment.reference, error)
            Transaction.objects.create(
                payment=payment, gateway=Gateway.STRIPE, operation="charge_saved", request=sent, error=str(error)[:500]
            )
            return None
        intent_id = status.raw.get("payment_intent", "")
        Transaction.objects.create(
            payment=payment,
            gateway=Gateway.STRIPE,
            operation="charge_saved",
            request=sent,
            response={"state": status.state, "reason": status.reason, **status.raw},
            # The intent exists at Stripe: the payment is started there (see ``services.STARTING_OPERATIONS``).
            succeeded=bool(intent_id),
            error="" if status.state == PaymentState.SUCCEEDED else status.reason[:500],
        )
        payment.gateway = Gateway.STRIPE
        payment.gateway_reference = intent_id
        payment.failure_reason = "" if status.state == PaymentState.SUCCEEDED else status.reason[:300]
        payment.save(update_fields=["gateway", "gateway_reference", "failure_reason", "updated_at"])
        audit_record(
            actor=None,
            action="payment.charged_saved",
            target=payment,
            summary=f"{payment.reference} {method.label}: {status.state}",
            data={"attempt": attempt, "code": status.raw.get("code", ""), "status": status.raw.get("status", "")},
        )
        if status.state == PaymentState.SUCCEEDED:
            payment_succeed(payment=payment, amount_received=status.amount_received, raw=status.raw)
        elif status.state == PaymentState.PROCESSING:
            payment_processing(payment=payment, raw=status.raw)
    if status.state == PaymentState.PENDING and not intent_id:
        _start(payment)  # the declined charge left no intent to pay on the site: one is created for the firm
    return status


def needs_the_payer(status: PaymentStatus | None) -> bool:
    """The charge came back pending: the bank wants the firm to authenticate, or declined the card."""
    return status is not None and status.state == PaymentState.PENDING


def reason_for_payer(status: PaymentStatus) -> str:
    """Why the firm has to act, as it reads it."""
    if status.raw.get("status") == "requires_action" or status.raw.get("code") == "authentication_required":
        return _("your bank asks you to confirm the payment yourself.")
    return _("the card was declined (%(reason)s).") % {"reason": status.reason or status.raw.get("code", "")}


__all__ = [
    "can_save_method",
    "needs_the_payer",
    "payment_charge_saved",
    "reason_for_payer",
    "saved_method_for",
    "saved_method_refresh",
    "saved_method_remove",
    "saved_method_start",
    "setup_intent_succeeded",
]
