"""Errors of licensing. A :class:`LicensingError`'s message is shown to the user as it is."""

from techmarket.exceptions import Refused


class LicensingError(Refused):
    """A licensing rule refuses the request: it names its reason (and the law's article) as a person reads it."""
