"""Small display helpers for the registry pages."""

from django import template

from ip_registry.choices import LegalStatus
from techmarket.regions import gbt2260

register = template.Library()


@register.filter
def province_name(code: str) -> str:
    """The name of a province (or city) code as stored in a ledger entry's parties."""
    return gbt2260.division_name(code) if code else ""


@register.filter
def short_hash(value: str, length: int = 12) -> str:
    return (value or "")[:length]


@register.filter
def legal_status_label(value: str) -> str:
    """The name of a legal status as stored in a ledger entry's details."""
    return LegalStatus(value).label if value in LegalStatus.values else value or ""


@register.filter
def open_licence_terms(entry) -> str:
    """The published fee of an open licence declaration entry (免费, 一次性 ¥50,000, 净销售额 3%)."""
    from ip_registry.selectors import open_licence_terms_text

    return open_licence_terms_text(entry.details or {}) if entry is not None else ""
