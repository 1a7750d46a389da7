"""Errors of the editorial pages a member can act on. A :class:`RegistrationError`'s message is shown as it is."""

from techmarket.exceptions import Refused


class RegistrationError(Refused):
    """An event registration or cancellation is refused: the event is closed, or the member's place says no."""

    status_code = 400


class AlreadyRegistered(RegistrationError):
    """The member already has a place, or a place on the waiting list, at the event."""

    status_code = 409
