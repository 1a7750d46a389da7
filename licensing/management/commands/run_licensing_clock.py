"""``manage.py run_licensing_clock``: the pay-later agreements' and royalty reports' daily moves. Run it once a day."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from licensing.services.clock import licensing_clock


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date takes a date as YYYY-MM-DD, not {text!r}.") from None


class Command(BaseCommand):
    help = (
        "Ask firms at the end of their trial, convert those that did not answer in time, invoice and remind "
        "instalments, mark unpaid agreements overdue, in grace or defaulted (opening claims on the risk fund), and "
        "remind and escalate royalty reports. Running it twice on one day does nothing the second time."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="The day to run for (default: today).")

    def handle(self, *args, date: str | None = None, **options) -> None:
        on = _day(date) if date else timezone.localdate()
        report = licensing_clock(on=on)
        self.stdout.write(
            f"{on.isoformat()}: asked {report.asked}, converted {report.converted}, invoiced {report.invoiced}, "
            f"reminded {report.reminded}, overdue {report.overdue}, grace {report.grace}, "
            f"defaulted {report.defaulted}, claims {report.claims}, reports reminded {report.reports_reminded}, "
            f"reports escalated {report.reports_escalated}."
        )
