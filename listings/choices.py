"""Choices of the market: listing kinds, statuses and their transitions, deal modes, readiness levels."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ListingKind(models.TextChoices):
    PATENT = "patent", _("single patent")
    PORTFOLIO = "portfolio", _("patent portfolio")
    SOFTWARE = "software", _("software copyright")
    KNOW_HOW = "know_how", _("technical secret / know-how")
    PLANT_VARIETY = "plant_variety", _("new plant variety")
    IC_LAYOUT = "ic_layout", _("integrated circuit layout design")
    ACHIEVEMENT = "achievement", _("other research achievement")


# Kinds that are patents on the registry: they must name the patents, held by the listing organisation.
PATENT_KINDS = (ListingKind.PATENT, ListingKind.PORTFOLIO)


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("awaiting review")
    PUBLISHED = "published", _("published")
    SUSPENDED = "suspended", _("suspended")
    WITHDRAWN = "withdrawn", _("withdrawn")
    CLOSED = "closed", pgettext_lazy("listing status", "closed (transferred)")


# Statuses anyone may see; a listing in any other status is shown only to those it concerns (404 for others).
PUBLIC_STATUSES = (ListingStatus.PUBLISHED, ListingStatus.CLOSED)
# Statuses in which the owner may change the listing's text, terms and images.
EDITABLE_STATUSES = (ListingStatus.DRAFT, ListingStatus.PUBLISHED, ListingStatus.SUSPENDED)


class Actor(models.TextChoices):
    """Who may take a transition."""

    OWNER = "owner", _("owner organisation member")
    OWNER_ADMIN = "owner_admin", _("owner organisation administrator")
    MODERATOR = "moderator", _("platform moderator")
    SYSTEM = "system", _("the platform")


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    actor: str
    label: str
    needs_reason: bool = False


# The one table of allowed status changes. ``listing_transition`` refuses anything not in it.
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("submit", (ListingStatus.DRAFT,), ListingStatus.SUBMITTED, Actor.OWNER, _("Submit for review")),
        Transition("approve", (ListingStatus.SUBMITTED,), ListingStatus.PUBLISHED, Actor.MODERATOR, _("Publish")),
        Transition("reject", (ListingStatus.SUBMITTED,), ListingStatus.DRAFT, Actor.MODERATOR, _("Send back"), True),
        Transition("suspend", (ListingStatus.PUBLISHED,), ListingStatus.SUSPENDED, Actor.MODERATOR, _("Suspend"), True),
        Transition("reinstate", (ListingStatus.SUSPENDED,), ListingStatus.PUBLISHED, Actor.MODERATOR, _("Reinstate")),
        Transition(
            "withdraw",
            (ListingStatus.DRAFT, ListingStatus.SUBMITTED, ListingStatus.PUBLISHED, ListingStatus.SUSPENDED),
            ListingStatus.WITHDRAWN,
            Actor.OWNER_ADMIN,
            _("Withdraw"),
        ),
        Transition("reopen", (ListingStatus.WITHDRAWN,), ListingStatus.DRAFT, Actor.OWNER_ADMIN, _("Reopen as draft")),
        # A completed transfer closes the listing: the licensing app's deals, or the owner marking it sold.
        Transition(
            "close", (ListingStatus.PUBLISHED,), ListingStatus.CLOSED, Actor.OWNER_ADMIN, _("Mark as transferred")
        ),
    )
}


class DealMode(models.TextChoices):
    ASSIGNMENT = "assignment", _("assignment")
    EXCLUSIVE_LICENCE = "exclusive_licence", _("exclusive licence")
    SOLE_LICENCE = "sole_licence", _("sole licence")
    ORDINARY_LICENCE = "ordinary_licence", _("ordinary licence")
    OPEN_LICENCE = "open_licence", _("open licence")
    PAY_LATER = "pay_later", _("use first, pay later")
    EQUITY = "equity", _("equity investment")
    JOINT_DEVELOPMENT = "joint_development", _("joint development")


class ReadinessLevel(models.IntegerChoices):
    """Technology readiness levels, as in GB/T 22900 (科学技术研究项目评价通则)."""

    TRL1 = 1, _("TRL 1: basic principles observed and reported")
    TRL2 = 2, _("TRL 2: technology concept or application formulated")
    TRL3 = 3, _("TRL 3: key functions proven by analysis and experiment")
    TRL4 = 4, _("TRL 4: components validated in the laboratory")
    TRL5 = 5, _("TRL 5: components validated in a relevant environment")
    TRL6 = 6, _("TRL 6: prototype system demonstrated in a relevant environment")
    TRL7 = 7, _("TRL 7: prototype system tested in its operating environment")
    TRL8 = 8, _("TRL 8: actual system completed and qualified by tests")
    TRL9 = 9, _("TRL 9: actual system proven in production use")


class InquiryStatus(models.TextChoices):
    OPEN = "open", _("open")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")


class DemandStatus(models.TextChoices):
    OPEN = "open", _("open for proposals")
    SELECTED = "selected", _("solver selected")
    CLOSED = "closed", _("closed")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    SHORTLISTED = "shortlisted", _("shortlisted")
    SELECTED = "selected", _("selected")
    DECLINED = "declined", _("not selected")
