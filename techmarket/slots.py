"""Places on a lower app's page where an upper app puts its part, without the lower app importing the upper one.

The organisation page belongs to the accounts app, which knows nothing of the
market; yet it shows the organisation's listings and, to its members, the link
to import them. The listings app registers those parts in its
``AppConfig.ready()`` (``slots.register(ORGANISATION_ACTIONS, part)``); the
page's view renders what each slot holds (``slots.render(...)``) and its template
places the HTML. A part is a function of the request and the page's object that
returns HTML, empty when it has nothing to show to this visitor.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

# The organisation page's slots: buttons beside its own, and sections under its details.
ORGANISATION_ACTIONS = "organisation_actions"
ORGANISATION_SECTIONS = "organisation_sections"
# The listing page's slot under its terms: what licensing offers on them (obtain an open licence, apply to pay later).
LISTING_DEALS = "listing_deals"

Part = Callable[[HttpRequest, Any], str]

_parts: dict[str, list[Part]] = defaultdict(list)


def register(slot: str, part: Part) -> None:
    """Add a part to a slot, once (``ready()`` may run more than once in tests)."""
    if part not in _parts[slot]:
        _parts[slot].append(part)


def render(slot: str, request: HttpRequest, obj: Any) -> SafeString:
    """The HTML of every part in the slot, in the order they were registered. Parts render their own templates,
    which escape what they show."""
    return mark_safe("".join(part(request, obj) for part in _parts[slot]))
