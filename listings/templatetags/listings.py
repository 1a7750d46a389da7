"""Template helpers of the market's own pages."""

from django import template

from ..forms import BrokerForm

register = template.Library()


@register.inclusion_tag("listings/includes/broker_form.html", takes_context=True)
def broker_form(context, listing):
    return {
        "listing": listing,
        "form": BrokerForm(initial={"broker": listing.broker_id}),
        "csrf_token": context.get("csrf_token"),
    }
