"""Reads of payments for the pages: who may see a payment, and the transfers awaiting finance staff."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .. import permissions
from ..choices import Gateway
from ..models import Payment


def payment_for_user(user, reference: str) -> Payment | None:
    """The payment, if the user may see it (a member of its payer or payee, or finance staff); else None."""
    payment = Payment.objects.select_related("payer", "payee", "confirmed_by").filter(reference=reference).first()
    if payment is None or not permissions.can_view(user, payment):
        return None
    return payment


def payments_to_confirm(*, search: str = "") -> QuerySet[Payment]:
    """Pending bank transfers, newest first; ``search`` matches a reference (any part, any case) or a payer's name."""
    payments = Payment.objects.pending().filter(gateway=Gateway.BANK_TRANSFER).select_related("payer", "payee")
    search = search.strip()
    if search:
        payments = payments.filter(
            Q(reference__icontains=search.replace(" ", "")) | Q(payer__name_zh__icontains=search)
        )
    return payments.order_by("-created_at", "-pk")
