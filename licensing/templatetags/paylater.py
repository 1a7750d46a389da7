"""``{% load paylater %}``: pay-later terms as the offer, the application and the agreement pages show them."""

from django import template
from django.template.loader import render_to_string
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from techmarket.accounts.choices import FirmSize

register = template.Library()


@register.simple_tag
def pay_later_terms(terms) -> str:
    """The terms of an offer or an agreement (both carry the same fields)."""
    sizes = [str(FirmSize(size).label) for size in FirmSize.values if size in (terms.eligible_sizes or [])]
    return render_to_string(
        "licensing/paylater/terms.html", {"terms": terms, "sizes": get_text_list(sizes, _("and")) or "—"}
    )
