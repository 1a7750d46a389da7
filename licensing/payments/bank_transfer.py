"""Bank transfer (对公转账), the domestic default: the payer transfers to the platform's account quoting a unique
reference; finance staff confirm receipt against the bank statement. Unpaid references expire."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from ..choices import BANK_TRANSFER_DAYS, Gateway, PaymentState
from .base import PaymentInstructions, PaymentRequest, PaymentStatus

# Where the platform's account comes from. The settings dict unless an upper app provides another source (the
# editorial site's settings, filled in by ``cms`` in its ``ready()``); licensing never imports that app.
BankAccountProvider = Callable[[], dict[str, str] | None]
_bank_account_provider: BankAccountProvider | None = None


def provide_bank_account(provider: BankAccountProvider | None) -> None:
    """Read the platform's bank account from ``provider`` from now on. It returns the account (``account_name``,
    ``bank``, ``account_number``) or None when it has none, and then ``settings.PLATFORM_BANK_ACCOUNT`` is used."""
    global _bank_account_provider
    _bank_account_provider = provider


def platform_bank_account() -> dict[str, str]:
    """The account payers transfer to, as the payment page and the payment's instructions show it."""
    account = _bank_account_provider() if _bank_account_provider is not None else None
    return dict(account) if account else dict(settings.PLATFORM_BANK_ACCOUNT)


class BankTransferGateway:
    name = Gateway.BANK_TRANSFER

    def start(self, request: PaymentRequest, *, now: datetime.datetime | None = None) -> PaymentInstructions:
        account = platform_bank_account()
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
