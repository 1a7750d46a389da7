"""``{% load money %}``: prices as people read them, on every app's pages (registered in ``TEMPLATES`` options)."""

from decimal import Decimal

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def price(value) -> str:
    """An indicative price: 50 万元 in Chinese, ¥500,000 in English; "negotiable" when there is none."""
    if value is None or value == "":
        return _("negotiable")
    amount = Decimal(value)
    if (get_language() or "").startswith("zh") and amount >= 10_000 and amount % 100 == 0:
        return f"{amount / 10_000:,f}".rstrip("0").rstrip(".") + " 万元"
    if amount == amount.to_integral_value():
        return f"¥{amount:,.0f}"
    return f"¥{amount:,.2f}"


@register.filter
def amount(value) -> str:
    """An amount to the fen, grouped by thousands in every language: ``50,000.00`` (for a phrase that writes the ¥)."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


@register.filter
def yuan(value) -> str:
    """An amount due or paid as the messages and e-mail write it and a bank statement shows it: ``¥50,000.00``."""
    return f"¥{amount(value)}" if value not in (None, "") else ""
