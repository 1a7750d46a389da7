"""``manage.py update_legal_status [--on YYYY-MM-DD]``: the daily legal-status update; run it daily (cron, a timer).

Ends the patents whose term is over, puts those whose annual fee is overdue into the grace period, ends those
whose grace period is over and returns to force those whose fee was paid in it; each change is a ledger entry.
Exits 1 if a patent's change was refused (the others are made).
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ip_registry import services


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--on takes a date as YYYY-MM-DD, not {text!r}") from error


class Command(BaseCommand):
    help = (
        "Bring the patents' legal status up to date: term ended (expired), annual fee overdue (grace period), "
        "grace period over (lapsed), fee paid in the grace period (in force again). Run it once a day."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--on", type=_day, help="the day to bring the statuses to (default: today)")

    def handle(self, *args, on: datetime.date | None = None, **options) -> None:
        day = on or timezone.localdate()
        result = services.legal_statuses_update(on=day)
        for entry in result.changes:
            self.stdout.write(
                f"{entry.patent.application_number}: {entry.details['from']} -> {entry.details['to']} "
                f"from {entry.registration_date.isoformat()}"
            )
        counts = ", ".join(f"{status} {count}" for status, count in sorted(result.counts().items()))
        self.stdout.write(
            f"Legal status on {day.isoformat()}: {result.checked} checked, "
            f"{len(result.changes)} changed{f' ({counts})' if counts else ''}."
        )
        if result.refused:
            for patent, message in result.refused:
                self.stderr.write(f"{patent.application_number}: {message}")
            raise CommandError(f"{len(result.refused)} change(s) refused.")
