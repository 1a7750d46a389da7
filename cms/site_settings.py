"""Site settings the platform staff edit in the admin (Settings menu): the contact details in every page's footer,
and the bank account payers transfer licence fees to.

The footer is on every page, so its details are kept in the default cache (one read of the database after each
change, none per page) and forgotten when they are saved. The bank account is read fresh for each payment: it is
what the money is sent to. Both are the default site's: the platform has one site.
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from techmarket import pagecache

CONTACT_CACHE_KEY = "cms:platform-contact"
CONTACT_FIELDS = ("address", "phone", "email")
BANK_ACCOUNT_FIELDS = ("account_name", "bank", "account_number")

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()\-]{4,30}$", _("Enter a telephone number: digits, spaces, brackets and hyphens.")
)
account_number_validator = RegexValidator(
    r"^[0-9][0-9 ]{5,40}$", _("Enter the account number in digits (spaces may group them).")
)


@register_setting(icon="mail")
class PlatformContact(BaseSiteSetting):
    """How to reach the platform's operators: shown in the footer of every page."""

    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)

    panels = [FieldPanel("address"), FieldPanel("phone"), FieldPanel("email")]

    class Meta:
        verbose_name = _("platform contact details")
        verbose_name_plural = _("platform contact details")

    def __str__(self) -> str:
        return str(_("platform contact details"))


@register_setting(icon="doc-full")
class PlatformBankAccount(BaseSiteSetting):
    """The platform's account that firms transfer licence fees to, shown on payment pages and in the instructions
    sent by e-mail. Until all three are filled in, the account from the deployment's settings is used."""

    account_name = models.CharField(_("account name"), max_length=100, blank=True)
    bank = models.CharField(_("bank"), max_length=100, blank=True)
    account_number = models.CharField(
        _("account number"), max_length=50, blank=True, validators=[account_number_validator]
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("account_name"), FieldPanel("bank"), FieldPanel("account_number")],
            heading=_("Account for bank transfers"),
            help_text=_(
                "New payments quote this account. Fill in all three, or leave all three empty to use the account "
                "from the deployment's settings."
            ),
        )
    ]

    class Meta:
        verbose_name = _("platform bank account")
        verbose_name_plural = _("platform bank account")

    def __str__(self) -> str:
        return str(_("platform bank account"))

    def clean(self) -> None:
        filled = [name for name in BANK_ACCOUNT_FIELDS if getattr(self, name).strip()]
        if filled and len(filled) < len(BANK_ACCOUNT_FIELDS):
            raise ValidationError(
                {
                    name: _("Fill in the account name, the bank and the account number together, or none of them.")
                    for name in BANK_ACCOUNT_FIELDS
                    if name not in filled
                }
            )


def platform_contact() -> dict[str, str]:
    """The footer's contact details (empty strings where none are set), from the cache when it has them."""
    contact = cache.get(CONTACT_CACHE_KEY)
    if contact is None:
        row = PlatformContact.objects.filter(site__is_default_site=True).values(*CONTACT_FIELDS).first()
        contact = row or dict.fromkeys(CONTACT_FIELDS, "")
        cache.set(CONTACT_CACHE_KEY, contact, None)
    return contact


def platform_contact_changed(**kwargs) -> None:
    """Forget the cached details now and once the change commits (a page read meanwhile may have cached the old
    ones), and the visitors' cached pages, whose footers show them."""

    def forget() -> None:
        cache.delete(CONTACT_CACHE_KEY)
        pagecache.pages_changed()

    cache.delete(CONTACT_CACHE_KEY)
    transaction.on_commit(forget)


def platform_bank_account() -> dict[str, str] | None:
    """The account saved in the settings, or None while it is not filled in (licensing then uses its own)."""
    row = PlatformBankAccount.objects.filter(site__is_default_site=True).values(*BANK_ACCOUNT_FIELDS).first()
    if row is None or not all(value.strip() for value in row.values()):
        return None
    return {name: value.strip() for name, value in row.items()}
