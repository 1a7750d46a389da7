"""Failed sign-ins: the per-address limit, the account lockout, their audit rows and the owner's e-mail.

Called by the authentication backend (``backends.py``), so every way of signing in with a password shares them:
the sign-in page, the API's basic authentication, the Django and Wagtail admin sign-in.

An account is keyed by its user (so its e-mail address and its mobile number share one count) and an identifier
that matches no account by the identifier itself: it is counted and locked the same way, so that the lock
message does not tell who has an account. While locked, the password is not even checked, so the refusal cannot
say whether it was right. A successful sign-in clears the count; so does setting a new password through the
password reset e-mail, which proves the owner holds the mailbox.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from techmarket.audit.services import audit_record
from techmarket.notifications import absolute_url, email_on_commit
from techmarket.ratelimit import (
    client_ip,
    counter_add,
    counter_clear,
    lock_add,
    lock_clear,
    lock_get,
    now,
    ratelimit_check,
    ratelimit_count,
    retry_time,
)

from .exceptions import AccountLocked
from .models import User


def account_key(*, identifier: str, user: User | None) -> str:
    """What the failures are counted under: the user, or the identifier as typed (normalised) if no one has it."""
    return f"user:{user.pk}" if user is not None else f"name:{identifier.strip().lower()}"


def _lock_name(key: str) -> str:
    return f"signin-lock:{key}"


def _refusal(until: float) -> AccountLocked:
    return AccountLocked(
        _(
            "This account is locked for a while after too many failed sign-ins. "
            "Try again after %(time)s; if you have forgotten your password, reset it."
        )
        % {"time": retry_time(until)},
        retry_after=math.ceil(until - now()),
    )


def signin_guard(*, request: HttpRequest | None, identifier: str, user: User | None) -> None:
    """Before the password is checked: refuse if the address has failed too often, or the account is locked."""
    ratelimit_check(request=request, scope="signin")
    until = lock_get(name=_lock_name(account_key(identifier=identifier, user=user)))
    if until is not None:
        if user is not None:
            audit_record(
                actor=None,
                action="user.signin_locked",
                target=user,
                summary=identifier,
                data={"ip": client_ip(request)},
            )
        raise _refusal(until)


def signin_failed(*, request: HttpRequest | None, identifier: str, user: User | None) -> None:
    """A wrong password (or no such account): count it; at the limit lock the account, tell its owner and refuse."""
    ratelimit_count(request=request, scope="signin")
    key = account_key(identifier=identifier, user=user)
    ip = client_ip(request)
    failures, _ends = counter_add(name=f"signin-failures:{key}", seconds=settings.LOGIN_FAILURE_WINDOW_HOURS * 3600)
    if user is not None:
        audit_record(
            actor=None,
            action="user.signin_failed",
            target=user,
            summary=identifier,
            data={"ip": ip, "failures": failures},
        )
    if failures < settings.LOGIN_LOCKOUT_FAILURES:
        return
    seconds = settings.LOGIN_LOCKOUT_MINUTES * 60
    # Only the call that sets the lock tells the owner: one lockout, one audit row and one e-mail.
    if lock_add(name=_lock_name(key), seconds=seconds):
        # After the lock, a fresh count: the owner (or anyone) gets LOGIN_LOCKOUT_FAILURES tries again.
        counter_clear(name=f"signin-failures:{key}")
        if user is not None:
            _tell_owner(user=user, until=now() + seconds, failures=failures, ip=ip)
    raise _refusal(lock_get(name=_lock_name(key)) or now() + seconds)


def _tell_owner(*, user: User, until: float, failures: int, ip: str) -> None:
    audit_record(
        actor=None,
        action="user.locked",
        target=user,
        summary=user.email,
        data={"ip": ip, "failures": failures, "until": datetime.fromtimestamp(until, tz=UTC).isoformat()},
    )
    email_on_commit(
        template="account_locked",
        to=[user.email],
        context={
            "name": user.name,
            "failures": failures,
            "until": retry_time(until),
            "reset_url": absolute_url(reverse("accounts:password_reset")),
        },
    )


def signin_succeeded(*, identifier: str, user: User) -> None:
    """A right password on an unlocked account: the failures in a row start again from none."""
    counter_clear(name=f"signin-failures:{account_key(identifier=identifier, user=user)}")


def signin_unlock(*, user: User) -> None:
    """The owner proved they hold the mailbox (a password reset): lift the lock and forget the failures."""
    key = account_key(identifier="", user=user)
    lock_clear(name=_lock_name(key))
    counter_clear(name=f"signin-failures:{key}")
