"""Money owed on the platform and each call made to collect it.

A :class:`Payment` row is written before any gateway is called, so a process
that dies between the two loses nothing: ``reconcile_payments`` asks the
gateway about every pending payment. Each call to a gateway is a
:class:`Transaction`, kept as sent and as answered.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..choices import CNY, OPEN_PAYMENT_STATES, Gateway, PaymentPurpose, PaymentState


class PaymentQuerySet(models.QuerySet):
    def pending(self) -> PaymentQuerySet:
        """Awaiting the payer: nothing paid yet."""
        return self.filter(state=PaymentState.PENDING)

    def open(self) -> PaymentQuerySet:
        """Not settled yet: awaiting the payer, or paid and clearing at the gateway."""
        return self.filter(state__in=OPEN_PAYMENT_STATES)


class Payment(models.Model):
    """An amount in yuan (CNY, two places) one organisation owes another, and how far its collection has gone."""

    reference = models.CharField(
        _("payment reference"),
        max_length=20,
        unique=True,
        help_text=_("Quote it in the bank transfer's remarks so that the payment can be matched."),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=PaymentPurpose.choices)
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default=CNY, editable=False)
    payer = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="payments_made", verbose_name=_("payer")
    )
    payee = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="payments_received", verbose_name=_("payee")
    )
    gateway = models.CharField(
        _("payment method"), max_length=20, choices=Gateway.choices, default=Gateway.BANK_TRANSFER
    )
    state = models.CharField(
        _("state"), max_length=10, choices=PaymentState.choices, default=PaymentState.PENDING, db_index=True
    )
    gateway_reference = models.CharField(_("gateway reference"), max_length=100, blank=True)
    expires_at = models.DateTimeField(_("pay by"), null=True, blank=True)
    received_amount = models.DecimalField(_("amount received"), max_digits=14, decimal_places=2, null=True, blank=True)
    # What has gone back to the payer: refunds by the finance staff, refunds made in Stripe's dashboard, a dispute
    # lost. All of it: the payment is refunded; part of it: the payment stays succeeded.
    refunded_amount = models.DecimalField(
        _("amount refunded"), max_digits=14, decimal_places=2, default=Decimal("0.00"), editable=False
    )
    succeeded_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    failure_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        permissions = [
            ("confirm_payment", _("Can confirm the receipt of bank transfers")),
            ("refund_payment", _("Can refund payments")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__gte=0, refunded_amount__lte=models.F("amount")),
                name="payment_refund_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "expires_at"], name="payment_state_expiry"),
            # A webhook finds its payment by the gateway's id for it (a Stripe PaymentIntent's pi_...).
            models.Index(fields=["gateway", "gateway_reference"], name="payment_gateway_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ¥{self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("licensing:payment_detail", args=[self.reference])

    @property
    def refundable_amount(self) -> Decimal:
        """What can still be returned to the payer: what was received, less what went back already."""
        return max((self.received_amount or Decimal("0.00")) - self.refunded_amount, Decimal("0.00"))


class Transaction(models.Model):
    """One call to a payment gateway (or a confirmation by finance staff), as sent and as answered."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="transactions")
    gateway = models.CharField(_("gateway"), max_length=20, choices=Gateway.choices)
    operation = models.CharField(_("operation"), max_length=40)
    request = models.JSONField(_("request"), default=dict)
    response = models.JSONField(_("response"), default=dict)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    error = models.CharField(_("error"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("gateway transaction")
        verbose_name_plural = _("gateway transactions")

    def __str__(self) -> str:
        return f"{self.payment.reference} {self.operation}"


class StripeCustomer(models.Model):
    """The Stripe customer that stands for an organisation: one each, created when it first pays through Stripe."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="stripe_customer",
        verbose_name=_("organisation"),
    )
    customer_id = models.CharField(_("Stripe customer"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe customer")
        verbose_name_plural = _("Stripe customers")

    def __str__(self) -> str:
        return self.customer_id


class SavedPaymentMethodQuerySet(models.QuerySet):
    def usable(self) -> SavedPaymentMethodQuerySet:
        """Saved at Stripe (the SetupIntent succeeded) and not removed by the organisation."""
        return self.exclude(payment_method_id="").filter(removed_at__isnull=True)


class SavedPaymentMethod(models.Model):
    """A card an organisation saves at Stripe (a SetupIntent for off-session use) so that its pay-later instalments
    are charged without it being present. The row is written when the SetupIntent is created; the method and its
    label are filled in once Stripe reports the SetupIntent succeeded."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="saved_payment_methods",
        verbose_name=_("organisation"),
    )
    agreement = models.ForeignKey(
        "licensing.Agreement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="saved_payment_methods",
        verbose_name=_("pay-later agreement"),
    )
    setup_intent_id = models.CharField(_("Stripe SetupIntent"), max_length=100, unique=True)
    payment_method_id = models.CharField(_("Stripe payment method"), max_length=100, blank=True)
    label = models.CharField(_("card"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    saved_at = models.DateTimeField(_("saved"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    objects = SavedPaymentMethodQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("saved payment method")
        verbose_name_plural = _("saved payment methods")

    def __str__(self) -> str:
        return self.label or self.setup_intent_id


class StripeEvent(models.Model):
    """A webhook event Stripe delivered, stored in the transaction that acts on it: its id is unique, so an event
    delivered again (Stripe retries until it hears a 2xx, and may deliver twice anyway) is acknowledged and ignored.
    """

    event_id = models.CharField(_("Stripe event"), max_length=100, unique=True)
    type = models.CharField(_("type"), max_length=100, db_index=True)
    # The id of the object the event is about (a PaymentIntent's pi_...): an event older than one already applied to
    # the same object is stale, and moves nothing.
    object_id = models.CharField(_("object"), max_length=100, blank=True, db_index=True)
    created = models.DateTimeField(_("created at Stripe"), null=True, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    processed_at = models.DateTimeField(_("processed"), auto_now_add=True)

    class Meta:
        ordering = ["-processed_at", "-pk"]
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"
