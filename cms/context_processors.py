from django.utils.functional import SimpleLazyObject

from .site_settings import platform_contact


def contact(request):
    """The platform's contact details for the footer; read (from the cache) only by a page that shows them."""
    return {"platform_contact": SimpleLazyObject(platform_contact)}
