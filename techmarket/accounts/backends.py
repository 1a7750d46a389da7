from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .validators import looks_like_phone, normalize_phone


class EmailOrPhoneBackend(ModelBackend):
    """Sign in with an e-mail address (any case) or a mainland mobile number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        identifier = (username or kwargs.get(get_user_model().USERNAME_FIELD) or "").strip()
        if not identifier or password is None:
            return None
        User = get_user_model()
        if looks_like_phone(identifier):
            lookup = {"phone": normalize_phone(identifier)}
        else:
            lookup = {"email__iexact": identifier}
        try:
            user = User._default_manager.get(**lookup)
        except User.DoesNotExist:
            # Run the hasher anyway so that timing does not reveal which accounts exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
