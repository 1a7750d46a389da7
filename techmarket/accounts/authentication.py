"""The API's authentication classes."""

from rest_framework import authentication

from techmarket.exceptions import TooManyRequests
from techmarket.throttling import throttled


class BasicAuthentication(authentication.BasicAuthentication):
    """DRF's basic authentication, whose sign-in goes through the same backend (and limits) as the sign-in page.

    The backend refuses too many failures from one address, and any sign-in to a locked account, with
    ``TooManyRequests``; raised here as DRF's own 429 so that DRF treats the request as anonymous from then on
    (it would otherwise try the sign-in again, and count it again, whenever something reads ``request.user``).
    """

    def authenticate_credentials(self, userid, password, request=None):
        try:
            return super().authenticate_credentials(userid, password, request)
        except TooManyRequests as error:
            raise throttled(error) from error
