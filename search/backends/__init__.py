"""Search backends: the embedded tantivy index (default) and Elasticsearch, behind one interface.

``get_backend()`` returns the one named by the ``TECHMARKET_SEARCH`` setting.
Every backend takes the documents of ``search.documents`` and answers a
``SearchQuery`` with a ``SearchResult``; the contract tests
(``tests/search/contract.py``) hold them all to the same behaviour.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils.module_loading import import_string

from ..query import SearchQuery, SearchResult

BACKENDS = {
    "tantivy": "search.backends.tantivy.TantivyBackend",
    "elasticsearch": "search.backends.elasticsearch.ElasticsearchBackend",
}


class SearchUnavailable(Exception):
    """The backend failed or took too long; callers fall back to the database."""


class SearchBackend(ABC):
    name: str

    @abstractmethod
    def index(self, index: str, docs: Iterable[dict]) -> int:
        """Add or replace documents (by their ``id``); returns how many were written."""

    @abstractmethod
    def delete(self, index: str, ids: Iterable[int]) -> None:
        """Remove documents; ids not in the index are ignored."""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult: ...

    @abstractmethod
    def more_like_this(self, index: str, id: int, *, field: str = "", limit: int = 6) -> list[int]:
        """Ids of the documents most like the given one (never itself), those of ``field`` first."""

    @abstractmethod
    def like_text(self, index: str, text: str, *, field: str = "", limit: int = 6) -> list[int]:
        """Ids of the documents most like a free text (a demand's problem), those of ``field`` first."""

    @abstractmethod
    def rebuild(self, docs: dict[str, Iterable[dict]], *, progress: Callable[[int], None] | None = None) -> dict:
        """Replace each named index with the given documents; returns the count written per index."""

    @abstractmethod
    def ids(self, index: str) -> set[int]:
        """Every document id in an index (for ``search_status``)."""

    def close(self) -> None:  # noqa: B027 (most backends have nothing to let go of)
        """Let go of files and connections."""


_instances: dict[str, SearchBackend] = {}


def get_backend() -> SearchBackend:
    name = settings.TECHMARKET_SEARCH
    if name not in _instances:
        try:
            path = BACKENDS[name]
        except KeyError:
            raise ValueError(f"TECHMARKET_SEARCH must be one of {', '.join(BACKENDS)}, not {name!r}") from None
        _instances[name] = import_string(path).from_settings()
    return _instances[name]


def reset_backends() -> None:
    """Close and forget the backends made so far (tests point the settings elsewhere)."""
    while _instances:
        _name, backend = _instances.popitem()
        backend.close()
