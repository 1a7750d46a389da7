from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from . import lockout
from .validators import looks_like_phone, normalize_phone


class EmailOrPhoneBackend(ModelBackend):
    """Sign in with an e-mail address (any case) or a mainland mobile number.

    Every sign-in with a password passes here (the sign-in page, the API's basic authentication, the admin), so
    the failed sign-in limits live here too (``lockout.py``): too many failures from one address, or a locked
    account, raise ``TooManyRequests``, which the pages and the API answer with a 429.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        identifier = (username or kwargs.get(get_user_model().USERNAME_FIELD) or "").strip()
        if not identifier or password is None:
            return None
        User = get_user_model()
        if looks_like_phone(identifier):
            identifier = normalize_phone(identifier)
            lookup = {"phone": identifier}
        else:
            identifier = identifier.lower()
            lookup = {"email__iexact": identifier}
        user = User._default_manager.filter(**lookup).first()
        lockout.signin_guard(request=request, identifier=identifier, user=user)
        if user is None:
            # Run the hasher anyway so that timing does not reveal which accounts exist.
            User().set_password(password)
        elif user.check_password(password) and self.user_can_authenticate(user):
            lockout.signin_succeeded(identifier=identifier, user=user)
            return user
        lockout.signin_failed(request=request, identifier=identifier, user=user)
        return None
