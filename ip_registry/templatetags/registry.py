"""Small display helpers for the registry pages."""

from django import template

from techmarket.regions import gbt2260

register = template.Library()


@register.filter
def province_name(code: str) -> str:
    """The name of a province (or city) code as stored in a ledger entry's parties."""
    return gbt2260.division_name(code) if code else ""


@register.filter
def short_hash(value: str, length: int = 12) -> str:
    return (value or "")[:length]
