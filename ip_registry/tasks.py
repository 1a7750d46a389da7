"""Background tasks of the registry: the daily legal-status update and the reminders of licence contracts
awaiting recordal."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import task

from . import services
from .recordals import recordal_reminders_send


@task()
def update_legal_status_task(on: str | None = None) -> dict[str, int]:
    """End the patents whose term is over and follow unpaid annual fees through the grace period (see
    :func:`services.legal_statuses_update`), as of ``on`` (ISO date; today if not given).

    Returns the changes per new status, with "checked" and "refused" counts, for a scheduler's log.
    """
    day = datetime.date.fromisoformat(on) if on else timezone.localdate()
    result = services.legal_statuses_update(on=day)
    return {**result.counts(), "checked": result.checked, "refused": len(result.refused)}


@task()
def send_recordal_reminders_task(on: str | None = None) -> int:
    """Remind the parties of the contracts due for recordal within a week; ``on`` (YYYY-MM-DD) stands for today.

    Returns the number of e-mails queued.
    """
    day = datetime.date.fromisoformat(on) if on else timezone.localdate()
    return recordal_reminders_send(on=day)
