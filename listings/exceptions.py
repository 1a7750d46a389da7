"""Errors of the market. A :class:`ListingError`'s message is shown to the user as it is."""

from techmarket.exceptions import Refused, TooManyRequests


class ListingError(Refused):
    """The request is refused: the listing's state or the rules do not allow it. The message says why."""


class RateLimited(ListingError, TooManyRequests):
    """Too many inquiries in too short a time."""
