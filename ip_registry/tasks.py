"""Background tasks of the registry: the daily reminders of licence contracts awaiting recordal."""

import datetime

from django.utils import timezone
from django_tasks import task

from .recordals import recordal_reminders_send


@task()
def send_recordal_reminders_task(on: str | None = None) -> int:
    """Remind the parties of the contracts due for recordal within a week; ``on`` (YYYY-MM-DD) stands for today.

    Returns the number of e-mails queued.
    """
    day = datetime.date.fromisoformat(on) if on else timezone.localdate()
    return recordal_reminders_send(on=day)
