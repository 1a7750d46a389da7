"""Daily e-mail alerts of saved searches: the listings published since the search was saved, each mailed once.

For each saved search with alerts on, the saved query runs (newest first, only
listings published after the search was saved) through ``searching.run_search``, so
a backend that fails is answered by the database. Listings already mailed for
that search are dropped; the rest are recorded and mailed in one e-mail. The
record is written with the saved search's row locked and the database refuses a
second one, so two runs at once cannot mail a listing twice; the e-mail is
queued only once that record has committed.

A listing that reaches the index a day late is still new the next day, since
"new" means published after the search was saved, not since the last alert.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from listings.models import Listing
from techmarket.notifications import absolute_url, email_on_commit

from .forms import parse
from .models import SavedSearch, SearchAlertSent
from .query import MAX_PAGE_SIZE, NEWEST
from .searching import run_search
from .tokens import unsubscribe_token

logger = logging.getLogger(__name__)

# Listings in one e-mail; more wait for the next day's.
PAGE_SIZE = MAX_PAGE_SIZE
# How deep an alert looks past listings it has already mailed for the ones it has not.
MAX_PAGES = 5


def send_search_alerts(*, now: datetime.datetime | None = None) -> int:
    """Mail every saved search with alerts on its new matches; returns the number of e-mails queued."""
    now = now or timezone.now()
    mails = 0
    saved_searches = SavedSearch.objects.filter(alerts=True, user__is_active=True).select_related("user")
    for saved_search in saved_searches.order_by("pk").iterator(chunk_size=500):
        try:
            mails += _alert(saved_search, now)
        except Exception:  # one broken saved search must not stop everyone else's alerts
            logger.exception("search alert failed for saved search %s", saved_search.pk)
    return mails


def new_matches(saved_search: SavedSearch) -> list[int]:
    """Ids of published listings matching the saved search, published after it was saved, not yet mailed for it."""
    form = parse(saved_search.querystring)
    if not form.is_valid():  # the search's filters have changed since it was saved
        logger.warning("saved search %s no longer parses: %s", saved_search.pk, form.errors.as_json())
        return []
    base = form.search_query(facets=(), page_size=PAGE_SIZE, highlight=False)
    found: list[int] = []
    for page in range(1, MAX_PAGES + 1):
        query = dataclasses.replace(base, sort=NEWEST, page=page, published_after=saved_search.alerts_since)
        result = run_search(query).result
        ids = [id for id in result.ids if id not in found]
        sent = set(
            SearchAlertSent.objects.filter(saved_search=saved_search, listing__in=ids).values_list("listing", flat=True)
        )
        found += [id for id in ids if id not in sent]
        if len(found) >= PAGE_SIZE or query.offset + PAGE_SIZE >= result.total:
            break
    # The index may lag behind a suspension or withdrawal: only what is published now is mailed.
    published = set(Listing.objects.published().filter(pk__in=found).values_list("pk", flat=True))
    return [id for id in found if id in published][:PAGE_SIZE]


def _alert(saved_search: SavedSearch, now: datetime.datetime) -> int:
    candidates = new_matches(saved_search)
    if not candidates:
        return 0
    with transaction.atomic():
        # With the row locked, a second run at the same moment waits here and then finds the listings recorded.
        locked = SavedSearch.objects.select_for_update().filter(pk=saved_search.pk, alerts=True).first()
        if locked is None:  # deleted or unsubscribed meanwhile
            return 0
        sent = set(
            SearchAlertSent.objects.filter(saved_search=locked, listing__in=candidates).values_list(
                "listing", flat=True
            )
        )
        ids = [id for id in candidates if id not in sent]
        if not ids:
            return 0
        SearchAlertSent.objects.bulk_create(
            [SearchAlertSent(saved_search=locked, listing_id=id, sent_at=now) for id in ids], ignore_conflicts=True
        )
        locked.last_sent_at = now
        locked.save(update_fields=["last_sent_at"])
        listings = Listing.objects.in_bulk(ids)
        _mail(saved_search, [listings[id] for id in ids if id in listings])
    return 1


def _mail(saved_search: SavedSearch, listings: list[Listing]) -> None:
    # Links in the site's language (the default one has no prefix), whatever language the caller is in.
    with translation.override(settings.LANGUAGE_CODE):
        unsubscribe = absolute_url(reverse("search:saved_search_unsubscribe", args=[unsubscribe_token(saved_search)]))
        context = {
            "name": saved_search.name,
            "count": len(listings),
            "listings": [
                {
                    "title": listing.title_zh,
                    "province": listing.province_name,
                    "url": absolute_url(listing.get_absolute_url()),
                }
                for listing in listings
            ],
            "search_url": absolute_url(saved_search.get_search_url()),
            "manage_url": absolute_url(reverse("search:saved_search_list")),
            "unsubscribe_url": unsubscribe,
        }
    email_on_commit(
        template="search_alert",
        to=[saved_search.user.email],
        context=context,
        # One-click unsubscribe in the mail client (RFC 2369 and RFC 8058): the link takes a POST without a login.
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
