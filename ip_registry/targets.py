"""Writes to the plan targets: platform staff add and correct them; every save leaves an audit row."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from techmarket.audit.services import audit_record

from . import permissions
from .models import Target

TARGET_FIELDS = ("metric", "region", "period_start", "period_end", "comparison", "value", "kinds", "source")


@transaction.atomic
def target_save(*, actor, target: Target | None = None, **fields) -> Target:
    """Create a target, or change the given one, after validating it as a whole.

    ``actor`` is the staff member saving it, or ``None`` for the system itself
    (as in the registry's services).
    """
    if actor is not None and not permissions.can_edit_targets(actor):
        raise PermissionDenied
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise ValueError(f"not a target field: {', '.join(sorted(unknown))}")
    if target is None:
        target, before = Target(**fields), {}
    else:
        target = Target.objects.select_for_update().get(pk=target.pk)
        before = {name: getattr(target, name) for name in fields}
        for name, value in fields.items():
            setattr(target, name, value)
    target.full_clean()
    target.save()
    # Compared as saved: cleaning may have settled a field (what a joint-application target counts).
    after = {name: getattr(target, name) for name in fields}
    changed = {
        name: [str(before.get(name, "")), str(value)] for name, value in after.items() if before.get(name) != value
    }
    audit_record(actor=actor, action="target.save", target=target, summary=str(target), data=changed)
    return target
