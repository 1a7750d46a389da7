"""Project middleware."""

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
