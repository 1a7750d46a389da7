from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

# The site's main areas. An area whose app has not landed yet shows as "coming soon", not as a broken link.
NAVIGATION = [
    (_("Technology market"), "listings:listing_list"),
    (_("Search"), "search:search"),
    (_("Technology demands"), "listings:demand_list"),
    (_("IP registry"), "ip_registry:dashboard"),
    (_("Organisations"), "accounts:organisation_list"),
]


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def site(request):
    path = request.path
    items = []
    for label, name in NAVIGATION:
        url = _url_or_none(name)
        items.append({"label": label, "url": url, "active": bool(url) and path.startswith(url)})
    return {
        "navigation": items,
        "site_search_url": _url_or_none("search:search"),
        "language_links": _language_links(request),
    }


def _language_links(request) -> list[dict]:
    """This page in each of the site's languages: plain links (the language is in the address), which any
    visitor can follow and any cache can keep, where a form would need a CSRF token."""
    current = get_language()
    here = request.get_full_path()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(here, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]
