"""Choices of the editorial pages: a policy's level, an event's kind, a portal's province, a guide's topic, an event
registration's status."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from techmarket.regions import gbt2260


class PolicyLevel(models.TextChoices):
    NATIONAL = "national", _("national")
    REGIONAL = "regional", _("Yangtze River Delta")
    PROVINCIAL = "provincial", _("provincial")


class EventKind(models.TextChoices):
    ROADSHOW = "roadshow", _("roadshow")
    MATCHMAKING = "matchmaking", _("matchmaking fair")
    AUCTION = "auction", _("achievement auction")
    OTHER = "other", _("other event")


class GuideTopic(models.TextChoices):
    OPEN_LICENCE = "open_licence", _("open licensing")
    PAY_LATER = "pay_later", _("use first, pay later")
    LISTING = "listing", _("publishing a listing")
    OTHER = "other", _("other")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    WAITING = "waiting", _("on the waiting list")
    CANCELLED = "cancelled", _("cancelled")


def delta_provinces() -> list[tuple[str, str]]:
    """The four provinces of the Yangtze River Delta, by GB/T 2260 code, each with its name in the page's language."""
    return [(code, gbt2260.division_name(code)) for code in gbt2260.YRD_PROVINCES]
