"""Error answers the whole site shares: JSON under ``/api/``, pages elsewhere, and 503 for a busy database.

The API's clients read JSON, so every error under ``/api/`` is a ``{"detail": ...}`` body, whatever raised it:
DRF's views answer through ``techmarket.api.exception_handler``, and the error handlers of ``techmarket/urls.py``
answer for everything else (an unknown address, a failure in a middleware).

A database that stays locked longer than its timeout is not a bug of the request: it is answered 503 with
``Retry-After``, a page saying to try again (or JSON under ``/api/``), not a 500.
"""

from __future__ import annotations

import logging

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Seconds a client is told to wait before trying again: the lock holder is another request, done in moments.
RETRY_AFTER_SECONDS = 5

# PostgreSQL's SQLSTATE for a lock not obtained within lock_timeout (or NOWAIT).
_LOCK_NOT_AVAILABLE = "55P03"


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def is_database_busy(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database was locked by another transaction for longer than we wait.

    SQLite says "database is locked" once its busy timeout has passed; PostgreSQL raises lock_not_available when a
    ``lock_timeout`` is set (the role's or the session's) and passes.
    """
    if not isinstance(exc, OperationalError):
        return False
    return "database is locked" in str(exc) or getattr(exc.__cause__, "sqlstate", None) == _LOCK_NOT_AVAILABLE


def busy_message() -> str:
    return _("The site is busy at the moment and could not finish your request. Please try again in a few seconds.")


def api_error(detail, *, status: int) -> JsonResponse:
    """An API error as DRF's own errors look: ``{"detail": ...}``."""
    return JsonResponse({"detail": str(detail)}, status=status, json_dumps_params={"ensure_ascii": False})


def database_busy_response(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After``: JSON under ``/api/``, else the site's page saying to try again."""
    if is_api_request(request):
        response = api_error(busy_message(), status=503)
    else:
        try:
            response = render(request, "503.html", {"retry_after": RETRY_AFTER_SECONDS}, status=503)
        except Exception:
            # The page reads the visitor from the database that just failed us; if even that fails, the client
            # still gets a 503 that tells it to come back, rather than a 500.
            logger.exception("The 503 page could not be rendered")
            response = HttpResponse(busy_message(), status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
