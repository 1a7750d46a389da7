"""Reads for the editorial pages: the market's figures, the newest listings, and the pages under an index.

Each function is a fixed number of queries, whatever the data: the home page's
cost does not grow with the market.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from ip_registry.models import Target
from ip_registry.selectors import FlowFilter, Progress, RegionFlows, flow_matrix, targets_progress
from listings.choices import DealMode
from listings.models import Demand, Listing
from listings.selectors.demands import DemandFilters, public_demands
from listings.selectors.listings import ListingFilters, public_listings
from techmarket.accounts.models import Organisation
from techmarket.accounts.selectors import organisation_counts_by_province, organisation_list
from techmarket.regions import gbt2260

from . import models as cms_models
from . import translation_links
from .choices import RegistrationStatus


@dataclass(frozen=True)
class MarketFigures:
    """What the home page reports of the market and the registry."""

    year: int
    published_listings: int
    open_licence_listings: int
    cross_province_transfers: int  # registered from 1 January of ``year`` to today
    progress: list[Progress] = field(default_factory=list)


def plan_targets(today: datetime.date) -> QuerySet[Target]:
    """The targets whose period runs today; when none does, those whose period ended last (the plan just past)."""
    started = Target.objects.filter(period_start__lte=today)
    running = started.filter(period_end__gte=today)
    if running.exists():
        return running
    last_end = started.aggregate(last=Max("period_end"))["last"]
    return started.filter(period_end=last_end)


def market_figures(*, today: datetime.date) -> MarketFigures:
    published = Listing.objects.published()
    this_year = FlowFilter(start=datetime.date(today.year, 1, 1), end=today)
    return MarketFigures(
        year=today.year,
        published_listings=published.count(),
        open_licence_listings=published.filter(deal_terms__mode=DealMode.OPEN_LICENCE).distinct().count(),
        cross_province_transfers=flow_matrix(this_year).cross_province,
        progress=targets_progress(plan_targets(today)),
    )


def organisations_by_province(portal_pages: dict | None = None) -> list[dict]:
    """Verified universities and institutes, and enterprises, in each of the four provinces (one query), each with
    its portal page if it has one."""
    counts = organisation_counts_by_province()
    portal_pages = portal_pages or {}
    return [
        {
            "code": province.code,
            "name": province.name,
            "suppliers": counts.get(province.code, {}).get("suppliers", 0),
            "enterprises": counts.get(province.code, {}).get("enterprises", 0),
            "portal": portal_pages.get(province.code),
        }
        for province in gbt2260.provinces()[:4]
    ]


def latest_listings(*, limit: int = 4) -> list[Listing]:
    """The newest published listings, as cards."""
    return list(public_listings()[:limit])


def _originals(model) -> QuerySet:
    """The live, public pages of a kind in the default language: the home page lists these, each in the reader's
    language when it has been translated (:func:`cms.translation_links.in_language`)."""
    return model.objects.live().public().filter(locale__language_code=settings.LANGUAGE_CODE)


def latest_news(*, language: str, limit: int = 3) -> list[cms_models.NewsPage]:
    news = _originals(cms_models.NewsPage).order_by("-date", "-pk")[:limit]
    return translation_links.in_language(list(news), language)


def portals(language: str) -> dict[str, cms_models.ProvincePortalPage]:
    """The live province portals, in the reader's language where translated, by province."""
    pages = translation_links.in_language(list(_originals(cms_models.ProvincePortalPage)), language)
    return {page.province: page for page in pages}


def guides(language: str, *, limit: int = 6) -> list[cms_models.GuidePage]:
    pages = _originals(cms_models.GuidePage).order_by("path")[:limit]
    return translation_links.in_language(list(pages), language)


def upcoming_events(*, now: datetime.datetime, language: str, limit: int = 3) -> list[cms_models.EventPage]:
    events = _originals(cms_models.EventPage).filter(starts_at__gte=now).order_by("starts_at")[:limit]
    return translation_links.in_language(list(events), language)


def news_under(index_page) -> QuerySet:
    return cms_models.NewsPage.objects.child_of(index_page).live().public().order_by("-date", "-pk")


def policies_under(index_page, *, body: str = "", level: str = "", year: int | None = None) -> QuerySet:
    """The index's policies, the most recently issued first, of an issuing body (a part of its name, in the
    policy's language or a translation's), a level and a year of issue when given."""
    policies = cms_models.PolicyPage.objects.child_of(index_page).live().public()
    if body:
        named = cms_models.PolicyPage.objects.filter(issuing_body__icontains=body).values("translation_key")
        policies = policies.filter(translation_key__in=named)
    if level:
        policies = policies.filter(level=level)
    if year:
        policies = policies.filter(issue_date__year=year)
    return policies.order_by("-issue_date", "-pk")


def events_under(index_page, *, now: datetime.datetime) -> tuple[list, list]:
    """The index's events to come (soonest first) and past (latest first)."""
    events = cms_models.EventPage.objects.child_of(index_page).live().public()
    upcoming = list(events.filter(starts_at__gte=now).order_by("starts_at"))
    past = list(events.filter(starts_at__lt=now).order_by("-starts_at")[:20])
    return upcoming, past


def news_listed(index_page, *, language: str) -> list[cms_models.NewsPage]:
    """What a news index lists, in any language: the original index's news items, each in ``language`` where it has
    been translated (an English index lists the items not yet translated too)."""
    news = news_under(translation_links.original(index_page))
    return translation_links.in_language(list(news), language)


def policies_listed(index_page, *, language: str, **filters) -> list[cms_models.PolicyPage]:
    """What a policy index lists, in any language (as :func:`news_listed`), filtered as :func:`policies_under`."""
    policies = policies_under(translation_links.original(index_page), **filters)
    return translation_links.in_language(list(policies), language)


def events_listed(index_page, *, now: datetime.datetime, language: str) -> tuple[list, list]:
    """What an event index lists, in any language (as :func:`news_listed`): those to come, and those past."""
    upcoming, past = events_under(translation_links.original(index_page), now=now)
    return translation_links.in_language(upcoming, language), translation_links.in_language(past, language)


@dataclass(frozen=True)
class ProvincePortal:
    """What a province portal shows: a few of each, with the totals, and the province's registry flows."""

    code: str
    name: str
    organisations: list[Organisation]
    organisation_count: int
    listings: list[Listing]
    listing_count: int
    demands: list[Demand]
    demand_count: int
    flows_this_year: RegionFlows
    flows_all_time: RegionFlows
    year: int


def province_portal(code: str, *, today: datetime.date, limit: int = 6) -> ProvincePortal:
    """The province's verified organisations, published listings and open demands (the newest ``limit`` of each and
    their counts) and its cross-province inflow and outflow this year and in all: a fixed number of queries."""
    organisations = organisation_list(province=code)
    listings = public_listings(ListingFilters(province=code))
    demands = public_demands(DemandFilters(province=code, status="open"))
    this_year = flow_matrix(FlowFilter(start=datetime.date(today.year, 1, 1), end=today))
    all_time = flow_matrix(FlowFilter(end=today))
    return ProvincePortal(
        code=code,
        name=gbt2260.division_name(code),
        organisations=list(organisations[:limit]),
        organisation_count=organisations.count(),
        listings=list(listings[:limit]),
        listing_count=listings.count(),
        demands=list(demands[:limit]),
        demand_count=demands.count(),
        flows_this_year=this_year.by_region[code],
        flows_all_time=all_time.by_region[code],
        year=today.year,
    )


def guide_market_link(topic: str) -> tuple[str, str] | None:
    """Where on the market a guide's reader goes next, as (address, words), or None for a guide on anything else."""
    listings = reverse("listings:listing_list")
    links = {
        "open_licence": (f"{listings}?deal_mode={DealMode.OPEN_LICENCE}", _("Listings under an open licence")),
        "pay_later": (f"{listings}?deal_mode={DealMode.PAY_LATER}", _("Listings offered to use first, pay later")),
        "listing": (reverse("listings:listing_create"), _("Publish a listing")),
    }
    return links.get(topic)


@dataclass(frozen=True)
class RegistrationState:
    """What the event page says of registration: places taken and left, the waiting list, and the reader's own place
    (``status`` empty when the reader has none, ``position`` their place in the waiting list)."""

    open: bool
    capacity: int | None
    confirmed: int
    waiting: int
    status: str = ""
    position: int | None = None

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)


def event_registration_state(event, user, *, now: datetime.datetime) -> RegistrationState:
    """Counts of the event's registrations and the user's place in them: three queries at most."""
    counts = dict(
        cms_models.EventRegistration.objects.filter(event=event)
        .exclude(status=RegistrationStatus.CANCELLED)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    state = {
        "open": event.live and event.starts_at > now,
        "capacity": event.capacity,
        "confirmed": counts.get(RegistrationStatus.CONFIRMED, 0),
        "waiting": counts.get(RegistrationStatus.WAITING, 0),
    }
    mine = None
    if getattr(user, "is_authenticated", False):
        mine = cms_models.EventRegistration.objects.filter(event=event, user=user).first()
    if mine is not None and mine.status != RegistrationStatus.CANCELLED:
        state["status"] = mine.status
        if mine.status == RegistrationStatus.WAITING:
            ahead = cms_models.EventRegistration.objects.filter(event=event, status=RegistrationStatus.WAITING).filter(
                Q(registered_at__lt=mine.registered_at) | Q(registered_at=mine.registered_at, id__lt=mine.id)
            )
            state["position"] = ahead.count() + 1
    return RegistrationState(**state)


FEED_LENGTH = 20


def news_feed(index_page, *, language: str) -> list:
    """The newest news items of the index for its RSS feed, in ``language`` where translated (none without an
    index)."""
    if index_page is None:
        return []
    news = news_under(translation_links.original(index_page))[:FEED_LENGTH]
    return translation_links.in_language(list(news), language)


def policy_feed(index_page, *, language: str) -> list:
    """The most recently issued policies of the index for its RSS feed, in ``language`` where translated (none
    without an index)."""
    if index_page is None:
        return []
    policies = policies_under(translation_links.original(index_page))[:FEED_LENGTH]
    return translation_links.in_language(list(policies), language)


def sitemap_listings() -> QuerySet[Listing]:
    """Every published listing, with only what the sitemap writes (its address and when it last changed)."""
    return Listing.objects.published().only("pk", "updated_at").order_by("-updated_at", "-pk")


# Pages with a summary, by the name of their one-to-one link from ``Page``.
_SUMMARIES = ("newspage", "policypage", "eventpage", "guidepage")


def search_pages(text: str) -> QuerySet:
    """The search page's "pages" tab: live public pages in the current language with every word of ``text`` in the
    title, the search description or the summary (Chinese words need no spaces, so ``icontains`` on each)."""
    from django.utils.translation import get_language
    from wagtail.models import Locale, Page

    from search.analysis import query_terms

    terms = query_terms(text)
    if not terms:
        return Page.objects.none()
    pages = Page.objects.live().public().filter(depth__gt=1)
    locale = Locale.objects.filter(language_code=get_language()).first()
    if locale is not None:
        pages = pages.filter(locale=locale)
    for term in terms:
        found = Q(title__icontains=term.text) | Q(search_description__icontains=term.text)
        for link in _SUMMARIES:
            found |= Q(**{f"{link}__summary__icontains": term.text})
        pages = pages.filter(found)
    return pages.specific().order_by("-first_published_at", "-pk")
