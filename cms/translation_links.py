"""The editorial pages in the site's two languages: addresses, the language switcher, the lists of pages.

Pages are written in the default language (Chinese, at ``/``) and translated into English in the admin; an English
page lives at the same address under ``/en/`` as long as its slug is the original's (Wagtail's "Translate" keeps
it). A Chinese page that has no English translation yet is served under ``/en/`` too, with the site's English words
around it, so an English reader is never sent back to Chinese by a link or the switcher. Lists of pages (the home
page's, an index's, a feed) list the default language's pages, each in its translation where it has one.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_info
from wagtail.models import Page


def _prefix(language: str) -> str:
    """Where the pages of the language start: ``/`` for the default one, ``/en/`` for English."""
    with translation.override(language):
        return reverse("home")


def _content_languages() -> list[str]:
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]


def in_reading_language(page_path: str) -> str:
    """The address of a page for the reader's language: a page of the default language's tree, read in another
    language, at the same address under that language's prefix; any other page at its own."""
    reading, default = translation.get_language(), settings.LANGUAGE_CODE
    if reading == default or reading not in _content_languages():
        return page_path
    translated = [_prefix(code) for code in _content_languages() if code != default]
    if any(page_path.startswith(prefix) for prefix in translated):
        return page_path
    base = _prefix(default)
    if not page_path.startswith(base):
        return page_path
    return _prefix(reading) + page_path[len(base) :]


def original(page: Page) -> Page:
    """The live page of the default language that ``page`` translates, or ``page`` itself (in the default language
    already, or written only in another)."""
    if page.locale.language_code == settings.LANGUAGE_CODE:
        return page
    found = page.get_translations().live().filter(locale__language_code=settings.LANGUAGE_CODE).first()
    return found.specific if found is not None else page


def original_home(home: Page) -> Page | None:
    """The default language's home page that ``home`` translates, or None when ``home`` is that one."""
    found = original(home)
    return found if found.pk != home.pk else None


def language_links(page: Page, request) -> list[dict]:
    """The language switcher on an editorial page: for each language, the page's live translation in it when there
    is one; else, for a page of the default language, the same page with the site's words in that language; else
    (a page written only in another language) the home page of that language. Two queries."""
    translations = {
        other.locale.language_code: other
        for other in Page.objects.filter(translation_key=page.translation_key)
        .exclude(pk=page.pk)
        .live()
        .select_related("locale")
    }
    translations[page.locale.language_code] = page
    current = translation.get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            target = translations.get(code)
            if target is None and page.locale.language_code == settings.LANGUAGE_CODE:
                target = page
            url = target.get_url(request) if target is not None else reverse("home")
        links.append(
            {"code": code, "name": get_language_info(code)["name_local"], "url": url, "current": code == current}
        )
    return links


def in_language(pages: list[Model], language: str) -> list[Model]:
    """The pages (of the default language) each replaced by its live, public translation in ``language`` when it
    has one: one query per kind of page."""
    if not pages or language == settings.LANGUAGE_CODE:
        return pages
    found: dict = {}
    for model in {type(page) for page in pages}:
        keys = [page.translation_key for page in pages if type(page) is model]
        translated = model.objects.live().public().filter(locale__language_code=language, translation_key__in=keys)
        found.update({other.translation_key: other for other in translated})
    return [found.get(page.translation_key, page) for page in pages]
