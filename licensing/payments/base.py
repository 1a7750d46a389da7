"""The interface every payment gateway implements, with the request and response it exchanges."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class PaymentRequest:
    """What the platform asks a gateway to collect: written to a ``Payment`` row before the gateway is called."""

    reference: str
    amount: Decimal  # yuan, two places
    currency: str
    description: str
    payer_name: str
    payee_name: str
    payer_id: int | None = None  # the paying organisation (a gateway may keep a customer record per payer)
    purpose: str = ""


@dataclass(frozen=True)
class PaymentInstructions:
    """How the payer pays: a bank account and the reference to quote, or a gateway's page to go to."""

    gateway_reference: str = ""
    expires_at: datetime.datetime | None = None
    # Shown to the payer: the account details for a transfer; empty for a gateway with its own page.
    details: dict[str, str] = field(default_factory=dict)
    redirect_url: str = ""


@dataclass(frozen=True)
class PaymentStatus:
    """What the gateway says of a payment when asked (``reconcile_payments``)."""

    state: str  # a PaymentState value
    amount_received: Decimal | None = None
    reason: str = ""
    raw: dict = field(default_factory=dict)


class GatewayError(Exception):
    """A gateway refused a call or could not be reached; the message says why, in the gateway's words."""


class Gateway(Protocol):
    name: str

    def start(self, request: PaymentRequest, *, now: datetime.datetime | None = None) -> PaymentInstructions:
        """Begin collecting a payment (the ``Payment`` row exists already); ``now`` is the clock (default: now)."""

    def status(self, payment, *, now: datetime.datetime | None = None) -> PaymentStatus:
        """Ask the gateway what became of a pending payment."""
