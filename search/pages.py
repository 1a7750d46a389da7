"""The editorial pages' tab of the search page: policies, news, events, guides and portals found by their words.

The pages belong to the CMS, which the search app does not import (apps depend
one way; cms reads the others). The CMS provides the search in its
``AppConfig.ready()`` through :func:`provide`; until it does, the tab finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

PageSearch = Callable[[str], Sequence]


def _nothing(text: str) -> Sequence:
    return []


_search: PageSearch = _nothing


def provide(search: PageSearch) -> None:
    global _search
    _search = search


def search_pages(text: str) -> Sequence:
    """Live, public pages in the page's language whose title or summary has every word of ``text``, newest first."""
    return _search(text)
