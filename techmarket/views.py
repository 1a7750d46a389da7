import sys

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

from techmarket import errors
from techmarket.accounts.selectors import organisation_counts_by_province
from techmarket.regions import gbt2260


def home(request: HttpRequest) -> HttpResponse:
    """The front page: what the market is for, and who is on it, by province."""
    counts = organisation_counts_by_province()
    provinces = [
        {
            "code": p.code,
            "name": p.name,
            "suppliers": counts.get(p.code, {}).get("suppliers", 0),
            "enterprises": counts.get(p.code, {}).get("enterprises", 0),
        }
        for p in gbt2260.provinces()[:4]
    ]
    return render(request, "home.html", {"provinces": provinces})


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except` block (under WSGI, in the same thread), so the exception is at hand:
    # a lock that a middleware met (saving the session) is a 503 to retry, as it is in a view.
    if errors.is_database_busy(sys.exc_info()[1]):
        return errors.database_busy_response(request)
    return defaults.server_error(request)
