"""Writes to saved searches: save a search, delete it, turn its alerts off or on.

A saved search stores the canonical query string of the search (the one the
search page itself would write), so two ways of writing the same search are
one saved search, and an invalid one is refused before anything is written.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from techmarket.accounts.models import User

from .forms import SearchForm, parse, querystring
from .models import SavedSearch
from .presentation import labels
from .query import LISTING_FILTERS, LISTING_FLAGS

# Enough for anyone's interests; each one is a search run every day.
MAX_SAVED_SEARCHES = 20
NAME_LENGTH = SavedSearch._meta.get_field("name").max_length
INVALID_SEARCH = gettext_lazy("This search cannot be saved: its words or filters are not valid.")


def canonical_querystring(raw: str) -> tuple[str, SearchForm]:
    """The saved form of a search's query string (page left out), or a ValidationError if the search is invalid."""
    form = parse(raw or "")
    if not form.is_valid():
        raise ValidationError({"querystring": INVALID_SEARCH})
    return querystring(form.search_query(), page=None), form


def default_name(form: SearchForm) -> str:
    """A name for a saved search from its words and filters, e.g. “电池 · 上海市, 江苏省 · Open licence”."""
    data = form.cleaned_data
    parts = [data["q"].strip()] if data.get("q", "").strip() else []
    for name in LISTING_FILTERS:
        values = data.get(name) or []
        if values:
            names = labels(name, values)
            parts.append(", ".join(names.get(value, value) for value in values))
    for name in LISTING_FLAGS:
        if data.get(name):
            parts.append(str(form.fields[name].label))
    name = " · ".join(parts) if parts else _("All listings")
    return Truncator(name).chars(NAME_LENGTH)


@transaction.atomic
def saved_search_create(*, user: User, querystring: str, name: str = "") -> SavedSearch:
    """Save a search for the user, with daily e-mail alerts of new matches switched on."""
    canonical, form = canonical_querystring(querystring)
    # Lock the user's row so that two saves at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    saved = SavedSearch.objects.filter(user=user)
    if saved.filter(querystring=canonical).exists():
        raise ValidationError({"querystring": _("You have already saved this search.")})
    if saved.count() >= MAX_SAVED_SEARCHES:
        raise ValidationError(
            ngettext(
                "You can keep at most %(limit)d saved search. Delete one before saving another.",
                "You can keep at most %(limit)d saved searches. Delete one before saving another.",
                MAX_SAVED_SEARCHES,
            )
            % {"limit": MAX_SAVED_SEARCHES}
        )
    now = timezone.now()
    saved_search = SavedSearch(
        user=user,
        name=" ".join(name.split()) or default_name(form),
        querystring=canonical,
        created_at=now,
        alerts_since=now,
    )
    saved_search.full_clean()
    saved_search.save()
    return saved_search


@transaction.atomic
def saved_search_delete(*, user: User, saved_search: SavedSearch) -> None:
    """Delete one of the user's saved searches (and the record of its alerts)."""
    if saved_search.user_id != user.pk:
        raise PermissionDenied  # the views look saved searches up among the user's own: this is a bug
    saved_search.delete()


@transaction.atomic
def saved_search_unsubscribe(*, saved_search: SavedSearch) -> SavedSearch:
    """Turn the saved search's e-mail alerts off (from the link in an alert, or the user's list)."""
    return _set_alerts(saved_search, on=False)


@transaction.atomic
def saved_search_subscribe(*, saved_search: SavedSearch) -> SavedSearch:
    """Turn the alerts back on. Only what is published from now on is new: the gap is not mailed all at once."""
    return _set_alerts(saved_search, on=True)


def _set_alerts(saved_search: SavedSearch, *, on: bool) -> SavedSearch:
    locked = SavedSearch.objects.select_for_update().get(pk=saved_search.pk)
    if locked.alerts != on:
        locked.alerts = on
        fields = ["alerts"]
        if on:
            locked.alerts_since = timezone.now()
            fields.append("alerts_since")
        locked.full_clean()
        locked.save(update_fields=fields)
    saved_search.alerts, saved_search.alerts_since = locked.alerts, locked.alerts_since
    return saved_search
