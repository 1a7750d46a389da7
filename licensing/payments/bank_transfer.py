"""Bank transfer (对公转账), the domestic default: the payer transfers to the platform's account quoting a unique
reference; finance staff confirm receipt against the bank statement. Unpaid references expire."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from ..choices import BANK_TRANSFER_DAYS, Gateway, PaymentState
from .base import PaymentInstructions, PaymentRequest, PaymentStatus


class BankTransferGateway:
    name = Gateway.BANK_TRANSFER

    def start(self, request: PaymentRequest, *, now: datetime.datetime | None = None) -> PaymentInstructions:
        account = settings.PLATFORM_BANK_ACCOUNT
        now = now or timezone.now()
        return PaymentInstructions(
            gateway_reference=request.reference,
            expires_at=now + datetime.timedelta(days=BANK_TRANSFER_DAYS),
            details={**account, "reference": request.reference},
        )

    def status(self, payment, *, now: datetime.datetime | None = None) -> PaymentStatus:
        """Nothing to ask a bank: a transfer is pending until staff confirm it or its reference expires."""
        now = now or timezone.now()
        if payment.state == PaymentState.PENDING and payment.expires_at is not None and payment.expires_at < now:
            return PaymentStatus(state=PaymentState.EXPIRED, reason="reference expired unpaid")
        return PaymentStatus(state=payment.state)
