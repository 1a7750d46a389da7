"""Template helpers of the market: prices as people read them, and blocks other apps' pages include."""

from decimal import Decimal

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..forms import BrokerForm
from ..selectors import listings as selectors

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


@register.inclusion_tag("listings/includes/broker_form.html", takes_context=True)
def broker_form(context, listing):
    return {
        "listing": listing,
        "form": BrokerForm(initial={"broker": listing.broker_id}),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("listings/includes/organisation_listings.html")
def organisation_listings(organisation, limit: int = 12):
    """The organisation's published listings, for its page in the directory."""
    queryset = selectors.organisation_listings(organisation)
    return {"listings": list(queryset[:limit]), "total": queryset.count(), "organisation": organisation}
