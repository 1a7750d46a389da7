"""Project middleware."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.shortcuts import render
from django.utils import translation

from techmarket import errors
from techmarket.exceptions import TooManyRequests


class ApiLanguageMiddleware:
    """Let API clients choose their language with ``Accept-Language`` (or the language cookie).

    Pages are Chinese at ``/`` and English under ``/en/``, so Django's
    ``LocaleMiddleware`` answers every unprefixed path in the default language.
    The API has no language prefix; this puts the request's own choice back for
    it. ``LocaleMiddleware`` (before this one) still sets ``Content-Language``
    and ``Vary: Accept-Language`` on the response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class TooManyRequestsMiddleware:
    """Answer a page whose view was refused for too many requests (``TooManyRequests``: a rate limit, a locked
    account) with the site's 429 page, saying why and when to try again, and a ``Retry-After`` header.

    One place for every page, including those whose views are Django's or Wagtail's (sign-in, password reset,
    the admin sign-in), where the refusal comes from the authentication backend. The API answers its own 429s.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, TooManyRequests):
            return None
        response = render(request, "429.html", {"message": str(exception)}, status=429)
        if exception.retry_after is not None:
            response["Retry-After"] = str(max(1, exception.retry_after))
        return response


class DatabaseBusyMiddleware:
    """Answer 503 with ``Retry-After`` when a view finds the database locked past its timeout, instead of a 500.

    Writers wait their turn (SQLite begins each transaction IMMEDIATE, with a busy timeout); only a lock held longer
    than that gets here. Failures outside a view (a middleware saving the session) reach ``handler500``, which
    answers them the same way; DRF's views answer through ``techmarket.api.exception_handler``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if errors.is_database_busy(exception):
            return errors.database_busy_response(request)
        return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the relaxations of ``CSP_PATH_RELAXATIONS`` on their own paths only.

    The site's own pages get the strict policy of ``CONTENT_SECURITY_POLICY``
    (scripts and styles from the site, nothing inline). The admin sites are
    third-party templates with inline scripts or styles of their own; what they
    need is added for their URL prefixes, so that no page of the site has it.
    """

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        for prefix, extra in settings.CSP_PATH_RELAXATIONS.items():
            if request.path_info.startswith(prefix):
                update = {key: list(value) for key, value in (parts.update or {}).items()}
                for directive, sources in extra.items():
                    update[directive] = [*update.get(directive, []), *sources]
                parts.update = update
        return parts
