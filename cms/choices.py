"""Choices of the editorial pages: a policy's level, an event's kind."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyLevel(models.TextChoices):
    NATIONAL = "national", _("national")
    REGIONAL = "regional", _("Yangtze River Delta")
    PROVINCIAL = "provincial", _("provincial")


class EventKind(models.TextChoices):
    ROADSHOW = "roadshow", _("roadshow")
    MATCHMAKING = "matchmaking", _("matchmaking fair")
    AUCTION = "auction", _("achievement auction")
    OTHER = "other", _("other event")
