"""Wagtail's page view, kept whole for visitors who are not signed in (``techmarket/pagecache.py``), as the market's
list pages are: an editorial page looks the same to every such visitor, and the home page's figures and lists take
a few dozen queries to build. What the pages show forgets them when it changes (:mod:`cms.signals`).
"""

from django.urls import URLPattern
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views

from techmarket import pagecache

from .forms import PolicyFilterForm

# Every query parameter an editorial page reads: the policy index's filters. Others are dropped for visitors.
PAGE_PARAMETERS = tuple(PolicyFilterForm.base_fields)


def _serve_rendered(request, path):
    """Wagtail's view, its template response rendered here: the cache keeps the HTML, and sees whether the page
    used a CSRF token (a form for the signed-in) only once it is rendered."""
    response = wagtail_views.serve(request, path)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


serve = pagecache.cached_for_visitors(params=PAGE_PARAMETERS)(_serve_rendered)


def _cached(pattern):
    if isinstance(pattern, URLPattern) and pattern.callback is wagtail_views.serve:
        return URLPattern(pattern.pattern, serve, pattern.default_args, pattern.name)
    return pattern


# Wagtail's own URLs (its page view under the same name, so page addresses reverse as before).
urlpatterns = [_cached(pattern) for pattern in wagtail_urls.urlpatterns]
