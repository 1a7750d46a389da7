"""The API's side of the rate limits (``techmarket/ratelimit.py``): refusals as DRF's 429 and the write throttle.

Apart from ``techmarket/api.py`` because DRF imports its default throttle and authentication classes while its own
views module is still loading: this module imports nothing of DRF that imports those views.
"""

from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import BaseThrottle

from techmarket.exceptions import TooManyRequests
from techmarket.ratelimit import ratelimit_hit


def throttled(exc: TooManyRequests) -> exceptions.Throttled:
    """DRF's 429 with our message as it is and, when known, the wait as its ``Retry-After`` header."""
    answer = exceptions.Throttled(detail=str(exc))
    # Set after construction: given to the constructor, DRF would append its own sentence to our message.
    answer.wait = exc.retry_after
    return answer


class WriteRateThrottle(BaseThrottle):
    """Every API write (any method but GET, HEAD, OPTIONS) counts against the ``api_write`` rates of the caller's
    address and account (``settings.RATELIMITS``); reads are not limited here."""

    def allow_request(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        # Raises TooManyRequests, which the API's exception handler answers with a 429 and its Retry-After.
        ratelimit_hit(
            request=request._request,
            scope="api_write",
            account=str(user.pk) if user.is_authenticated else None,
        )
        return True
