"""Searching as the pages use it: the configured backend, and the database when the backend fails."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .backends import SearchUnavailable, get_backend
from .database import database_search
from .query import SearchQuery, SearchResult

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    result: SearchResult
    # True when the backend failed and the database answered: no ranking, and the page says so.
    degraded: bool = False


def run_search(query: SearchQuery) -> Outcome:
    """The backend's answer, or the database's if the backend raises or times out: never an error."""
    try:
        return Outcome(get_backend().search(query))
    except SearchUnavailable as error:
        logger.warning("search backend unavailable, answering from the database: %s", error)
    except Exception:
        logger.exception("search backend failed, answering from the database")
    return Outcome(database_search(query), degraded=True)
