"""Errors a user can act on. Anything else that goes wrong is a bug and surfaces as one."""

from techmarket.exceptions import Refused, TooManyRequests


class AccountsError(Refused):
    """A request the rules refuse; the message is shown to the user as it is."""


class LastAdminError(AccountsError):
    """An organisation must always keep at least one administrator."""


class MembershipExists(AccountsError):
    """The person already belongs to, or has asked to join, the organisation."""


class AccountLocked(AccountsError, TooManyRequests):
    """Sign-in refused: the account is locked after too many failed sign-ins (whatever the password this time)."""


class ChangeRequestPending(AccountsError):
    """A verified organisation has one change request awaiting the platform staff at a time."""
