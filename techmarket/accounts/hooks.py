"""What the accounts app asks of the apps above it, without importing them.

Apps depend one way (accounts <- ip_registry <- listings). Before platform staff
approve a change of an organisation's kind, the market must say whether the
organisation's listings allow it: a university that becomes an enterprise may
not keep listings on the market. The listings app registers its check in
``ListingsConfig.ready()`` through :func:`provide_kind_change_check`; until an
app does, nothing stands in the way.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Organisation

# Given the organisation (as it is now) and the kind it would become: why not, in words the user reads, or "".
KindChangeCheck = Callable[[Organisation, str], str]

_kind_change_checks: list[KindChangeCheck] = []


def provide_kind_change_check(check: KindChangeCheck) -> None:
    """Add a check, once (``ready()`` may run more than once in tests)."""
    if check not in _kind_change_checks:
        _kind_change_checks.append(check)


def kind_change_refusal(organisation: Organisation, kind: str) -> str:
    """Why the organisation may not become ``kind`` now, or "" if nothing stands in the way."""
    if kind == organisation.kind:
        return ""
    for check in _kind_change_checks:
        reason = check(organisation, kind)
        if reason:
            return reason
    return ""
