"""Saved searches and the alerts they send; the index itself lives in the search backend.

A saved search keeps the search's canonical query string (``forms.querystring``),
so it runs exactly as the search page would run it. Each listing an alert has
mailed is recorded against the saved search, and the database refuses a second
record: a listing is never mailed twice for the same saved search.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Long enough for a search with many filters; short enough for a unique index.
MAX_QUERYSTRING_LENGTH = 2000


class SavedSearch(models.Model):
    """A search a user keeps, to run again from their list and, with alerts on, to be told of new matches daily."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=100)
    querystring = models.CharField(_("query string"), max_length=MAX_QUERYSTRING_LENGTH, blank=True)
    created_at = models.DateTimeField(_("saved"), default=timezone.now, editable=False)
    alerts = models.BooleanField(_("e-mail alerts"), default=True)
    # Listings published after this are new to the alert: when the search was saved, or when alerts were turned
    # back on (what was published while they were off is not sent all at once).
    alerts_since = models.DateTimeField(_("alerts since"), default=timezone.now, editable=False)
    last_sent_at = models.DateTimeField(_("last alert sent"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [
            models.UniqueConstraint(fields=["user", "querystring"], name="saved_search_once_per_user"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_search_url(self) -> str:
        """The search page running this search."""
        path = reverse("search:search")
        return f"{path}?{self.querystring}" if self.querystring else path


class SearchAlertSent(models.Model):
    """A listing an alert has mailed for a saved search (never a second time)."""

    saved_search = models.ForeignKey(
        SavedSearch, verbose_name=_("saved search"), on_delete=models.CASCADE, related_name="sent"
    )
    listing = models.ForeignKey(
        "listings.Listing", verbose_name=_("listing"), on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("alert sent")
        verbose_name_plural = _("alerts sent")
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "listing"], name="search_alert_listing_once"),
        ]

    def __str__(self) -> str:
        return f"{self.saved_search} → {self.listing_id}"


class SynonymGroupQuerySet(models.QuerySet):
    def active(self) -> SynonymGroupQuerySet:
        return self.filter(is_active=True)


class SynonymGroup(models.Model):
    """Words that name the same thing (氮化镓 / GaN, 新能源车 / 新能源汽车), kept by the platform staff.

    Applied at query time by every backend (``search.synonyms``), so a change takes effect without a reindex.
    """

    forms = models.CharField(
        _("words"),
        max_length=300,
        unique=True,
        help_text=_("Two or more words that mean the same, separated by commas, e.g. 氮化镓, GaN."),
    )
    field = models.ForeignKey(
        "regions.TechnologyField",
        verbose_name=_("technology field"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SynonymGroupQuerySet.as_manager()

    class Meta:
        ordering = ["field__position", "forms"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonyms")

    def __str__(self) -> str:
        return self.forms

    @property
    def words(self) -> tuple[str, ...]:
        return split_forms(self.forms)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        words = split_forms(self.forms)
        if len(words) < 2:
            raise ValidationError({"forms": _("Give at least two words, separated by commas.")})
        self.forms = ", ".join(words)


def split_forms(text: str) -> tuple[str, ...]:
    """The words of a group as the search compares them: normalised, Latin lower-cased, each once."""
    import re

    from .analysis import simplified

    words = (simplified(word).strip().lower() for word in re.split(r"[,，、;；\n]+", text or ""))
    return tuple(dict.fromkeys(word for word in words if word))
