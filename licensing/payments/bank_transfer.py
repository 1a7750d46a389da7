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

    def start(self, request: PaymentRequest) -> PaymentInstructions:
        account = settings.PLATFORM_BANK_ACCOUNT
        return PaymentInstructions(
            gateway_reference=request.reference,
            expires_at=timezone.now() + datetime.timedelta(days=BANK_TRANSFER_DAYS),
            details={**account, "reference": request.reference},
        )

    def status(self, payment) -> PaymentStatus:
        """Nothing to ask a bank: a transfer is pending until staff confirm it or its reference expires."""
        if payment.expires_at is not None and payment.expires_at < timezone.now():
            return PaymentStatus(state=PaymentState.EXPIRED, reason="reference expired unpaid")
        return PaymentStatus(state=payment.state)
