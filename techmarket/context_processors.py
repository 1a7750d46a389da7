from django.urls import NoReverseMatch, reverse
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
    return {"navigation": items, "search_url": _url_or_none("search:search")}
