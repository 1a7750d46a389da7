from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_platform_staff_group(sender, using, **kwargs):
    # This app's permissions are created by another post_migrate receiver that may
    # not have run yet; creating them first is idempotent.
    from django.contrib.auth.management import create_permissions

    from .permissions import platform_staff_group

    create_permissions(sender, verbosity=0, using=using)
    platform_staff_group()


class AccountsConfig(AppConfig):
    name = "techmarket.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self):
        # The project package is not an app: its system checks are registered by this, the first of its apps.
        from techmarket import checks  # noqa: F401
        from techmarket.audit.models import register_actions

        from . import schema  # noqa: F401  (registers the API authentication's schema extension)

        post_migrate.connect(_ensure_platform_staff_group, sender=self)
        register_actions(
            {
                "user.register": _("Account created"),
                "organisation.create": _("Organisation registered"),
                "organisation.claim": _("Organisation registered, taking over its record from the registry"),
                "organisation.update": _("Details changed"),
                "organisation.verify": _("Verified by the platform"),
                "organisation.reject": _("Verification refused"),
                "organisation.change_request": _("Change of verified details requested"),
                "organisation.change_approve": _("Change of verified details approved"),
                "organisation.change_reject": _("Change of verified details rejected"),
                "membership.request": _("Asked to join"),
                "membership.approve": _("Membership approved"),
                "membership.decline": _("Request declined"),
                "membership.remove": _("Member removed"),
                "membership.role": _("Role changed"),
                "broker.save": _("Manager profile saved"),
                "user.signin_failed": _("Sign-in failed: wrong password"),
                "user.signin_locked": _("Sign-in refused: account locked"),
                "user.locked": _("Account locked after failed sign-ins"),
                "user.signup_taken": _("Someone tried to sign up with this account's e-mail address or mobile number"),
            }
        )
