"""Shared REST API plumbing: the v1 router and the exception handler (the JSON parser is in ``parsers.py``)."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.utils.log import log_response
from rest_framework import exceptions, routers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from techmarket import errors
from techmarket.exceptions import Refused, TooManyRequests
from techmarket.throttling import throttled

router = routers.DefaultRouter()


def public_api_only(endpoints, **kwargs):
    """Keep the OpenAPI schema to this project's API (Wagtail's admin API is internal), each operation once: every
    path ends with a slash, and a path without one is only a lenient alias (a patent number typed without it)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/") and endpoint[0].endswith("/")]


def exception_handler(exc, context):
    """Turn the domain's refusals into 400s (429 for too many requests) whose body carries the message, as the pages
    show it; a model's validation errors become field errors, as the forms show them. A database locked past its
    timeout is a 503 to retry; any other exception is a bug, logged with its traceback and answered as a JSON 500."""
    if errors.is_database_busy(exc):
        return Response(
            {"detail": errors.busy_message()},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(errors.RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        # A model's clean() files its errors under "__all__"; the API names them as DRF does.
        if NON_FIELD_ERRORS in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, TooManyRequests):
        exc = throttled(exc)
    elif isinstance(exc, Refused):
        exc = exceptions.ValidationError(detail={api_settings.NON_FIELD_ERRORS_KEY: [str(exc)]})
    response = drf_exception_handler(exc, context)
    if response is None:
        # A bug: the client still gets JSON. The rest is what Django does with an uncaught exception: the signal
        # (error reporters and the test client listen to it) and the log, with the traceback.
        request = context["request"]
        got_request_exception.send(sender=None, request=request._request)
        response = Response({"detail": exceptions.APIException.default_detail}, status=500)
        log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request, exception=exc)
    return response
