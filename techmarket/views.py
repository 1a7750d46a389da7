import sys

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions as drf_exceptions

from techmarket import errors

# The error handlers (techmarket/urls.py): JSON under /api/, whose clients read JSON; the site's pages elsewhere.
# They answer what DRF's views do not: an unknown address, or a failure outside a view. DRF's details are reused for
# the messages, so the API's errors read the same whoever raised them (and come with DRF's translations).


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if errors.is_api_request(request):
        return errors.api_error(drf_exceptions.ParseError.default_detail, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if errors.is_api_request(request):
        return errors.api_error(drf_exceptions.PermissionDenied.default_detail, status=403)
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if errors.is_api_request(request):
        return errors.api_error(drf_exceptions.NotFound.default_detail, status=404)
    return render(request, "404.html", status=404)


@csrf_exempt  # a POST to no endpoint is a 404, not the CSRF check's HTML 403: there is nothing to protect
def api_not_found(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """An address under /api/ that names no endpoint, or an object id of the wrong form (`/listings/abc/`)."""
    return errors.api_error(drf_exceptions.NotFound.default_detail, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except` block (under WSGI, in the same thread), so the exception is at hand:
    # a lock that a middleware met (saving the session) is a 503 to retry, as it is in a view.
    if errors.is_database_busy(sys.exc_info()[1]):
        return errors.database_busy_response(request)
    if errors.is_api_request(request):
        return errors.api_error(drf_exceptions.APIException.default_detail, status=500)
    return defaults.server_error(request)
