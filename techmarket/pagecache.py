"""Public pages kept whole for visitors who are not signed in: the market's list and listing pages, the search page,
the editorial pages (``cms/serving.py``).

Such pages take tens of milliseconds to build (their queries, the search
engine, the templates) and look the same to every visitor who is not signed
in, which is most of their traffic. :func:`cached_for_visitors` keeps such a
page's HTML in the ``pages`` cache (files, shared by the machine's worker
processes) for ``LISTING_PAGE_CACHE_SECONDS`` at most (0 turns it off).

- Only GET requests from visitors: no session cookie (nobody signed in) and no
  messages cookie (nothing waiting to be shown); only 200 responses of pages
  that used no CSRF token and wrote nothing to the session or the messages,
  and whose ``Cache-Control`` does not forbid keeping them (``no-store`` or
  ``private``: a search answered by the database while the index is down
  says so, and must not outlive the outage).
  (The language switcher is made of links, not a form, so pages for visitors
  need no token.)
- The key is the page's address (scheme, host, path) with only the query
  parameters the view reads, which the decorator is given, in order of their
  names, and the language, plus a generation stamp that :func:`pages_changed`
  replaces. Any other parameter (``utm_source``, junk) is dropped from the
  request before the view sees it, so a thousand of them make no new entry and
  none of them finds its way into a page kept for everyone (the language
  links and ``?next=`` carry the request's address). The apps whose
  data the pages show call it after each write commits (``listings/signals.py``:
  listings, terms, images, files, patents, organisations, fields, brokers; the
  search index task once the index has changed; ``cms/signals.py``: editorial
  pages published, unpublished, moved or deleted, event registrations, the
  registry's ledger and targets), so a change shows at once, a suspension
  included; the timeout bounds anything else, such as a renamed account.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable, Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import get_language

CACHE = "pages"
GENERATION_KEY = "pages:generation"


def _enabled() -> bool:
    return settings.LISTING_PAGE_CACHE_SECONDS > 0


def _visitor(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and CookieStorage.cookie_name not in request.COOKIES


def _only_parameters(request: HttpRequest, names: frozenset[str]) -> None:
    """Leave the request only the query parameters the view reads, in order of their names (each name's values in
    the order given): the page then depends on nothing but what its key holds."""
    query = urlencode(
        [(name, value) for name in sorted(names.intersection(request.GET)) for value in request.GET.getlist(name)]
    )
    request.GET = QueryDict(query)
    # What request.get_full_path() and build_absolute_uri() read.
    request.META["QUERY_STRING"] = query


def _key(request: HttpRequest) -> str:
    cache = caches[CACHE]
    generation = cache.get(GENERATION_KEY)
    if generation is None:  # the first page since the cache was emptied
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY)
    page = f"{generation}|{get_language()}|{request.build_absolute_uri()}"
    return "pages:page:" + hashlib.sha256(page.encode()).hexdigest()


def _may_be_kept(response: HttpResponse) -> bool:
    """The response's ``Cache-Control`` lets a shared cache keep it (the view says so with Django's helpers,
    ``add_never_cache_headers`` or ``patch_cache_control(response, no_store=True)``)."""
    directives = {part.split("=", 1)[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}
    return not directives & {"no-store", "private"}


def _the_same_for_every_visitor(request: HttpRequest, response: HttpResponse) -> bool:
    """Nothing in the response belongs to this visitor: no cookie, no token, no session write, no message; and
    the view did not say it must not be kept."""
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and _may_be_kept(response)
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and not len(getattr(request, "_messages", ()))
    )


def cached_for_visitors(*, params: Iterable[str]) -> Callable:
    """Serve the view's page from the cache to visitors who are not signed in (see the module's docstring).

    ``params``: the names of every query parameter the view reads (its filter form's fields, ``page``); the
    others are dropped before the view runs, for visitors. A view that reads none gives ``()``.
    """
    names = frozenset(params)

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not (_enabled() and request.method == "GET" and _visitor(request)):
                return view(request, *args, **kwargs)
            _only_parameters(request, names)
            key = _key(request)
            cached = caches[CACHE].get(key)
            if cached is not None:
                content, content_type = cached
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if _the_same_for_every_visitor(request, response):
                caches[CACHE].set(
                    key, (response.content, response["Content-Type"]), settings.LISTING_PAGE_CACHE_SECONDS
                )
            return response

        return wrapper

    return decorator


def pages_changed() -> None:
    """Forget every cached page: what they show has changed. Pages cached before are never read again."""
    if _enabled():
        caches[CACHE].set(GENERATION_KEY, time.time_ns(), None)
