"""Project middleware."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.utils import translation


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
