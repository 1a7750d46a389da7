"""``{% listing_import_link organisation %}``: the link to the bulk import page, for members who may import.

For the organisation's page, which belongs to the accounts app (which does not import the listings app).
"""

from django import template

from .. import permissions

register = template.Library()


@register.inclusion_tag("listings/includes/import_link.html", takes_context=True)
def listing_import_link(context, organisation):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "organisation": organisation,
        "show": user is not None and permissions.can_create_listing(user, organisation),
    }
