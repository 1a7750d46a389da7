"""The search page: one box, facets with counts, filter chips, highlighted results; the URL holds it all."""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from techmarket import pagecache

from . import presentation, suggestions
from .forms import MAX_PAGE, PAGE_SIZE, SORT_CHOICES, SearchForm, querystring
from .query import LISTING_FACETS, SearchQuery
from .searching import run_search

# Offered when nothing is found, and on the empty page.
EXAMPLES = ("锂电池", "芯片", "机器人", "生物医药", "光伏", "传感器")


@pagecache.cached_for_visitors(params=tuple(SearchForm.base_fields))
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "sort_choices": SORT_CHOICES, "examples": EXAMPLES, "invalid": True}
        return render(request, "search/search.html", context, status=400)
    query = form.search_query(facets=LISTING_FACETS, page_size=PAGE_SIZE)
    outcome = run_search(query)
    result = outcome.result
    pages = min(MAX_PAGE, math.ceil(result.total / PAGE_SIZE))
    context = {
        "form": form,
        "query": query,
        "result": result,
        "degraded": outcome.degraded,
        "relaxed": outcome.relaxed,
        "hits": presentation.listing_hits(result),
        "facets": presentation.facets(query, result),
        "chips": presentation.chips(query),
        "suggested_filters": presentation.suggested_filters(query),
        "did_you_mean": [
            (text, "?" + querystring(SearchQuery(text=text, filters=query.filters)))
            for text in (suggestions.did_you_mean(query.text) if outcome.relaxed or not result.total else ())
        ],
        "clear_url": "?" + querystring(SearchQuery(text=query.text)) if query.filters else "",
        "sort_choices": SORT_CHOICES,
        "pagination": _pagination(query, pages),
        "examples": EXAMPLES,
        "save_querystring": querystring(query, page=None),
        "title": _("“%(q)s”: search") % {"q": query.text} if query.text else _("Search"),
    }
    response = render(request, "search/search.html", context)
    if outcome.degraded:
        # The database's stand-in while the index is down: no cache may keep it (the visitors' page cache honours
        # this), or visitors would go on seeing it, notice and all, once the index is back.
        add_never_cache_headers(response)
    return response


def _pagination(query: SearchQuery, pages: int) -> dict | None:
    if pages <= 1:
        return None
    current = min(query.page, pages)
    window = range(max(1, current - 3), min(pages, current + 3) + 1)
    return {
        "current": current,
        "pages": pages,
        "previous": "?" + querystring(query, page=current - 1 if current > 2 else None) if current > 1 else "",
        "next": "?" + querystring(query, page=current + 1) if current < pages else "",
        "numbers": [(number, "?" + querystring(query, page=number if number > 1 else None)) for number in window],
    }
