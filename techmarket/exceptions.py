"""The one base of every refusal a user can act on, whichever app refuses.

Each app keeps its own errors in its ``exceptions.py`` (``AccountsError``,
``RegistryError``, ``ListingError``, ...) and derives them from :class:`Refused`,
so that the API's one exception handler (``techmarket/api.py``) answers any of
them with a 400 whose body carries the message, and no view repeats that. An
exception that is not a ``Refused`` is a bug and surfaces as one.
"""


class Refused(Exception):
    """The rules refuse the request. The message says why, in words the user reads as they are."""


class TooManyRequests(Refused):
    """The request is refused for now: too many of its kind in too short a time (the API answers 429).

    ``retry_after`` is the number of seconds until it may be tried again, when known: the ``Retry-After`` header of
    the API's answer and of the pages' 429 page (``techmarket.middleware.TooManyRequestsMiddleware``).
    """

    def __init__(self, message: str = "", *, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after
