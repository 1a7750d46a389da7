"""The search page: one box, facets with counts, filter chips, highlighted results; the URL holds it all."""

from __future__ import annotations

import math

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from techmarket import pagecache

from . import pages as search_pages
from . import presentation, suggestions
from .forms import MAX_PAGE, PAGE_SIZE, SORT_CHOICES, DemandSearchForm, PageSearchForm, SearchForm, querystring
from .query import DEMANDS, LISTING_FACETS, SearchQuery
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
    context["tabs"] = _tabs(query.text, listings=result.total)
    response = render(request, "search/search.html", context)
    if outcome.degraded:
        # The database's stand-in while the index is down: no cache may keep it (the visitors' page cache honours
        # this), or visitors would go on seeing it, notice and all, once the index is back.
        add_never_cache_headers(response)
    return response


@pagecache.cached_for_visitors(params=tuple(DemandSearchForm.base_fields))
def demands(request: HttpRequest) -> HttpResponse:
    """The demands tab: enterprises' open technology demands (企业出题), found by words, province and field."""
    form = DemandSearchForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "invalid": True, "tab": DEMANDS, "examples": EXAMPLES}
        return render(request, "search/demands.html", context, status=400)
    query = form.search_query()
    outcome = run_search(query)
    result = outcome.result
    pages = min(MAX_PAGE, math.ceil(result.total / PAGE_SIZE))
    context = {
        "form": form,
        "query": query,
        "result": result,
        "degraded": outcome.degraded,
        "relaxed": outcome.relaxed,
        "hits": presentation.demand_hits(result),
        "facets": presentation.facets(query, result),
        "chips": presentation.chips(query),
        "clear_url": "?" + querystring(SearchQuery(text=query.text, index=DEMANDS))
        if form.cleaned_data.get("province") or form.cleaned_data.get("field")
        else "",
        "pagination": _pagination(query, pages),
        "examples": EXAMPLES,
        "tabs": _tabs(query.text, demands=result.total),
        "tab": DEMANDS,
        "title": _("“%(q)s”: technology demands") % {"q": query.text} if query.text else _("Technology demands"),
    }
    response = render(request, "search/demands.html", context)
    if outcome.degraded:
        add_never_cache_headers(response)
    return response


@pagecache.cached_for_visitors(params=("q", "page"))
def pages(request: HttpRequest) -> HttpResponse:
    """The pages tab: the platform's policies, news, events and guides that have the words."""
    form = PageSearchForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "invalid": True, "tab": "pages", "examples": EXAMPLES}
        return render(request, "search/pages.html", context, status=400)
    text = form.cleaned_data["q"] or ""
    paginator = Paginator(search_pages.search_pages(text), PAGE_SIZE)
    page = paginator.get_page(form.cleaned_data["page"] or 1)
    context = {
        "form": form,
        "text": text,
        "page_obj": page,
        "hits": list(page.object_list),
        "tabs": _tabs(text),
        "tab": "pages",
        "title": _("“%(q)s”: pages") % {"q": text} if text else _("Policies, news and guides"),
    }
    return render(request, "search/pages.html", context)


def _tabs(text: str, *, listings: int | None = None, demands: int | None = None) -> dict:
    """The tabs for the same words: technologies and demands with their counts (the one not shown counted with one
    small search), and the pages."""
    if listings is None:
        listings = run_search(SearchQuery(text=text, page_size=1, highlight=False)).result.total
    if demands is None:
        open_only = {"status": ("open",)}
        demands = run_search(
            SearchQuery(text=text, filters=open_only, page_size=1, highlight=False, index=DEMANDS)
        ).result.total
    words = "?" + querystring(SearchQuery(text=text)) if text else ""
    return {"listings": listings, "demands": demands, "words": words}


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
