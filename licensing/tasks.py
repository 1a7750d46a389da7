"""Background tasks of licensing: the periodic reconciliation of payments with their gateways."""

from __future__ import annotations

import datetime

from django_tasks import task

from .payments.services import payments_expire, payments_reconcile


@task()
def reconcile_payments_task(older_than_minutes: int = 10) -> dict[str, int]:
    """What ``manage.py reconcile_payments --older-than N`` does, for a scheduler: expire lapsed transfer references,
    then ask the gateway of each open payment not changed for ``older_than_minutes`` what became of it (a Stripe
    payment whose webhook never came is settled here). Returns the counts for the scheduler's log."""
    expired = payments_expire()
    age = datetime.timedelta(minutes=older_than_minutes) if older_than_minutes else None
    report = payments_reconcile(older_than=age)
    return {
        "expired": expired + report.expired,
        "checked": report.checked,
        "started": report.started,
        "succeeded": report.succeeded,
        "failed": report.failed,
        "pending": report.pending,
        "errors": len(report.errors),
    }
