"""Rate limits: how many requests of one kind an address (IP) or an account may make in a window.

Every caller (sign-in, sign-up, password reset, inquiries, proposals, API writes) goes through
:func:`ratelimit_hit` (or, for sign-in, which counts only failures, :func:`ratelimit_check` and
:func:`ratelimit_count`). The limits are ``settings.RATELIMITS``: per scope, a rate per kind of key
(``"ip"``, ``"account"``) such as ``"20/h"``, each from an environment variable.

The counts live in the ``ratelimit`` cache. In the embedded default that is the database
(``DatabaseCache``), so that every worker process counts together; a per-process memory cache
would let an attacker spread their tries over the workers. A count is ``(hits, window end)``: the
window starts at the first hit and the stored row expires with it, so that waiting until the end
of the window is always enough. Counting is a read then a write, not an atomic increment: requests
racing in the same instant may each be counted once less, which a limit of this kind can bear.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from techmarket.exceptions import TooManyRequests

CACHE_ALIAS = "ratelimit"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    """At most ``count`` requests in ``seconds``."""

    count: int
    seconds: int


def parse_rate(text: str) -> Rate:
    """``"20/h"``, ``"5/15m"``, ``"100/d"``, ``"3/30s"``: a count, a slash, an optional number and a unit."""
    match = _RATE.match(text)
    if not match:
        raise ImproperlyConfigured(f"a rate is written like 20/h, 5/15m or 100/d, not {text!r}")
    count, number, unit = match.groups()
    return Rate(count=int(count), seconds=int(number or 1) * _UNITS[unit])


def client_ip(request: HttpRequest | None) -> str:
    """The address the request came from; behind ``CLIENT_IP_PROXY_COUNT`` proxies of our own, the one the
    outermost of them saw (the entries before it in ``X-Forwarded-For`` are the client's to write, so forgeable)."""
    if request is None:
        return ""
    proxies = settings.CLIENT_IP_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def now() -> float:
    """Now, as window ends and locks are written: seconds since the epoch by Django's clock, the one the database
    cache expires its rows by (and tests can move)."""
    return timezone.now().timestamp()


def _cache() -> BaseCache:
    return caches[CACHE_ALIAS]


def _cache_key(name: str) -> str:
    # Keys hold e-mail addresses and IPs: hashed, so any text gives a short key every cache backend accepts.
    return "rl:" + hashlib.sha256(name.encode()).hexdigest()


def counter_get(*, name: str) -> tuple[int, float]:
    """The hits counted under ``name`` and when its window ends (0 hits when none is running)."""
    value = _cache().get(_cache_key(name))
    if value is None or value[1] <= now():
        return 0, 0.0
    return value


def counter_add(*, name: str, seconds: int) -> tuple[int, float]:
    """Count one hit under ``name`` in a window of ``seconds`` starting at its first hit; the new count and the end."""
    hits, ends = counter_get(name=name)
    moment = now()
    if hits == 0:
        ends = moment + seconds
    _cache().set(_cache_key(name), (hits + 1, ends), timeout=max(1, math.ceil(ends - moment)))
    return hits + 1, ends


def counter_clear(*, name: str) -> None:
    _cache().delete(_cache_key(name))


def lock_get(*, name: str) -> float | None:
    """When the lock ``name`` ends, or None if it is not locked."""
    until = _cache().get(_cache_key(name))
    return until if until is not None and until > now() else None


def lock_add(*, name: str, seconds: int) -> bool:
    """Lock ``name`` for ``seconds`` unless it is locked already; whether this call locked it."""
    return _cache().add(_cache_key(name), now() + seconds, timeout=seconds)


def lock_clear(*, name: str) -> None:
    _cache().delete(_cache_key(name))


def retry_time(ends: float) -> str:
    """When a window ends, as the pages show times (local, to the minute)."""
    return date_format(timezone.localtime(datetime.fromtimestamp(ends, tz=UTC)), "Y-m-d H:i")


def _limits(request: HttpRequest | None, scope: str, account: str | None) -> Iterable[tuple[str, Rate]]:
    """Each counter of the scope that applies: its name and its rate."""
    rates = settings.RATELIMITS[scope]
    keys = {"ip": client_ip(request), "account": account or ""}
    for who, text in rates.items():
        if keys[who]:  # no address (a request made in code) or no account: that limit does not apply
            yield f"{scope}:{who}:{keys[who]}", parse_rate(text)


def ratelimit_check(*, request: HttpRequest | None, scope: str, account: str | None = None) -> None:
    """Refuse with :class:`TooManyRequests` if the address or the account has used up its rate, without counting."""
    for name, rate in _limits(request, scope, account):
        hits, ends = counter_get(name=name)
        if hits >= rate.count:
            raise TooManyRequests(
                _("Too many requests of this kind in a short time. Try again after %(time)s.")
                % {"time": retry_time(ends)},
                retry_after=math.ceil(ends - now()),
            )


def ratelimit_count(*, request: HttpRequest | None, scope: str, account: str | None = None) -> None:
    """Count one request against the address's and the account's rates (the refusal comes at the next check)."""
    for name, rate in _limits(request, scope, account):
        counter_add(name=name, seconds=rate.seconds)


def ratelimit_hit(*, request: HttpRequest | None, scope: str, account: str | None = None) -> None:
    """Check, then count one request of ``scope`` from the request's address and ``account`` (a user's pk, an
    e-mail address asked for). A refused request is not counted, so waiting for the time the refusal names works."""
    ratelimit_check(request=request, scope=scope, account=account)
    ratelimit_count(request=request, scope=scope, account=account)
